//! The HTML shell and what every page shares: header, footer, error notices. Which page goes inside
//! is decided on the server: by the web room's page table (`stembus_web::pages`) and the desk.

use crate::response_status;
use leptos::prelude::*;
use leptos_meta::{Meta, MetaTags, Title, provide_meta_context};
use std::sync::Arc;
use stembus_poll::error::AppError;

/// The privacy page's address, which every page's footer links to.
pub const PRIVACY_PATH: &str = "/privacy";

/// What goes inside the shell's `<main>`: a page rendered from data read before rendering began.
#[derive(Clone)]
pub struct PageContent(Arc<dyn Fn() -> AnyView + Send + Sync>);

impl PageContent {
    pub fn new(render: impl Fn() -> AnyView + Send + Sync + 'static) -> PageContent {
        PageContent(Arc::new(render))
    }

    /// A Dutch error page with the error's status.
    pub fn error(error: AppError) -> PageContent {
        PageContent::new(move || view! { <ErrorNotice error /> }.into_any())
    }
}

/// The shell around the Dutch 404 page, for addresses no page and no file answers.
pub fn not_found_shell(options: LeptosOptions) -> impl IntoView {
    shell(options, PageContent::error(AppError::NotFound))
}

/// The document's head, the site's pages' and the embedded poll's: the style sheet, the island's
/// scripts, the page's own tags; the feed only on the site's pages.
#[component]
fn DocumentHead(options: LeptosOptions, with_feed: bool) -> impl IntoView {
    let feed = with_feed.then(|| {
        view! {
            <link rel="alternate" type="application/atom+xml" title="Stembus" href="/feed.xml" />
        }
    });
    view! {
        <head>
            <meta charset="utf-8" />
            <meta name="viewport" content="width=device-width, initial-scale=1" />
            <meta name="color-scheme" content="light dark" />
            {feed}
            // `output_name` carries the content hash of the built files once the server has
            // read them, so the style sheet may be cached for a year. `id="leptos"` lets
            // `cargo leptos watch` swap it on a change.
            <link rel="stylesheet" id="leptos" href=format!("/pkg/{}.css", options.output_name) />
            <AutoReload options=options.clone() />
            <HydrationScripts options islands=true />
            <MetaTags />
        </head>
    }
}

/// The document around every page. Only islands hydrate, so the page's JavaScript is the poll's.
pub fn shell(options: LeptosOptions, content: PageContent) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="nl-BE">
            <DocumentHead options with_feed=true />
            <body>
                <App content />
            </body>
        </html>
    }
}

/// The document around an embedded poll: the same head, no site frame (it sits in another page).
pub fn embed_shell(options: LeptosOptions, content: PageContent) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="nl-BE">
            <DocumentHead options with_feed=false />
            <body class="embed">
                <Embedded content />
            </body>
        </html>
    }
}

/// The embedded poll's body: only the poll.
#[component]
fn Embedded(content: PageContent) -> impl IntoView {
    provide_meta_context();
    view! { <main id="inhoud" class="embed-main">{(content.0)()}</main> }
}

/// Every page's frame: the skip link, the site header, the page itself and the footer.
#[component]
pub fn App(content: PageContent) -> impl IntoView {
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
        <main id="inhoud" class="site-main">{(content.0)()}</main>
        <footer class="site-footer">
            <p>
                "Stembus · een nieuwssite met lezerspolls · geen trackers, geen advertenties · "
                <a href=PRIVACY_PATH>"Privacy"</a>
            </p>
        </footer>
    }
}

/// A page's `<title>`, the one way every page sets it. leptos_meta writes the text of `<Title>`
/// into `<title>` as it is (leptos `meta/src/lib.rs`, `buf.push_str(&title)`; reported upstream with
/// the text in docs/security.md), so a question holding `</title>` would end the element and what
/// follows would be markup in the page's head. Escaping `&` and `<` first keeps the text a text.
/// Only the server renders titles (no island sets one), so nothing reads the escaped text back.
/// `scripts/lint.sh` fails on a `<Title` anywhere else.
#[component]
pub fn PageTitle(#[prop(into)] text: String) -> impl IntoView {
    view! { <Title text=title_markup(&text) /> }
}

/// `text` as the content of a `<title>` element: `&` and `<` as character references, which the
/// browser reads back as the text (a `<title>` holds text and character references only).
pub fn title_markup(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;")
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
        <PageTitle text=format!("{heading} | Stembus") />
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
