//! The HTML shell and what every page shares: header, footer, error notices, in the page's language
//! (the `Words` its content carries). Which page goes inside is decided on the server: by the web
//! room's page table (`stembus_web::pages`) and the desk.

use crate::response_status;
use leptos::prelude::*;
use leptos_meta::{Meta, MetaTags, Title, provide_meta_context};
use std::sync::Arc;
use stembus_messages::{Messages, Words};
use stembus_poll::error::AppError;
use stembus_poll::language::Language;

/// The privacy page's address in Dutch, which every Dutch page's footer links to.
pub const PRIVACY_PATH: &str = "/privacy";
/// The privacy page's address in French.
pub const PRIVACY_PATH_FRENCH: &str = "/fr/vie-privee";

/// The privacy page's address in `language`.
pub fn privacy_path(language: Language) -> &'static str {
    match language {
        Language::Dutch => PRIVACY_PATH,
        Language::French => PRIVACY_PATH_FRENCH,
    }
}

/// What goes inside the shell's `<main>`: a page rendered from data read before rendering began,
/// and the words of its language, which the shell speaks too.
#[derive(Clone)]
pub struct PageContent {
    render: Arc<dyn Fn() -> AnyView + Send + Sync>,
    words: Words,
}

impl PageContent {
    pub fn new(words: Words, render: impl Fn() -> AnyView + Send + Sync + 'static) -> PageContent {
        PageContent {
            render: Arc::new(render),
            words,
        }
    }

    /// An error page in the language of `words`, with the error's status.
    pub fn error(words: Words, error: AppError) -> PageContent {
        PageContent::error_notice(words, error, false)
    }

    /// The same, for the embed: shown in a frame on another site, where the site's own pages
    /// refuse to be shown, so its link opens a window of its own.
    pub fn embed_error(words: Words, error: AppError) -> PageContent {
        PageContent::error_notice(words, error, true)
    }

    fn error_notice(words: Words, error: AppError, in_frame: bool) -> PageContent {
        let notice_words = words.clone();
        PageContent::new(words, move || {
            view! { <ErrorNotice error words=notice_words.clone() in_frame /> }.into_any()
        })
    }

    pub fn words(&self) -> &Words {
        &self.words
    }
}

/// The language of the reader page at `path`: French under `/fr/`, else Dutch.
pub fn language_of_path(path: &str) -> Language {
    if path == "/fr" || path.starts_with("/fr/") {
        Language::French
    } else {
        Language::Dutch
    }
}

/// The shell around the 404 page, for addresses no page and no file answers: in French under
/// `/fr/`, else in Dutch. The messages come by context (`render::not_found`), the address from the
/// request leptos_axum puts there.
pub fn not_found_shell(options: LeptosOptions) -> impl IntoView {
    let path = use_context::<axum::http::request::Parts>()
        .map(|parts| parts.uri.path().to_string())
        .unwrap_or_default();
    let messages = use_context::<Arc<Messages>>();
    let content = messages.map(|messages| {
        PageContent::error(messages.words(language_of_path(&path)), AppError::NotFound)
    });
    content.map(|content| shell(options, content))
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
    let lang = content.words.language().tag();
    view! {
        <!DOCTYPE html>
        <html lang=lang>
            <DocumentHead options with_feed=true />
            <body>
                <App content />
            </body>
        </html>
    }
}

/// The document around an embedded poll: the same head, no site frame (it sits in another page).
pub fn embed_shell(options: LeptosOptions, content: PageContent) -> impl IntoView {
    let lang = content.words.language().tag();
    view! {
        <!DOCTYPE html>
        <html lang=lang>
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
    view! { <main id="inhoud" class="embed-main">{(content.render)()}</main> }
}

/// Every page's frame: the skip link, the site header, the page itself and the footer.
#[component]
pub fn App(content: PageContent) -> impl IntoView {
    provide_meta_context();
    let words = &content.words;
    view! {
        <a class="skip-link" href="#inhoud">
            {words.text("site-skip-link")}
        </a>
        <header class="site-header">
            <a class="site-name" href="/">
                {words.text("site-name")}
            </a>
            <span class="site-tagline">{words.text("site-tagline")}</span>
        </header>
        <main id="inhoud" class="site-main">{(content.render)()}</main>
        <footer class="site-footer">
            <p>
                {words.text("site-footer") + " "}
                <a href=privacy_path(words.language())>{words.text("site-footer-privacy")}</a>
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

/// A page-sized error message in the page's language, served with the error's HTTP status.
/// `in_frame`: shown in the embed, so the link to the front page opens a window of its own (the
/// front page refuses to be framed by another site).
#[component]
pub fn ErrorNotice(error: AppError, words: Words, in_frame: bool) -> impl IntoView {
    response_status::set(error.status_code());
    let heading = match error {
        AppError::NotFound => words.text("not-found-title"),
        _ => words.text("error-title"),
    };
    view! {
        <PageTitle text=page_title(&words, &heading) />
        <Meta name="robots" content="noindex" />
        <section class="error-notice">
            <h1>{heading}</h1>
            <p>{words.error(error)}</p>
            <p>
                <a
                    href="/"
                    target=in_frame.then_some("_blank")
                    rel=in_frame.then_some("noopener")
                >
                    {words.text("back-to-front-page")}
                </a>
            </p>
        </section>
    }
}

/// A page's title with the site's name: "Privacy | Stembus".
pub fn page_title(words: &Words, title: &str) -> String {
    words.with(
        "page-title",
        &[("title", stembus_messages::Arg::Text(title))],
    )
}
