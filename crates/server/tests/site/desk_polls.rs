//! The polls editors make in the desk, through the router: the new-poll form and its refusals, editing before and after the first vote, archiving, what readers then see, and a poll in Dutch and French with its two embed codes.

use crate::common::*;
use crate::desk::{Editor, actions, post, signed_in, signed_in_as};
use axum::http::{HeaderName, StatusCode, header};
use stembus_poll::language::Language;
use stembus_site::embed_code::{FRAME_HEIGHT, FRAME_WIDTH, iframe_html};
use stembus_store::desk::AuditAction;

const NEW: &str = "/redactie/nieuw";
const QUESTION: &str = "Moet de stad meer fietspaden aanleggen?";
/// The code the site proposes for `QUESTION`.
const PROPOSED: &str = "moet-de-stad-meer-fietspaden-aanleggen";
const CODE: &str = "fietspaden";

fn encode(pairs: &[(String, String)]) -> String {
    form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish()
}

/// The new-poll form filled in with `QUESTION`, three answers and `CODE`, with `changes` laid
/// over it (a field set to "" is sent empty).
fn new_poll_form(changes: &[(&str, &str)]) -> String {
    let mut fields: Vec<(String, String)> = [
        ("vraag", QUESTION),
        ("antwoord1", "Ja"),
        ("antwoord2", "Nee"),
        ("antwoord3", "Weet niet"),
        ("opent", ""),
        ("sluit", ""),
        ("uitslag", "after-vote"),
        ("code", CODE),
    ]
    .into_iter()
    .map(|(name, value)| (name.to_string(), value.to_string()))
    .collect();
    for (name, value) in changes {
        match fields.iter_mut().find(|(field, _)| field == name) {
            Some(field) => field.1 = value.to_string(),
            None => fields.push((name.to_string(), value.to_string())),
        }
    }
    encode(&fields)
}

fn desk_page(id: &str) -> String {
    format!("/redactie/poll/{id}")
}

/// Makes the poll of `new_poll_form(changes)`; its desk page's address.
async fn create(site: &TestSite, editor: &Editor, changes: &[(&str, &str)]) -> String {
    let reply = editor.post(site, NEW, &new_poll_form(changes)).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    reply.location().unwrap().to_string()
}

async fn made_ids(site: &TestSite) -> Vec<String> {
    site.state
        .store
        .made_polls()
        .await
        .unwrap()
        .into_iter()
        .map(|made| made.definition.id)
        .collect()
}

/// The value of the field `name` in a page: the `value` attribute of the element named so.
fn field_value(body: &str, name: &str) -> Option<String> {
    let start = body.find(&format!("name=\"{name}\""))?;
    let tag = &body[start..start + body[start..].find('>')?];
    let value = tag.find("value=\"")? + "value=\"".len();
    let end = tag[value..].find('"')?;
    Some(
        tag[value..value + end]
            .replace("&quot;", "\"")
            .replace("&amp;", "&"),
    )
}

/// The edit form of `id` as its page fills it in, to change and send back.
async fn edit_form(site: &TestSite, editor: &Editor, id: &str) -> Vec<(String, String)> {
    let page = editor
        .get(site, &format!("{}/bewerken", desk_page(id)))
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let mut names = vec![
        "vraag".to_string(),
        "opent".into(),
        "sluit".into(),
        "maximaal".into(),
    ];
    names.push("vraag-fr".into());
    // What the form showed, which it sends back.
    names.push("versie".into());
    names.push("geladen".into());
    for slot in 1..=10 {
        names.push(format!("antwoord{slot}"));
        names.push(format!("sleutel{slot}"));
        names.push(format!("antwoord{slot}-fr"));
    }
    let mut fields: Vec<(String, String)> = names
        .into_iter()
        .filter_map(|name| field_value(&page.body, &name).map(|value| (name, value)))
        .collect();
    fields.push(("uitslag".into(), "after-vote".into()));
    fields
}

fn set(fields: &mut [(String, String)], name: &str, value: &str) {
    let field = fields
        .iter_mut()
        .find(|(field, _)| field == name)
        .unwrap_or_else(|| panic!("no field {name}"));
    field.1 = value.to_string();
}

async fn save_edit(
    site: &TestSite,
    editor: &Editor,
    id: &str,
    fields: &[(String, String)],
) -> Reply {
    editor
        .post(
            site,
            &format!("{}/bewerken", desk_page(id)),
            &encode(fields),
        )
        .await
}

/// A vote through the vote route, as the island sends it; the status.
async fn vote(site: &TestSite, id: &str, choice: &str) -> Reply {
    site.post_fetch(&format!("poll={id}&choice={choice}"), None)
        .await
}

#[tokio::test]
async fn a_poll_made_in_the_desk_gets_a_proposed_code_then_is_embedded_served_and_voted_on() {
    let site = TestSite::new();
    let editor = signed_in(&site).await;
    let home = editor.get(&site, "/redactie").await;
    assert!(
        home.body.contains(&format!("href=\"{NEW}\"")) && home.body.contains("Nieuwe poll"),
        "{}",
        home.body
    );
    let form = editor.get(&site, NEW).await;
    assert_eq!(form.status, StatusCode::OK);
    assert_eq!(form.header("cache-control"), Some("no-store"));
    for label in [
        r#"<label for="vraag">Vraag</label>"#,
        r#"<label for="antwoord1">Antwoord 1</label>"#,
        r#"<label for="antwoord10">Antwoord 10</label>"#,
        "Meerdere antwoorden toegestaan",
        r#"<label for="maximaal">Maximaal aantal antwoorden</label>"#,
        r#"<label for="opent">Opent</label>"#,
        r#"<label for="sluit">Sluit</label>"#,
        r#"<label for="uitslag">Resultaten tonen</label>"#,
        r#"<label for="code">Code in het adres</label>"#,
        "Poll aanmaken",
    ] {
        assert!(form.body.contains(label), "{label} in {}", form.body);
    }
    assert!(form.body.contains(r#"type="datetime-local""#));

    // Without a code, nothing is made: the form comes back with the proposal.
    let proposal = editor
        .post(&site, NEW, &new_poll_form(&[("code", "")]))
        .await;
    assert_eq!(proposal.status, StatusCode::OK, "{}", proposal.body);
    assert_eq!(
        field_value(&proposal.body, "code").as_deref(),
        Some(PROPOSED)
    );
    assert!(proposal.body.contains(&format!("/embed/{PROPOSED}")));
    assert!(proposal.body.contains("nog wijzigen"), "{}", proposal.body);
    assert_eq!(
        field_value(&proposal.body, "antwoord3").as_deref(),
        Some("Weet niet")
    );
    assert!(made_ids(&site).await.is_empty(), "a proposal makes nothing");

    // Sent again with the proposed code, it is made.
    let location = create(&site, &editor, &[("code", PROPOSED)]).await;
    assert_eq!(location, desk_page(PROPOSED));
    assert_eq!(made_ids(&site).await, vec![PROPOSED.to_string()]);
    let log = site
        .state
        .store
        .audit_log(Some(PROPOSED), 10)
        .await
        .unwrap();
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].action, AuditAction::PollCreated);
    assert!(log[0].detail.contains(QUESTION), "{}", log[0].detail);

    let base = site.state.settings.base_url.clone();
    let oembed = site
        .get(&format!("/oembed?url={base}/embed/{PROPOSED}"), None)
        .await;
    assert_eq!(oembed.status, StatusCode::OK, "{}", oembed.body);
    let json: serde_json::Value = serde_json::from_str(&oembed.body).unwrap();
    let iframe = json["html"].as_str().unwrap().to_string();
    assert!(
        iframe.contains(&format!("{base}/embed/{PROPOSED}")),
        "{iframe}"
    );

    let page = editor.get(&site, &location).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    // As the textarea's text, which the browser decodes back to the frame.
    let copied = iframe
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;");
    assert!(
        page.body.contains("<textarea") && page.body.contains(&copied),
        "the iframe code of oEmbed, to copy: {copied} in {}",
        page.body
    );
    assert!(
        page.body
            .contains(&format!("<iframe src=\"/embed/{PROPOSED}\"")),
        "a preview: {}",
        page.body
    );
    for text in ["Bewerken", "Archiveren", "alleen als embed", "Weet niet"] {
        assert!(page.body.contains(text), "{text} in {}", page.body);
    }

    let embed = site.get(&format!("/embed/{PROPOSED}"), None).await;
    assert_eq!(embed.status, StatusCode::OK);
    assert!(embed.body.contains(QUESTION));
    let api = site.get(&format!("/api/polls/{PROPOSED}"), None).await;
    assert_eq!(api.status, StatusCode::OK, "{}", api.body);

    let reply = vote(&site, PROPOSED, "ja").await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert_eq!(site.voters_in(PROPOSED).await, 1);
}

