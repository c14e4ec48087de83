//! The content's rules, checked on files written here and on the real content folder.

use super::folder::*;
use super::markdown::*;
use super::parse::*;
use super::*;
use std::path::Path;
use std::time::{Duration, SystemTime};
use stembus_poll::language::Language;
use stembus_poll::moment::Moment;

const GOOD: &str = "+++\nslug = \"test-artikel\"\ntitle = \"Titel\"\nlead = \"Lead.\"\nauthor = \"Redactie\"\nsource = \"Stembus\"\npublished = \"2025-01\"\ntags = [\"technologie\"]\n\n[poll]\nid = \"test-poll\"\nquestion = \"Vraag?\"\noptions = [\n  { key = \"ja\", label = \"Ja\" },\n  { key = \"nee\", label = \"Nee\" },\n]\n+++\n\nEerste alinea\nloopt door.\n\nTweede *alinea*.\n";

fn content_dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../content")
}

#[test]
fn a_well_formed_file_parses_with_its_poll_and_markdown_body() {
    let article = parse_article(GOOD).unwrap();
    assert_eq!(article.slug, "test-artikel");
    assert_eq!(article.published.long_nl(), "januari 2025");
    assert_eq!(
        article.body_html,
        "<p>Eerste alinea\nloopt door.</p>\n<p>Tweede <em>alinea</em>.</p>\n"
    );
    assert_eq!(
        article.description, "Lead.",
        "the description defaults to the lead"
    );
    assert_eq!(article.reading_minutes, 1);
    let poll = article.poll.unwrap();
    assert_eq!(poll.id, "test-poll");
    assert_eq!(poll.options.len(), 2);
}

#[test]
fn a_file_saved_with_windows_line_ends_parses_as_the_same_article() {
    let windows = GOOD.replace('\n', "\r\n");
    assert_eq!(parse_article(&windows), parse_article(GOOD));
    let with_bom = format!("\u{feff}{windows}");
    assert_eq!(parse_article(&with_bom), parse_article(GOOD));
}

#[test]
fn a_poll_moment_written_in_another_offset_is_read_as_its_brussels_time() {
    let summer = GOOD.replace(
        "question = \"Vraag?\"",
        "question = \"Vraag?\"\nopens = \"2025-06-30T08:00:00Z\"\ncloses = \"2025-07-01T18:00:00+01:00\"",
    );
    let poll = parse_article(&summer).unwrap().poll.unwrap();
    assert_eq!(
        poll.closes,
        Some(Moment::parse("2025-07-01T19:00:00+02:00").unwrap()),
        "the instant kept, read on Brussels' summer clock"
    );
    assert_eq!(
        poll.opens.unwrap().clock_nl(),
        "10.00",
        "UTC 8.00 is 10.00 in Brussels"
    );
}

#[test]
fn a_moment_written_without_quotes_is_refused_with_how_to_write_it() {
    let bare = GOOD.replace(
        "question = \"Vraag?\"",
        "question = \"Vraag?\"\ncloses = 2025-07-01T18:00:00+02:00",
    );
    let error = parse_article(&bare).unwrap_err();
    assert!(
        error.contains("closes") && error.contains("in quotes"),
        "{error}"
    );
}

#[test]
fn the_shipped_content_folder_loads() {
    let library = Library::load(&content_dir(), BadContent::Stop).unwrap();
    assert!(library.articles().len() >= 2);
    let article = library.article("deepseek-nvidia-beurswaarde").unwrap();
    assert!(article.title.contains("589 miljard dollar"));
    let poll = article.poll.as_ref().unwrap();
    assert_eq!(
        poll.question,
        "Brengt DeepSeek blijvende schade toe aan Nvidia?"
    );
    assert!(library.poll(&poll.id).is_some());
}

#[test]
fn raw_html_in_markdown_is_escaped_not_passed_through() {
    let html = render_markdown(
        "Tekst <script>alert(1)</script> en <b>vet</b>.\n\n<iframe src=x></iframe>\n",
    );
    assert!(
        !html.contains("<script>") && !html.contains("<b>") && !html.contains("<iframe"),
        "{html}"
    );
    assert!(
        html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "{html}"
    );
}

#[test]
fn markdown_headings_start_below_the_title_and_unsafe_links_are_neutralised() {
    let html = render_markdown(
        "# Kop\n\n[klik](javascript:alert(1)) [web](https://example.be) [hier](/artikel/x)\n",
    );
    assert!(html.contains("<h2>Kop</h2>"), "{html}");
    assert!(html.contains("href=\"#\""), "{html}");
    assert!(html.contains("href=\"https://example.be\""), "{html}");
    assert!(html.contains("href=\"/artikel/x\""), "{html}");
}

#[test]
fn a_long_lead_gives_a_short_description_cut_at_a_word() {
    let lead = "woord ".repeat(60);
    let description = shorten(lead.trim(), 160);
    assert!(description.chars().count() <= 160);
    assert!(description.ends_with("woord…"));
}

