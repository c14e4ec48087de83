//! How a desk page becomes HTML: a handler answers with a `DeskPage` (what to show, not rendered
//! yet), and `render_desk_pages`, the middleware in front of every desk route, renders it in the
//! site's shell for the request it answers, keeping the status and headers the handler gave it.
//! Rendering is async and needs the state, and `IntoResponse` is neither, hence the middleware.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use leptos::prelude::{AnyView, provide_context};
use std::sync::Arc;
use stembus_poll::language::Language;
use stembus_site::render::render_page;
use stembus_site::shell::PageContent;
use stembus_site::state::SiteState;

/// A page of the desk, to be rendered in the site's shell (in Dutch: the desk's language). Its
/// response carries no HTML until `render_desk_pages` writes it.
#[derive(Clone)]
pub struct DeskPage(Arc<dyn Fn() -> AnyView + Send + Sync>);

impl DeskPage {
    pub fn new(render: impl Fn() -> AnyView + Send + Sync + 'static) -> DeskPage {
        DeskPage(Arc::new(render))
    }
}

impl IntoResponse for DeskPage {
    fn into_response(self) -> Response {
        let mut response = Response::new(Body::empty());
        response.extensions_mut().insert(self);
        response
    }
}

/// Renders the `DeskPage` answer of any desk handler for the request that asked for it; every
/// desk route is behind it (`routes`), so no handler can answer with an unrendered page.
pub async fn render_desk_pages(
    State(state): State<SiteState>,
    request: Request,
    next: Next,
) -> Response {
    let asked = Asked::of(&request);
    let answer = next.run(request).await;
    render(state, asked, answer).await
}

/// `answer`'s `DeskPage` rendered for `request`, for an answer that `render_desk_pages` is not in
/// front of: axum's `route_layer` leaves a route's 405 fallback out.
pub async fn render_for(state: SiteState, request: Request, answer: Response) -> Response {
    render(state, Asked::of(&request), answer).await
}

/// What the page is rendered for: the request without its body, which the handler has consumed.
struct Asked {
    method: Method,
    uri: Uri,
    headers: HeaderMap,
}

impl Asked {
    fn of(request: &Request) -> Asked {
        Asked {
            method: request.method().clone(),
            uri: request.uri().clone(),
            headers: request.headers().clone(),
        }
    }

    fn into_request(self) -> Request {
        let mut request = Request::new(Body::empty());
        *request.method_mut() = self.method;
        *request.uri_mut() = self.uri;
        *request.headers_mut() = self.headers;
        request
    }
}

/// The handler's answer with its `DeskPage` rendered; any other answer (a redirect, a CSV file)
/// as it is. A status the handler chose wins over the render's 200; its headers (cookies,
/// `Retry-After`) are added to the page's.
async fn render(state: SiteState, asked: Asked, mut answer: Response) -> Response {
    let Some(DeskPage(render)) = answer.extensions_mut().remove::<DeskPage>() else {
        return answer;
    };
    // The desk's views find the words (an error's, for one) in the context.
    let words = state.words(Language::Dutch);
    let view_words = words.clone();
    let content = PageContent::new(words, move || {
        provide_context(view_words.clone());
        render()
    });
    let (answer, _) = answer.into_parts();
    let mut page = render_page(&state.leptos_options, content, asked.into_request()).await;
    if answer.status != StatusCode::OK {
        *page.status_mut() = answer.status;
    }
    for (name, value) in &answer.headers {
        page.headers_mut().append(name, value.clone());
    }
    page
}