/// Posts the new-poll form with `changes` and checks the refusal: 400, `message` at the form,
/// every `kept` value still in its field, and nothing made or logged.
async fn assert_refused(
    site: &TestSite,
    editor: &Editor,
    changes: &[(&str, &str)],
    message: &str,
    kept: &[(&str, &str)],
) {
    let made_before = made_ids(site).await;
    let reply = editor.post(site, NEW, &new_poll_form(changes)).await;
    assert_eq!(
        reply.status,
        StatusCode::BAD_REQUEST,
        "{changes:?}: {}",
        reply.body
    );
    assert!(reply.body.contains(message), "{message} in {}", reply.body);
    for (name, value) in kept {
        assert_eq!(
            field_value(&reply.body, name).as_deref(),
            Some(*value),
            "{name} kept"
        );
    }
    assert_eq!(made_ids(site).await, made_before, "nothing made");
    let created = actions(site)
        .await
        .into_iter()
        .filter(|action| *action == AuditAction::PollCreated)
        .count();
    assert_eq!(created, made_before.len(), "no audit line for a refusal");
}

#[tokio::test]
async fn a_poll_without_a_question_is_refused_at_the_question_field() {
    let site = TestSite::new();
    let editor = signed_in(&site).await;
    assert_refused(
        &site,
        &editor,
        &[("vraag", "   ")],
        "Vraag: vul de vraag in.",
        &[
            ("antwoord1", "Ja"),
            ("antwoord3", "Weet niet"),
            ("code", CODE),
        ],
    )
    .await;
    let reply = editor
        .post(&site, NEW, &new_poll_form(&[("vraag", "")]))
        .await;
    assert!(
        reply
            .body
            .contains(r#"aria-invalid="true" aria-describedby="vraag-fout""#)
            && reply.body.contains(r#"id="vraag-fout""#),
        "the message is linked to its field: {}",
        reply.body
    );
}

#[tokio::test]
async fn a_question_over_200_characters_is_refused() {
    let site = TestSite::new();
    let editor = signed_in(&site).await;
    let long = "Waarom ".repeat(29);
    assert!(long.trim().chars().count() > 200);
    assert_refused(
        &site,
        &editor,
        &[("vraag", &long)],
        "Vraag: ten hoogste 200 tekens",
        &[("vraag", &long), ("antwoord2", "Nee")],
    )
    .await;
}

#[tokio::test]
async fn fewer_than_two_answers_are_refused() {
    let site = TestSite::new();
    let editor = signed_in(&site).await;
    assert_refused(
        &site,
        &editor,
        &[("antwoord1", ""), ("antwoord3", "")],
        "Antwoord 1: een poll heeft minstens twee antwoorden.",
        &[("vraag", QUESTION), ("antwoord2", "Nee")],
    )
    .await;
}

#[tokio::test]
async fn the_same_answer_twice_is_refused_whatever_its_case_and_spaces() {
    let site = TestSite::new();
    let editor = signed_in(&site).await;
    assert_refused(
        &site,
        &editor,
        &[("antwoord3", "  ja ")],
        "Antwoord 3: dit antwoord staat er al, als antwoord 1.",
        &[("antwoord3", "  ja "), ("vraag", QUESTION)],
    )
    .await;
}

#[tokio::test]
async fn a_maximum_of_answers_outside_two_to_the_number_of_answers_is_refused() {
    let site = TestSite::new();
    let editor = signed_in(&site).await;
    for maximum in ["4", "1", "veel"] {
        assert_refused(
            &site,
            &editor,
            &[("meerdere", "1"), ("maximaal", maximum)],
            "Maximaal aantal antwoorden: kies een getal van 2 tot 3",
            &[("maximaal", maximum), ("antwoord3", "Weet niet")],
        )
        .await;
    }
}

#[tokio::test]
async fn closing_before_opening_is_refused() {
    let site = TestSite::new();
    let editor = signed_in(&site).await;
    assert_refused(
        &site,
        &editor,
        &[("opent", "2026-03-05T10:00"), ("sluit", "2026-03-04T10:00")],
        "Sluit: dit moment moet na het openen liggen.",
        &[("opent", "2026-03-05T10:00"), ("sluit", "2026-03-04T10:00")],
    )
    .await;
}

#[tokio::test]
async fn closing_in_the_past_is_refused() {
    let site = TestSite::new();
    let editor = signed_in(&site).await;
    // The test clock stands on 2 March 2026, 9.00.
    assert_refused(
        &site,
        &editor,
        &[("opent", "2026-02-20T10:00"), ("sluit", "2026-03-01T12:00")],
        "Sluit: dit moment is al voorbij",
        &[("sluit", "2026-03-01T12:00")],
    )
    .await;
}

#[tokio::test]
async fn closing_in_the_past_with_opent_left_empty_is_refused_as_past() {
    let site = TestSite::new();
    let editor = signed_in(&site).await;
    // Opent empty opens the poll now (2 March 2026, 9.00), so the past moment is also before
    // the opening; what the editor must hear is that it is past.
    assert_refused(
        &site,
        &editor,
        &[("sluit", "2026-03-01T12:00")],
        "Sluit: dit moment is al voorbij; kies een moment in de toekomst.",
        &[("sluit", "2026-03-01T12:00")],
    )
    .await;
}

#[tokio::test]
async fn results_after_closing_without_a_closing_moment_are_refused() {
    let site = TestSite::new();
    let editor = signed_in(&site).await;
    assert_refused(
        &site,
        &editor,
        &[("uitslag", "after-close")],
        "Resultaten tonen: „na het sluiten” kan alleen als de poll een moment heeft bij Sluit.",
        &[("vraag", QUESTION), ("code", CODE)],
    )
    .await;
    let reply = editor
        .post(&site, NEW, &new_poll_form(&[("uitslag", "after-close")]))
        .await;
    assert!(
        reply
            .body
            .contains(r#"<option value="after-close" selected"#),
        "the choice is kept: {}",
        reply.body
    );
}

#[tokio::test]
async fn a_malformed_code_is_refused() {
    let site = TestSite::new();
    let editor = signed_in(&site).await;
    for code in ["Fiets Paden!", "fiets--paden", "één"] {
        assert_refused(
            &site,
            &editor,
            &[("code", code)],
            "Code in het adres: alleen kleine letters",
            &[("code", code), ("antwoord1", "Ja")],
        )
        .await;
    }
}

#[tokio::test]
async fn a_code_in_use_by_a_file_poll_or_a_desk_poll_is_refused() {
    let site = TestSite::new();
    let editor = signed_in(&site).await;
    assert_refused(
        &site,
        &editor,
        &[("code", POLL)],
        "Code in het adres: deze code is al in gebruik",
        &[("code", POLL), ("vraag", QUESTION)],
    )
    .await;
    create(&site, &editor, &[]).await;
    assert_refused(
        &site,
        &editor,
        &[("vraag", "Een andere vraag?")],
        "Code in het adres: deze code is al in gebruik",
        &[("code", CODE), ("vraag", "Een andere vraag?")],
    )
    .await;
    // The proposal for a question whose code is taken is the next free one.
    let proposal = editor
        .post(
            &site,
            NEW,
            &new_poll_form(&[("vraag", "Fietspaden?"), ("code", "")]),
        )
        .await;
    assert_eq!(proposal.status, StatusCode::OK);
    assert_eq!(
        field_value(&proposal.body, "code").as_deref(),
        Some("fietspaden-2")
    );
}

#[tokio::test]
async fn the_poll_forms_without_a_session_are_refused_and_make_nothing() {
    let site = TestSite::new();
    for path in [
        NEW.to_string(),
        format!("{}/bewerken", desk_page(CODE)),
        format!("{}/archiveren", desk_page(CODE)),
        format!("{}/terugzetten", desk_page(CODE)),
    ] {
        let reply = post(&site, &path, &new_poll_form(&[("csrf", "x")]), None, &[]).await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{path}");
        assert!(reply.body.contains("niet (meer) aangemeld"), "{path}");
    }
    for path in [NEW.to_string(), format!("{}/bewerken", desk_page(CODE))] {
        let reply = site.get(&path, None).await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "{path}");
        assert_eq!(reply.location(), Some("/redactie/aanmelden"));
    }
    assert!(made_ids(&site).await.is_empty());
}

#[tokio::test]
async fn a_new_poll_with_a_wrong_form_token_or_from_another_site_is_refused() {
    let site = TestSite::new();
    let editor = signed_in(&site).await;
    let wrong = post(
        &site,
        NEW,
        &format!("csrf=verkeerd&{}", new_poll_form(&[])),
        Some(&editor.cookie),
        &[],
    )
    .await;
    assert_eq!(wrong.status, StatusCode::FORBIDDEN);
    assert!(
        wrong.body.contains("Dit formulier is verlopen"),
        "{}",
        wrong.body
    );
    let body = format!("csrf={}&{}", editor.csrf, new_poll_form(&[]));
    for headers in [
        vec![(header::ORIGIN, "https://elders.example")],
        vec![(HeaderName::from_static("sec-fetch-site"), "cross-site")],
    ] {
        let reply = post(&site, NEW, &body, Some(&editor.cookie), &headers).await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "{headers:?}");
    }
    assert!(made_ids(&site).await.is_empty());
    assert_eq!(
        actions(&site).await,
        vec![AuditAction::SignIn, AuditAction::EditorAdded]
    );
}

#[tokio::test]
async fn before_the_first_vote_answers_can_be_reordered_and_removed() {
    let site = TestSite::new();
    let editor = signed_in(&site).await;
    create(&site, &editor, &[]).await;
    let mut fields = edit_form(&site, &editor, CODE).await;
    assert_eq!(
        fields
            .iter()
            .find(|(name, _)| name == "sleutel2")
            .map(|(_, key)| key.as_str()),
        Some("nee")
    );
    // "Weet niet" first, "Ja" second, "Nee" gone.
    set(&mut fields, "antwoord1", "Weet niet");
    set(&mut fields, "sleutel1", "weet-niet");
    set(&mut fields, "antwoord2", "Ja");
    set(&mut fields, "sleutel2", "ja");
    set(&mut fields, "antwoord3", "");
    set(&mut fields, "sleutel3", "");
    let reply = save_edit(&site, &editor, CODE, &fields).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    assert_eq!(reply.location(), Some(desk_page(CODE).as_str()));
    let made = site.state.store.made_polls().await.unwrap();
    let keys: Vec<&str> = made[0]
        .definition
        .options
        .iter()
        .map(|option| option.key.as_str())
        .collect();
    assert_eq!(keys, ["weet-niet", "ja"]);
    assert!(!made[0].clarified);
    assert!(actions(&site).await.contains(&AuditAction::PollEdited));
    let embed = site.get(&format!("/embed/{CODE}"), None).await;
    assert!(!embed.body.contains(">Nee<"), "{}", embed.body);
}

#[tokio::test]
async fn after_the_first_vote_a_reworded_question_and_answer_are_logged_and_readers_are_told() {
    let site = TestSite::new();
    let editor = signed_in(&site).await;
    create(&site, &editor, &[]).await;
    assert_eq!(vote(&site, CODE, "nee").await.status, StatusCode::OK);
    let form = editor
        .get(&site, &format!("{}/bewerken", desk_page(CODE)))
        .await;
    assert!(
        form.body.contains("Er hebben al lezers gestemd"),
        "the editor is warned before trying: {}",
        form.body
    );
    let mut fields = edit_form(&site, &editor, CODE).await;
    set(
        &mut fields,
        "vraag",
        "Moet de stad meer veilige fietspaden aanleggen?",
    );
    set(&mut fields, "antwoord2", "Neen");
    let reply = save_edit(&site, &editor, CODE, &fields).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let log = site.state.store.audit_log(Some(CODE), 10).await.unwrap();
    assert_eq!(log[0].action, AuditAction::PollEdited);
    assert_eq!(
        log[0].detail,
        format!(
            "vraag: \"{QUESTION}\" → \"Moet de stad meer veilige fietspaden aanleggen?\"; antwoord 2: \"Nee\" → \"Neen\""
        )
    );
    let embed = site.get(&format!("/embed/{CODE}"), None).await;
    assert!(embed.body.contains("Neen"));
    assert!(
        embed
            .body
            .contains("De vraag of een antwoord werd na de start verduidelijkt."),
        "{}",
        embed.body
    );
    assert_eq!(
        site.voters_in(CODE).await,
        1,
        "the vote stays with its answer"
    );
}

#[tokio::test]
async fn after_the_first_vote_adding_removing_or_reordering_answers_is_refused() {
    let site = TestSite::new();
    let editor = signed_in(&site).await;
    create(&site, &editor, &[]).await;
    assert_eq!(vote(&site, CODE, "ja").await.status, StatusCode::OK);
    let stored = site.state.store.made_polls().await.unwrap();
    let fields = edit_form(&site, &editor, CODE).await;
    let mut added = fields.clone();
    set(&mut added, "antwoord4", "Misschien");
    let mut removed = fields.clone();
    set(&mut removed, "antwoord3", "");
    set(&mut removed, "sleutel3", "");
    let mut reordered = fields.clone();
    set(&mut reordered, "antwoord1", "Nee");
    set(&mut reordered, "sleutel1", "nee");
    set(&mut reordered, "antwoord2", "Ja");
    set(&mut reordered, "sleutel2", "ja");
    // What a browser sends when an editor swaps two answers' texts: the hidden keys stay put.
    let mut swapped = fields.clone();
    set(&mut swapped, "antwoord1", "Nee");
    set(&mut swapped, "antwoord2", "Ja");
    for (what, fields) in [
        ("added", added),
        ("removed", removed),
        ("reordered", reordered),
        ("swapped", swapped),
    ] {
        let reply = save_edit(&site, &editor, CODE, &fields).await;
        assert_eq!(
            reply.status,
            StatusCode::BAD_REQUEST,
            "{what}: {}",
            reply.body
        );
        assert!(
            reply
                .body
                .contains("antwoorden kunnen niet meer toegevoegd, verwijderd of van volgorde veranderd worden"),
            "{what}: {}",
            reply.body
        );
    }
    assert_eq!(site.state.store.made_polls().await.unwrap(), stored);
    assert!(!actions(&site).await.contains(&AuditAction::PollEdited));
}

#[tokio::test]
async fn an_edit_that_changes_nothing_logs_nothing() {
    let site = TestSite::new();
    let editor = signed_in(&site).await;
    create(
        &site,
        &editor,
        &[("opent", "2026-03-02T10:30"), ("sluit", "2026-04-01T18:00")],
    )
    .await;
    let fields = edit_form(&site, &editor, CODE).await;
    let reply = save_edit(&site, &editor, CODE, &fields).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    assert!(!actions(&site).await.contains(&AuditAction::PollEdited));
}

#[tokio::test]
async fn a_file_poll_is_marked_as_from_its_file_and_cannot_be_edited_or_archived_here() {
    let site = TestSite::new();
    let editor = signed_in(&site).await;
    let page = editor.get(&site, &desk_page(POLL)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("uit bestand") && page.body.contains("deepseek-nvidia-beurswaarde.md"),
        "{}",
        page.body
    );
    assert!(!page.body.contains("/bewerken"), "no edit link");
    assert!(!page.body.contains("Archiveren"));
    let edit = editor
        .get(&site, &format!("{}/bewerken", desk_page(POLL)))
        .await;
    assert_eq!(edit.status, StatusCode::NOT_FOUND);
    let save = editor
        .post(
            &site,
            &format!("{}/bewerken", desk_page(POLL)),
            "vraag=Anders%3F",
        )
        .await;
    assert_eq!(save.status, StatusCode::NOT_FOUND);
    let archive = editor
        .post(&site, &format!("{}/archiveren", desk_page(POLL)), "")
        .await;
    assert_eq!(archive.status, StatusCode::NOT_FOUND);
    assert_eq!(
        actions(&site).await,
        vec![AuditAction::SignIn, AuditAction::EditorAdded]
    );
    assert_eq!(site.get(ARTICLE, None).await.status, StatusCode::OK);
}

#[tokio::test]
async fn archiving_takes_a_poll_off_the_site_keeps_its_votes_and_putting_it_back_restores_it() {
    let site = TestSite::new();
    let editor = signed_in(&site).await;
    create(&site, &editor, &[]).await;
    assert_eq!(vote(&site, CODE, "ja").await.status, StatusCode::OK);

    let reply = editor
        .post(&site, &format!("{}/archiveren", desk_page(CODE)), "")
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    assert_eq!(reply.location(), Some(desk_page(CODE).as_str()));
    let embed = site.get(&format!("/embed/{CODE}"), None).await;
    assert_eq!(embed.status, StatusCode::GONE);
    assert!(
        embed.body.contains("Deze poll is gearchiveerd"),
        "{}",
        embed.body
    );
    let api = site.get(&format!("/api/polls/{CODE}"), None).await;
    assert_eq!(api.status, StatusCode::GONE);
    assert!(api.body.contains("gearchiveerd"), "{}", api.body);
    let refused = vote(&site, CODE, "nee").await;
    assert_ne!(refused.status, StatusCode::OK, "{}", refused.body);
    assert_eq!(site.voters_in(CODE).await, 1, "the ballots are kept");
    let tally = site.state.store.tally(CODE, None).await.unwrap();
    assert_eq!(tally.voters, 1);

    let list = editor.get(&site, "/redactie").await;
    assert!(
        list.body.contains(QUESTION) && list.body.contains("<td>gearchiveerd</td>"),
        "{}",
        list.body
    );
    let page = editor.get(&site, &desk_page(CODE)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Terugzetten") && !page.body.contains(">Archiveren<"));
    let edit = editor
        .get(&site, &format!("{}/bewerken", desk_page(CODE)))
        .await;
    assert_eq!(edit.status, StatusCode::CONFLICT);
    assert!(edit.body.contains("Zet hem eerst terug"), "{}", edit.body);

    let back = editor
        .post(&site, &format!("{}/terugzetten", desk_page(CODE)), "")
        .await;
    assert_eq!(back.status, StatusCode::SEE_OTHER, "{}", back.body);
    assert_eq!(
        site.get(&format!("/embed/{CODE}"), None).await.status,
        StatusCode::OK
    );
    assert_eq!(
        site.get(&format!("/api/polls/{CODE}"), None).await.status,
        StatusCode::OK
    );
    let log: Vec<AuditAction> = site
        .state
        .store
        .audit_log(Some(CODE), 10)
        .await
        .unwrap()
        .into_iter()
        .map(|entry| entry.action)
        .collect();
    assert_eq!(
        log,
        [
            AuditAction::Unarchived,
            AuditAction::Archived,
            AuditAction::PollCreated
        ]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn archiving_a_poll_ends_its_open_live_streams() {
    use crate::live_results::{ends_without_a_standing, watching_poll};
    use std::time::Duration;
    let site = TestSite::new().kept_router();
    let editor = signed_in(&site).await;
    create(&site, &editor, &[("uitslag", "always")]).await;
    let (mut body, mut pending) = watching_poll(&site, CODE).await;
    let reply = editor
        .post(&site, &format!("{}/archiveren", desk_page(CODE)), "")
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    assert!(
        ends_without_a_standing(&mut body, &mut pending, Duration::from_secs(5)).await,
        "the stream of an archived poll ends: {pending}"
    );
    let again = site.get(&format!("/api/polls/{CODE}/live"), None).await;
    assert_eq!(again.status, StatusCode::GONE);
}

#[tokio::test]
async fn the_poll_list_shows_desk_polls_on_an_article_on_their_own_and_archived_and_marks_file_polls()
 {
    let content = tempfile::tempdir().unwrap();
    for file in [
        "deepseek-nvidia-beurswaarde.md",
        "voorbeeld-hoe-werkt-de-lezerspoll.md",
    ] {
        std::fs::copy(shipped_content().join(file), content.path().join(file)).unwrap();
    }
    std::fs::write(
        content.path().join("fietsen-in-de-stad.md"),
        format!(
            "+++\nslug = \"fietsen-in-de-stad\"\ntitle = \"Fietsen in de stad\"\nlead = \"De stad legt nieuwe fietspaden aan.\"\nauthor = \"De redactie\"\nsource = \"Stembus\"\npublished = \"2025-02\"\ntags = [\"mobiliteit\"]\npoll = \"{CODE}\"\n+++\n\nDe stad legt nieuwe fietspaden aan.\n"
        ),
    )
    .unwrap();
    let site = TestSite::with_content(content.path(), tempfile::tempdir().unwrap());
    let editor = signed_in(&site).await;
    create(&site, &editor, &[]).await;
    create(
        &site,
        &editor,
        &[("vraag", "Een poll alleen als embed?"), ("code", "los")],
    )
    .await;
    create(
        &site,
        &editor,
        &[("vraag", "Een oude poll?"), ("code", "oud")],
    )
    .await;
    let archived = editor
        .post(&site, "/redactie/poll/oud/archiveren", "")
        .await;
    assert_eq!(archived.status, StatusCode::SEE_OTHER);

    let list = editor.get(&site, "/redactie").await;
    assert_eq!(list.status, StatusCode::OK);
    let row = |id: &str| {
        let start = list
            .body
            .find(&format!("href=\"/redactie/poll/{id}\""))
            .unwrap_or_else(|| panic!("{id} listed in {}", list.body));
        let end = list.body[start..].find("</tr>").unwrap();
        list.body[start..start + end].to_string()
    };
    assert!(
        row(CODE).contains("href=\"/artikel/fietsen-in-de-stad\""),
        "{}",
        row(CODE)
    );
    assert!(row(CODE).contains("gemaakt op de redactie"));
    assert!(row("los").contains("alleen als embed"), "{}", row("los"));
    assert!(
        row("oud").contains("<td>gearchiveerd</td>"),
        "{}",
        row("oud")
    );
    assert!(
        row(POLL).contains("uit bestand deepseek-nvidia-beurswaarde.md"),
        "{}",
        row(POLL)
    );
    let article = site.get("/artikel/fietsen-in-de-stad", None).await;
    assert!(
        article.body.contains(QUESTION),
        "the article shows the desk's poll"
    );
}

#[tokio::test]
async fn the_iframe_code_to_copy_is_oembeds_frame_even_for_a_question_with_quotes_and_ampersands() {
    let site = TestSite::new();
    let editor = signed_in(&site).await;
    let question = "Is een \"fietsstraat\" & een <fietspad> hetzelfde?";
    create(
        &site,
        &editor,
        &[("vraag", question), ("code", "aanhalingstekens")],
    )
    .await;
    let base = site.state.settings.base_url.clone();
    let oembed = site
        .get(&format!("/oembed?url={base}/embed/aanhalingstekens"), None)
        .await;
    let json: serde_json::Value = serde_json::from_str(&oembed.body).unwrap();
    let iframe = json["html"].as_str().unwrap();
    assert!(
        iframe.contains("&quot;fietsstraat&quot; &amp; een &lt;fietspad&gt;"),
        "{iframe}"
    );
    let page = editor.get(&site, &desk_page("aanhalingstekens")).await;
    let copied = iframe
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;");
    assert!(page.body.contains(&copied), "{copied} in {}", page.body);
}

const FRENCH_QUESTION: &str = "La ville doit-elle aménager plus de pistes cyclables ?";

/// The French fields of `new_poll_form`'s three answers, filled in.
const IN_FRENCH: [(&str, &str); 4] = [
    ("vraag-fr", FRENCH_QUESTION),
    ("antwoord1-fr", "Oui"),
    ("antwoord2-fr", "Non"),
    ("antwoord3-fr", "Je ne sais pas"),
];

/// A frame as the desk's textarea holds it: escaped once, which the browser decodes back.
fn as_textarea_text(iframe: &str) -> String {
    iframe
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[tokio::test]
async fn a_poll_made_in_dutch_and_french_stores_both_and_its_page_gives_both_iframe_codes() {
    let site = TestSite::new();
    let editor = signed_in(&site).await;
    let form = editor.get(&site, NEW).await;
    for label in [
        r#"<label for="vraag-fr">Vraag (Frans)</label>"#,
        r#"<label for="antwoord1-fr">Antwoord 1 (Frans)</label>"#,
        r#"<label for="antwoord10-fr">Antwoord 10 (Frans)</label>"#,
    ] {
        assert!(form.body.contains(label), "{label} in {}", form.body);
    }
    let dutch_answer = form.body.find(r#"id="antwoord2""#).unwrap();
    let french_answer = form.body.find(r#"id="antwoord2-fr""#).unwrap();
    let next_answer = form.body.find(r#"id="antwoord3""#).unwrap();
    assert!(
        dutch_answer < french_answer && french_answer < next_answer,
        "each French answer sits under its Dutch one"
    );

    let location = create(&site, &editor, &IN_FRENCH).await;

    let made = site.state.store.made_polls().await.unwrap();
    let poll = &made[0].definition;
    let french = poll.french.as_ref().expect("the French texts are stored");
    assert_eq!(french.question, FRENCH_QUESTION);
    assert_eq!(
        french
            .labels
            .iter()
            .map(|(key, label)| (key.as_str(), label.as_str()))
            .collect::<Vec<_>>(),
        [
            ("ja", "Oui"),
            ("nee", "Non"),
            ("weet-niet", "Je ne sais pas")
        ],
        "by the keys of the Dutch answers: one tally"
    );
    assert_eq!(poll.question, QUESTION);
    let log = site.state.store.audit_log(Some(CODE), 10).await.unwrap();
    assert!(
        log[0].detail.contains(QUESTION) && log[0].detail.contains(FRENCH_QUESTION),
        "{}",
        log[0].detail
    );

    let page = editor.get(&site, &location).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let base = site.state.settings.base_url.clone();
    for (language, id, label) in [
        (
            Language::Dutch,
            "iframe-code",
            "Iframe-code om te kopiëren (Nederlands)",
        ),
        (
            Language::French,
            "iframe-code-fr",
            "Iframe-code om te kopiëren (Frans)",
        ),
    ] {
        let frame = iframe_html(
            &base,
            &poll.in_language(language).unwrap(),
            &site.state.words(language),
            FRAME_WIDTH,
            FRAME_HEIGHT,
        );
        assert!(
            page.body
                .contains(&format!("<label for=\"{id}\">{label}</label>")),
            "{label} in {}",
            page.body
        );
        assert!(
            page.body.contains(&as_textarea_text(&frame)),
            "{frame} in {}",
            page.body
        );
    }
    assert!(
        page.body.contains(&format!("{base}/fr/embed/{CODE}")),
        "the French embed's address: {}",
        page.body
    );
    for text in [FRENCH_QUESTION, "Je ne sais pas", "Weet niet"] {
        assert!(page.body.contains(text), "{text} in {}", page.body);
    }

    // The edit form comes filled in with the French texts.
    let fields = edit_form(&site, &editor, CODE).await;
    let value = |name: &str| {
        fields
            .iter()
            .find(|(field, _)| field == name)
            .map(|(_, value)| value.clone())
    };
    assert_eq!(value("vraag-fr").as_deref(), Some(FRENCH_QUESTION));
    assert_eq!(value("antwoord3-fr").as_deref(), Some("Je ne sais pas"));
    assert_eq!(value("antwoord4-fr").as_deref(), Some(""));
}

#[tokio::test]
async fn a_poll_without_french_has_only_its_dutch_iframe_code() {
    let site = TestSite::new();
    let editor = signed_in(&site).await;
    let location = create(&site, &editor, &[]).await;
    assert_eq!(
        site.state.store.made_polls().await.unwrap()[0]
            .definition
            .french,
        None
    );
    let page = editor.get(&site, &location).await;
    assert!(
        page.body
            .contains(r#"<label for="iframe-code">Iframe-code om te kopiëren</label>"#),
        "{}",
        page.body
    );
    assert!(!page.body.contains("iframe-code-fr"), "{}", page.body);
    assert!(!page.body.contains("/fr/embed/"), "{}", page.body);
}

#[tokio::test]
async fn french_answers_without_one_for_every_filled_answer_are_refused_at_that_field() {
    let site = TestSite::new();
    let editor = signed_in(&site).await;
    assert_refused(
        &site,
        &editor,
        &[
            ("vraag-fr", FRENCH_QUESTION),
            ("antwoord1-fr", "Oui"),
            ("antwoord3-fr", "Je ne sais pas"),
        ],
        "Antwoord 2 (Frans): vul de Franse tekst van antwoord 2 in, of laat alle Franse velden leeg.",
        &[
            ("vraag-fr", FRENCH_QUESTION),
            ("antwoord1-fr", "Oui"),
            ("antwoord2-fr", ""),
            ("antwoord3-fr", "Je ne sais pas"),
            ("antwoord2", "Nee"),
            ("code", CODE),
        ],
    )
    .await;
    let reply = editor
        .post(
            &site,
            NEW,
            &new_poll_form(&[("vraag-fr", FRENCH_QUESTION), ("antwoord1-fr", "Oui")]),
        )
        .await;
    assert!(
        reply
            .body
            .contains(r#"aria-invalid="true" aria-describedby="antwoord2-fr-fout""#)
            && reply.body.contains(r#"id="antwoord2-fr-fout""#)
            && reply.body.contains(r##"<a href="#antwoord2-fr">"##),
        "the message is linked to its field: {}",
        reply.body
    );
}

#[tokio::test]
async fn french_answers_without_a_french_question_are_refused_at_the_french_question() {
    let site = TestSite::new();
    let editor = signed_in(&site).await;
    assert_refused(
        &site,
        &editor,
        &IN_FRENCH[1..],
        "Vraag (Frans): vul de Franse vraag in, of laat alle Franse velden leeg.",
        &[
            ("vraag-fr", ""),
            ("antwoord2-fr", "Non"),
            ("vraag", QUESTION),
        ],
    )
    .await;
}

#[tokio::test]
async fn a_french_answer_where_there_is_no_dutch_answer_is_refused() {
    let site = TestSite::new();
    let editor = signed_in(&site).await;
    let mut changes = IN_FRENCH.to_vec();
    changes.push(("antwoord4-fr", "Peut-être"));
    assert_refused(
        &site,
        &editor,
        &changes,
        "Antwoord 4 (Frans): er is geen antwoord 4 in het Nederlands",
        &[("antwoord4-fr", "Peut-être"), ("antwoord4", "")],
    )
    .await;
}

#[tokio::test]
async fn after_the_first_vote_a_french_rewording_is_logged_as_a_correction_and_readers_are_told() {
    let site = TestSite::new();
    let editor = signed_in(&site).await;
    create(&site, &editor, &IN_FRENCH).await;
    assert_eq!(vote(&site, CODE, "nee").await.status, StatusCode::OK);

    let mut fields = edit_form(&site, &editor, CODE).await;
    set(
        &mut fields,
        "vraag-fr",
        "La ville doit-elle aménager davantage de pistes cyclables ?",
    );
    set(&mut fields, "antwoord2-fr", "Non merci");
    let reply = save_edit(&site, &editor, CODE, &fields).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);

    let log = site.state.store.audit_log(Some(CODE), 10).await.unwrap();
    assert_eq!(log[0].action, AuditAction::PollEdited);
    assert_eq!(
        log[0].detail,
        format!(
            "franse vraag: \"{FRENCH_QUESTION}\" → \"La ville doit-elle aménager davantage de pistes cyclables ?\"; frans antwoord 2: \"Non\" → \"Non merci\""
        )
    );
    let made = site.state.store.made_polls().await.unwrap();
    assert!(made[0].clarified, "a correction, as a Dutch rewording is");
    assert_eq!(made[0].definition.question, QUESTION, "the Dutch stays");
    let embed = site.get(&format!("/embed/{CODE}"), None).await;
    assert!(
        embed
            .body
            .contains("De vraag of een antwoord werd na de start verduidelijkt."),
        "{}",
        embed.body
    );
    assert_eq!(
        site.voters_in(CODE).await,
        1,
        "the vote stays with its answer"
    );

    // Removing a French answer's text alone is refused; removing every French text is an edit.
    let mut half = edit_form(&site, &editor, CODE).await;
    set(&mut half, "antwoord1-fr", "");
    let refused = save_edit(&site, &editor, CODE, &half).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{}", refused.body);
    assert!(
        refused
            .body
            .contains("Antwoord 1 (Frans): vul de Franse tekst van antwoord 1 in"),
        "{}",
        refused.body
    );
    let mut none = edit_form(&site, &editor, CODE).await;
    for slot in 0..=3 {
        let name = if slot == 0 {
            "vraag-fr".to_string()
        } else {
            format!("antwoord{slot}-fr")
        };
        set(&mut none, &name, "");
    }
    let reply = save_edit(&site, &editor, CODE, &none).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    assert_eq!(
        site.state.store.made_polls().await.unwrap()[0]
            .definition
            .french,
        None
    );
    let page = editor.get(&site, &desk_page(CODE)).await;
    assert!(!page.body.contains("iframe-code-fr"), "{}", page.body);
}

#[tokio::test]
async fn french_removed_after_votes_cannot_come_back_with_two_answers_words_swapped() {
    let site = TestSite::new();
    let editor = signed_in(&site).await;
    let mut changes = IN_FRENCH.to_vec();
    changes.push(("uitslag", "always"));
    create(&site, &editor, &changes).await;
    for choice in ["ja", "ja", "nee"] {
        let reply = site
            .post_fetch(&format!("poll={CODE}&choice={choice}&lang=fr-BE"), None)
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    }
    let french_fields = ["vraag-fr", "antwoord1-fr", "antwoord2-fr", "antwoord3-fr"];

    // Swapped in one edit: refused, as before.
    let mut swapped = edit_form(&site, &editor, CODE).await;
    set(&mut swapped, "antwoord1-fr", "Non");
    set(&mut swapped, "antwoord2-fr", "Oui");
    let reply = save_edit(&site, &editor, CODE, &swapped).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}", reply.body);

    // Every French field emptied: taken.
    let mut none = edit_form(&site, &editor, CODE).await;
    for name in french_fields {
        set(&mut none, name, "");
    }
    let reply = save_edit(&site, &editor, CODE, &none).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);

    // The French back with "Oui" and "Non" traded: the same swap, in two edits.
    let mut back_swapped = edit_form(&site, &editor, CODE).await;
    for (name, value) in [
        ("vraag-fr", FRENCH_QUESTION),
        ("antwoord1-fr", "Non"),
        ("antwoord2-fr", "Oui"),
        ("antwoord3-fr", "Je ne sais pas"),
    ] {
        set(&mut back_swapped, name, value);
    }
    let reply = save_edit(&site, &editor, CODE, &back_swapped).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}", reply.body);
    let page = reply.decoded();
    assert!(
        page.contains("Niet bewaard. Er hebben al lezers gestemd")
            && page.contains(
                "Frans dat na de eerste stem weggehaald werd, wordt daarvoor vergeleken met de Franse teksten van toen als het terugkomt."
            ),
        "{page}"
    );
    let made = site.state.store.made_polls().await.unwrap();
    assert_eq!(made[0].definition.french, None, "nothing stored");

    // Back in its own words, it is taken, and the French readers' votes stay with "Oui".
    let mut back = edit_form(&site, &editor, CODE).await;
    for (name, value) in IN_FRENCH {
        set(&mut back, name, value);
    }
    let reply = save_edit(&site, &editor, CODE, &back).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let made = site.state.store.made_polls().await.unwrap();
    let french = made[0].definition.french.clone().unwrap();
    assert_eq!(french.labels["ja"], "Oui");
    let tally = site.state.store.tally(CODE, None).await.unwrap();
    assert!(tally.counts.contains(&("ja".to_string(), 2)), "{tally:?}");
    let embed = site.get(&format!("/fr/embed/{CODE}"), None).await;
    assert_eq!(embed.status, StatusCode::OK);
    assert!(
        embed.body.contains("<label for=\"keuze-ja\">Oui</label>"),
        "{}",
        embed.body
    );
}

/// The edit form's `<select>` of "Resultaten tonen": the key of its selected option.
fn selected_visibility(body: &str) -> Option<String> {
    let select = &body[body.find("name=\"uitslag\"")?..];
    let select = &select[..select.find("</select>")?];
    let option = select
        .split("<option")
        .find(|option| option.contains("selected"))?;
    field_value(&format!("name=\"x\"{option}"), "x")
}

#[tokio::test]
async fn after_nu_sluiten_clearing_sluit_in_the_edit_form_reopens_the_poll_and_is_logged() {
    let site = TestSite::new();
    let editor = signed_in(&site).await;
    create(&site, &editor, &[]).await;
    let closed = editor
        .post(&site, &format!("{}/sluiten", desk_page(CODE)), "")
        .await;
    assert_eq!(closed.status, StatusCode::SEE_OTHER, "{}", closed.body);
    let visibility = editor
        .post(
            &site,
            &format!("{}/uitslag", desk_page(CODE)),
            "zichtbaarheid=always",
        )
        .await;
    assert_eq!(
        visibility.status,
        StatusCode::SEE_OTHER,
        "{}",
        visibility.body
    );
    let page = editor
        .get(&site, &format!("{}/bewerken", desk_page(CODE)))
        .await;
    assert_eq!(selected_visibility(&page.body).as_deref(), Some("always"));
    let mut fields = edit_form(&site, &editor, CODE).await;
    assert!(
        !field_value(&page.body, "sluit")
            .unwrap_or_default()
            .is_empty(),
        "the form shows the desk's closing moment"
    );

    // Back to the poll's own values: no closing moment, results after the vote.
    set(&mut fields, "sluit", "");
    set(&mut fields, "uitslag", "after-vote");
    let reply = save_edit(&site, &editor, CODE, &fields).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);

    assert_eq!(
        vote(&site, CODE, "ja").await.status,
        StatusCode::OK,
        "the poll is open again"
    );
    let log = site.state.store.audit_log(Some(CODE), 10).await.unwrap();
    assert_eq!(log[0].action, AuditAction::PollEdited, "{log:?}");
    assert!(
        log[0].detail.contains("→ nooit") && log[0].detail.contains("resultaten tonen: altijd"),
        "the reopening and the visibility are logged: {}",
        log[0].detail
    );
}

#[tokio::test]
async fn an_edit_saved_over_another_editors_close_is_refused_and_shown_again_with_what_changed() {
    let site = TestSite::new();
    let anna = signed_in(&site).await;
    let bert = signed_in_as(&site, "bert").await;
    create(&site, &anna, &[]).await;
    // Anna opens the edit form while the poll is open; Bert closes it meanwhile.
    let mut fields = edit_form(&site, &anna, CODE).await;
    let closed = bert
        .post(&site, &format!("{}/sluiten", desk_page(CODE)), "")
        .await;
    assert_eq!(closed.status, StatusCode::SEE_OTHER, "{}", closed.body);

    // Anna saves a small wording fix.
    set(
        &mut fields,
        "vraag",
        "Moet de stad meer fietspaden aanleggen, vindt u?",
    );
    let reply = save_edit(&site, &anna, CODE, &fields).await;
    assert_eq!(reply.status, StatusCode::CONFLICT, "{}", reply.body);
    let body = reply.decoded();
    assert!(
        body.contains("Niet bewaard: de poll werd gewijzigd nadat u dit formulier opende (bert op"),
        "who changed it: {body}"
    );
    assert_eq!(
        field_value(&reply.body, "vraag").as_deref(),
        Some("Moet de stad meer fietspaden aanleggen, vindt u?"),
        "what Anna typed stays"
    );
    assert_eq!(
        vote(&site, CODE, "ja").await.status,
        StatusCode::FORBIDDEN,
        "the poll stays closed"
    );
    assert!(!actions(&site).await.contains(&AuditAction::PollEdited));

    // The form she got back knows the poll as it is: saving it again is her choice, and logged.
    let mut again: Vec<(String, String)> = fields
        .iter()
        .filter(|(name, _)| name != "versie" && name != "geladen")
        .cloned()
        .collect();
    for name in ["versie", "geladen"] {
        again.push((name.to_string(), field_value(&reply.body, name).unwrap()));
    }
    let saved = save_edit(&site, &anna, CODE, &again).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let log = site.state.store.audit_log(Some(CODE), 10).await.unwrap();
    assert_eq!(log[0].action, AuditAction::PollEdited);
    assert!(log[0].detail.contains("sluit:"), "{}", log[0].detail);
}

#[tokio::test]
async fn two_answers_may_not_swap_their_words_after_votes_by_a_full_stop() {
    let site = TestSite::new();
    let editor = signed_in(&site).await;
    create(&site, &editor, &[]).await;
    for _ in 0..3 {
        assert_eq!(vote(&site, CODE, "ja").await.status, StatusCode::OK);
    }
    let stored = site.state.store.made_polls().await.unwrap();
    let mut fields = edit_form(&site, &editor, CODE).await;
    set(&mut fields, "antwoord1", "Nee.");
    set(&mut fields, "antwoord2", "Ja.");
    let reply = save_edit(&site, &editor, CODE, &fields).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}", reply.body);
    assert_eq!(site.state.store.made_polls().await.unwrap(), stored);
    assert!(!actions(&site).await.contains(&AuditAction::PollEdited));
}

#[tokio::test]
async fn after_an_edit_refused_for_votes_the_locked_fields_show_the_stored_values_again() {
    let site = TestSite::new();
    let editor = signed_in(&site).await;
    create(
        &site,
        &editor,
        &[
            ("opent", "2026-03-02T05:00"),
            ("meerdere", "1"),
            ("maximaal", "2"),
        ],
    )
    .await;
    assert_eq!(vote(&site, CODE, "ja").await.status, StatusCode::OK);
    let fields = edit_form(&site, &editor, CODE).await;
    let mut reply = None;
    for (name, typed) in [
        ("antwoord3", ""),
        ("maximaal", "3"),
        ("opent", "2026-03-02T06:00"),
    ] {
        let mut changed = fields.clone();
        set(
            &mut changed,
            "vraag",
            "Moet de stad meer fietspaden aanleggen, vindt u?",
        );
        set(&mut changed, name, typed);
        let refused = save_edit(&site, &editor, CODE, &changed).await;
        assert_eq!(
            refused.status,
            StatusCode::BAD_REQUEST,
            "{name}: {}",
            refused.body
        );
        assert!(
            refused.body.contains("Niet bewaard."),
            "{name}: {}",
            refused.body
        );
        let value = |name: &str| field_value(&refused.body, name).unwrap_or_default();
        assert_eq!(
            value("antwoord3"),
            "Weet niet",
            "{name}: the stored answer is back"
        );
        assert_eq!(value("maximaal"), "2", "{name}");
        assert_eq!(value("opent"), "2026-03-02T05:00", "{name}");
        assert_eq!(
            value("vraag"),
            "Moet de stad meer fietspaden aanleggen, vindt u?",
            "{name}: what can still change stays as typed"
        );
        reply = Some(refused);
    }
    let reply = reply.unwrap();

    // Sent again as it came back, the clarification is stored.
    let names = [
        "vraag", "opent", "sluit", "maximaal", "versie", "geladen", "uitslag",
    ];
    let mut again: Vec<(String, String)> = names
        .iter()
        .filter_map(|name| field_value(&reply.body, name).map(|value| (name.to_string(), value)))
        .collect();
    for slot in 1..=10 {
        for name in [format!("antwoord{slot}"), format!("sleutel{slot}")] {
            if let Some(value) = field_value(&reply.body, &name) {
                again.push((name, value));
            }
        }
    }
    if reply.body.contains("name=\"meerdere\" value=\"1\"") {
        again.push(("meerdere".into(), "1".into()));
    }
    again.push(("uitslag".into(), "after-vote".into()));
    let saved = save_edit(&site, &editor, CODE, &again).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
}

#[tokio::test]
async fn an_archived_polls_page_offers_no_embed_code_or_preview() {
    let site = TestSite::new();
    let editor = signed_in(&site).await;
    create(&site, &editor, &[]).await;
    let page = editor.get(&site, &desk_page(CODE)).await;
    assert!(
        page.body.contains("<iframe"),
        "on the site: the embed code and its preview"
    );

    let reply = editor
        .post(&site, &format!("{}/archiveren", desk_page(CODE)), "")
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let page = editor.get(&site, &desk_page(CODE)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body.contains("<iframe"), "{}", page.body);
    assert!(
        !page.body.contains("&lt;iframe"),
        "no code to copy: {}",
        page.body
    );
    assert!(
        page.decoded()
            .contains("De poll is gearchiveerd: er is geen iframe-code om te kopiëren"),
        "{}",
        page.body
    );
}
