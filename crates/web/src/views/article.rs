//! The article page and the front page: server-rendered only, with the poll island as their one live part.

use super::{
    Article, ArticlePageData, ArticleSummary, FrontPageData, PRIVACY_PATH, PollFacts, ShareLink,
};
use leptos::prelude::*;
use leptos_meta::{Link, Meta};
use stembus::poll::PollCard;
use stembus_content::article::article_path;
use stembus_poll::moment::Moment;
use stembus_poll::{PollStatus, PollView, facts_voters_sentence};
use stembus_site::shell::PageTitle;

/// `/artikel/{slug}`: the article, its poll, how to share it and what to read next.
#[component]
pub fn ArticlePage(data: ArticlePageData) -> impl IntoView {
    let ArticlePageData {
        article,
        poll,
        poll_facts,
        canonical_url,
        oembed_url,
        image_url,
        structured_data,
        share_links,
        related,
    } = data;
    let oembed = oembed_url.map(|href| {
        view! {
            <Link
                rel="alternate"
                type_="application/json+oembed"
                href
                title=format!("Lezerspoll: {}", article.title)
            />
        }
    });
    let head = view! {
        <ArticleHead
            article=article.clone()
            canonical_url
            image_url
        />
        {oembed}
    };
    let reading = format!("{} min. lezen", article.reading_minutes);
    view! {
        {head}
        <article class="article">
            <header class="article-header">
                <h1 class="article-title">{article.title}</h1>
                <p class="article-meta">
                    <span class="article-byline">"Door " {article.author}</span>
                    <span aria-hidden="true">" · "</span>
                    <span>
                        {format!("Gepubliceerd {} ", article.published.on_or_in_nl())}
                        <time datetime=article.published.to_string()>
                            {article.published.long_nl()}
                        </time>
                    </span>
                    {article
                        .updated
                        .map(|updated| {
                            view! {
                                <span aria-hidden="true">" · "</span>
                                <span>
                                    {format!("Bijgewerkt {} ", updated.on_or_in_nl())}
                                    <time datetime=updated.to_string()>{updated.long_nl()}</time>
                                </span>
                            }
                        })}
                    <span aria-hidden="true">" · "</span>
                    <span>{reading}</span>
                    <span aria-hidden="true">" · "</span>
                    <span class="article-source">"Bron: " {article.source}</span>
                </p>
                <p class="article-lead">{article.lead}</p>
            </header>
            {article
                .image
                .map(|image| {
                    view! {
                        <figure class="article-image">
                            <img
                                src=image.path
                                alt=image.alt
                                width=image.width
                                height=image.height
                                decoding="async"
                            />
                            <figcaption>{image.credit}</figcaption>
                        </figure>
                    }
                })}
            <div class="article-body" inner_html=article.body_html></div>
            {poll.map(|view| view! { <PollSection view facts=poll_facts embedded=false /> })}
            <ShareLinks links=share_links />
        </article>
        {(!related.is_empty()).then(|| view! { <RelatedArticles articles=related /> })}
        <script type="application/ld+json" inner_html=structured_data></script>
    }
}

/// The article's `<head>` tags: title, description, canonical address, Open Graph and Twitter cards.
#[component]
fn ArticleHead(
    article: Article,
    canonical_url: String,
    image_url: Option<String>,
) -> impl IntoView {
    let twitter_card = if image_url.is_some() {
        "summary_large_image"
    } else {
        "summary"
    };
    let image_alt = article.image.as_ref().map(|image| image.alt.clone());
    let image_tags = image_url.map(|url| {
        let alt = image_alt.unwrap_or_default();
        view! {
            <Meta property="og:image" content=url.clone() />
            <Meta property="og:image:alt" content=alt.clone() />
            <Meta name="twitter:image" content=url />
            <Meta name="twitter:image:alt" content=alt />
        }
        .into_any()
    });
    let basics = view! {
        <PageTitle text=format!("{} | Stembus", article.title) />
        <Meta name="description" content=article.description.clone() />
        <Link rel="canonical" href=canonical_url.clone() />
        <Meta name="robots" content="max-image-preview:large" />
    }
    .into_any();
    let open_graph = view! {
        <Meta property="og:type" content="article" />
        <Meta property="og:site_name" content="Stembus" />
        <Meta property="og:locale" content="nl_BE" />
        <Meta property="og:title" content=article.title.clone() />
        <Meta property="og:description" content=article.description.clone() />
        <Meta property="og:url" content=canonical_url />
        <Meta property="article:published_time" content=article.published.to_rfc3339() />
        <Meta property="article:modified_time" content=article.last_modified().to_rfc3339() />
    }
    .into_any();
    let twitter = view! {
        <Meta name="twitter:card" content=twitter_card />
        <Meta name="twitter:title" content=article.title.clone() />
        <Meta name="twitter:description" content=article.description />
    }
    .into_any();
    view! { {basics} {open_graph} {twitter} {image_tags} }.into_any()
}

