//! The article page and the front page: server-rendered only, with the poll island as their one live part.

use super::{ArticlePageData, ArticleSummary, article_path, list_articles, load_article_page};
use crate::app::ErrorNotice;
use crate::poll::PollCard;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_params_map;

/// `/artikel/:slug`: the article, then its poll.
#[component]
pub fn ArticlePage() -> impl IntoView {
    let params = use_params_map();
    let page = Resource::new(
        move || params.read().get("slug").unwrap_or_default(),
        load_article_page,
    );
    view! {
        <Suspense>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(data) => view! { <ArticleView data /> }.into_any(),
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn ArticleView(data: ArticlePageData) -> impl IntoView {
    let ArticlePageData { article, poll } = data;
    let paragraphs = article
        .body
        .into_iter()
        .map(|paragraph| view! { <p>{paragraph}</p> })
        .collect_view();
    view! {
        <Title text=format!("{} | Stembus", article.title) />
        <Meta name="description" content=article.description />
        <article class="article">
            <header class="article-header">
                <h1 class="article-title">{article.title}</h1>
                <p class="article-meta">
                    <span class="article-byline">"Door " {article.author}</span>
                    <span aria-hidden="true">" · "</span>
                    <time datetime=article.published.to_string()>{article.published.long_nl()}</time>
                    <span aria-hidden="true">" · "</span>
                    <span class="article-source">"Bron: " {article.source}</span>
                </p>
                <p class="article-lead">{article.lead}</p>
            </header>
            <div class="article-body">{paragraphs}</div>
            {poll
                .map(|view| {
                    view! {
                        <section id="poll" class="poll" aria-label="Lezerspoll">
                            <PollCard view />
                        </section>
                    }
                })}
        </article>
    }
}

/// `/`: every article, newest first.
#[component]
pub fn FrontPage() -> impl IntoView {
    let articles = Resource::new(|| (), |_| list_articles());
    view! {
        <Title text="Stembus | Nieuws en lezerspolls" />
        <Meta
            name="description"
            content="Het laatste nieuws, met een lezerspoll bij elk artikel: geef uw mening en zie meteen wat andere lezers denken."
        />
        <h1 class="front-title">"Laatste nieuws"</h1>
        <Suspense>
            {move || Suspend::new(async move {
                match articles.await {
                    Ok(list) => view! { <ArticleList articles=list /> }.into_any(),
                    Err(error) => view! { <ErrorNotice error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn ArticleList(articles: Vec<ArticleSummary>) -> impl IntoView {
    let items = articles
        .into_iter()
        .map(|summary| {
            view! {
                <li class="article-teaser">
                    <h2>
                        <a href=article_path(&summary.slug)>{summary.title}</a>
                    </h2>
                    <p class="article-meta">
                        <time datetime=summary.published.to_string()>{summary.published.long_nl()}</time>
                        {summary.has_poll.then(|| view! { <span class="teaser-poll">" · Met lezerspoll"</span> })}
                    </p>
                    <p>{summary.lead}</p>
                </li>
            }
        })
        .collect_view();
    view! { <ul class="article-list">{items}</ul> }
}
