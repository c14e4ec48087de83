//! The web room's routes, on its own state: the pages from the page table, the vote door, the API
//! and the live stream, the standing as a picture, the embed, the discovery files and the built
//! files from memory.

use crate::api::results;
use crate::api::standing_picture;
use crate::delivery::assets::StaticAssets;
use crate::discovery;
use crate::embed;
use crate::pages;
use crate::state::WebState;
use crate::vote::door;
use axum::Router;
use axum::extract::Request;
use axum::routing::get;

/// Every address readers reach, with `assets` (the built files, read once) served from memory.
pub fn routes(state: &WebState, assets: &StaticAssets) -> Router<WebState> {
    let router = Router::new()
        .route(door::PATH, door::route(state))
        .route("/feed.xml", get(discovery::feed))
        .route("/sitemap.xml", get(discovery::sitemap))
        .route("/sitemap/{file}", get(discovery::sitemap_file))
        .route("/robots.txt", get(discovery::robots))
        .route(
            standing_picture::PATH,
            get(standing_picture::standing_picture),
        )
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
    router
}
