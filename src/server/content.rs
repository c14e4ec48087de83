//! Loads the articles and their polls from the content folder: one Markdown file per article, with
//! TOML front matter between `+++` lines.

use crate::article::{Article, LeadImage};
use crate::moment::Moment;
use crate::poll::{PollDefinition, ResultsVisibility};
use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// The articles the site serves, newest first.
#[derive(Debug, Clone, Default)]
pub struct Library {
    articles: Vec<Article>,
    /// The content file each article came from, by slug; empty for a library built from articles.
    files: HashMap<String, String>,
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

/// A content file that does not pass, as the desk shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContentProblem {
    /// The file's name within the content folder, like `deepseek-nvidia-beurswaarde.md`.
    pub file: String,
    /// What is wrong, naming the field.
    pub problem: String,
}

/// The content folder as last read: for every `.md` file its last version that passed, and the
/// problem with its current version if it has one.
#[derive(Debug)]
pub struct ContentFolder {
    dir: PathBuf,
    /// By file name: every pass over the files runs in this order, whatever order the folder
    /// lists them in, so the same folder always settles a clash the same way.
    files: BTreeMap<OsString, ContentFile>,
}

/// One `.md` file of the content folder.
#[derive(Debug)]
struct ContentFile {
    /// What the file looked like when it was last read; `None` reads it again at the next scan.
    stamp: Option<Stamp>,
    /// The last version that passed: what the site serves from this file.
    served: Option<Article>,
    current: Version,
}

/// How a file's current version fares.
#[derive(Debug)]
enum Version {
    /// It passed and is the version served.
    Served,
    /// It parses, but claims a slug or poll id another file's served version holds. It is kept so
    /// that it is served, without being read again, once the other file lets go of the claim.
    Clashing(Box<Article>),
    /// It cannot be read or does not parse.
    Broken(String),
}

/// A file's modification time and length when it was read: if either differs, it is read again.
///
/// The time is compared at the precision the file system keeps it (nanoseconds on ext4, XFS, Btrfs,
/// APFS), not rounded to seconds, so two saves within one second differ even at the same length.
/// Some clocks are coarser than that: FAT keeps two seconds, and Linux stamps files from a clock
/// that ticks every few milliseconds. A file modified less than `SETTLE` before a scan began gets
/// no stamp at all, so it is read again at the next scan: a same-length save within the same tick
/// cannot be missed, at the cost of reading a freshly saved file once more.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Stamp {
    modified: SystemTime,
    len: u64,
}

/// The coarsest modification-time step a content folder is likely to sit on (FAT's).
const SETTLE: Duration = Duration::from_secs(2);

impl Stamp {
    /// The stamp of a file as the scan that began at `scan_began` found it; `None` if it cannot be
    /// trusted to tell the next save apart.
    fn of(metadata: &std::fs::Metadata, scan_began: SystemTime) -> Option<Stamp> {
        let modified = metadata.modified().ok()?;
        let settled = scan_began
            .duration_since(modified)
            .is_ok_and(|age| age >= SETTLE);
        settled.then_some(Stamp {
            modified,
            len: metadata.len(),
        })
    }
}

/// Which file's served version holds each slug and poll id.
#[derive(Default)]
struct Claims {
    slugs: HashMap<String, OsString>,
    polls: HashMap<String, OsString>,
}

impl Claims {
    fn of(files: &BTreeMap<OsString, ContentFile>) -> Claims {
        let mut claims = Claims::default();
        for (name, file) in files {
            if let Some(article) = &file.served {
                claims.take(name, article);
            }
        }
        claims
    }

    fn take(&mut self, name: &OsStr, article: &Article) {
        self.slugs.insert(article.slug.clone(), name.to_owned());
        if let Some(poll) = &article.poll {
            self.polls.insert(poll.id.clone(), name.to_owned());
        }
    }

    fn release(&mut self, name: &OsStr, article: &Article) {
        if self
            .slugs
            .get(&article.slug)
            .is_some_and(|holder| holder == name)
        {
            self.slugs.remove(&article.slug);
        }
        if let Some(poll) = &article.poll
            && self
                .polls
                .get(&poll.id)
                .is_some_and(|holder| holder == name)
        {
            self.polls.remove(&poll.id);
        }
    }

    /// What stops file `name` from serving `article`: a slug or poll id another file holds.
    fn clash(&self, name: &OsStr, article: &Article) -> Option<String> {
        let held_elsewhere = |claims: &HashMap<String, OsString>, value: &str| {
            claims
                .get(value)
                .filter(|holder| *holder != name)
                .map(|holder| holder.to_string_lossy().into_owned())
        };
        if let Some(holder) = held_elsewhere(&self.slugs, &article.slug) {
            return Some(taken("slug", &article.slug, Some(&holder)));
        }
        let poll = article.poll.as_ref()?;
        held_elsewhere(&self.polls, &poll.id)
            .map(|holder| taken("poll.id", &poll.id, Some(&holder)))
    }
}

