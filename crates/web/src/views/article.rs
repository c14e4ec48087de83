//! The article page and the front page: server-rendered only, with the poll island as their one live part.

use super::{
    Article, ArticlePageData, ArticleSummary, FrontPageData, PollFacts, ShareLink, SharedPicture,
};
use crate::api::seen::seen_path;
use leptos::prelude::*;
use leptos_meta::{Link, Meta};
use stembus::poll::PollCard;
use stembus_content::article::article_path;
use stembus_messages::{Arg, Words};
use stembus_poll::moment::Moment;
use stembus_poll::{PollStatus, PollView};
use stembus_site::shell::{PageTitle, page_title, privacy_path};

/// `/artikel/{slug}` and `/fr/article/{slug}`: the article, its poll, how to share it and what to
/// read next, in the article's language (`words`).
#[component]
pub fn ArticlePage(data: ArticlePageData, words: Words) -> impl IntoView {
    let ArticlePageData {
        article,
        poll,
        poll_facts,
        canonical_url,
        oembed_url,
        image_url,
        standing_picture,
        structured_data,
        share_links,
        related,
        versions,
    } = data;
    let oembed = oembed_url.map(|href| {
        view! {
            <Link
                rel="alternate"
                type_="application/json+oembed"
                href
                title=words.with("article-oembed-title", &[("title", Arg::Text(&article.title))])
            />
        }
    });
    // A reader without JavaScript whose vote was refused comes back to the top of this page: its
    // title (what a screen reader says first) and the top of the article say so, and lead to the
    // poll, where the form holds their answers and the refusal.
    let refused = poll
        .as_ref()
        .and_then(|view| view.refused)
        .map(|error| words.error(error));
    let head = view! {
        <ArticleHead
            article=article.clone()
            canonical_url
            image_url
            standing_picture
            refused=refused.is_some()
            words=words.clone()
        />
        <super::LanguageVersions versions own=article.language />
        {oembed}
    };
    let refused_notice = refused.map(|message| {
        view! {
            <p class="vote-refused-notice">
                {message} " " <a href="#poll">{words.text("vote-refused-to-poll")}</a>
            </p>
        }
    });
    let minutes = words.count(u64::from(article.reading_minutes));
    let reading = words.with("article-reading-time", &[("minutes", Arg::Text(&minutes))]);
    let published_label = words.with(
        "article-published",
        &[("precision", Arg::Text(Words::precision(&article.published)))],
    ) + " ";
    let updated = article.updated.map(|updated| {
        let label = words.with(
            "article-updated",
            &[("precision", Arg::Text(Words::precision(&updated)))],
        ) + " ";
        view! {
            <span aria-hidden="true">" · "</span>
            <span>
                {label}
                <time datetime=updated.to_string()>{words.date(&updated)}</time>
            </span>
        }
    });
    view! {
        {head}
        {refused_notice}
        <article class="article">
            <header class="article-header">
                <h1 class="article-title">{article.title}</h1>
                <p class="article-meta">
                    <span class="article-byline">
                        {words.text("article-byline") + " "} {article.author}
                    </span>
                    <span aria-hidden="true">" · "</span>
                    <span>
                        {published_label}
                        <time datetime=article.published.to_string()>
                            {words.date(&article.published)}
                        </time>
                    </span>
                    {updated}
                    <span aria-hidden="true">" · "</span>
                    <span>{reading}</span>
                    <span aria-hidden="true">" · "</span>
                    <span class="article-source">
                        {words.text("article-source") + " "} {article.source}
                    </span>
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
            {poll
                .map(|view| {
                    view! {
                        <PollSection view facts=poll_facts embedded=false words=words.clone() />
                    }
                })}
            <ShareLinks links=share_links words=words.clone() />
        </article>
        {(!related.is_empty())
            .then(|| view! { <RelatedArticles articles=related words=words.clone() /> })}
        <script type="application/ld+json" inner_html=structured_data></script>
    }
}

