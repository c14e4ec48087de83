//! The feed, sitemap and structured data are checked by parsing them, not by comparing strings.

use super::*;
use stembus_content::parse_article;

const BASE: &str = "https://nieuws.example.be";

fn article(slug: &str, title: &str, published: &str, with_image: bool) -> Article {
    let image = if with_image {
        "[image]\npath = \"/afbeeldingen/a.svg\"\nalt = \"Een staafdiagram\"\ncredit = \"Stembus\"\nwidth = 1200\nheight = 630\n"
    } else {
        ""
    };
    let text = format!(
        "+++\nslug = \"{slug}\"\ntitle = \"{title}\"\nlead = \"Lead met <tags> & tekens.\"\nauthor = \"Redactie\"\nsource = \"Stembus\"\npublished = \"{published}\"\ntags = [\"technologie\", \"beurs\"]\n{image}+++\n\nTekst.\n"
    );
    parse_article(&text).unwrap()
}

fn library() -> Library {
    Library::new(vec![
        article("oud", "Oud & bekend", "2025-01", false),
        article(
            "nieuw",
            "Nieuw </script><script>alert(1)</script>",
            "2025-02-03T10:00:00+01:00",
            true,
        ),
    ])
    .unwrap()
}

/// The first child element of `node` named `name`.
fn child<'a, 'input>(node: roxmltree::Node<'a, 'input>, name: &str) -> roxmltree::Node<'a, 'input> {
    node.children()
        .find(|c| c.tag_name().name() == name)
        .unwrap_or_else(|| panic!("missing <{name}>"))
}

#[test]
fn the_feed_is_well_formed_atom_with_an_entry_per_article() {
    let xml = atom_feed(
        &library(),
        BASE,
        "Nieuws met een lezerspoll bij elk artikel.",
    );
    let doc = roxmltree::Document::parse(&xml).expect("well-formed XML");
    let feed = doc.root_element();
    assert_eq!(feed.tag_name().name(), "feed");
    assert_eq!(
        feed.tag_name().namespace(),
        Some("http://www.w3.org/2005/Atom")
    );
    for required in ["title", "id", "updated"] {
        assert!(
            !child(feed, required).text().unwrap_or("").is_empty(),
            "{required}"
        );
    }
    assert_eq!(
        child(feed, "updated").text(),
        Some("2025-02-03T10:00:00+01:00")
    );
    let entries: Vec<_> = feed
        .children()
        .filter(|c| c.tag_name().name() == "entry")
        .collect();
    assert_eq!(entries.len(), 2);
    let newest = entries[0];
    assert_eq!(
        child(newest, "title").text(),
        Some("Nieuw </script><script>alert(1)</script>")
    );
    assert_eq!(
        child(newest, "id").text(),
        Some("https://nieuws.example.be/artikel/nieuw")
    );
    assert_eq!(
        child(newest, "link").attribute("href"),
        Some("https://nieuws.example.be/artikel/nieuw")
    );
    assert_eq!(
        child(child(newest, "author"), "name").text(),
        Some("Redactie")
    );
    assert_eq!(
        child(newest, "summary").text(),
        Some("Lead met <tags> & tekens.")
    );
    // Atom dates are full RFC 3339 timestamps, even for a month-precise publication.
    assert_eq!(
        child(entries[1], "published").text(),
        Some("2025-01-01T00:00:00Z")
    );
    let categories = newest
        .children()
        .filter(|c| c.tag_name().name() == "category")
        .count();
    assert_eq!(categories, 2);
}

#[test]
fn the_sitemap_lists_the_front_page_and_every_article() {
    let xml = sitemap_xml(&library(), BASE, SITEMAP_URLS);
    let doc = roxmltree::Document::parse(&xml).expect("well-formed XML");
    let urls: Vec<&str> = doc
        .descendants()
        .filter(|n| n.tag_name().name() == "loc")
        .filter_map(|n| n.text())
        .collect();
    assert_eq!(
        urls,
        vec![
            "https://nieuws.example.be/",
            "https://nieuws.example.be/artikel/nieuw",
            "https://nieuws.example.be/artikel/oud",
        ]
    );
}