#[test]
fn errors_name_the_field() {
    let cases = [
        (GOOD.replace("slug = \"test-artikel\"", "slug = \"Test Artikel\""), "`slug`"),
        (GOOD.replace("published = \"2025-01\"", "published = \"januari\""), "`published`"),
        (GOOD.replace("published = \"2025-01\"", "published = \"2025-02\"\nupdated = \"2025-01\""), "`updated`"),
        (GOOD.replace("title = \"Titel\"", "title = \" \""), "`title`"),
        (GOOD.replace("  { key = \"nee\", label = \"Nee\" },\n", ""), "`poll.options`"),
        (GOOD.replace("key = \"nee\"", "key = \"ja\""), "`poll.options.key`"),
        (GOOD.replace("label = \"Nee\"", "label = \"\""), "`poll.options.label`"),
        (GOOD.replace("question = \"Vraag?\"", "question = \"Vraag?\"\ncloses = \"2025-02-01\""), "`poll.closes`"),
        (GOOD.replace("question = \"Vraag?\"", "question = \"Vraag?\"\nopens = \"2025-02-01T10:00:00+01:00\"\ncloses = \"2025-01-01T10:00:00+01:00\""), "`poll.closes`"),
        (GOOD.replace("tags = [\"technologie\"]", "tags = [\"\"]"), "`tags`"),
        (GOOD.replace("tags = [\"technologie\"]", &format!("tags = [\"{}\"]", "é".repeat(41))), "`tags`"),
        (GOOD.replace("question = \"Vraag?\"", "question = \"Vraag?\"\nmax_choices = 3"), "`poll.max_choices`"),
        (GOOD.replace("question = \"Vraag?\"", "question = \"Vraag?\"\nmax_choices = 0"), "`poll.max_choices`"),
        (GOOD.replace("question = \"Vraag?\"", "question = \"Vraag?\"\nshow_results = \"after-close\""), "`poll.show_results`"),
        (GOOD.replace("question = \"Vraag?\"", "question = \"Vraag?\"\nshow_results = \"nooit\""), "show_results"),
        (GOOD.replace("tags = [\"technologie\"]", "[image]\npath = \"foto.jpg\"\nalt = \"x\"\ncredit = \"y\"\nwidth = 10\nheight = 10"), "`image.path`"),
        (GOOD.replace("tags = [\"technologie\"]", "[image]\npath = \"/foto.jpg\"\nalt = \"\"\ncredit = \"y\"\nwidth = 10\nheight = 10"), "`image.alt`"),
        (GOOD.replace("title = \"Titel\"", "title = \"Ti\\u0000tel\""), "`title` holds the control character U+0000"),
        (GOOD.replace("author = \"Redactie\"", "author = \"Re\\u001bdactie\""), "`author`"),
        (GOOD.replace("tags = [\"technologie\"]", "tags = [\"tech\\u0007\"]"), "`tags`"),
        (GOOD.replace("question = \"Vraag?\"", "question = \"Vraag\\u0000?\""), "`poll.question`"),
        (GOOD.replace("label = \"Nee\"", "label = \"N\\u0085ee\""), "`poll.options.label`"),
        (GOOD.replace("tags = [\"technologie\"]", "description = \"Kort\\u0000\""), "`description`"),
        (GOOD.replace("tags = [\"technologie\"]", "[image]\npath = \"/foto.jpg\"\nalt = \"a\\u0000\"\ncredit = \"y\"\nwidth = 10\nheight = 10"), "`image.alt`"),
        (GOOD.replace("author = \"Redactie\"\n", ""), "author"),
        (GOOD.replace("author = ", "auteur = "), "auteur"),
    ];
    for (text, field) in cases {
        let error = parse_article(&text).unwrap_err();
        assert!(error.contains(field), "expected {field} in: {error}");
    }
}

#[test]
fn a_file_without_front_matter_or_body_is_refused() {
    assert!(parse_article("Gewoon tekst.").is_err());
    // Forty characters, however many bytes they take.
    let accented = GOOD.replace(
        "tags = [\"technologie\"]",
        &format!("tags = [\"{}\"]", "é".repeat(40)),
    );
    assert_eq!(parse_article(&accented).unwrap().tags, vec!["é".repeat(40)]);
    assert!(parse_article(GOOD.split("+++\n\n").next().unwrap()).is_err());
    let no_body = format!("{}+++\n", GOOD.split("+++\n\n").next().unwrap());
    assert!(parse_article(&no_body).unwrap_err().contains("body"));
}

#[test]
fn a_bad_file_stops_loading_or_is_skipped_as_configured() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("goed.md"), GOOD).unwrap();
    std::fs::write(
        dir.path().join("kapot.md"),
        GOOD.replace("slug = ", "sluk = "),
    )
    .unwrap();
    let error = Library::load(dir.path(), BadContent::Stop)
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("kapot.md") && error.contains("sluk"),
        "{error}"
    );
    let library = Library::load(dir.path(), BadContent::Skip).unwrap();
    assert_eq!(library.articles().len(), 1);
}

#[test]
fn duplicate_slugs_or_polls_are_refused_and_articles_sort_newest_first() {
    let older = parse_article(GOOD).unwrap();
    let mut newer = older.clone();
    newer.slug = "nieuwer".into();
    newer.published = Moment::parse("2025-02-01").unwrap();
    newer.poll = None;
    let library = Library::new(vec![older.clone(), newer.clone()]).unwrap();
    assert_eq!(library.articles()[0].slug, "nieuwer");

    let mut same_poll = older.clone();
    same_poll.slug = "ander".into();
    assert!(
        Library::new(vec![older.clone(), same_poll])
            .unwrap_err()
            .contains("poll.id")
    );
    assert!(
        Library::new(vec![older.clone(), older])
            .unwrap_err()
            .contains("slug")
    );
}

