//! The HTTP router: the vote endpoint, the Leptos pages, and static files with a Dutch 404 behind them.

use super::delivery::assets::StaticAssets;
use super::delivery::page_cache::PageCache;
use super::discovery;
use super::guard::RateLimiter;
use super::headers;
use super::pages;
use super::state::AppState;
use super::vote_endpoint::{self, VOTE_PATH};
use crate::app::{App, shell};
use any_spawner::Executor;
use axum::extract::Request;
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Extension, Router};
use leptos::prelude::provide_context;
use leptos_axum::{generate_route_list, render_app_async_with_context};
use std::sync::Arc;

/// Builds the whole application for `state`.
///
/// Pages are mounted one by one instead of through `leptos_routes`, which would also give every
/// server function a public address: the vote is the one server function readers reach, through its
/// own handler.
pub fn build_router(mut state: AppState) -> Router {
    // Leptos spawns its rendering tasks on tokio; a second call (another router) is harmless.
    let _ = Executor::init_tokio();
    // Built files are read once, here; pages then name the island's files by their content hash.
    let assets = StaticAssets::load(&state.leptos_options);
    if let Some(name) = assets.hashed_output_name() {
        state.leptos_options.output_name = name.into();
    }
    let context = {
        let state = state.clone();
        move || provide_context(state.clone())
    };
    let render_page = {
        let state = state.clone();
        move |request: Request| load_and_render(state, request)
    };

    let mut router = Router::new()
        .route(
            VOTE_PATH,
            post(vote_endpoint::handle).layer(Extension(Arc::new(RateLimiter::new(
                state.settings.vote_burst,
                state.settings.votes_per_minute,
            )))),
        )
        .route("/feed.xml", get(discovery::feed))
        .route("/sitemap.xml", get(discovery::sitemap))
        .route("/robots.txt", get(discovery::robots));
    let pages = PageCache::new();
    for listing in generate_route_list(App) {
        let (pages, render_page) = (pages.clone(), render_page.clone());
        let page = move |request: Request| async move { pages.serve(request, render_page).await };
        router = router.route(listing.path(), get(page));
    }
    for (path, file) in assets.files() {
        let file = file.clone();
        router = router.route(
            path,
            get(move |request: Request| async move { file.respond(request.headers()) }),
        );
    }
    let router = router
        .fallback(leptos_axum::file_and_error_handler_with_context::<
            AppState,
            _,
        >(context, shell))
        .with_state(state.clone());
    headers::with_security_headers(router, &state.leptos_options, &state.settings)
}

/// Renders the page `request` asks for: its data is read first, then the page renders from context.
async fn load_and_render(state: AppState, request: Request) -> Response {
    let data = pages::load(&state, request.uri(), request.headers()).await;
    let options = state.leptos_options.clone();
    let context = move || {
        provide_context(state.clone());
        data.provide();
    };
    let render = render_app_async_with_context(context, move || shell(options.clone()));
    render(request).await
}
