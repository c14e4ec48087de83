//! Where every HTML page is rendered: the site's shell (the page table's pages, the desk), the
//! embed's shell and the 404, each made valid HTML (`valid_html`) as it leaves the renderer,
//! before a kept page is compressed and kept. Pages read their data before rendering, so nothing
//! of the state goes into the Leptos context here.

use crate::shell::{PageContent, embed_shell, not_found_shell, shell};
use crate::valid_html;
use axum::extract::{FromRef, Request};
use axum::response::Response;
use axum::routing::MethodRouter;
use leptos::config::LeptosOptions;
use leptos::prelude::{IntoView, provide_context};
use leptos_axum::render_app_async_with_context;
use std::sync::Arc;
use stembus_messages::Messages;

/// Renders the site's shell around `content` for `request`.
pub async fn render_page(
    options: &LeptosOptions,
    content: PageContent,
    request: Request,
) -> Response {
    render_in(shell, options, content, request).await
}

/// The handler for every address no route knows: a file from the site folder if there is one
/// (the favicon, images), else the 404 page, in French under `/fr/` (see `not_found_shell`).
pub fn not_found<S>(messages: Arc<Messages>) -> MethodRouter<S>
where
    S: Clone + Send + Sync + 'static,
    LeptosOptions: FromRef<S>,
{
    // Files from the site folder pass `repaired` untouched: only uncompressed HTML is rewritten.
    axum::routing::any(leptos_axum::file_and_error_handler_with_context::<S, _>(
        move || provide_context(messages.clone()),
        not_found_shell,
    ))
    .layer(axum::middleware::map_response(valid_html::repaired))
}

/// Renders the embed's own shell (the poll alone, for a frame) around `content` for `request`.
pub async fn render_embed(
    options: &LeptosOptions,
    content: PageContent,
    request: Request,
) -> Response {
    render_in(embed_shell, options, content, request).await
}

/// Renders `frame` (a shell) around `content` for `request`, made valid HTML.
async fn render_in<V: IntoView + 'static>(
    frame: fn(LeptosOptions, PageContent) -> V,
    options: &LeptosOptions,
    content: PageContent,
    request: Request,
) -> Response {
    let options = options.clone();
    let render =
        render_app_async_with_context(|| {}, move || frame(options.clone(), content.clone()));
    valid_html::repaired(render(request).await).await
}