#[test]
fn related_articles_share_a_tag_most_shared_first() {
    let base = parse_article(GOOD).unwrap();
    let make = |slug: &str, tags: &[&str], published: &str| {
        let mut article = base.clone();
        article.slug = slug.into();
        article.tags = tags.iter().map(|t| t.to_string()).collect();
        article.published = Moment::parse(published).unwrap();
        article.poll = None;
        article
    };
    let main = make("hoofd", &["ai", "beurs"], "2025-01-10");
    let one_tag = make("een", &["ai"], "2025-01-20");
    let two_tags = make("twee", &["ai", "beurs"], "2025-01-05");
    let unrelated = make("los", &["sport"], "2025-01-25");
    let library = Library::new(vec![main.clone(), one_tag, two_tags, unrelated]).unwrap();
    let related: Vec<&str> = library
        .related(&main, 3)
        .iter()
        .map(|a| a.slug.as_str())
        .collect();
    assert_eq!(related, vec!["twee", "een"]);
}

/// `GOOD` with its own slug and poll id, so several files can share a folder.
fn article_text(slug: &str, poll_id: &str) -> String {
    GOOD.replace("test-artikel", slug)
        .replace("test-poll", poll_id)
}

/// Writes a content file stamped `minute` minutes into 2025: long settled, and every minute
/// a stamp of its own whatever the file system's clock does.
fn write_file(dir: &Path, name: &str, text: &str, minute: u64) {
    let modified = SystemTime::UNIX_EPOCH + Duration::from_secs(1_735_689_600 + minute * 60);
    write_file_at(dir, name, text, modified);
}

fn write_file_at(dir: &Path, name: &str, text: &str, modified: SystemTime) {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    std::fs::File::options()
        .write(true)
        .open(&path)
        .unwrap()
        .set_modified(modified)
        .unwrap();
}

fn slugs(library: &Library) -> Vec<&str> {
    let mut slugs: Vec<&str> = library.articles().iter().map(|a| a.slug.as_str()).collect();
    slugs.sort();
    slugs
}

fn title<'a>(library: &'a Library, slug: &str) -> &'a str {
    &library.article(slug).unwrap().title
}

#[test]
fn a_new_file_is_served_after_a_rescan() {
    let dir = tempfile::tempdir().unwrap();
    write_file(dir.path(), "een.md", &article_text("een", "poll-een"), 0);
    let mut folder = ContentFolder::load(dir.path(), BadContent::Skip).unwrap();

    write_file(dir.path(), "twee.md", &article_text("twee", "poll-twee"), 1);
    let changed = folder.rescan().unwrap();

    assert!(changed);
    let library = folder.library();
    assert_eq!(slugs(&library), ["een", "twee"]);
    assert_eq!(library.file_of("twee"), Some("twee.md"));
    assert!(library.poll("poll-twee").is_some());
    assert_eq!(folder.problems(), []);
}

#[test]
fn a_changed_file_is_served_in_its_new_version() {
    let dir = tempfile::tempdir().unwrap();
    let text = article_text("een", "poll-een");
    write_file(dir.path(), "een.md", &text, 0);
    let mut folder = ContentFolder::load(dir.path(), BadContent::Skip).unwrap();

    let changed_text = text.replace("title = \"Titel\"", "title = \"Nieuwe titel\"");
    write_file(dir.path(), "een.md", &changed_text, 1);
    let changed = folder.rescan().unwrap();

    assert!(changed);
    assert_eq!(title(&folder.library(), "een"), "Nieuwe titel");
}

#[test]
fn a_broken_file_keeps_its_last_good_version_until_it_is_fixed() {
    let good = article_text("een", "poll-een");
    let breakages = [
        (good.replace("lead = \"Lead.\"", "lead = \"Lead."), "lead"),
        (good.replace("author = \"Redactie\"\n", ""), "author"),
        (
            good.replace("  { key = \"nee\", label = \"Nee\" },\n", ""),
            "`poll.options`",
        ),
    ];
    for (broken, field) in breakages {
        let dir = tempfile::tempdir().unwrap();
        write_file(dir.path(), "een.md", &good, 0);
        let mut folder = ContentFolder::load(dir.path(), BadContent::Skip).unwrap();

        write_file(dir.path(), "een.md", &broken, 1);
        let changed = folder.rescan().unwrap();

        assert!(!changed, "a broken file changes nothing served ({field})");
        assert_eq!(title(&folder.library(), "een"), "Titel");
        let problems = folder.problems();
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].file, "een.md");
        assert!(problems[0].problem.contains(field), "{field}: {problems:?}");

        let fixed = good.replace("title = \"Titel\"", "title = \"Hersteld\"");
        write_file(dir.path(), "een.md", &fixed, 2);
        let changed = folder.rescan().unwrap();

        assert!(changed);
        assert_eq!(title(&folder.library(), "een"), "Hersteld");
        assert_eq!(folder.problems(), []);
    }
}

