//! Where every HTML page is rendered: the site's shell (the page table's pages, the desk), the
//! embed's shell and the Dutch 404, each with the state in the Leptos context, and each made valid
//! HTML (`valid_html`) as it leaves the renderer, before a kept page is compressed and kept.

use crate::app::{PageContent, embed_shell, not_found_shell, shell};
use crate::server::app::state::AppState;
use crate::server::web::valid_html;
use axum::extract::Request;
use axum::response::Response;
use axum::routing::MethodRouter;
use leptos::prelude::*;
use leptos_axum::render_app_async_with_context;

/// Renders the site's shell around `content` for `request`, with the state in context.
pub(crate) async fn render_page(
    state: AppState,
    content: PageContent,
    request: Request,
) -> Response {
    let options = state.leptos_options.clone();
    let context = move || provide_context(state.clone());
    let render =
        render_app_async_with_context(context, move || shell(options.clone(), content.clone()));
    valid_html::repaired(render(request).await).await
}

/// The handler for every address no route knows: a file from the site folder if there is one
/// (the favicon, images), else the Dutch 404 page.
pub fn not_found(state: &AppState) -> MethodRouter<AppState> {
    let context = {
        let state = state.clone();
        move || provide_context(state.clone())
    };
    // Files from the site folder pass `repaired` untouched: only uncompressed HTML is rewritten.
    axum::routing::any(leptos_axum::file_and_error_handler_with_context::<
        AppState,
        _,
    >(context, not_found_shell))
    .layer(axum::middleware::map_response(valid_html::repaired))
}

/// Renders the embed's own shell (the poll alone, for a frame) around `content` for `request`.
pub(crate) async fn render_embed(
    state: &AppState,
    content: PageContent,
    request: Request,
) -> Response {
    let options = state.leptos_options.clone();
    let context = {
        let state = state.clone();
        move || provide_context(state.clone())
    };
    let render = render_app_async_with_context(context, move || {
        embed_shell(options.clone(), content.clone())
    });
    valid_html::repaired(render(request).await).await
}