#[test]
fn the_sitemap_pairs_an_article_with_its_version_in_the_other_language() {
    // The shipped content: the Dutch article, the French one that shows its poll, and an
    // article in Dutch only.
    let content = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../content");
    let files = Library::load(&content, stembus_content::BadContent::Stop).unwrap();
    // As the site serves it: the French article showing the Dutch one's poll.
    let library = stembus_content::current::CurrentContent::fixed(files).library();
    let xml = sitemap_xml(&library, BASE, SITEMAP_URLS);
    let doc = roxmltree::Document::parse(&xml).expect("well-formed XML");
    const XHTML: &str = "http://www.w3.org/1999/xhtml";
    let dutch = "https://nieuws.example.be/artikel/deepseek-nvidia-beurswaarde";
    let french = "https://nieuws.example.be/fr/article/deepseek-nvidia-valeur-boursiere";
    let mut paired = 0;
    for url in doc.descendants().filter(|n| n.tag_name().name() == "url") {
        let loc = child(url, "loc").text().unwrap();
        let alternates: Vec<(&str, &str)> = url
            .children()
            .filter(|n| n.tag_name().name() == "link" && n.tag_name().namespace() == Some(XHTML))
            .map(|n| {
                (
                    n.attribute("hreflang").unwrap(),
                    n.attribute("href").unwrap(),
                )
            })
            .collect();
        if loc == dutch || loc == french {
            // Every version, its own among them, on each of the two.
            assert_eq!(
                alternates,
                vec![("nl-BE", dutch), ("fr-BE", french)],
                "{loc}"
            );
            paired += 1;
        } else {
            assert!(alternates.is_empty(), "{loc} is in one language only");
        }
    }
    assert_eq!(paired, 2, "{xml}");
}

#[test]
fn the_sitemaps_versions_are_those_each_page_names() {
    let content = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../content");
    let files = Library::load(&content, stembus_content::BadContent::Stop).unwrap();
    let library = stembus_content::current::CurrentContent::fixed(files).library();
    let every_version = crate::views::ArticleVersions::of(&library);
    for article in library.articles() {
        assert_eq!(
            every_version.of_article(article, BASE),
            crate::views::article_versions(&library, article, BASE),
            "{}",
            article.slug
        );
    }
}

#[test]
fn structured_data_is_a_news_article_that_cannot_close_its_script() {
    let library = library();
    let newest = library.article("nieuw").unwrap();
    let json = structured_data(newest, BASE);
    assert!(!json.contains('<') && !json.contains('>'), "{json}");
    let data: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(data["@context"], "https://schema.org");
    assert_eq!(data["@type"], "NewsArticle");
    assert_eq!(
        data["headline"], newest.title,
        "escapes decode back to the title"
    );
    assert_eq!(data["datePublished"], "2025-02-03T10:00:00+01:00");
    assert_eq!(data["dateModified"], "2025-02-03T10:00:00+01:00");
    assert_eq!(data["author"][0]["name"], "Redactie");
    assert_eq!(data["publisher"]["@type"], "NewsMediaOrganization");
    assert_eq!(data["publisher"]["name"], "Stembus");
    assert_eq!(
        data["image"][0],
        "https://nieuws.example.be/afbeeldingen/a.svg"
    );
    assert_eq!(
        data["mainEntityOfPage"]["@id"],
        "https://nieuws.example.be/artikel/nieuw"
    );

    let without_image = structured_data(library.article("oud").unwrap(), BASE);
    let data: serde_json::Value = serde_json::from_str(&without_image).unwrap();
    assert!(data.get("image").is_none());
}

#[test]
fn share_links_are_plain_encoded_links() {
    let library = library();
    let links = share_links(library.article("oud").unwrap(), BASE);
    let labels: Vec<&str> = links.iter().map(|l| l.label.as_str()).collect();
    assert_eq!(
        labels,
        vec!["E-mail", "WhatsApp", "Facebook", "X", "LinkedIn"]
    );
    let facebook = &links[2].href;
    assert_eq!(
        facebook,
        "https://www.facebook.com/sharer/sharer.php?u=https%3A%2F%2Fnieuws.example.be%2Fartikel%2Foud"
    );
    assert!(
        links[0]
            .href
            .starts_with("mailto:?subject=Oud%20%26%20bekend&body=")
    );
}

