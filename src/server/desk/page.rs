//! How a desk page becomes HTML: a handler answers with a `DeskPage` (what to show, not rendered
//! yet), and `Rendered` around the handler renders it in the site's shell for the request it
//! answers, keeping the status and headers the handler gave it.
//!
//! Rendering is async and needs the state, and `IntoResponse` is neither; a middleware with the
//! state cannot be layered in `routes()`, which is built before the state exists. A wrapped
//! handler is given the state with every request, so the rendering happens there.

use crate::app::PageContent;
use crate::server::app::state::AppState;
use crate::server::web::render::render_page;
use axum::body::Body;
use axum::extract::Request;
use axum::handler::Handler;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use leptos::prelude::AnyView;
use std::future::Future;
use std::pin::Pin;

/// A page of the desk, to be rendered in the site's shell. Its response carries no HTML until
/// `Rendered` writes it, so a handler must be `Rendered`.
#[derive(Clone)]
pub struct DeskPage(PageContent);

impl DeskPage {
    pub fn new(render: impl Fn() -> AnyView + Send + Sync + 'static) -> DeskPage {
        DeskPage(PageContent::new(render))
    }
}

impl IntoResponse for DeskPage {
    fn into_response(self) -> Response {
        let mut response = Response::new(Body::empty());
        response.extensions_mut().insert(self);
        response
    }
}

/// A desk handler whose `DeskPage` answers are rendered for the request that asked for them.
#[derive(Clone)]
pub struct Rendered<H>(pub H);

impl<H, T> Handler<T, AppState> for Rendered<H>
where
    H: Handler<T, AppState>,
{
    type Future = Pin<Box<dyn Future<Output = Response> + Send>>;

    fn call(self, request: Request, state: AppState) -> Self::Future {
        let asked = Asked::of(&request);
        Box::pin(async move {
            let answer = self.0.call(request, state.clone()).await;
            render(state, asked, answer).await
        })
    }
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
async fn render(state: AppState, asked: Asked, mut answer: Response) -> Response {
    let Some(DeskPage(content)) = answer.extensions_mut().remove::<DeskPage>() else {
        return answer;
    };
    let (answer, _) = answer.into_parts();
    let mut page = render_page(state, content, asked.into_request()).await;
    if answer.status != StatusCode::OK {
        *page.status_mut() = answer.status;
    }
    for (name, value) in &answer.headers {
        page.headers_mut().append(name, value.clone());
    }
    page
}