#[test]
fn a_file_that_never_passed_is_listed_and_left_out() {
    let dir = tempfile::tempdir().unwrap();
    write_file(dir.path(), "een.md", &article_text("een", "poll-een"), 0);
    let broken = article_text("kapot", "poll-kapot").replace("slug = ", "sluk = ");
    write_file(dir.path(), "kapot.md", &broken, 0);

    let mut folder = ContentFolder::load(dir.path(), BadContent::Skip).unwrap();
    assert_eq!(slugs(&folder.library()), ["een"]);
    let problems = folder.problems();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].file, "kapot.md");
    assert!(problems[0].problem.contains("sluk"), "{problems:?}");

    write_file(dir.path(), "kapot.md", &format!("{broken}\nMeer."), 1);
    let changed = folder.rescan().unwrap();

    assert!(!changed);
    assert_eq!(slugs(&folder.library()), ["een"]);
    assert_eq!(folder.problems().len(), 1);
    let error = ContentFolder::load(dir.path(), BadContent::Stop)
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("kapot.md") && error.contains("sluk"),
        "{error}"
    );
}

#[test]
fn a_deleted_file_takes_its_article_and_its_problem_with_it() {
    let dir = tempfile::tempdir().unwrap();
    write_file(dir.path(), "een.md", &article_text("een", "poll-een"), 0);
    write_file(dir.path(), "twee.md", &article_text("twee", "poll-twee"), 0);
    write_file(dir.path(), "kapot.md", "geen voorkop", 0);
    let mut folder = ContentFolder::load(dir.path(), BadContent::Skip).unwrap();
    assert_eq!(folder.problems().len(), 1);

    std::fs::remove_file(dir.path().join("twee.md")).unwrap();
    std::fs::remove_file(dir.path().join("kapot.md")).unwrap();
    let changed = folder.rescan().unwrap();

    assert!(changed);
    let library = folder.library();
    assert_eq!(slugs(&library), ["een"]);
    assert_eq!(library.file_of("twee"), None);
    assert!(library.poll("poll-twee").is_none());
    assert_eq!(folder.problems(), []);
}

#[test]
fn a_rescan_without_changes_reports_nothing_and_reads_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let text = article_text("een", "poll-een");
    write_file(dir.path(), "een.md", &text, 0);
    let mut folder = ContentFolder::load(dir.path(), BadContent::Skip).unwrap();

    assert!(!folder.rescan().unwrap());
    // Same length and the same stamp: only a file that was not read again still shows "Titel".
    let same_length = text.replace("title = \"Titel\"", "title = \"Tetel\"");
    write_file(dir.path(), "een.md", &same_length, 0);
    let changed = folder.rescan().unwrap();

    assert!(!changed);
    assert_eq!(title(&folder.library(), "een"), "Titel");
}

#[test]
fn a_same_length_save_a_millisecond_later_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let text = article_text("een", "poll-een");
    write_file(dir.path(), "een.md", &text, 0);
    let mut folder = ContentFolder::load(dir.path(), BadContent::Skip).unwrap();

    let same_length = text.replace("title = \"Titel\"", "title = \"Tetel\"");
    let a_millisecond_later =
        SystemTime::UNIX_EPOCH + Duration::from_secs(1_735_689_600) + Duration::from_millis(1);
    write_file_at(dir.path(), "een.md", &same_length, a_millisecond_later);
    let changed = folder.rescan().unwrap();

    assert!(changed, "the stamp keeps the time's full precision");
    assert_eq!(title(&folder.library(), "een"), "Tetel");
}

#[test]
fn a_same_length_save_with_the_same_time_right_after_a_read_is_not_missed() {
    // What a file system with a coarse clock does to two saves within one of its ticks.
    let dir = tempfile::tempdir().unwrap();
    let text = article_text("een", "poll-een");
    let just_now = SystemTime::now();
    write_file_at(dir.path(), "een.md", &text, just_now);
    let mut folder = ContentFolder::load(dir.path(), BadContent::Skip).unwrap();

    let same_length = text.replace("title = \"Titel\"", "title = \"Tetel\"");
    write_file_at(dir.path(), "een.md", &same_length, just_now);
    let changed = folder.rescan().unwrap();

    assert!(changed);
    assert_eq!(title(&folder.library(), "een"), "Tetel");
}

#[test]
fn a_new_file_claiming_a_served_slug_or_poll_fails_and_the_served_one_stays() {
    let cases = [
        (article_text("een", "poll-nieuw"), "`slug`"),
        (article_text("nieuw", "poll-een"), "`poll.id`"),
    ];
    for (newcomer, field) in cases {
        let dir = tempfile::tempdir().unwrap();
        write_file(dir.path(), "oud.md", &article_text("een", "poll-een"), 0);
        let mut folder = ContentFolder::load(dir.path(), BadContent::Skip).unwrap();

        // Sorts before `oud.md`: the served file wins by being served, not by its name.
        write_file(dir.path(), "a-nieuw.md", &newcomer, 1);
        let changed = folder.rescan().unwrap();

        assert!(!changed, "{field}");
        let library = folder.library();
        assert_eq!(slugs(&library), ["een"]);
        assert_eq!(library.file_of("een"), Some("oud.md"));
        assert_eq!(library.poll("poll-een").unwrap().0.unwrap().slug, "een");
        let problems = folder.problems();
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].file, "a-nieuw.md");
        assert!(
            problems[0].problem.contains(field) && problems[0].problem.contains("oud.md"),
            "{problems:?}"
        );
    }
}

