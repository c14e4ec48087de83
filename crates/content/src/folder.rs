//! The content folder on disk: which `.md` files it holds, what each looked like when it was last
//! read, and which file's version is served when two claim the same slug or poll id.

use super::{BadContent, ContentError, ContentProblem, Library, parse_article, taken};
use crate::article::Article;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

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
