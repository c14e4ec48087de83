//! Loads the articles and their polls from the content folder: one Markdown file per article, with
//! TOML front matter between `+++` lines.

use crate::article::{Article, LeadImage};
use crate::moment::Moment;
use crate::poll::{PollDefinition, ResultsVisibility};
use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use serde::Deserialize;
use std::collections::HashSet;
use std::path::Path;

/// The articles the site serves, newest first.
#[derive(Debug, Clone, Default)]
pub struct Library {
    articles: Vec<Article>,
}

/// What to do with a content file that does not pass validation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum BadContent {
    /// Stop start-up: what an editor previewing locally wants to hear at once.
    Stop,
    /// Log the file and serve the others: one broken file must not take a live site down.
    Skip,
}

/// Why the content could not be loaded; the message names the file and the field.
#[derive(Debug, thiserror::Error)]
pub enum ContentError {
    #[error("cannot read content folder {path}: {source}")]
    Folder {
        path: String,
        source: std::io::Error,
    },
    #[error("{file}: {problem}")]
    File { file: String, problem: String },
}

/// The front matter as an editor writes it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FrontMatter {
    slug: String,
    title: String,
    lead: String,
    /// Defaults to the lead, shortened.
    description: Option<String>,
    author: String,
    source: String,
    published: String,
    updated: Option<String>,
    #[serde(default)]
    tags: Vec<String>,
    image: Option<LeadImage>,
    poll: Option<PollDefinition>,
}

/// Reading speed used for the reading time, in words per minute.
const WORDS_PER_MINUTE: usize = 200;
/// Search engines show about this many characters of a description.
const DESCRIPTION_LENGTH: usize = 160;

impl Library {
    /// Reads every `.md` file in `dir`. A bad file stops loading (`Stop`) or is logged and left out
    /// (`Skip`); either way its message names the file and the field.
    pub fn load(dir: &Path, bad_content: BadContent) -> Result<Library, ContentError> {
        let folder_error = |source| ContentError::Folder {
            path: dir.display().to_string(),
            source,
        };
        let mut files: Vec<_> = std::fs::read_dir(dir)
            .map_err(folder_error)?
            .collect::<Result<Vec<_>, _>>()
            .map_err(folder_error)?
            .into_iter()
            .map(|entry| entry.path())
            .filter(|path| path.extension().is_some_and(|ext| ext == "md"))
            .collect();
        files.sort();
        let mut articles: Vec<Article> = Vec::with_capacity(files.len());
        for path in files {
            let file = path.display().to_string();
            let parsed = std::fs::read_to_string(&path)
                .map_err(|error| format!("cannot be read: {error}"))
                .and_then(|text| parse_article(&text))
                .and_then(|article| check_unique(&articles, article));
            match (parsed, bad_content) {
                (Ok(article), _) => articles.push(article),
                (Err(problem), BadContent::Stop) => {
                    return Err(ContentError::File { file, problem });
                }
                (Err(problem), BadContent::Skip) => {
                    tracing::error!(%file, %problem, "content file left out");
                }
            }
        }
        Ok(Library::from_articles(articles))
    }

    /// Builds a library from articles already checked to have unique slugs and poll ids.
    fn from_articles(mut articles: Vec<Article>) -> Library {
        articles.sort_by(|a, b| b.published.cmp(&a.published).then(a.slug.cmp(&b.slug)));
        Library { articles }
    }

    /// Builds a library from parsed articles; slugs and poll ids must be unique.
    pub fn new(articles: Vec<Article>) -> Result<Library, String> {
        let mut checked = Vec::with_capacity(articles.len());
        for article in articles {
            let article = check_unique(&checked, article)?;
            checked.push(article);
        }
        Ok(Library::from_articles(checked))
    }

    /// Every article, newest first.
    pub fn articles(&self) -> &[Article] {
        &self.articles
    }

    /// The article with this slug.
    pub fn article(&self, slug: &str) -> Option<&Article> {
        self.articles.iter().find(|article| article.slug == slug)
    }

    /// The poll with this id and the article it belongs to.
    pub fn poll(&self, poll_id: &str) -> Option<(&Article, &PollDefinition)> {
        self.articles.iter().find_map(|article| {
            article
                .poll
                .as_ref()
                .filter(|poll| poll.id == poll_id)
                .map(|poll| (article, poll))
        })
    }

    /// Every poll on the site.
    pub fn polls(&self) -> impl Iterator<Item = &PollDefinition> {
        self.articles
            .iter()
            .filter_map(|article| article.poll.as_ref())
    }

    /// Up to `limit` other articles sharing a tag with `article`: most shared tags first, then newest.
    pub fn related(&self, article: &Article, limit: usize) -> Vec<&Article> {
        let mut scored: Vec<(usize, &Article)> = self
            .articles
            .iter()
            .filter(|other| other.slug != article.slug)
            .map(|other| {
                let shared = other
                    .tags
                    .iter()
                    .filter(|tag| article.tags.contains(tag))
                    .count();
                (shared, other)
            })
            .filter(|(shared, _)| *shared > 0)
            .collect();
        // Stable sort over a newest-first list: equal scores stay newest first.
        scored.sort_by_key(|(shared, _)| std::cmp::Reverse(*shared));
        scored
            .into_iter()
            .take(limit)
            .map(|(_, other)| other)
            .collect()
    }
}