impl ContentFolder {
    /// Reads every `.md` file in `dir` as `Library::load` does. A bad file stops loading (`Stop`:
    /// the error names the first bad file by name, and the field) or is logged and listed in
    /// `problems()` (`Skip`). Of two files claiming one slug or poll id, the first by name wins.
    pub fn load(dir: &Path, bad_content: BadContent) -> Result<ContentFolder, ContentError> {
        let mut folder = ContentFolder {
            dir: dir.to_path_buf(),
            files: BTreeMap::new(),
        };
        folder.scan()?;
        if bad_content == BadContent::Stop
            && let Some(first) = folder.problems().into_iter().next()
        {
            return Err(ContentError::File {
                file: dir.join(&first.file).display().to_string(),
                problem: first.problem,
            });
        }
        folder.log_problem_changes(&[]);
        Ok(folder)
    }

    /// The articles of the last good version of every file present, as a Library (newest first).
    pub fn library(&self) -> Library {
        let mut files = HashMap::new();
        let articles = self
            .files
            .iter()
            .filter_map(|(name, file)| {
                let article = file.served.as_ref()?;
                files.insert(article.slug.clone(), name.to_string_lossy().into_owned());
                Some(article.clone())
            })
            .collect();
        Library::from_articles(articles, files)
    }

    /// Reads again every file that is new or changed (modification time or length differ from
    /// what was read, see `Stamp`) and forgets files that are gone. A file that now fails keeps its
    /// last good version (or stays out if it never passed) and its problem is listed; a file that
    /// passes again clears its problem. A new or changed file claiming a slug or poll id that
    /// another file's served version holds is the one that fails; it is served, unread, once the
    /// other lets go. Whatever `BadContent` the folder was loaded with, a bad file is never an
    /// error here: the site is already running.
    ///
    /// Returns whether the library changed: an article added, changed or removed, or moved to
    /// another file. A problem that only appears or clears is logged but returns `false`. An
    /// unreadable folder is an `Err` and changes nothing.
    pub fn rescan(&mut self) -> Result<bool, ContentError> {
        let before = self.problems();
        let changed = self.scan()?;
        self.log_problem_changes(&before);
        Ok(changed)
    }

    /// Every file whose current version does not pass, by file name.
    pub fn problems(&self) -> Vec<ContentProblem> {
        let clashing = self
            .files
            .values()
            .any(|file| matches!(file.current, Version::Clashing(_)));
        let claims = if clashing {
            Claims::of(&self.files)
        } else {
            Claims::default()
        };
        self.files
            .iter()
            .filter_map(|(name, file)| {
                let problem = match &file.current {
                    Version::Served => return None,
                    Version::Broken(problem) => problem.clone(),
                    // `settle` leaves a file clashing only while its clash lasts, so this always
                    // names one; a clash that has just gone is no problem to show.
                    Version::Clashing(article) => claims.clash(name, article)?,
                };
                Some(ContentProblem {
                    file: name.to_string_lossy().into_owned(),
                    problem,
                })
            })
            .collect()
    }

    /// Brings the files up to date with the folder; returns whether the served articles changed.
    fn scan(&mut self) -> Result<bool, ContentError> {
        let scan_began = SystemTime::now();
        let names = markdown_files(&self.dir)?;
        let mut changed = false;
        self.files.retain(|name, file| {
            let present = names.contains(name);
            changed |= !present && file.served.is_some();
            present
        });
        for name in names {
            let path = self.dir.join(&name);
            // Stamped before reading: a save landing while the file is read then shows as a new
            // stamp at the next scan instead of being taken for what was read.
            let metadata = std::fs::metadata(&path);
            let stamp = metadata
                .as_ref()
                .ok()
                .and_then(|metadata| Stamp::of(metadata, scan_began));
            let known = self.files.get(&name);
            if stamp.is_some() && known.is_some_and(|file| file.stamp == stamp) {
                continue;
            }
            let served = known.and_then(|file| file.served.as_ref());
            let parsed = metadata
                .and_then(|_| std::fs::read_to_string(&path))
                .map_err(|error| format!("cannot be read: {error}"))
                .and_then(|text| parse_article(&text));
            let current = match parsed {
                Err(problem) => Version::Broken(problem),
                Ok(article) if served == Some(&article) => Version::Served,
                // `settle` decides whether it is served.
                Ok(article) => Version::Clashing(Box::new(article)),
            };
            match self.files.get_mut(&name) {
                Some(file) => {
                    file.stamp = stamp;
                    file.current = current;
                }
                None => {
                    let file = ContentFile {
                        stamp,
                        served: None,
                        current,
                    };
                    self.files.insert(name, file);
                }
            }
        }
        changed |= self.settle();
        Ok(changed)
    }