#[test]
fn a_changed_file_taking_another_files_slug_keeps_its_old_version() {
    let dir = tempfile::tempdir().unwrap();
    write_file(dir.path(), "een.md", &article_text("een", "poll-een"), 0);
    write_file(dir.path(), "twee.md", &article_text("twee", "poll-twee"), 0);
    let mut folder = ContentFolder::load(dir.path(), BadContent::Skip).unwrap();

    write_file(dir.path(), "twee.md", &article_text("een", "poll-twee"), 1);
    let changed = folder.rescan().unwrap();

    assert!(!changed);
    let library = folder.library();
    assert_eq!(slugs(&library), ["een", "twee"]);
    assert_eq!(library.file_of("een"), Some("een.md"));
    assert_eq!(library.file_of("twee"), Some("twee.md"));
    let problems = folder.problems();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].file, "twee.md");
    assert!(problems[0].problem.contains("`slug`"), "{problems:?}");
}

#[test]
fn a_file_waiting_on_a_clash_is_served_once_the_other_file_lets_go() {
    let dir = tempfile::tempdir().unwrap();
    write_file(dir.path(), "oud.md", &article_text("een", "poll-een"), 0);
    let mut folder = ContentFolder::load(dir.path(), BadContent::Skip).unwrap();
    write_file(
        dir.path(),
        "nieuw.md",
        &article_text("een", "poll-nieuw"),
        1,
    );
    assert!(!folder.rescan().unwrap());

    std::fs::remove_file(dir.path().join("oud.md")).unwrap();
    let changed = folder.rescan().unwrap();

    assert!(changed);
    let library = folder.library();
    assert_eq!(library.file_of("een"), Some("nieuw.md"));
    assert!(library.poll("poll-nieuw").is_some() && library.poll("poll-een").is_none());
    assert_eq!(folder.problems(), []);
}

#[test]
fn clashing_files_at_start_up_go_to_the_first_by_name() {
    let dir = tempfile::tempdir().unwrap();
    // Written in the opposite order to their names, so the listing order cannot decide.
    write_file(dir.path(), "z.md", &article_text("een", "poll-z"), 0);
    write_file(dir.path(), "a.md", &article_text("een", "poll-a"), 0);

    let folder = ContentFolder::load(dir.path(), BadContent::Skip).unwrap();

    assert_eq!(folder.library().file_of("een"), Some("a.md"));
    let problems = folder.problems();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].file, "z.md");
    let error = ContentFolder::load(dir.path(), BadContent::Stop)
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("z.md") && error.contains("`slug`"),
        "{error}"
    );
}

#[test]
fn a_removed_folder_is_an_error_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let content = dir.path().join("inhoud");
    std::fs::create_dir(&content).unwrap();
    write_file(&content, "een.md", &article_text("een", "poll-een"), 0);
    write_file(&content, "kapot.md", "geen voorkop", 0);
    let mut folder = ContentFolder::load(&content, BadContent::Skip).unwrap();

    std::fs::remove_dir_all(&content).unwrap();
    let result = folder.rescan();

    assert!(
        matches!(result, Err(ContentError::Folder { .. })),
        "{result:?}"
    );
    assert_eq!(slugs(&folder.library()), ["een"]);
    assert_eq!(folder.problems().len(), 1);
}

#[test]
fn an_editors_hidden_lock_or_swap_file_is_not_content() {
    let dir = tempfile::tempdir().unwrap();
    write_file(dir.path(), "een.md", &article_text("een", "poll-een"), 0);
    write_file(dir.path(), ".#een.md", "niet af", 0);

    let folder = ContentFolder::load(dir.path(), BadContent::Stop).unwrap();

    assert_eq!(slugs(&folder.library()), ["een"]);
    assert_eq!(folder.problems(), []);
}

#[test]
fn file_of_names_the_content_file_an_article_came_from() {
    let library = Library::load(&content_dir(), BadContent::Stop).unwrap();
    assert_eq!(
        library.file_of("deepseek-nvidia-beurswaarde"),
        Some("deepseek-nvidia-beurswaarde.md")
    );
    assert_eq!(library.file_of("bestaat-niet"), None);
    let built = Library::new(vec![parse_article(GOOD).unwrap()]).unwrap();
    assert_eq!(built.file_of("test-artikel"), None);
}

/// A file naming the desk-made poll `poll_id` (`poll = "…"` in its front matter).
fn article_naming(slug: &str, poll_id: &str, published: &str) -> Article {
    parse_article(&format!(
        "+++\nslug = \"{slug}\"\ntitle = \"T {slug}\"\nlead = \"L.\"\nauthor = \"A\"\nsource = \"S\"\npublished = \"{published}\"\npoll = \"{poll_id}\"\n+++\n\nTekst.\n"
    ))
    .unwrap()
}

fn made(id: &str, archived: bool) -> stembus_store::desk::MadePoll {
    let mut definition = parse_article(GOOD).unwrap().poll.unwrap();
    definition.id = id.to_string();
    definition.question = format!("Vraag van de redactie {id}?");
    stembus_store::desk::MadePoll {
        definition,
        created: ("an".to_string(), 1_700_000_000),
        archived: archived.then(|| ("an".to_string(), 1_700_000_100)),
        clarified: false,
    }
}

#[test]
fn a_poll_named_in_the_front_matter_is_a_desk_polls_id_not_a_poll_of_its_own() {
    let article = article_naming("met-poll", "van-de-redactie", "2025-01");
    assert_eq!(article.poll, None);
    assert_eq!(article.desk_poll.as_deref(), Some("van-de-redactie"));
    let bad = GOOD.replace(
        "\n[poll]\nid = \"test-poll\"\nquestion = \"Vraag?\"\noptions = [\n  { key = \"ja\", label = \"Ja\" },\n  { key = \"nee\", label = \"Nee\" },\n]\n",
        "\npoll = \"Geen Code\"\n",
    );
    let problem = parse_article(&bad).unwrap_err();
    assert!(problem.contains("`poll`"), "{problem}");
    // The table keeps its own messages, naming the line at fault.
    let unknown = GOOD.replace(
        "question = \"Vraag?\"",
        "question = \"Vraag?\"\nkleur = \"rood\"",
    );
    let problem = parse_article(&unknown).unwrap_err();
    assert!(problem.contains("kleur"), "{problem}");
}