fn check_unique(existing: &[Article], article: Article) -> Result<Article, String> {
    if existing.iter().any(|other| other.slug == article.slug) {
        return Err(format!(
            "field `slug`: `{}` is used by another article",
            article.slug
        ));
    }
    if let Some(poll) = &article.poll
        && existing
            .iter()
            .filter_map(|other| other.poll.as_ref())
            .any(|other| other.id == poll.id)
    {
        return Err(format!(
            "field `poll.id`: `{}` is used by another article",
            poll.id
        ));
    }
    Ok(article)
}

/// Parses one content file; the error names the field at fault.
pub fn parse_article(text: &str) -> Result<Article, String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let rest = text
        .strip_prefix("+++\n")
        .or_else(|| text.strip_prefix("+++\r\n"))
        .ok_or("must start with a `+++` line opening the front matter")?;
    let end = rest
        .find("\n+++")
        .ok_or("the front matter is not closed by a `+++` line")?;
    // The full message quotes the offending line, so it names the field even for a bad value.
    let front: FrontMatter = toml::from_str(&rest[..end]).map_err(|error| {
        let quoted = error
            .to_string()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        format!("front matter: {quoted}")
    })?;
    let body = rest[end + 4..].trim_start_matches(['\r', '\n']);
    if body.trim().is_empty() {
        return Err("the body after the front matter is empty".to_string());
    }

    let moment = |field: &str, value: &str| {
        Moment::parse(value).map_err(|error| format!("field `{field}`: {error}"))
    };
    let published = moment("published", &front.published)?;
    let updated = front
        .updated
        .as_deref()
        .map(|value| moment("updated", value))
        .transpose()?;
    if updated.is_some_and(|updated| updated < published) {
        return Err("field `updated` lies before `published`".to_string());
    }
    for (field, value) in [
        ("title", &front.title),
        ("lead", &front.lead),
        ("author", &front.author),
        ("source", &front.source),
    ] {
        if value.trim().is_empty() {
            return Err(format!("field `{field}` must not be empty"));
        }
    }
    check_identifier("slug", &front.slug)?;
    for tag in &front.tags {
        if tag.trim().is_empty() || tag.len() > 40 {
            return Err(format!("field `tags`: `{tag}` must be 1 to 40 characters"));
        }
    }
    if let Some(image) = &front.image {
        check_image(image)?;
    }
    if let Some(poll) = &front.poll {
        check_poll(poll)?;
    }
    let description = match front.description {
        Some(description) if description.trim().is_empty() => {
            return Err("field `description` must not be empty when given".to_string());
        }
        Some(description) => description,
        None => shorten(&front.lead, DESCRIPTION_LENGTH),
    };
    let words = front.lead.split_whitespace().count() + body.split_whitespace().count();
    Ok(Article {
        slug: front.slug,
        title: front.title,
        lead: front.lead,
        description,
        author: front.author,
        source: front.source,
        published,
        updated,
        tags: front.tags,
        image: front.image,
        body_html: render_markdown(body),
        reading_minutes: words.div_ceil(WORDS_PER_MINUTE).max(1) as u32,
        poll: front.poll,
    })
}