    /// Serves every clashing file whose claims are free, until none is left that can be; returns
    /// whether any was. Files are tried by name and tried again after each round, so a file that
    /// lets go of a slug in this scan frees it for a file earlier in the order too. The served
    /// versions never clash with each other, before or after.
    fn settle(&mut self) -> bool {
        let mut waiting: Vec<OsString> = self
            .files
            .iter()
            .filter(|(_, file)| matches!(file.current, Version::Clashing(_)))
            .map(|(name, _)| name.clone())
            .collect();
        if waiting.is_empty() {
            return false;
        }
        let mut claims = Claims::of(&self.files);
        let mut changed = false;
        loop {
            let before = waiting.len();
            waiting.retain(|name| {
                let Some(file) = self.files.get_mut(name) else {
                    return false;
                };
                let Version::Clashing(article) = &file.current else {
                    return false;
                };
                if claims.clash(name, article).is_some() {
                    return true;
                }
                if let Some(old) = &file.served {
                    claims.release(name, old);
                }
                claims.take(name, article);
                if let Version::Clashing(article) =
                    std::mem::replace(&mut file.current, Version::Served)
                {
                    file.served = Some(*article);
                }
                false
            });
            changed |= waiting.len() < before;
            if waiting.is_empty() || waiting.len() == before {
                return changed;
            }
        }
    }

    /// Logs every problem not in `before`, and every file of `before` that passes now.
    fn log_problem_changes(&self, before: &[ContentProblem]) {
        let now = self.problems();
        for problem in now.iter().filter(|problem| !before.contains(problem)) {
            let file = self.dir.join(&problem.file).display().to_string();
            let last_good_served = self
                .files
                .get(OsStr::new(&problem.file))
                .is_some_and(|file| file.served.is_some());
            if last_good_served {
                tracing::error!(%file, problem = %problem.problem, "content file not taken; its last good version stays served");
            } else {
                tracing::error!(%file, problem = %problem.problem, "content file left out");
            }
        }
        for gone in before
            .iter()
            .filter(|gone| !now.iter().any(|problem| problem.file == gone.file))
        {
            if self.files.contains_key(OsStr::new(&gone.file)) {
                let file = self.dir.join(&gone.file).display().to_string();
                tracing::info!(%file, "content file passes again");
            }
        }
    }
}

/// The names of the content files in `dir`. A name starting with a dot is an editor's lock or
/// swap file (Emacs writes `.#artikel.md` while a file is open), never content.
fn markdown_files(dir: &Path) -> Result<BTreeSet<OsString>, ContentError> {
    let folder_error = |source| ContentError::Folder {
        path: dir.display().to_string(),
        source,
    };
    let mut names = BTreeSet::new();
    for entry in std::fs::read_dir(dir).map_err(folder_error)? {
        let name = entry.map_err(folder_error)?.file_name();
        let is_content = Path::new(&name).extension().is_some_and(|ext| ext == "md")
            && !name.as_encoded_bytes().starts_with(b".");
        if is_content {
            names.insert(name);
        }
    }
    Ok(names)
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
        ContentFolder::load(dir, bad_content).map(|folder| folder.library())
    }

    /// Builds a library from articles already checked to have unique slugs and poll ids.
    fn from_articles(mut articles: Vec<Article>, files: HashMap<String, String>) -> Library {
        articles.sort_by(|a, b| b.published.cmp(&a.published).then(a.slug.cmp(&b.slug)));
        Library { articles, files }
    }

    /// Builds a library from parsed articles; slugs and poll ids must be unique.
    pub fn new(articles: Vec<Article>) -> Result<Library, String> {
        let mut checked = Vec::with_capacity(articles.len());
        for article in articles {
            let article = check_unique(&checked, article)?;
            checked.push(article);
        }
        Ok(Library::from_articles(checked, HashMap::new()))
    }

    /// Every article, newest first.
    pub fn articles(&self) -> &[Article] {
        &self.articles
    }

    /// The article with this slug.
    pub fn article(&self, slug: &str) -> Option<&Article> {
        self.articles.iter().find(|article| article.slug == slug)
    }

    /// The name of the content file (within the folder) the article with this slug came from;
    /// `None` for an unknown slug or a library built from articles (`Library::new`).
    pub fn file_of(&self, slug: &str) -> Option<&str> {
        self.files.get(slug).map(String::as_str)
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
        return Err(taken("slug", &article.slug, None));
    }
    if let Some(poll) = &article.poll
        && existing
            .iter()
            .filter_map(|other| other.poll.as_ref())
            .any(|other| other.id == poll.id)
    {
        return Err(taken("poll.id", &poll.id, None));
    }
    Ok(article)
}

/// The problem of an article claiming a `field` value another article has, in `holder` if known.
fn taken(field: &str, value: &str, holder: Option<&str>) -> String {
    match holder {
        Some(holder) => {
            format!("field `{field}`: `{value}` is used by another article, in {holder}")
        }
        None => format!("field `{field}`: `{value}` is used by another article"),
    }
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
            assert_eq!(library.poll("poll-een").unwrap().0.slug, "een");
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
}
