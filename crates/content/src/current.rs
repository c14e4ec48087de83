//! The content as the site serves it right now: the content files as last read, with the desk's
//! changes (closing moment, results visibility) laid over their polls, the polls made in the desk
//! (on the article that names one, or on their own) and the voided windows beside them. Every node
//! looks at the folder and the desk's version every `REFRESH_EVERY`, and reads the desk's state
//! again only when that version moved (`DeskStore::desk_version`), so an editor's change shows on
//! every node within seconds while an archive of thousands of polls costs one small read a second
//! at rest; the node where the editor acted refreshes at once.
//! What changed is told to whoever keeps pages (`on_change`: the web room's page cache drops them),
//! so no reader is shown a form for a poll that was just closed; the content knows no cache.

use crate::article::Article;
use crate::{ContentFolder, ContentProblem, Library};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;
use stembus_poll::PollDefinition;
use stembus_poll::language::Language;
use stembus_store::desk::{MadePoll, PollOverrides, VoidedWindow};
use stembus_store::made::apply_overrides;
use stembus_store::{Store, StoreError};

/// How often every node looks at the content folder and the desk's state.
pub const REFRESH_EVERY: Duration = Duration::from_secs(1);

/// What the desk changed, as last read from the store.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeskState {
    /// The desk's overrides, by poll id.
    pub overrides: HashMap<String, PollOverrides>,
    /// The windows whose votes are out (not restored), by poll id, oldest first.
    pub voided: HashMap<String, Vec<VoidedWindow>>,
    /// Every poll made in the desk, archived ones too, newest first.
    pub made: Vec<MadePoll>,
    /// Where each poll of `made` is, by id: pages, the list and the placing look polls up by id,
    /// and with years of polls a search through all of them for each was most of the desk list's
    /// time.
    made_at: HashMap<String, usize>,
}

impl DeskState {
    /// The desk's state from what the store holds.
    pub fn new(
        overrides: HashMap<String, PollOverrides>,
        voided: HashMap<String, Vec<VoidedWindow>>,
        made: Vec<MadePoll>,
    ) -> DeskState {
        let made_at = made
            .iter()
            .enumerate()
            .map(|(at, made)| (made.definition.id.clone(), at))
            .collect();
        DeskState {
            overrides,
            voided,
            made,
            made_at,
        }
    }

    /// The overrides of one poll (none: the content file's values hold).
    pub fn overrides_of(&self, poll_id: &str) -> PollOverrides {
        self.overrides.get(poll_id).cloned().unwrap_or_default()
    }

    /// The windows of one poll whose votes are out.
    pub fn voided_of(&self, poll_id: &str) -> &[VoidedWindow] {
        self.voided.get(poll_id).map_or(&[], Vec::as_slice)
    }

    /// The poll made in the desk with this id, archived or not.
    pub fn made_poll(&self, poll_id: &str) -> Option<&MadePoll> {
        self.made_at.get(poll_id).map(|at| &self.made[*at])
    }

    /// A desk-made poll as readers would be served it: its stored definition with the desk's
    /// overrides laid over it.
    pub fn served_definition(&self, made: &MadePoll) -> PollDefinition {
        let mut poll = made.definition.clone();
        apply_overrides(&mut poll, &self.overrides_of(&made.definition.id));
        poll
    }

    /// Whether `poll_id` is a desk-made poll that was archived (taken off the site).
    pub fn is_archived(&self, poll_id: &str) -> bool {
        self.made_poll(poll_id)
            .is_some_and(|made| made.archived.is_some())
    }
}

struct Current {
    /// The content files as last read.
    files: Arc<Library>,
    desk: Arc<DeskState>,
    /// The desk's version `desk` was read at (`None`: not read yet).
    desk_version: Option<i64>,
    /// `files` with `desk`'s overrides applied: what readers get.
    served: Arc<Library>,
    problems: Vec<ContentProblem>,
    /// The articles that name a poll they cannot show, found while placing the polls.
    placement: Vec<ContentProblem>,
}