/// Renders the editor's Markdown to HTML. Raw HTML is shown as text, never passed through; headings
/// start at `h2` (the title is the page's one `h1`); links and images may only use web addresses.
pub fn render_markdown(markdown: &str) -> String {
    let events =
        Parser::new_ext(markdown, Options::ENABLE_STRIKETHROUGH).map(|event| match event {
            Event::Html(html) | Event::InlineHtml(html) => Event::Text(html),
            Event::Start(Tag::Heading {
                level: HeadingLevel::H1,
                id,
                classes,
                attrs,
            }) => Event::Start(Tag::Heading {
                level: HeadingLevel::H2,
                id,
                classes,
                attrs,
            }),
            Event::End(TagEnd::Heading(HeadingLevel::H1)) => {
                Event::End(TagEnd::Heading(HeadingLevel::H2))
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => Event::Start(Tag::Link {
                link_type,
                dest_url: safe_url(dest_url),
                title,
                id,
            }),
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => Event::Start(Tag::Image {
                link_type,
                dest_url: safe_url(dest_url),
                title,
                id,
            }),
            other => other,
        });
    let mut html = String::with_capacity(markdown.len() * 5 / 4);
    pulldown_cmark::html::push_html(&mut html, events);
    html
}

/// Keeps web, mail and site-relative addresses; anything else (`javascript:`, `data:`) becomes `#`.
fn safe_url(url: CowStr<'_>) -> CowStr<'_> {
    let lower = url.trim_start().to_ascii_lowercase();
    let has_scheme = lower
        .split_once(':')
        .is_some_and(|(scheme, _)| !scheme.contains(['/', '?', '#']));
    let allowed = ["http://", "https://", "mailto:"]
        .iter()
        .any(|p| lower.starts_with(p));
    if has_scheme && !allowed {
        CowStr::Borrowed("#")
    } else {
        url
    }
}

/// Cuts `text` at a word boundary so that it fits in `limit` characters, ending with an ellipsis.
fn shorten(text: &str, limit: usize) -> String {
    if text.chars().count() <= limit {
        return text.to_string();
    }
    let mut out = String::new();
    for word in text.split_whitespace() {
        if out.chars().count() + word.chars().count() + 2 > limit {
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out.push('…');
    out
}

fn check_image(image: &LeadImage) -> Result<(), String> {
    if !image.path.starts_with('/')
        || image.path.contains("..")
        || image.path.contains(char::is_whitespace)
    {
        return Err(
            "field `image.path` must be a path on this site, like /afbeeldingen/foto.jpg"
                .to_string(),
        );
    }
    if image.alt.trim().is_empty() {
        return Err("field `image.alt` must describe the picture".to_string());
    }
    if image.credit.trim().is_empty() {
        return Err("field `image.credit` must not be empty".to_string());
    }
    if image.width == 0 || image.height == 0 {
        return Err(
            "fields `image.width` and `image.height` must be the picture's size in pixels"
                .to_string(),
        );
    }
    Ok(())
}

fn check_poll(poll: &PollDefinition) -> Result<(), String> {
    check_identifier("poll.id", &poll.id)?;
    if poll.question.trim().is_empty() {
        return Err("field `poll.question` must not be empty".to_string());
    }
    if poll.options.len() < 2 {
        return Err("field `poll.options` needs at least two answers".to_string());
    }
    let mut keys = HashSet::new();
    for option in &poll.options {
        check_identifier("poll.options.key", &option.key)?;
        if option.label.trim().is_empty() {
            return Err(format!(
                "field `poll.options.label` of `{}` must not be empty",
                option.key
            ));
        }
        if !keys.insert(option.key.as_str()) {
            return Err(format!(
                "field `poll.options.key`: `{}` appears twice",
                option.key
            ));
        }
    }
    if poll.max_choices == 0 || usize::from(poll.max_choices) > poll.options.len() {
        return Err(format!(
            "field `poll.max_choices` must be between 1 and the number of answers ({})",
            poll.options.len()
        ));
    }
    if poll.show_results == ResultsVisibility::AfterClose && poll.closes.is_none() {
        return Err(
            "field `poll.show_results`: \"after-close\" needs `poll.closes`, or the results never show"
                .to_string(),
        );
    }
    for (field, moment) in [("poll.opens", poll.opens), ("poll.closes", poll.closes)] {
        if moment.is_some_and(|moment| !moment.has_time()) {
            return Err(format!(
                "field `{field}` needs a time with its offset, like 2025-01-27T18:00:00+01:00"
            ));
        }
    }
    if let (Some(opens), Some(closes)) = (poll.opens, poll.closes)
        && closes <= opens
    {
        return Err("field `poll.closes` must come after `poll.opens`".to_string());
    }
    Ok(())
}

/// Identifiers end up in addresses and form fields: lower-case letters, digits and single dashes.
fn check_identifier(field: &str, value: &str) -> Result<(), String> {
    let well_formed = !value.is_empty()
        && value.len() <= 80
        && value.split('-').all(|part| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        });
    if well_formed {
        Ok(())
    } else {
        Err(format!(
            "field `{field}`: `{value}` must be lower-case letters and digits joined by single dashes"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "+++\nslug = \"test-artikel\"\ntitle = \"Titel\"\nlead = \"Lead.\"\nauthor = \"Redactie\"\nsource = \"Stembus\"\npublished = \"2025-01\"\ntags = [\"technologie\"]\n\n[poll]\nid = \"test-poll\"\nquestion = \"Vraag?\"\noptions = [\n  { key = \"ja\", label = \"Ja\" },\n  { key = \"nee\", label = \"Nee\" },\n]\n+++\n\nEerste alinea\nloopt door.\n\nTweede *alinea*.\n";

    fn content_dir() -> std::path::PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("content")
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
            (GOOD.replace("question = \"Vraag?\"", "question = \"Vraag?\"\nmax_choices = 3"), "`poll.max_choices`"),
            (GOOD.replace("question = \"Vraag?\"", "question = \"Vraag?\"\nmax_choices = 0"), "`poll.max_choices`"),
            (GOOD.replace("question = \"Vraag?\"", "question = \"Vraag?\"\nshow_results = \"after-close\""), "`poll.show_results`"),
            (GOOD.replace("question = \"Vraag?\"", "question = \"Vraag?\"\nshow_results = \"nooit\""), "show_results"),
            (GOOD.replace("tags = [\"technologie\"]", "[image]\npath = \"foto.jpg\"\nalt = \"x\"\ncredit = \"y\"\nwidth = 10\nheight = 10"), "`image.path`"),
            (GOOD.replace("tags = [\"technologie\"]", "[image]\npath = \"/foto.jpg\"\nalt = \"\"\ncredit = \"y\"\nwidth = 10\nheight = 10"), "`image.alt`"),
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
}
