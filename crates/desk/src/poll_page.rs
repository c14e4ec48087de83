//! `GET /redactie/poll/{id}`: a poll's standing, where it comes from (a content file or the
//! desk), its question and answers (in French beside the Dutch when it has them), the standing as
//! a picture in each language with its download and a block for a newsletter, its settings
//! with where each comes from, for a desk-made poll its frame to copy with a preview in each
//! language it speaks, the votes per hour, the unusual minutes, the voided windows, the exports
//! and its audit log.

use super::activity::{self, HourlySeries};
use super::brussels;
use super::extract::{DeskPath, SignedIn};
use super::page::DeskPage;
use super::refusal::Refusal;
use super::views::{
    self, ClosesRefusal, EmbedCode, FrenchTexts, Origin, PictureShare, PollDeskPage, PollDetail,
    Setting,
};
use super::{PollSource, find_poll};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use leptos::prelude::*;
use stembus_poll::error::AppError;
use stembus_poll::language::Language;
use stembus_poll::moment::Moment;
use stembus_poll::{PollDefinition, PollResults, PollStatus};
use stembus_site::embed_code::{self as embed, FRAME_HEIGHT, FRAME_WIDTH};
use stembus_site::escape_markup;
use stembus_site::standing::standing;
use stembus_site::state::SiteState;
use stembus_store::desk::AuditAction;

/// How many of the poll's newest audit lines its page shows.
const POLL_AUDIT_LINES: usize = 50;

pub async fn show(
    State(state): State<SiteState>,
    editor: SignedIn,
    DeskPath(id): DeskPath<String>,
) -> Result<DeskPage, Refusal> {
    let detail = poll_detail(&state, &id).await?;
    Ok(page(&editor, detail))
}

fn page(editor: &SignedIn, detail: PollDetail) -> DeskPage {
    let frame = editor.frame();
    DeskPage::new(move || {
        let (frame, detail) = (frame.clone(), detail.clone());
        view! { <PollDeskPage frame detail /> }.into_any()
    })
}

/// The poll's page again (400) after its "Sluitingsmoment" form was refused: what was typed back
/// in the field, with why, and nothing changed.
pub async fn with_closes_refused(
    state: &SiteState,
    editor: &SignedIn,
    id: &str,
    refusal: ClosesRefusal,
) -> Result<Response, Refusal> {
    let mut detail = poll_detail(state, id).await?;
    detail.closes_refused = Some(refusal);
    Ok((StatusCode::BAD_REQUEST, page(editor, detail)).into_response())
}

/// The embed of `served` in each language it speaks, Dutch first.
fn embeds(state: &SiteState, served: &PollDefinition) -> Vec<EmbedCode> {
    let base_url = &state.settings.base_url;
    served
        .languages()
        .into_iter()
        .filter_map(|language| {
            let poll = served.in_language(language)?;
            let path = embed::embed_path(&served.id, language);
            Some(EmbedCode {
                language,
                iframe_html: embed::iframe_html(
                    base_url,
                    &poll,
                    &state.words(language),
                    FRAME_WIDTH,
                    FRAME_HEIGHT,
                ),
                question: poll.question,
                url: format!("{base_url}{path}"),
                path,
            })
        })
        .collect()
}

/// The standing's picture of `served` in each language it speaks, Dutch first, with its words for
/// a screen reader (the figures only where every reader may see them at `now`, as the picture
/// itself) and a newsletter block; none for an archived poll, whose picture is gone (410).
fn pictures(
    state: &SiteState,
    served: &PollDefinition,
    results: Option<&PollResults>,
    archived: bool,
    now: i64,
) -> Vec<PictureShare> {
    if archived {
        return Vec::new();
    }
    let base_url = &state.settings.base_url;
    let library = state.library();
    let public = served.results_visible(served.status_at(now), false);
    served
        .languages()
        .into_iter()
        .filter_map(|language| {
            let poll = served.in_language(language)?;
            let words = state.words(language);
            // The standing in this language's labels, as the picture shows it.
            let shown = results.filter(|_| public).map(|results| {
                let mut results = results.clone();
                for row in &mut results.rows {
                    if let Some(option) = poll.options.iter().find(|o| o.key == row.key) {
                        row.label = option.label.clone();
                    }
                }
                results
            });
            let path = stembus_picture::path(&served.id, language);
            // What a link in the newsletter opens: the article of this language that shows the
            // poll, else the poll's embed.
            let page = match library.poll_in(&served.id, language) {
                Some((Some(article), _)) => article.url(base_url),
                _ => format!("{base_url}{}", embed::embed_path(&served.id, language)),
            };
            Some(PictureShare {
                language,
                alt: stembus_picture::alt_text(&poll, shown.as_ref(), &words),
                file_name: format!("stembus-{}-{}.png", served.id, language.tag()),
                newsletter_html: newsletter_html(
                    &poll,
                    &format!("{base_url}{path}"),
                    &page,
                    &embed::frame_title(&poll.question, &words),
                ),
                path,
            })
        })
        .collect()
}