/// The article's `<head>` tags: title, description, canonical address, Open Graph and Twitter cards.
///
/// Where the poll's standing is public (`standing_picture`), a preview shows it: its picture is
/// the first `og:image` and the Twitter card's image, because what a shared article with a poll
/// says first is how the readers voted. The article's own lead image stays as the second
/// `og:image`, for the sites that show several or cannot fetch the first.
#[component]
fn ArticleHead(
    article: Article,
    canonical_url: String,
    image_url: Option<String>,
    standing_picture: Option<SharedPicture>,
    /// A reader's vote was refused: the title says so before the article's.
    refused: bool,
    words: Words,
) -> impl IntoView {
    let twitter_card = if image_url.is_some() || standing_picture.is_some() {
        "summary_large_image"
    } else {
        "summary"
    };
    let image_alt = article.image.as_ref().map(|image| image.alt.clone());
    let picture_tags = standing_picture.map(|picture| view! { <StandingPictureTags picture /> });
    let lead_for_twitter = picture_tags.is_none();
    let image_tags = image_url.map(|url| {
        let alt = image_alt.unwrap_or_default();
        let twitter = lead_for_twitter.then(|| {
            view! {
                <Meta name="twitter:image" content=url.clone() />
                <Meta name="twitter:image:alt" content=alt.clone() />
            }
        });
        view! {
            <Meta property="og:image" content=url.clone() />
            <Meta property="og:image:alt" content=alt.clone() />
            {twitter}
        }
        .into_any()
    });
    let basics = view! {
        <PageTitle text=if refused {
            words.with("vote-refused-page-title", &[("title", Arg::Text(&article.title))])
        } else {
            page_title(&words, &article.title)
        } />
        <Meta name="description" content=article.description.clone() />
        <Link rel="canonical" href=canonical_url.clone() />
        <Meta name="robots" content="max-image-preview:large" />
    }
    .into_any();
    let open_graph = view! {
        <Meta property="og:type" content="article" />
        <Meta property="og:site_name" content="Stembus" />
        <Meta property="og:locale" content=article.language.og_locale() />
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
    view! { {basics} {open_graph} {twitter} {picture_tags} {image_tags} }.into_any()
}

/// The standing's picture as a link preview's image: Open Graph with its size and type (so a
/// preview can be laid out before the picture arrives), and the Twitter card's.
#[component]
fn StandingPictureTags(picture: SharedPicture) -> impl IntoView {
    let SharedPicture { url, alt } = picture;
    view! {
        <Meta property="og:image" content=url.clone() />
        <Meta property="og:image:type" content="image/png" />
        <Meta property="og:image:width" content=stembus_picture::WIDTH.to_string() />
        <Meta property="og:image:height" content=stembus_picture::HEIGHT.to_string() />
        <Meta property="og:image:alt" content=alt.clone() />
        <Meta name="twitter:image" content=url />
        <Meta name="twitter:image:alt" content=alt />
    }
}

/// `/embed/{poll_id}`: the poll alone, for a frame on the newsroom's other pages, with its
/// transparency box and the way to the article that shows it, as `(address, title)`; a poll
/// made in the desk that no article shows names the site instead.
///
/// Where its standing is public (`picture`), a link to the embed previews as the standing's
/// picture (`og:image`, a large Twitter card).
#[component]
pub fn EmbeddedPoll(
    view: PollView,
    facts: PollFacts,
    article: Option<(String, String)>,
    site_url: String,
    picture: Option<SharedPicture>,
    words: Words,
) -> impl IntoView {
    let source = match article {
        Some((article_url, title)) => view! {
            {words.text("embed-source-article") + " "}
            <a href=article_url target="_blank" rel="noopener">
                {title}
            </a>
            {" ".to_string() + &words.text("embed-source-article-site")}
        }
        .into_any(),
        None => view! {
            {words.text("embed-source-site") + " "}
            <a href=site_url target="_blank" rel="noopener">
                {words.text("site-name")}
            </a>
        }
        .into_any(),
    };
    let title = words.with(
        "embed-title",
        &[("question", Arg::Text(&view.poll.question))],
    );
    let preview = picture.map(|picture| {
        view! {
            <Meta property="og:title" content=view.poll.question.clone() />
            <Meta property="og:site_name" content=words.text("site-name") />
            <Meta name="twitter:card" content="summary_large_image" />
            <StandingPictureTags picture />
        }
    });
    view! {
        <PageTitle text=title />
        <Meta name="robots" content="noindex" />
        {preview}
        <PollSection view facts=Some(facts) embedded=true words />
        <p class="embed-source">{source}</p>
    }
}

/// The poll, or a notice while it is not open yet, and the transparency box under it; `embedded`
/// in the embed, whose links open outside its frame.
#[component]
fn PollSection(
    view: PollView,
    facts: Option<PollFacts>,
    embedded: bool,
    words: Words,
) -> impl IntoView {
    let poll_id = view.poll.id.clone();
    let not_yet_open = facts
        .as_ref()
        .is_some_and(|f| f.status == PollStatus::NotYetOpen);
    let poll = if not_yet_open {
        let question = view.poll.question.clone();
        // In Brussels time, whatever offset the content file wrote the opening with.
        let opens = facts
            .as_ref()
            .map(|f| words.date_time(&Moment::brussels_from_unix(f.opened.unix_seconds())))
            .unwrap_or_default();
        view! {
            <div class="poll-card poll-notice">
                <p class="poll-kicker">{words.text("poll-kicker")}</p>
                <h2 class="poll-question">{question}</h2>
                <p>{words.with("poll-opens-on", &[("opens", Arg::Text(&opens))])}</p>
            </div>
        }
        .into_any()
    } else {
        view! { <PollCard view words=words.clone() /> }.into_any()
    };
    let box_words = words.clone();
    // The view that counts: asked for when the poll comes into view, while it takes votes (see
    // `api::seen`).
    let seen = (facts.as_ref().map(|facts| facts.status) == Some(PollStatus::Open)).then(|| {
        view! {
            <img
                class="poll-seen"
                src=seen_path(&poll_id)
                alt=""
                width="1"
                height="1"
                loading="lazy"
                decoding="async"
            />
        }
    });
    view! {
        <section id="poll" class="poll" aria-label=words.text("poll-kicker")>
            {poll}
            {seen}
            {facts.map(|facts| view! { <PollFactsBox facts poll_id embedded words=box_words /> })}
        </section>
    }
}

/// What the poll does and does not mean, in plain words of the page's language, matching what the
/// code does, and where the privacy page says what is kept and for how long (outside the frame
/// when `embedded`: the privacy page may not be framed by other sites). Its count of voters sits in an element of its
/// own (`poll-facts-voters-{poll_id}`), which the island rewrites from the vote's answer and the
/// live standing, so that the box never shows another count than the poll above it.
#[component]
fn PollFactsBox(facts: PollFacts, poll_id: String, embedded: bool, words: Words) -> impl IntoView {
    let voters = words.facts_voters(facts.voters, facts.status == PollStatus::Closed);
    let voters_id = ["poll-facts-voters-", &poll_id].concat();
    let opened = words.date_time(&facts.opened);
    let closes = facts.closes.map(|closes| words.date_time(&closes));
    let (id, closes) = match (facts.status, closes) {
        (PollStatus::NotYetOpen, _) => ("facts-period-not-yet-open", String::new()),
        (PollStatus::Closed, Some(closes)) => ("facts-period-ran", closes),
        (_, Some(closes)) => ("facts-period-closes", closes),
        (_, None) => ("facts-period-open", String::new()),
    };
    let period = words.with(
        id,
        &[
            ("opened", Arg::Text(&opened)),
            (
                "opened-precision",
                Arg::Text(Words::precision(&facts.opened)),
            ),
            ("closes", Arg::Text(&closes)),
        ],
    );
    let participation = facts.participation().map(|percent| {
        let percent = words.percent(percent);
        view! {
            <li class="poll-facts-participation">
                {words.with("facts-participation", &[("percent", Arg::Text(&percent))])}
            </li>
        }
    });
    view! {
        <aside class="poll-facts" aria-labelledby="poll-facts-titel">
            <h2 id="poll-facts-titel" class="poll-facts-title">{words.text("facts-title")}</h2>
            <ul>
                <li>{words.text("facts-not-representative")}</li>
                <li>
                    <span id=voters_id>{voters}</span>
                    {format!(" {period}")}
                </li>
                <li>
                    {words.text("facts-one-vote") + " "}
                    <a
                        href=privacy_path(words.language())
                        target=embedded.then_some("_blank")
                        rel=embedded.then_some("noopener")
                    >
                        {words.text("facts-privacy-link")}
                    </a>
                    "."
                </li>
                {participation}
                {facts
                    .clarified
                    .then(|| {
                        view! {
                            <li class="poll-facts-clarified">{words.text("facts-clarified")}</li>
                        }
                    })}
                {facts
                    .voided
                    .iter()
                    .map(|voided| {
                        view! { <li class="poll-facts-voided">{voided.sentence(&words)}</li> }
                    })
                    .collect_view()}
                <li>
                    {words.text("facts-counted-at") + " "}
                    <time datetime=facts.counted_at.to_string()>
                        {words.date_time(&facts.counted_at)}
                    </time> "."
                </li>
            </ul>
        </aside>
    }
}

#[component]
fn ShareLinks(links: Vec<ShareLink>, words: Words) -> impl IntoView {
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
        <nav class="share-links" aria-label=words.text("share-label")>
            <h2 class="share-title">{words.text("share-title")}</h2>
            <ul>{items}</ul>
        </nav>
    }
}