#[test]
fn desk_made_polls_go_on_the_article_naming_them_or_stand_alone() {
    let files = Library::new(vec![
        article_naming("nieuw", "gedeeld", "2025-02"),
        article_naming("oud", "gedeeld", "2025-01"),
        parse_article(GOOD).unwrap(),
    ])
    .unwrap();
    let desk = current::DeskState::new(
        Default::default(),
        Default::default(),
        vec![
            made("gedeeld", false),
            made("alleen", false),
            made("weg", true),
        ],
    );
    let served = current::apply_desk(&files, &desk);
    let (article, poll) = served.poll("gedeeld").unwrap();
    assert_eq!(
        article.unwrap().slug,
        "nieuw",
        "the newest article naming it shows it"
    );
    assert_eq!(poll.question, "Vraag van de redactie gedeeld?");
    assert_eq!(
        served.article("oud").unwrap().poll,
        None,
        "a poll shows on one article"
    );
    let (article, _) = served.poll("alleen").unwrap();
    assert!(article.is_none(), "a poll no article names stands alone");
    assert!(
        served.poll("weg").is_none(),
        "an archived poll is off the site"
    );
    let ids: Vec<&str> = served.polls().map(|poll| poll.id.as_str()).collect();
    assert_eq!(ids, ["gedeeld", "test-poll", "alleen"]);
}

#[test]
fn an_archived_poll_leaves_its_article_without_a_poll() {
    let files = Library::new(vec![article_naming("met-poll", "weg", "2025-02")]).unwrap();
    let desk = current::DeskState::new(
        Default::default(),
        Default::default(),
        vec![made("weg", true)],
    );
    let served = current::apply_desk(&files, &desk);
    assert_eq!(served.article("met-poll").unwrap().poll, None);
    assert!(desk.is_archived("weg") && !desk.is_archived("test-poll"));
}

#[test]
fn a_files_poll_with_a_desk_polls_id_gives_way_to_the_desks() {
    let files = Library::new(vec![parse_article(GOOD).unwrap()]).unwrap();
    let desk = current::DeskState::new(
        Default::default(),
        Default::default(),
        vec![made("test-poll", false)],
    );
    let served = current::apply_desk(&files, &desk);
    assert_eq!(served.article("test-artikel").unwrap().poll, None);
    let (article, poll) = served.poll("test-poll").unwrap();
    assert!(article.is_none());
    assert_eq!(poll.question, "Vraag van de redactie test-poll?");
}

#[test]
fn the_desks_overrides_apply_to_desk_made_polls_too() {
    use stembus_store::desk::PollOverrides;
    let files = Library::new(vec![article_naming("met-poll", "geplaatst", "2025-02")]).unwrap();
    let closes_at = 1_800_000_000;
    let overrides = PollOverrides {
        closes: Some(Some(closes_at)),
        show_results: Some(stembus_poll::ResultsVisibility::Always),
        changed: Some(("an".to_string(), 1)),
    };
    let desk = current::DeskState::new(
        [
            ("geplaatst".to_string(), overrides.clone()),
            ("alleen".to_string(), overrides),
        ]
        .into(),
        Default::default(),
        vec![made("geplaatst", false), made("alleen", false)],
    );
    let served = current::apply_desk(&files, &desk);
    for id in ["geplaatst", "alleen"] {
        let (_, poll) = served.poll(id).unwrap();
        assert_eq!(
            poll.closes.map(|c| c.unix_seconds()),
            Some(closes_at),
            "{id}"
        );
        assert_eq!(
            poll.show_results,
            stembus_poll::ResultsVisibility::Always,
            "{id}"
        );
    }
}

/// `GOOD` with its poll's French texts.
fn good_with_french(labels: &str) -> String {
    GOOD.replace(
        "]\n+++",
        &format!("]\n\n[poll.fr-BE]\nquestion = \"Question ?\"\nlabels = {{ {labels} }}\n+++"),
    )
}

/// A French article (`lang = "fr-BE"`) naming the poll `poll_id`.
fn french_article_naming(slug: &str, poll_id: &str) -> Article {
    parse_article(&format!(
        "+++\nslug = \"{slug}\"\nlang = \"fr-BE\"\ntitle = \"T {slug}\"\nlead = \"L.\"\nauthor = \"A\"\nsource = \"S\"\npublished = \"2025-02\"\npoll = \"{poll_id}\"\n+++\n\nTexte.\n"
    ))
    .unwrap()
}

#[test]
fn a_poll_carries_its_french_texts_in_a_table_named_by_the_language() {
    let article = parse_article(&good_with_french("ja = \"Oui\", nee = \"Non\"")).unwrap();
    let poll = article.poll.unwrap();
    let french = poll.in_language(Language::French).unwrap();
    assert_eq!(french.question, "Question ?");
    assert_eq!(french.options[1].label, "Non");
    assert_eq!(french.options[1].key, "nee");
    assert_eq!(
        article.language,
        Language::Dutch,
        "Dutch unless it says otherwise"
    );
}

