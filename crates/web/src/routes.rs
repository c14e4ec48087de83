//! The web room's routes, on its own state: the pages from the page table, the vote door, the API
//! and the live stream, the standing as a picture, the embed, the discovery files and the built
//! files from memory.

use crate::api::results;
use crate::delivery::assets::StaticAssets;
use crate::discovery;
use crate::embed;
use crate::pages;
use crate::state::WebState;
use crate::vote::door;
use axum::Router;
use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use std::sync::Arc;
use stembus_site::render::not_found;

/// Every address readers reach, with `assets` (the built files, read once) served from memory.
pub fn routes(state: &WebState, assets: &StaticAssets) -> Router<WebState> {
    let router = Router::new()
        .route(door::PATH, door::route(state))
        .route("/feed.xml", get(discovery::feed))
        .route("/sitemap.xml", get(discovery::sitemap))
        .route("/sitemap/{file}", get(discovery::sitemap_file))
        .route("/robots.txt", get(discovery::robots))
        .merge(results::routes())
        .merge(embed::routes(state));
    let mut router = pages::pages(router, &state.page_cache);
    for (path, file) in assets.files() {
        let file = file.clone();
        router = router.route(
            path,
            get(move |request: Request| async move { file.respond(request.headers()) }),
        );
    }
    // The folder's other addresses get what every unknown address gets (a file from the site
    // folder, as `cargo leptos watch` writes them, or the 404), unless they name another build's
    // file.
    if let Some(folder) = assets.folder_address() {
        router = router.route(
            &format!("{folder}/{{*file}}"),
            not_found::<WebState>(state.messages.clone()).layer(middleware::from_fn_with_state(
                Arc::new(assets.clone()),
                to_this_builds_file,
            )),
        );
    }
    router
}

/// Another build's hashed file (`/pkg/stembus.<hash>.css` of the node that rendered the page, in
/// a rolling upgrade) is answered with a temporary redirect to this build's, never kept by a
/// cache; anything else goes on to its route or the 404.
async fn to_this_builds_file(
    State(assets): State<Arc<StaticAssets>>,
    request: Request,
    next: Next,
) -> Response {
    match assets.this_builds(request.uri().path()) {
        Some(current) => (
            StatusCode::TEMPORARY_REDIRECT,
            [
                (header::LOCATION, current),
                (header::CACHE_CONTROL, "no-store".to_string()),
            ],
        )
            .into_response(),
        None => next.run(request).await,
    }
}