/// `/embed/{poll_id}`: the poll alone, for a frame on the newsroom's other pages, with its
/// transparency box and the way to the article that shows it, as `(address, title)`; a poll
/// made in the desk that no article shows names the site instead.
#[component]
pub fn EmbeddedPoll(
    view: PollView,
    facts: PollFacts,
    article: Option<(String, String)>,
    site_url: String,
) -> impl IntoView {
    let source = match article {
        Some((article_url, title)) => view! {
            "Bij het artikel "
            <a href=article_url target="_blank" rel="noopener">
                {title}
            </a>
            " op Stembus"
        }
        .into_any(),
        None => view! {
            "Een lezerspoll van "
            <a href=site_url target="_blank" rel="noopener">
                "Stembus"
            </a>
        }
        .into_any(),
    };
    view! {
        <PageTitle text=format!("Lezerspoll: {} | Stembus", view.poll.question) />
        <Meta name="robots" content="noindex" />
        <PollSection view facts=Some(facts) embedded=true />
        <p class="embed-source">{source}</p>
    }
}

/// The poll, or a notice while it is not open yet, and the transparency box under it; `embedded`
/// in the embed, whose links open outside its frame.
#[component]
fn PollSection(view: PollView, facts: Option<PollFacts>, embedded: bool) -> impl IntoView {
    let poll_id = view.poll.id.clone();
    let not_yet_open = facts
        .as_ref()
        .is_some_and(|f| f.status == PollStatus::NotYetOpen);
    let poll = if not_yet_open {
        let question = view.poll.question.clone();
        // In Brussels time, whatever offset the content file wrote the opening with.
        let opens = facts
            .as_ref()
            .map(|f| Moment::brussels_from_unix(f.opened.unix_seconds()).long_nl_with_time())
            .unwrap_or_default();
        view! {
            <div class="poll-card poll-notice">
                <p class="poll-kicker">"Lezerspoll"</p>
                <h2 class="poll-question">{question}</h2>
                <p>{format!("Deze poll opent op {opens}.")}</p>
            </div>
        }
        .into_any()
    } else {
        view! { <PollCard view /> }.into_any()
    };
    view! {
        <section id="poll" class="poll" aria-label="Lezerspoll">
            {poll}
            {facts.map(|facts| view! { <PollFactsBox facts poll_id embedded /> })}
        </section>
    }
}