#[component]
fn RelatedArticles(articles: Vec<ArticleSummary>, words: Words) -> impl IntoView {
    view! {
        <section class="related" aria-labelledby="verwant-titel">
            <h2 id="verwant-titel">{words.text("related-title")}</h2>
            <ArticleList articles heading_level=3 words />
        </section>
    }
}

/// `/`: every article, newest first.
#[component]
pub fn FrontPage(data: FrontPageData, words: Words) -> impl IntoView {
    let FrontPageData {
        articles,
        canonical_url,
    } = data;
    view! {
        <PageTitle text=words.text("front-page-title") />
        <Meta name="description" content=words.text("front-description") />
        <h1 class="front-title">{words.text("front-title")}</h1>
        <Link rel="canonical" href=canonical_url />
        <ArticleList articles heading_level=2 words />
    }
}

/// A list of article teasers; `heading_level` keeps the page's heading outline intact. A teaser
/// of an article in another language than the page's is in its own words, and says so (`lang`).
#[component]
fn ArticleList(articles: Vec<ArticleSummary>, heading_level: u8, words: Words) -> impl IntoView {
    let items = articles
        .into_iter()
        .map(|summary| {
            let link = view! {
                <a href=article_path(&summary.slug, summary.language)>{summary.title}</a>
            };
            let teaser_lang =
                (summary.language != words.language()).then(|| summary.language.tag());
            let teaser_words = if summary.language == words.language() {
                words.clone()
            } else {
                words.in_language(summary.language)
            };
            let heading = if heading_level == 2 {
                view! { <h2 class="teaser-title">{link}</h2> }.into_any()
            } else {
                view! { <h3 class="teaser-title">{link}</h3> }.into_any()
            };
            let poll_note = summary.poll_status.map(|status| {
                " ".to_string()
                    + &teaser_words.text(match status {
                        PollStatus::Open => "teaser-poll-open",
                        PollStatus::NotYetOpen => "teaser-poll-not-yet-open",
                        PollStatus::Closed => "teaser-poll-closed",
                    })
            });
            view! {
                <li class="article-teaser" lang=teaser_lang>
                    {heading}
                    <p class="article-meta">
                        <time datetime=summary.published.to_string()>
                            {teaser_words.date(&summary.published)}
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