#[test]
fn french_texts_that_miss_or_invent_an_answer_name_the_key() {
    let cases = [
        (
            good_with_french("ja = \"Oui\""),
            "`poll.fr-BE.labels`: the answer `nee`",
        ),
        (
            good_with_french("ja = \"Oui\", nee = \"Non\", misschien = \"Peut-être\""),
            "`poll.fr-BE.labels`: `misschien` is not an answer key",
        ),
        (
            good_with_french("ja = \"Oui\", nee = \" \""),
            "the answer `nee`",
        ),
        (
            good_with_french("ja = \"Oui\", nee = \"Non\"").replace("\"Question ?\"", "\"\""),
            "`poll.fr-BE.question`",
        ),
        (
            good_with_french("ja = \"Oui\", nee = \"N\\u0000on\""),
            "`poll.fr-BE.labels` holds the control character",
        ),
        (
            good_with_french("ja = \"Oui\", nee = \"Non\"")
                .replace("question = \"Question ?\"", "question = \"Q ?\"\nkleur = 1"),
            "kleur",
        ),
        (
            GOOD.replace("slug =", "lang = \"de-BE\"\nslug ="),
            "`lang`: `de-BE`",
        ),
        (
            GOOD.replace("slug =", "lang = \"fr-BE\"\nslug ="),
            "table `poll.fr-BE` is missing",
        ),
    ];
    for (text, expected) in cases {
        let error = parse_article(&text).unwrap_err();
        assert!(error.contains(expected), "expected {expected} in: {error}");
    }
}

#[test]
fn a_bad_french_label_in_a_file_names_the_file_and_the_key() {
    let dir = tempfile::tempdir().unwrap();
    write_file(
        dir.path(),
        "peiling.md",
        &good_with_french("ja = \"Oui\""),
        1,
    );
    let error = Library::load(dir.path(), BadContent::Stop)
        .unwrap_err()
        .to_string();
    assert!(error.contains("peiling.md"), "{error}");
    assert!(error.contains("`nee`"), "{error}");
}

#[test]
fn a_french_article_naming_a_dutch_articles_poll_shows_the_same_poll() {
    let dutch = parse_article(&good_with_french("ja = \"Oui\", nee = \"Non\"")).unwrap();
    let french = french_article_naming("article-fr", "test-poll");
    assert_eq!(french.language, Language::French);
    assert_eq!(french.path(), "/fr/article/article-fr");
    let files = Library::new(vec![dutch, french]).unwrap();
    let served = current::apply_desk(&files, &current::DeskState::default());
    let french = served.article("article-fr").unwrap();
    assert_eq!(
        french.poll.as_ref().map(|poll| poll.id.as_str()),
        Some("test-poll")
    );
    let (article, _) = served.poll_in("test-poll", Language::French).unwrap();
    assert_eq!(article.unwrap().slug, "article-fr");
    let (article, _) = served.poll_in("test-poll", Language::Dutch).unwrap();
    assert_eq!(article.unwrap().slug, "test-artikel");
    let ids: Vec<&str> = served.polls().map(|poll| poll.id.as_str()).collect();
    assert_eq!(ids, ["test-poll"], "one poll, listed once");
}

#[test]
fn a_french_article_shows_no_poll_that_has_no_french_texts_and_two_definitions_clash() {
    let dutch_only = parse_article(GOOD).unwrap();
    let french = french_article_naming("article-fr", "test-poll");
    let files = Library::new(vec![dutch_only.clone(), french]).unwrap();
    let served = current::apply_desk(&files, &current::DeskState::default());
    assert_eq!(served.article("article-fr").unwrap().poll, None);
    let (article, _) = served.poll_in("test-poll", Language::French).unwrap();
    assert!(article.is_none(), "no French article shows it");

    let mut other = parse_article(GOOD).unwrap();
    other.slug = "ander".to_string();
    other.language = Language::French;
    other.poll.as_mut().unwrap().question = "Andere vraag?".to_string();
    let problem = Library::new(vec![dutch_only, other]).unwrap_err();
    assert!(problem.contains("`poll.id`"), "{problem}");
}

#[test]
fn the_shipped_poll_speaks_french_and_a_french_article_shows_it() {
    let library = Library::load(&content_dir(), BadContent::Stop).unwrap();
    let served = current::apply_desk(&library, &current::DeskState::default());
    let (_, poll) = served.poll("deepseek-schade-nvidia").unwrap();
    let french = poll.in_language(Language::French).unwrap();
    assert_eq!(
        french.question,
        "DeepSeek nuit-il durablement à Nvidia\u{a0}?"
    );
    let (article, _) = served
        .poll_in("deepseek-schade-nvidia", Language::French)
        .unwrap();
    assert_eq!(article.unwrap().language, Language::French);
}

#[test]
fn an_article_time_in_another_offset_is_read_as_its_brussels_date_and_clock() {
    let late = GOOD.replace(
        "published = \"2025-01\"",
        "published = \"2025-06-02T23:30:00Z\"\nupdated = \"2025-06-03T22:15:00Z\"",
    );
    let article = parse_article(&late).unwrap();
    assert_eq!(
        article.published.long_nl_with_time(),
        "3 juni 2025 om 1.30 uur",
        "23.30 UTC is already 3 June in Brussels"
    );
    assert_eq!(
        article.updated.unwrap().long_nl_with_time(),
        "4 juni 2025 om 0.15 uur"
    );
    assert_eq!(
        article.published.unix_seconds(),
        Moment::parse("2025-06-02T23:30:00Z")
            .unwrap()
            .unix_seconds(),
        "the same instant"
    );
    let by_day = parse_article(&GOOD.replace("\"2025-01\"", "\"2025-06-02\"")).unwrap();
    assert_eq!(
        by_day.published.long_nl(),
        "2 juni 2025",
        "a date stays a date"
    );
}