/// What the poll does and does not mean, in plain Dutch, matching what the code does, and where
/// the privacy page says what is kept and for how long (outside the frame when `embedded`: the
/// privacy page may not be framed by other sites). Its count of voters sits in an element of its
/// own (`poll-facts-voters-{poll_id}`), which the island rewrites from the vote's answer and the
/// live standing, so that the box never shows another count than the poll above it.
#[component]
fn PollFactsBox(facts: PollFacts, poll_id: String, embedded: bool) -> impl IntoView {
    let voters = facts_voters_sentence(facts.voters);
    let voters_id = ["poll-facts-voters-", &poll_id].concat();
    let period = match (facts.status, facts.closes) {
        (PollStatus::NotYetOpen, _) => {
            format!("De poll opent op {}.", facts.opened.long_nl_with_time())
        }
        (PollStatus::Closed, Some(closes)) => format!(
            "De poll liep van {} tot {}.",
            facts.opened.long_nl_with_time(),
            closes.long_nl_with_time()
        ),
        (_, Some(closes)) => format!(
            "De poll is open sinds {} en sluit op {}.",
            facts.opened.long_nl_with_time(),
            closes.long_nl_with_time()
        ),
        (_, None) => format!(
            "De poll is open sinds {}, zonder einddatum.",
            facts.opened.long_nl_with_time()
        ),
    };
    view! {
        <aside class="poll-facts" aria-labelledby="poll-facts-titel">
            <h2 id="poll-facts-titel" class="poll-facts-title">"Over deze poll"</h2>
            <ul>
                <li>
                    "Deze poll is niet representatief: alleen lezers die zelf kiezen om mee te doen stemmen, en zij vormen geen steekproef van de bevolking."
                </li>
                <li>
                    <span id=voters_id>{voters}</span>
                    {format!(" {period}")}
                </li>
                <li>
                    "Eén stem per lezer: bij uw eerste stem krijgt uw browser een willekeurige code in een cookie, en per poll telt één stem per code. Wie de cookie wist of een andere browser gebruikt, kan opnieuw stemmen. We bewaren geen IP-adressen en geen andere gegevens over u. "
                    <a
                        href=PRIVACY_PATH
                        target=embedded.then_some("_blank")
                        rel=embedded.then_some("noopener")
                    >
                        "Wat we bewaren en hoe lang"
                    </a>
                    "."
                </li>
                {facts
                    .clarified
                    .then(|| {
                        view! {
                            <li class="poll-facts-clarified">
                                "De vraag of een antwoord werd na de start verduidelijkt."
                            </li>
                        }
                    })}
                {facts
                    .voided
                    .iter()
                    .map(|voided| view! { <li class="poll-facts-voided">{voided.sentence()}</li> })
                    .collect_view()}
                <li>
                    "Cijfers bijgewerkt op "
                    <time datetime=facts.counted_at.to_string()>
                        {facts.counted_at.long_nl_with_time()}
                    </time> "."
                </li>
            </ul>
        </aside>
    }
}

#[component]
fn ShareLinks(links: Vec<ShareLink>) -> impl IntoView {
    let items = links
        .into_iter()
        .map(|link| {
            view! {
                <li>
                    <a href=link.href rel="noopener noreferrer">
                        {link.label}
                    </a>
                </li>
            }
        })
        .collect_view();
    view! {
        <nav class="share-links" aria-label="Artikel delen">
            <h2 class="share-title">"Delen"</h2>
            <ul>{items}</ul>
        </nav>
    }
}

#[component]
fn RelatedArticles(articles: Vec<ArticleSummary>) -> impl IntoView {
    view! {
        <section class="related" aria-labelledby="verwant-titel">
            <h2 id="verwant-titel">"Lees ook"</h2>
            <ArticleList articles heading_level=3 />
        </section>
    }
}

/// `/`: every article, newest first.
#[component]
pub fn FrontPage(data: FrontPageData) -> impl IntoView {
    let FrontPageData {
        articles,
        canonical_url,
    } = data;
    view! {
        <PageTitle text="Stembus | Nieuws en lezerspolls" />
        <Meta
            name="description"
            content="Het laatste nieuws, met een lezerspoll bij elk artikel: geef uw mening en zie meteen wat andere lezers denken."
        />
        <h1 class="front-title">"Laatste nieuws"</h1>
        <Link rel="canonical" href=canonical_url />
        <ArticleList articles heading_level=2 />
    }
}

/// A list of article teasers; `heading_level` keeps the page's heading outline intact.
#[component]
fn ArticleList(articles: Vec<ArticleSummary>, heading_level: u8) -> impl IntoView {
    let items = articles
        .into_iter()
        .map(|summary| {
            let link = view! { <a href=article_path(&summary.slug)>{summary.title}</a> };
            let heading = if heading_level == 2 {
                view! { <h2 class="teaser-title">{link}</h2> }.into_any()
            } else {
                view! { <h3 class="teaser-title">{link}</h3> }.into_any()
            };
            let poll_note = summary.poll_status.map(|status| match status {
                PollStatus::Open => " · Poll open",
                PollStatus::NotYetOpen => " · Poll opent binnenkort",
                PollStatus::Closed => " · Poll gesloten",
            });
            view! {
                <li class="article-teaser">
                    {heading}
                    <p class="article-meta">
                        <time datetime=summary.published.to_string()>
                            {summary.published.long_nl()}
                        </time>
                        {poll_note.map(|note| view! { <span class="teaser-poll">{note}</span> })}
                    </p>
                    <p>{summary.lead}</p>
                </li>
            }
        })
        .collect_view();
    view! { <ul class="article-list">{items}</ul> }
}