/// What a refresh changed in what readers are served.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ContentChange {
    /// The content files changed: any page may have.
    Everything,
    /// Only these pages changed (an article's address, and `/` for the front page).
    Pages(Vec<String>),
}

/// Told of every change, while the change is made (before readers are served it): it must not
/// call back into the content.
pub type ChangeListener = Box<dyn Fn(&ContentChange) + Send + Sync>;

/// The served content; shared by every request of one node.
pub struct CurrentContent {
    /// `None` for content that does not come from a folder (tests).
    folder: Option<Arc<Mutex<ContentFolder>>>,
    current: RwLock<Current>,
    listeners: RwLock<Vec<ChangeListener>>,
    /// The files' library read from the folder but not yet served: the folder remembers a file as
    /// read once it is, so a refresh that then failed on the store would lose the change for good.
    unserved: Mutex<Option<Arc<Library>>>,
    /// One refresh at a time (the refresher's and a desk action's): two interleaved could serve
    /// the older read and sync its older polls last.
    refreshing: tokio::sync::Mutex<()>,
}

impl CurrentContent {
    /// Content that stays as given (no folder to watch), without desk changes until a refresh.
    pub fn fixed(library: Library) -> CurrentContent {
        CurrentContent::new(None, library, Vec::new())
    }

    /// The content of `folder`, read again on every refresh.
    pub fn watching(folder: ContentFolder) -> CurrentContent {
        let library = folder.library();
        let problems = folder.problems();
        CurrentContent::new(Some(Arc::new(Mutex::new(folder))), library, problems)
    }

    fn new(
        folder: Option<Arc<Mutex<ContentFolder>>>,
        library: Library,
        problems: Vec<ContentProblem>,
    ) -> CurrentContent {
        let files = Arc::new(library);
        // Served before the desk is read: the files' own polls, and those one article names of
        // another (a French article showing a Dutch article's poll).
        let (served, placement) = place(&files, &DeskState::default());
        log_placement(&placement, &[]);
        CurrentContent {
            folder,
            current: RwLock::new(Current {
                served: Arc::new(served),
                files,
                desk: Arc::default(),
                desk_version: None,
                problems,
                placement,
            }),
            listeners: RwLock::default(),
            unserved: Mutex::default(),
            refreshing: tokio::sync::Mutex::default(),
        }
    }

    /// Tells `listener` of every change from now on.
    pub fn on_change(&self, listener: ChangeListener) {
        self.listeners
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .push(listener);
    }

