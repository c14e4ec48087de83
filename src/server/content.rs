//! Loads the articles and their polls from the content folder: one file per article, TOML front matter
//! between `+++` lines, then the body as paragraphs separated by blank lines.

use crate::article::{Article, PublicationDate};
use crate::poll::PollDefinition;
use serde::Deserialize;
use std::collections::HashSet;
use std::path::Path;

/// The articles the site serves, newest first.
#[derive(Debug, Clone, Default)]
pub struct Library {
    articles: Vec<Article>,
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
    description: String,
    author: String,
    source: String,
    published: String,
    poll: Option<PollDefinition>,
}

impl Library {
    /// Reads every `.md` file in `dir`. Fails on the first bad file, naming file and field.
    pub fn load(dir: &Path) -> Result<Library, ContentError> {
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
        let mut articles = Vec::with_capacity(files.len());
        for path in files {
            let name = path.display().to_string();
            let text = std::fs::read_to_string(&path).map_err(|error| ContentError::File {
                file: name.clone(),
                problem: format!("cannot be read: {error}"),
            })?;
            articles.push(parse_article(&text).map_err(|problem| ContentError::File {
                file: name.clone(),
                problem,
            })?);
        }
        Library::from_articles(articles).map_err(|problem| ContentError::File {
            file: dir.display().to_string(),
            problem,
        })
    }

    /// Builds a library from parsed articles; slugs and poll ids must be unique.
    pub fn from_articles(mut articles: Vec<Article>) -> Result<Library, String> {
        let mut slugs = HashSet::new();
        let mut polls = HashSet::new();
        for article in &articles {
            if !slugs.insert(article.slug.as_str()) {
                return Err(format!("slug `{}` is used by two articles", article.slug));
            }
            if let Some(poll) = &article.poll
                && !polls.insert(poll.id.as_str())
            {
                return Err(format!("poll.id `{}` is used by two articles", poll.id));
            }
        }
        articles.sort_by(|a, b| b.published.cmp(&a.published).then(a.slug.cmp(&b.slug)));
        Ok(Library { articles })
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
    let front: FrontMatter = toml::from_str(&rest[..end])
        .map_err(|error| format!("front matter: {}", error.message()))?;
    let body_text = rest[end + 4..].trim_start_matches(['\r', '\n']);
    let body = paragraphs(body_text);

    let published = PublicationDate::parse(&front.published)
        .map_err(|error| format!("field `published`: {error}"))?;
    for (field, value) in [
        ("title", &front.title),
        ("lead", &front.lead),
        ("description", &front.description),
        ("author", &front.author),
        ("source", &front.source),
    ] {
        if value.trim().is_empty() {
            return Err(format!("field `{field}` must not be empty"));
        }
    }
    check_identifier("slug", &front.slug)?;
    if body.is_empty() {
        return Err("the body after the front matter is empty".to_string());
    }
    if let Some(poll) = &front.poll {
        check_poll(poll)?;
    }
    Ok(Article {
        slug: front.slug,
        title: front.title,
        lead: front.lead,
        description: front.description,
        author: front.author,
        source: front.source,
        published,
        body,
        poll: front.poll,
    })
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

/// Splits text into paragraphs at blank lines; the lines of one paragraph are joined by a space.
fn paragraphs(text: &str) -> Vec<String> {
    let mut result = Vec::new();
    let mut current: Vec<&str> = Vec::new();
    for line in text.lines().map(str::trim) {
        if line.is_empty() {
            if !current.is_empty() {
                result.push(current.join(" "));
                current.clear();
            }
        } else {
            current.push(line);
        }
    }
    if !current.is_empty() {
        result.push(current.join(" "));
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "+++\nslug = \"test-artikel\"\ntitle = \"Titel\"\nlead = \"Lead.\"\ndescription = \"Beschrijving.\"\nauthor = \"Redactie\"\nsource = \"Stembus\"\npublished = \"2025-01\"\n\n[poll]\nid = \"test-poll\"\nquestion = \"Vraag?\"\noptions = [\n  { key = \"ja\", label = \"Ja\" },\n  { key = \"nee\", label = \"Nee\" },\n]\n+++\n\nEerste alinea\nloopt door.\n\nTweede alinea.\n";

    #[test]
    fn a_well_formed_file_parses_with_its_poll_and_paragraphs() {
        let article = parse_article(GOOD).unwrap();
        assert_eq!(article.slug, "test-artikel");
        assert_eq!(article.published.long_nl(), "januari 2025");
        assert_eq!(
            article.body,
            vec!["Eerste alinea loopt door.", "Tweede alinea."]
        );
        let poll = article.poll.unwrap();
        assert_eq!(poll.id, "test-poll");
        assert_eq!(poll.options.len(), 2);
    }

    #[test]
    fn the_shipped_content_folder_loads() {
        let library = Library::load(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("content")
                .as_path(),
        )
        .unwrap();
        let article = library.article("deepseek-nvidia-beurswaarde").unwrap();
        assert!(article.title.contains("589 miljard dollar"));
        assert_eq!(
            article.poll.as_ref().unwrap().question,
            "Brengt DeepSeek blijvende schade toe aan Nvidia?"
        );
        assert!(library.poll(&article.poll.as_ref().unwrap().id).is_some());
    }

    #[test]
    fn errors_name_the_field() {
        let cases = [
            (
                GOOD.replace("slug = \"test-artikel\"", "slug = \"Test Artikel\""),
                "`slug`",
            ),
            (
                GOOD.replace("published = \"2025-01\"", "published = \"januari\""),
                "`published`",
            ),
            (
                GOOD.replace("title = \"Titel\"", "title = \" \""),
                "`title`",
            ),
            (
                GOOD.replace("  { key = \"nee\", label = \"Nee\" },\n", ""),
                "`poll.options`",
            ),
            (
                GOOD.replace("key = \"nee\"", "key = \"ja\""),
                "`poll.options.key`",
            ),
            (
                GOOD.replace("label = \"Nee\"", "label = \"\""),
                "`poll.options.label`",
            ),
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
    fn duplicate_slugs_or_polls_are_refused_and_articles_sort_newest_first() {
        let older = parse_article(GOOD).unwrap();
        let mut newer = older.clone();
        newer.slug = "nieuwer".into();
        newer.published = PublicationDate::parse("2025-02-01").unwrap();
        newer.poll = None;
        let library = Library::from_articles(vec![older.clone(), newer.clone()]).unwrap();
        assert_eq!(library.articles()[0].slug, "nieuwer");

        let mut same_poll = older.clone();
        same_poll.slug = "ander".into();
        assert!(
            Library::from_articles(vec![older.clone(), same_poll])
                .unwrap_err()
                .contains("poll.id")
        );
        assert!(
            Library::from_articles(vec![older.clone(), older])
                .unwrap_err()
                .contains("slug")
        );
    }
}
