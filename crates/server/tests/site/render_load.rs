//! Thousands of pages rendered in parallel, each with a deadline. When pages loaded their data with
//! Leptos resources under `<Suspense>`, a render now and then lost its wake-up and never finished
//! (these tests failed in 8 of 15 runs); a reader would have waited for the request timeout.

use crate::common::{ARTICLE, BROWSER_ACCEPT, TestSite};
use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use std::time::Duration;
use tokio::task::JoinSet;
use tower::ServiceExt;

/// A page renders in milliseconds; one still pending after this is stuck.
const DEADLINE: Duration = Duration::from_secs(20);
const RENDERS: usize = 4000;
const AT_ONCE: usize = 24;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_rendered_in_parallel_all_finish() {
    let site = TestSite::new();
    let router = site.router();
    let mut running = JoinSet::new();
    let (mut finished, mut stuck) = (0, Vec::new());
    for render in 0..RENDERS {
        if running.len() >= AT_ONCE {
            tally(running.join_next().await, &mut finished, &mut stuck);
        }
        let router = router.clone();
        // A query string makes every render private, so none is served from the page cache.
        let path = if render % 2 == 0 { ARTICLE } else { "/" };
        let request = Request::get(format!("{path}?keer={render}"))
            .header(header::ACCEPT, BROWSER_ACCEPT)
            .body(Body::empty())
            .unwrap();
        running.spawn(async move {
            let response = tokio::time::timeout(DEADLINE, async {
                let response = router.oneshot(request).await.unwrap();
                let status = response.status();
                let body = response.into_body().collect().await.unwrap().to_bytes();
                (status, body.len())
            })
            .await;
            (render, response)
        });
    }
    while let Some(done) = running.join_next().await {
        tally(Some(done), &mut finished, &mut stuck);
    }
    assert!(stuck.is_empty(), "renders that never finished: {stuck:?}");
    assert_eq!(finished, RENDERS);
}

type Outcome = (
    usize,
    Result<(StatusCode, usize), tokio::time::error::Elapsed>,
);

fn tally(
    done: Option<Result<Outcome, tokio::task::JoinError>>,
    finished: &mut usize,
    stuck: &mut Vec<usize>,
) {
    match done
        .expect("a render was running")
        .expect("a render panicked")
    {
        (render, Ok((status, length))) => {
            assert_eq!(status, StatusCode::OK, "render {render}");
            assert!(length > 1000, "render {render}: {length} bytes");
            *finished += 1;
        }
        (render, Err(_)) => stuck.push(render),
    }
}

/// As a test runner runs tests: four threads, each with its own single-threaded runtime, rendering
/// one page after another. The old pages hung here most often, on the first renders.
#[test]
fn pages_rendered_on_separate_runtimes_all_finish() {
    let site = TestSite::new();
    let stuck: Vec<usize> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..4)
            .map(|worker| {
                let router = site.router();
                scope.spawn(move || render_one_by_one(router, worker))
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|worker| worker.join().unwrap())
            .collect()
    });
    assert!(stuck.is_empty(), "renders that never finished: {stuck:?}");
}

/// Renders `RENDERS / 4` pages in turn on a runtime of its own; returns the renders that got stuck,
/// numbered `worker * RENDERS + render`.
fn render_one_by_one(router: Router, worker: usize) -> Vec<usize> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let mut stuck = Vec::new();
    for render in 0..RENDERS / 4 {
        let path = if render % 2 == 0 { ARTICLE } else { "/" };
        let request = Request::get(format!("{path}?keer={worker}-{render}"))
            .header(header::ACCEPT, BROWSER_ACCEPT)
            .body(Body::empty())
            .unwrap();
        let router = router.clone();
        let outcome = runtime.block_on(async {
            tokio::time::timeout(DEADLINE, async {
                let response = router.oneshot(request).await.unwrap();
                assert_eq!(response.status(), StatusCode::OK, "render {render}");
                response.into_body().collect().await.unwrap().to_bytes()
            })
            .await
        });
        if outcome.is_err() {
            stuck.push(worker * RENDERS + render);
        }
    }
    stuck
}
