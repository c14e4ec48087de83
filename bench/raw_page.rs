//! The benchmark's yardstick: a bare axum handler that serves one page's bytes from memory, identity
//! or brotli, on the same runtime and socket settings as stembus. Nothing can serve that page faster
//! on this stack, so stembus's throughput is reported as a share of this one's.
//!
//! Usage: `raw_page <address> <page.html> <page.html.br>` (bench/run.sh starts it).

use axum::Router;
use axum::body::Bytes;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::serve::ListenerExt;
use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let [_, address, identity, brotli] = args.as_slice() else {
        eprintln!("usage: raw_page <address> <page.html> <page.html.br>");
        return ExitCode::from(2);
    };
    let (identity, brotli) = match (std::fs::read(identity), std::fs::read(brotli)) {
        (Ok(identity), Ok(brotli)) => (Bytes::from(identity), Bytes::from(brotli)),
        _ => {
            eprintln!("raw_page: cannot read {identity} or {brotli}");
            return ExitCode::FAILURE;
        }
    };
    let page = move |headers: HeaderMap| async move { respond(&headers, &identity, &brotli) };
    let listener = match tokio::net::TcpListener::bind(address.as_str()).await {
        // The same socket setting as stembus: without it every keep-alive reply waits on an ACK.
        Ok(listener) => listener.tap_io(|stream| {
            let _ = stream.set_nodelay(true);
        }),
        Err(error) => {
            eprintln!("raw_page: cannot listen on {address}: {error}");
            return ExitCode::FAILURE;
        }
    };
    println!("raw_page on http://{address}/");
    match axum::serve(listener, Router::new().fallback(get(page))).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("raw_page: {error}");
            ExitCode::FAILURE
        }
    }
}

/// Brotli when the client names it, else the identity bytes; the headers a page needs and no more.
fn respond(headers: &HeaderMap, identity: &Bytes, brotli: &Bytes) -> Response {
    let wants_brotli = headers
        .get(header::ACCEPT_ENCODING)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.contains("br"));
    let html = HeaderValue::from_static("text/html; charset=utf-8");
    if wants_brotli {
        (
            [
                (header::CONTENT_TYPE, html),
                (header::CONTENT_ENCODING, HeaderValue::from_static("br")),
            ],
            brotli.clone(),
        )
            .into_response()
    } else {
        ([(header::CONTENT_TYPE, html)], identity.clone()).into_response()
    }
}