    fn tell(&self, change: &ContentChange) {
        let listeners = self
            .listeners
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        for listener in listeners.iter() {
            listener(change);
        }
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, Current> {
        self.current
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, Current> {
        self.current
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The articles and polls readers are served: the files with the desk's changes.
    pub fn library(&self) -> Arc<Library> {
        self.read().served.clone()
    }

    /// The articles and polls as their content files say, without the desk's changes.
    pub fn files(&self) -> Arc<Library> {
        self.read().files.clone()
    }

    /// The desk's changes as last read.
    pub fn desk(&self) -> Arc<DeskState> {
        self.read().desk.clone()
    }

    /// The content files whose current version does not pass (their last good version is served),
    /// and those whose article names a poll it cannot show.
    pub fn problems(&self) -> Vec<ContentProblem> {
        let current = self.read();
        current
            .problems
            .iter()
            .chain(&current.placement)
            .cloned()
            .collect()
    }

    /// Reads the folder (when watching one) again, and the desk's state when its version moved; a
    /// changed poll is synced into the store, and the listeners are told which pages changed.
    /// On a store error the content read so far stays served.
    pub async fn refresh(&self, store: &Store) -> Result<(), StoreError> {
        let _one_at_a_time = self.refreshing.lock().await;
        let rescanned = match &self.folder {
            None => None,
            Some(folder) => {
                let folder = folder.clone();
                tokio::task::spawn_blocking(move || {
                    let mut folder = folder.lock().unwrap_or_else(|p| p.into_inner());
                    match folder.rescan() {
                        Ok(changed) => Some((changed.then(|| folder.library()), folder.problems())),
                        Err(error) => {
                            tracing::error!(%error, "cannot read the content folder again; the content read before stays");
                            None
                        }
                    }
                })
                .await
                .map_err(|_| StoreError::Fault)?
            }
        };
        let (library, problems) = rescanned.unzip();
        let library = {
            let mut unserved = self.unserved.lock().unwrap_or_else(|p| p.into_inner());
            if let Some(read) = library.flatten() {
                *unserved = Some(Arc::new(read));
            }
            unserved.clone()
        };
        let files_changed = library.is_some();
        if let Some(library) = &library {
            let polls: Vec<PollDefinition> = library.polls().cloned().collect();
            store.sync_polls(&polls).await?;
            tracing::info!(articles = library.articles().len(), "content reloaded");
        }
        // The version before the state: a change committed in between is read now and read again
        // at the next refresh, never missed.
        let version = store.desk_version().await?;
        let desk_unchanged = self.read().desk_version == Some(version);
        if desk_unchanged && !files_changed {
            if let Some(problems) = problems {
                self.write().problems = problems;
            }
            return Ok(());
        }
        let desk = if desk_unchanged {
            self.desk()
        } else {
            Arc::new(read_desk(store).await?)
        };

        let mut current = self
            .current
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(problems) = problems {
            current.problems = problems;
        }
        current.desk_version = Some(version);
        if let Some(library) = library {
            current.files = library;
            *self.unserved.lock().unwrap_or_else(|p| p.into_inner()) = None;
        } else if current.desk == desk {
            return Ok(());
        }
        let (served, placement) = place(&current.files, &desk);
        log_placement(&placement, &current.placement);
        current.placement = placement;
        let served = Arc::new(served);
        let change = if files_changed {
            ContentChange::Everything
        } else {
            let mut pages = Vec::new();
            for article in served.articles() {
                let poll_id = article.poll.as_ref().map(|poll| poll.id.as_str());
                let before = current.served.article(&article.slug);
                let changed = before != Some(article)
                    || poll_id.is_some_and(|id| {
                        current.desk.voided_of(id) != desk.voided_of(id)
                            || current.desk.overrides_of(id) != desk.overrides_of(id)
                    });
                if changed {
                    pages.push(article.path());
                }
            }
            // The front page shows every poll's state.
            if !pages.is_empty() {
                pages.push("/".to_string());
            }
            ContentChange::Pages(pages)
        };
        self.tell(&change);
        current.served = served;
        current.desk = desk;
        Ok(())
    }
}

/// Refreshes `content` every `every` until the returned task is aborted (or the runtime ends).
pub fn spawn_refresher(
    content: Arc<CurrentContent>,
    store: Store,
    every: Duration,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(every);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        ticks.tick().await;
        loop {
            ticks.tick().await;
            if content.refresh(&store).await.is_err() {
                tracing::warn!("the desk's changes could not be read; the last ones read stay");
            }
        }
    })
}

async fn read_desk(store: &Store) -> Result<DeskState, StoreError> {
    let overrides = store.overrides().await?.into_iter().collect();
    let mut voided: HashMap<String, Vec<VoidedWindow>> = HashMap::new();
    for window in store.voided_windows(None).await? {
        if window.restored.is_none() {
            voided
                .entry(window.poll_id.clone())
                .or_default()
                .push(window);
        }
    }
    let made = store.made_polls().await?;
    Ok(DeskState::new(overrides, voided, made))
}

/// `place`'s library alone, as the tests look at it.
#[cfg(test)]
pub(super) fn apply_desk(files: &Library, desk: &DeskState) -> Library {
    place(files, desk).0
}

/// An article that names a poll without texts in the article's language shows no poll: what the
/// desk lists about it, naming the article's file and its field.
fn no_texts_in_language(files: &Library, article: &Article, id: &str) -> ContentProblem {
    let language = article.language.tag();
    ContentProblem {
        file: files
            .file_of(&article.slug)
            .unwrap_or(&article.slug)
            .to_string(),
        problem: format!(
            "field `poll`: the poll `{id}` has no {language} texts, so this {language} article shows no poll; give the poll its {language} question and answers, or name another poll"
        ),
    }
}

/// Logs every placement problem not in `before`, as the folder logs a file that does not pass.
fn log_placement(now: &[ContentProblem], before: &[ContentProblem]) {
    for problem in now.iter().filter(|problem| !before.contains(problem)) {
        tracing::warn!(file = %problem.file, problem = %problem.problem, "an article shows no poll");
    }
}

/// The library `files` with the desk's overrides laid over its polls and the desk-made polls in
/// place: on the article that names one (the first, newest first, if several do), else on their
/// own. A content file's poll whose id a desk-made poll holds is left out: the store keeps the
/// desk's rules under that id, and votes follow them. Beside it, the articles that name a poll
/// they cannot show for want of texts in their language: a French article naming a poll without
/// French would otherwise simply show no poll, and no editor would learn why.
fn place(files: &Library, desk: &DeskState) -> (Library, Vec<ContentProblem>) {
    let mut problems = Vec::new();
    let on_site = |id: &str| {
        desk.made_poll(id)
            .filter(|made| made.archived.is_none())
            .map(|made| made.definition.clone())
    };
    let mut placed = std::collections::HashSet::new();
    let articles = files
        .articles()
        .iter()
        .cloned()
        .map(|mut article| {
            if let Some(poll) = &article.poll
                && desk.made_poll(&poll.id).is_some()
            {
                tracing::warn!(poll = %poll.id, file_of = %article.slug, "a content file's poll has the id of a poll made in the desk; the desk's is kept and the file's left out");
                article.poll = None;
            }
            if let Some(id) = &article.desk_poll
                && article.poll.is_none()
                && !placed.contains(&(id.clone(), article.language))
                && let Some(poll) = on_site(id)
            {
                if poll.in_language(article.language).is_some() {
                    placed.insert((id.clone(), article.language));
                    article.poll = Some(poll);
                } else {
                    problems.push(no_texts_in_language(files, &article, id));
                }
            }
            if let Some(poll) = article.poll.as_mut() {
                apply_overrides(poll, &desk.overrides_of(&poll.id));
            }
            article
        })
        .collect::<Vec<Article>>();
    let articles = place_named_file_polls(files, articles, &mut problems);
    let unplaced = desk
        .made
        .iter()
        .filter(|made| {
            made.archived.is_none()
                && !Language::ALL
                    .into_iter()
                    .any(|language| placed.contains(&(made.definition.id.clone(), language)))
        })
        .map(|made| desk.served_definition(made))
        .collect();
    // The files' slugs and poll ids are unique already, a desk-made poll is placed once, and one
    // whose id a file's poll had took that poll's place.
    let library = Library::new(articles)
        .map(|library| library.with_unplaced_polls(unplaced))
        .unwrap_or_else(|problem| {
            tracing::error!(%problem, "the desk's polls could not be placed; the content files are served as they are");
            files.clone()
        });
    (library, problems)
}

/// `articles` with each article that names another article's poll (`poll = "id"`, a Dutch
/// article's poll in a French article or the reverse) showing it: one poll, one tally. The poll
/// is placed when it speaks the article's language and no other article in that language shows
/// it already; otherwise the article shows no poll, and the log says why (a poll without texts in
/// the article's language is a problem in `problems` too, which the desk lists).
fn place_named_file_polls(
    files: &Library,
    mut articles: Vec<Article>,
    problems: &mut Vec<ContentProblem>,
) -> Vec<Article> {
    for index in 0..articles.len() {
        let article = &articles[index];
        let (Some(id), None) = (&article.desk_poll, &article.poll) else {
            continue;
        };
        let language = article.language;
        let shown_in_language = articles.iter().any(|other| {
            other.language == language && other.poll.as_ref().is_some_and(|poll| poll.id == *id)
        });
        let defined = articles
            .iter()
            .filter(|other| other.desk_poll.is_none())
            .find_map(|other| other.poll.as_ref().filter(|poll| poll.id == *id))
            .cloned();
        match defined {
            Some(poll) if poll.in_language(language).is_none() => {
                problems.push(no_texts_in_language(files, article, id));
            }
            Some(_) if shown_in_language => {
                tracing::warn!(poll = %id, article = %article.slug, "another article in the same language shows the poll this article names; the article shows no poll");
            }
            Some(poll) => articles[index].poll = Some(poll),
            None => {}
        }
    }
    articles
}

#[cfg(test)]
mod placement_tests {
    use super::*;
    use crate::BadContent;
    use stembus_poll::language::PollTranslation;

