//! The test site shared by the router-level tests: a fresh database per test, requests through
//! `oneshot` without a socket.

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode, header};
use http_body_util::BodyExt;
use leptos::config::LeptosOptions;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use stembus::server::config::Settings;
use stembus::server::content::{BadContent, Library};
use stembus::server::router::build_router;
use stembus::server::state::AppState;
use stembus::server::store::Store;
use tower::ServiceExt;

pub const BROWSER_ACCEPT: &str = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";

pub struct TestSite {
    pub state: AppState,
    pub dir: tempfile::TempDir,
}

impl TestSite {
    /// The site with the shipped content, on a fresh database.
    pub fn new() -> TestSite {
        TestSite::on_database(tempfile::tempdir().unwrap())
    }

    /// The site with the shipped content on the database in `dir`: opening it again is a restart.
    pub fn on_database(dir: tempfile::TempDir) -> TestSite {
        TestSite::with_content(&shipped_content(), dir)
    }

    /// The site with the content files in `content`, on the database in `dir`.
    pub fn with_content(content: &Path, dir: tempfile::TempDir) -> TestSite {
        let library = Library::load(content, BadContent::Stop).unwrap();
        let polls: Vec<_> = library.polls().collect();
        let store = Store::open(&dir.path().join("stembus.db"), &polls).unwrap();
        let settings = Settings {
            database_path: dir.path().join("stembus.db"),
            ..Settings::default()
        };
        let state = AppState {
            leptos_options: LeptosOptions::builder().output_name("stembus").build(),
            settings: Arc::new(settings),
            library: Arc::new(library),
            store,
        };
        TestSite { state, dir }
    }

    /// The same site with its settings changed by `change`.
    pub fn with_settings(mut self, change: impl FnOnce(&mut Settings)) -> TestSite {
        let mut settings = (*self.state.settings).clone();
        change(&mut settings);
        self.state.settings = Arc::new(settings);
        self
    }

    pub fn router(&self) -> Router {
        build_router(self.state.clone())
    }

    pub async fn get(&self, path: &str, cookie: Option<&str>) -> Reply {
        let mut request = Request::get(path).header(header::ACCEPT, BROWSER_ACCEPT);
        if let Some(cookie) = cookie {
            request = request.header(header::COOKIE, cookie);
        }
        self.send(request.body(Body::empty()).unwrap()).await
    }

    /// Posts `body` to the vote endpoint as a browser form without JavaScript does.
    pub async fn post_form(&self, body: &str, cookie: Option<&str>) -> Reply {
        self.post(body, BROWSER_ACCEPT, cookie).await
    }

    /// Posts `body` to the vote endpoint as the poll island's fetch does.
    pub async fn post_fetch(&self, body: &str, cookie: Option<&str>) -> Reply {
        self.post(body, "application/json", cookie).await
    }

    pub async fn post(&self, body: &str, accept: &str, cookie: Option<&str>) -> Reply {
        let mut request = Request::post("/api/stem")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::ACCEPT, accept);
        if let Some(cookie) = cookie {
            request = request.header(header::COOKIE, cookie);
        }
        self.send(request.body(Body::from(body.to_string())).unwrap())
            .await
    }

    /// Sends `request` through a router built for it alone: no kept page and no rate-limit bucket
    /// carries over from an earlier request, so every page shows the database as it is now.
    /// (tests/site/page_cache.rs keeps one router, to test the page cache itself.)
    pub async fn send(&self, request: Request<Body>) -> Reply {
        let response = self.router().oneshot(request).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        Reply {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    /// Votes counted in the poll `poll_id`.
    pub async fn votes_in(&self, poll_id: &str) -> u64 {
        let (_, poll) = self.state.library.poll(poll_id).unwrap();
        self.state
            .store
            .standing(poll, None)
            .await
            .unwrap()
            .results
            .voters
    }
}

pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl Reply {
    /// The `name=value` part of the voter cookie this reply sets.
    pub fn voter_cookie(&self) -> Option<String> {
        self.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .find(|value| value.starts_with("stembus_kiezer="))
            .map(|value| value.split(';').next().unwrap().to_string())
    }

    pub fn location(&self) -> Option<&str> {
        self.headers
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
    }
}

/// The shipped article with a poll, and its poll.
pub const ARTICLE: &str = "/artikel/deepseek-nvidia-beurswaarde";
pub const POLL: &str = "deepseek-schade-nvidia";

/// The form body of a vote for `choice` in the shipped poll.
pub fn vote_body(choice: &str) -> String {
    format!("poll={POLL}&choice={choice}")
}

/// The content folder the site ships with.
pub fn shipped_content() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("content")
}