/// The block an editor pastes into a newsletter: the question, the standing's picture (at
/// `picture_url`, `alt` its words) linking to the poll on `page_url`, and a link per answer that
/// opens the poll with that answer ticked (`?keuze={key}#poll`). A link only ticks: the reader
/// still votes with the button, and a mail scanner that follows every link casts no vote.
/// Everything from the newsroom is escaped.
pub fn newsletter_html(
    poll: &PollDefinition,
    picture_url: &str,
    page_url: &str,
    alt: &str,
) -> String {
    let answers: String = poll
        .options
        .iter()
        .map(|option| {
            let query: String = form_urlencoded::Serializer::new(String::new())
                .append_pair("keuze", &option.key)
                .finish();
            format!(
                "<li><a href=\"{}\">{}</a></li>",
                escape_markup(&format!("{page_url}?{query}#poll")),
                escape_markup(&option.label)
            )
        })
        .collect();
    format!(
        "<p><strong>{question}</strong></p>\n<p><a href=\"{poll_link}\"><img src=\"{picture}\" width=\"600\" height=\"315\" alt=\"{alt}\" style=\"max-width:100%;height:auto;border:0\"></a></p>\n<ul>{answers}</ul>",
        question = escape_markup(&poll.question),
        poll_link = escape_markup(&format!("{page_url}#poll")),
        picture = escape_markup(picture_url),
        alt = escape_markup(alt),
    )
}

fn closes_words(closes: Option<Moment>) -> String {
    match closes {
        Some(moment) => format!("op {}", brussels::long_with_time(moment.unix_seconds())),
        None => "nooit (geen einddatum)".to_string(),
    }
}

/// Everything the page shows, read before it renders. A standing that cannot be read leaves the
/// page up without it; the other reads refuse the page.
async fn poll_detail(state: &SiteState, id: &str) -> Result<PollDetail, AppError> {
    let poll = find_poll(state, id)?;
    let own = poll.own().clone();
    let article = poll
        .article()
        .map(|article| (article.title.clone(), article.path()));
    let served = poll.served;
    let (origin, archived) = match poll.source {
        PollSource::File { file, .. } => (Origin::File { file }, false),
        PollSource::Desk { made, .. } => {
            let (by, at) = &made.created;
            let origin = Origin::Desk {
                created: format!("gemaakt door {by} op {}", brussels::long_with_time(*at)),
                archived: made
                    .archived
                    .as_ref()
                    .map(|(by, at)| format!("door {by} op {}", brussels::long_with_time(*at))),
                // An archived poll's embed answers 410: nothing to copy or preview.
                embeds: if made.archived.is_some() {
                    Vec::new()
                } else {
                    embeds(state, &served)
                },
            };
            (origin, made.archived.is_some())
        }
    };
    let now = state.now();
    let overrides = state.content.desk().overrides_of(id);
    // Who changed each setting, from the log: the overrides keep one name and moment for both (the
    // last change of either), which put the name of whoever changed the visibility on the
    // closing moment another editor set. That one name only when the page's lines of the log no
    // longer reach back.
    let log = state.store.audit_log(Some(id), POLL_AUDIT_LINES).await?;
    let changed = |actions: &[AuditAction]| {
        log.iter()
            .find(|entry| actions.contains(&entry.action))
            .map(|entry| (entry.editor.as_str(), entry.at))
            .or(overrides
                .changed
                .as_ref()
                .map(|(by, at)| (by.as_str(), *at)))
            .map(|(by, at)| {
                format!(
                    "gewijzigd op de redactie door {by} op {}",
                    brussels::long_with_time(at)
                )
            })
    };
    let closes_changed = changed(&[
        AuditAction::Close,
        AuditAction::Reopen,
        AuditAction::ClosingMoment,
    ]);
    let visibility_changed = changed(&[AuditAction::ResultsVisibility]);
    let results = standing(&state.store, &served, None)
        .await
        .ok()
        .map(|(results, _)| results);
    let series = HourlySeries::from_rows(&served, &state.store.choices_per_hour(id).await?);
    let shown = series.shown();
    let chart = activity::chart_svg(
        &series.labels,
        shown,
        &format!("Stemmen per uur: {}", served.question),
    );
    let (median_minute, bursts) = activity::bursts(&state.store.ballots_per_minute(id).await?);
    let status = served.status_at(now);
    let pictures = pictures(state, &served, results.as_ref(), archived, now);
    let seen = state
        .store
        .views_per_hour(id)
        .await
        .ok()
        .map(|hours| hours.iter().map(|(_, views)| views).sum());
    Ok(PollDetail {
        pictures,
        seen,
        poll_id: id.to_string(),
        question: served.question.clone(),
        answers: served.options.iter().map(|o| o.label.clone()).collect(),
        french: served
            .in_language(Language::French)
            .map(|french| FrenchTexts {
                question: french.question,
                answers: french.options.into_iter().map(|o| o.label).collect(),
            }),
        origin,
        article,
        opens: served
            .opens
            .map_or("bij de publicatie".to_string(), |opens| {
                brussels::long_with_time(opens.unix_seconds())
            }),
        max_choices: served.max_choices,
        state: if archived {
            "gearchiveerd"
        } else {
            views::state_words(status)
        },
        is_closed: status == PollStatus::Closed,
        closes: Setting {
            value: closes_words(served.closes),
            overridden: overrides.closes.and(closes_changed),
            file_value: closes_words(own.closes),
        },
        closes_input: served
            .closes
            .map(|moment| moment.local_input_value())
            .unwrap_or_default(),
        closes_refused: None,
        visibility: Setting {
            value: views::visibility_words(served.show_results).to_string(),
            overridden: overrides.show_results.and(visibility_changed),
            file_value: views::visibility_words(own.show_results).to_string(),
        },
        visibility_now: served.show_results,
        results,
        chart_svg: chart,
        hours: shown
            .iter()
            .map(|(hour, counts)| (Moment::brussels_from_unix(*hour), counts.clone()))
            .collect(),
        hours_cut: shown.len() < series.hours.len(),
        median_minute,
        bursts,
        voided: state.store.voided_windows(Some(id)).await?,
        audit: log,
        window_default: Moment::brussels_from_unix(now - now.rem_euclid(60)).local_input_value(),
    })
}