    /// A folder with one French article naming the poll `deepseek`, read as the site reads it.
    fn french_article_naming_deepseek() -> (tempfile::TempDir, Library) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("article-fr.md"),
            "+++\nslug = \"article-fr\"\nlang = \"fr-BE\"\ntitle = \"T\"\nlead = \"L.\"\nauthor = \"A\"\nsource = \"S\"\npublished = \"2025-02\"\npoll = \"deepseek\"\n+++\n\nTexte.\n",
        )
        .unwrap();
        let files = ContentFolder::load(dir.path(), BadContent::Stop)
            .unwrap()
            .library();
        (dir, files)
    }

    fn desk_with(definition: PollDefinition) -> DeskState {
        let made = MadePoll {
            definition,
            created: ("an".to_string(), 1_700_000_000),
            archived: None,
            clarified: false,
        };
        DeskState::new(HashMap::new(), HashMap::new(), vec![made])
    }

    #[test]
    fn a_french_article_naming_a_desk_poll_without_french_is_a_problem_naming_its_file() {
        let (_dir, files) = french_article_naming_deepseek();
        let (served, problems) = place(&files, &desk_with(stembus_poll::test_support::poll()));
        assert_eq!(served.article("article-fr").unwrap().poll, None);
        assert_eq!(
            problems,
            [ContentProblem {
                file: "article-fr.md".to_string(),
                problem: "field `poll`: the poll `deepseek` has no fr-BE texts, so this fr-BE article shows no poll; give the poll its fr-BE question and answers, or name another poll".to_string(),
            }]
        );

        let mut in_french = stembus_poll::test_support::poll();
        in_french.french = Some(PollTranslation {
            question: "Dommage ?".into(),
            labels: [
                ("ja", "Oui"),
                ("nee", "Non"),
                ("weet-niet", "Je ne sais pas"),
            ]
            .into_iter()
            .map(|(key, label)| (key.to_string(), label.to_string()))
            .collect(),
        });
        let (served, problems) = place(&files, &desk_with(in_french));
        assert!(served.article("article-fr").unwrap().poll.is_some());
        assert_eq!(problems, []);
    }

    #[test]
    fn a_french_article_naming_a_file_poll_without_french_is_a_problem_too() {
        let (dir, _) = french_article_naming_deepseek();
        std::fs::write(
            dir.path().join("artikel.md"),
            "+++\nslug = \"artikel\"\ntitle = \"T\"\nlead = \"L.\"\nauthor = \"A\"\nsource = \"S\"\npublished = \"2025-01\"\n\n[poll]\nid = \"deepseek\"\nquestion = \"Schade?\"\noptions = [\n  { key = \"ja\", label = \"Ja\" },\n  { key = \"nee\", label = \"Nee\" },\n]\n+++\n\nTekst.\n",
        )
        .unwrap();
        let files = ContentFolder::load(dir.path(), BadContent::Stop)
            .unwrap()
            .library();
        let (served, problems) = place(&files, &DeskState::default());
        assert!(served.article("artikel").unwrap().poll.is_some());
        assert_eq!(served.article("article-fr").unwrap().poll, None);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(problems[0].file, "article-fr.md");
    }
}