#[test]
fn two_answers_with_the_same_label_are_refused_naming_both_keys_in_dutch_or_french() {
    let cases = [
        (
            GOOD.replace("label = \"Nee\"", "label = \" ja \""),
            "field `poll.options.label`: the answers `ja` and `nee` have the same label `ja`",
        ),
        (
            good_with_french("ja = \"Oui\", nee = \"oui\""),
            "field `poll.fr-BE.labels`: the answers `ja` and `nee` have the same label `oui`",
        ),
    ];
    for (text, expected) in cases {
        let error = parse_article(&text).unwrap_err();
        assert!(error.contains(expected), "expected {expected} in: {error}");
        let dir = tempfile::tempdir().unwrap();
        write_file(dir.path(), "dubbel.md", &text, 1);
        let error = Library::load(dir.path(), BadContent::Stop)
            .unwrap_err()
            .to_string();
        assert!(error.contains("dubbel.md: field `poll"), "{error}");
    }
    assert!(parse_article(&good_with_french("ja = \"Oui\", nee = \"Non\"")).is_ok());
}

#[test]
fn a_picture_from_another_site_in_the_body_is_refused_naming_the_file_and_the_body() {
    for picture in [
        "![Grafiek](https://example.com/grafiek.png)",
        "![Grafiek](HTTP://example.com/grafiek.png)",
        "![Grafiek](//example.com/grafiek.png)",
        "![Grafiek][bron]\n\n[bron]: https://example.com/grafiek.png",
    ] {
        let text = format!("{GOOD}\n{picture}\n");
        let error = parse_article(&text).unwrap_err();
        assert!(
            error.contains("body") && error.contains("example.com/grafiek.png"),
            "{picture}: {error}"
        );
        let dir = tempfile::tempdir().unwrap();
        write_file(dir.path(), "extern.md", &text, 1);
        let error = Library::load(dir.path(), BadContent::Stop)
            .unwrap_err()
            .to_string();
        assert!(error.contains("extern.md: the body"), "{error}");
    }
    for allowed in [
        "![Grafiek](/afbeeldingen/grafiek.png)",
        "![Grafiek](grafiek.png)",
        "[Een link mag wel](https://example.com/)",
    ] {
        assert!(
            parse_article(&format!("{GOOD}\n{allowed}\n")).is_ok(),
            "{allowed}"
        );
    }
    let lead_elsewhere = GOOD.replace(
        "tags = [\"technologie\"]",
        "[image]\npath = \"//example.com/foto.jpg\"\nalt = \"x\"\ncredit = \"y\"\nwidth = 10\nheight = 10",
    );
    let error = parse_article(&lead_elsewhere).unwrap_err();
    assert!(error.contains("`image.path`"), "{error}");
}

#[test]
fn a_front_matter_error_names_the_line_of_the_file() {
    // Line 1 is `+++`, line 2 the slug: the title is on line 3.
    let bad = GOOD.replace("title = \"Titel\"", "title = Titel");
    assert_eq!(bad.lines().nth(2), Some("title = Titel"));
    let error = parse_article(&bad).unwrap_err();
    assert!(error.contains("line 3"), "{error}");
    let windows = format!("\u{feff}{}", bad.replace('\n', "\r\n"));
    let error = parse_article(&windows).unwrap_err();
    assert!(error.contains("line 3"), "{error}");
}

#[test]
fn a_poll_without_opening_opened_with_the_article_that_defines_it_in_any_language() {
    let dutch = parse_article(
        &good_with_french("ja = \"Oui\", nee = \"Non\"")
            .replace("\"2025-01\"", "\"2025-06-02T09:00:00+02:00\""),
    )
    .unwrap();
    // Published later, so newest first in the library and found first by a plain search.
    let mut french = french_article_naming("article-fr", "test-poll");
    french.published = Moment::parse("2025-07-10").unwrap();
    let files = Library::new(vec![dutch, french]).unwrap();
    let served = current::apply_desk(&files, &current::DeskState::default());
    let (shown_with, _) = served.poll_in("test-poll", Language::French).unwrap();
    assert_eq!(shown_with.unwrap().slug, "article-fr");
    assert_eq!(
        served
            .opened("test-poll")
            .map(|opened| opened.long_nl_with_time()),
        Some("2 juni 2025 om 9.00 uur".to_string()),
        "the Dutch article that defines it, not the later French one"
    );

    let opening = GOOD.replace(
        "question = \"Vraag?\"",
        "question = \"Vraag?\"\nopens = \"2025-03-01T10:00:00+01:00\"",
    );
    let with_opening = Library::new(vec![parse_article(&opening).unwrap()]).unwrap();
    assert_eq!(
        with_opening
            .opened("test-poll")
            .map(|opened| opened.long_nl()),
        Some("1 maart 2025".to_string()),
        "its own opening first"
    );
    assert_eq!(with_opening.opened("bestaat-niet"), None);
}
