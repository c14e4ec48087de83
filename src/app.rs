//! The HTML shell, the routes, and what every page shares: header, footer, error notices.

use crate::article::{ArticlePage, FrontPage};
use crate::error::AppError;
use crate::response_status;
use leptos::prelude::*;
use leptos_meta::{Meta, MetaTags, Title, provide_meta_context};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{SsrMode, path};

/// The document around every page. Only islands hydrate, so the page's JavaScript is the poll's.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="nl-BE">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light dark" />
                <link
                    rel="alternate"
                    type="application/atom+xml"
                    title="Stembus"
                    href="/feed.xml"
                />
                // `output_name` carries the content hash of the built files once the server has
                // read them, so the style sheet may be cached for a year. `id="leptos"` lets
                // `cargo leptos watch` swap it on a change.
                <link
                    rel="stylesheet"
                    id="leptos"
                    href=format!("/pkg/{}.css", options.output_name)
                />
                <AutoReload options=options.clone() />
                <HydrationScripts options islands=true />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// The site: front page, articles, and a Dutch 404 for everything else.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <a class="skip-link" href="#inhoud">
            "Naar de inhoud"
        </a>
        <header class="site-header">
            <a class="site-name" href="/">
                "Stembus"
            </a>
            <span class="site-tagline">"Nieuws, en wat u ervan denkt"</span>
        </header>
        <main id="inhoud" class="site-main">
            // Async rendering: the page waits for its data, so each page's <title> and meta
            // description reach the <head> of the first byte sent.
            <Router>
                <Routes fallback=NotFound>
                    <Route path=path!("") view=FrontPage ssr=SsrMode::Async />
                    <Route path=path!("/artikel/:slug") view=ArticlePage ssr=SsrMode::Async />
                </Routes>
            </Router>
        </main>
        <footer class="site-footer">
            <p>"Stembus · een nieuwssite met lezerspolls · geen trackers, geen advertenties"</p>
        </footer>
    }
}

/// Any address the site does not know.
#[component]
fn NotFound() -> impl IntoView {
    view! { <ErrorNotice error=AppError::NotFound /> }
}

/// A page-sized error message in Dutch, served with the error's HTTP status.
#[component]
pub fn ErrorNotice(error: AppError) -> impl IntoView {
    response_status::set(error.status_code());
    let heading = match error {
        AppError::NotFound => "Pagina niet gevonden",
        _ => "Er ging iets mis",
    };
    view! {
        <Title text=format!("{heading} | Stembus") />
        <Meta name="robots" content="noindex" />
        <section class="error-notice">
            <h1>{heading}</h1>
            <p>{error.message()}</p>
            <p>
                <a href="/">"Naar de voorpagina"</a>
            </p>
        </section>
    }
}