#[test]
fn past_its_limit_the_sitemap_is_an_index_of_files_that_hold_every_address_once() {
    // Three addresses (the front page and two articles), two a file.
    let index = sitemap_xml(&library(), BASE, 2);
    let doc = roxmltree::Document::parse(&index).expect("well-formed XML");
    assert_eq!(doc.root_element().tag_name().name(), "sitemapindex");
    let files: Vec<&str> = doc
        .descendants()
        .filter(|n| n.tag_name().name() == "loc")
        .filter_map(|n| n.text())
        .collect();
    assert_eq!(
        files,
        [
            "https://nieuws.example.be/sitemap/1.xml",
            "https://nieuws.example.be/sitemap/2.xml"
        ]
    );
    let mut urls = Vec::new();
    for n in 1..=2 {
        let xml = sitemap_file_xml(&library(), BASE, 2, n).unwrap();
        let doc = roxmltree::Document::parse(&xml).expect("well-formed XML");
        urls.extend(
            doc.descendants()
                .filter(|n| n.tag_name().name() == "loc")
                .filter_map(|n| n.text().map(str::to_string)),
        );
    }
    assert_eq!(
        urls,
        [
            "https://nieuws.example.be/",
            "https://nieuws.example.be/artikel/nieuw",
            "https://nieuws.example.be/artikel/oud",
        ]
    );
    assert_eq!(sitemap_file_xml(&library(), BASE, 2, 3), None);
    assert_eq!(sitemap_file_xml(&library(), BASE, 2, 0), None);
}

#[test]
fn the_feed_holds_the_newest_articles_only() {
    let articles: Vec<Article> = (1..=FEED_ENTRIES + 10)
        .map(|n| {
            article(
                &format!("artikel-{n:03}"),
                &format!("Artikel {n}"),
                &format!("2025-{:02}-{:02}", 1 + n / 28, 1 + n % 28),
                false,
            )
        })
        .collect();
    let library = Library::new(articles).unwrap();
    let xml = atom_feed(&library, BASE, "Nieuws met een lezerspoll bij elk artikel.");
    let doc = roxmltree::Document::parse(&xml).expect("well-formed XML");
    let entries = doc
        .descendants()
        .filter(|n| n.tag_name().name() == "entry")
        .count();
    assert_eq!(entries, FEED_ENTRIES);
    assert!(
        xml.contains(&format!("/artikel/artikel-{:03}", FEED_ENTRIES + 10)),
        "the newest is in it"
    );
    assert!(!xml.contains("/artikel/artikel-001\""), "the oldest is not");
}

/// Whether `path` matches a robots.txt rule's `pattern` (RFC 9309 2.2.3: `*` any characters, a
/// final `$` the end of the path; otherwise a prefix).
fn rule_matches(pattern: &str, path: &str) -> bool {
    match pattern.strip_prefix('*') {
        Some(rest) => (0..=path.len())
            .filter(|at| path.is_char_boundary(*at))
            .any(|at| rule_matches(rest, &path[at..])),
        None if pattern == "$" => path.is_empty(),
        None => match (pattern.chars().next(), path.chars().next()) {
            (None, _) => true,
            (Some(p), Some(c)) if p == c => {
                rule_matches(&pattern[p.len_utf8()..], &path[c.len_utf8()..])
            }
            _ => false,
        },
    }
}

/// Whether a crawler that follows RFC 9309 may fetch `path` under `robots`: the longest matching
/// rule decides, an `Allow` where an `Allow` and a `Disallow` are as long (2.2.2).
fn may_crawl(robots: &str, path: &str) -> bool {
    robots
        .lines()
        .filter_map(|line| {
            let (field, value) = line.split_once(':')?;
            let allow = match field.trim().to_ascii_lowercase().as_str() {
                "allow" => true,
                "disallow" => false,
                _ => return None,
            };
            let value = value.trim();
            rule_matches(value, path).then_some((value.len(), allow))
        })
        .max()
        .is_none_or(|(_, allow)| allow)
}

#[test]
fn crawlers_may_fetch_the_pages_and_the_standing_picture_but_not_the_rest_of_the_api() {
    let robots = robots_txt("https://stembus.example");
    for allowed in [
        "/",
        "/artikel/deepseek-nvidia-beurswaarde",
        "/fr/article/deepseek-nvidia-valeur-boursiere",
        "/api/polls/deepseek-schade-nvidia/standing.png",
        "/api/polls/deepseek-schade-nvidia/standing.png?lang=fr-BE",
    ] {
        assert!(
            may_crawl(&robots, allowed),
            "{allowed} must be allowed:\n{robots}"
        );
    }
    for refused in [
        crate::vote::door::PATH,
        "/api/polls",
        "/api/polls/deepseek-schade-nvidia",
        "/api/polls/deepseek-schade-nvidia/live",
        "/api/polls/deepseek-schade-nvidia/seen.gif",
        "/api/openapi.json",
    ] {
        assert!(
            !may_crawl(&robots, refused),
            "{refused} must be refused:\n{robots}"
        );
    }
    assert!(robots.contains("Sitemap: https://stembus.example/sitemap.xml"));
}
