//! The test site shared by the router-level tests: a fresh database per test, a clock the test sets,
//! requests through `oneshot` without a socket.

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, HeaderName, Request, StatusCode, header};
use http_body_util::BodyExt;
use leptos::config::LeptosOptions;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use stembus_content::current::CurrentContent;
use stembus_content::{BadContent, ContentFolder};
use stembus_poll::PollDefinition;
use stembus_server::router::build_router;
use stembus_server::state::{AppState, StateParts};
use stembus_site::admission::Budgets;
use stembus_site::clock::FixedClock;
use stembus_site::config::Settings;
use stembus_store::desk::{
    AuditEntry, DescribeEdit, DeskStore, EditorSummary, HourViews, MadePoll, OverrideChange,
    PollEdit, PollOverrides, SessionLimits, SessionRecord, TimeWindow, VoidOutcome, VoidPreview,
    VoidedWindow,
};
use stembus_store::{NewVote, Store, StoreError, Tally, VoteOutcome, VoteStore};
use stembus_store_sqlite::SqliteStore;
use tower::ServiceExt;

pub const BROWSER_ACCEPT: &str = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";

/// The vote door's address, as the site defines it.
pub const VOTE_PATH: &str = stembus_web::vote::door::PATH;

/// The moment every test site starts at: 2 March 2026, 9.00 in Brussels. Both shipped polls are
/// open then; a test that needs another moment moves `TestSite::clock`.
pub const TEST_NOW: i64 = 1_772_438_400;

/// The shipped article with a poll, and its poll.
pub const ARTICLE: &str = "/artikel/deepseek-nvidia-beurswaarde";
pub const POLL: &str = "deepseek-schade-nvidia";

/// The island's glue and module in the fake build of `TestSite::with_built_files`.
pub const BUILT_JS: &[u8] = b"export default function init() {} // the island's glue, repeated to be worth compressing; the island's glue";
pub const BUILT_WASM: &[u8] = b"\0asm\x01\0\0\0";

pub struct TestSite {
    pub state: AppState,
    pub dir: tempfile::TempDir,
    pub clock: Arc<FixedClock>,
    /// The router kept across requests, when the test needs its page cache or rate limit to last.
    kept: Option<Router>,
}

impl TestSite {
    /// The site with the shipped content, on a fresh database.
    pub fn new() -> TestSite {
        TestSite::on_database(tempfile::tempdir().unwrap())
    }

    /// The site with the shipped content on the database in `dir`: opening it again is a restart.
    pub fn on_database(dir: tempfile::TempDir) -> TestSite {
        TestSite::with_content(&shipped_content(), dir)
    }

    /// The site with the content files in `content`, on the database in `dir`.
    pub fn with_content(content: &Path, dir: tempfile::TempDir) -> TestSite {
        let folder = ContentFolder::load(content, BadContent::Stop).unwrap();
        let library = folder.library();
        let polls: Vec<_> = library.polls().collect();
        let store = SqliteStore::open(&dir.path().join("stembus.db"), &polls).unwrap();
        TestSite::built(folder, Arc::new(store), dir)
    }

    /// The site with the content of `folder` on `store`, its state built as start-up builds it.
    fn built(folder: ContentFolder, store: Store, dir: tempfile::TempDir) -> TestSite {
        let settings = Settings {
            database_path: dir.path().join("stembus.db"),
            ..Settings::default()
        };
        let clock = FixedClock::at(TEST_NOW);
        let state = AppState::build(StateParts {
            leptos_options: LeptosOptions::builder().output_name("stembus").build(),
            settings,
            content: Arc::new(CurrentContent::watching(folder)),
            store,
            clock: clock.clone(),
            budgets: Budgets::default(),
            messages: stembus_messages::Messages::load().unwrap(),
        });
        TestSite {
            state,
            dir,
            clock,
            kept: None,
        }
    }

    /// The site with the shipped content on a fresh database in the PostgreSQL cluster that
    /// `STEMBUS_TEST_DATABASE_URL` names (scripts/test.sh starts one); the tests that use it are
    /// `#[ignore]`d for a plain `cargo nextest run`.
    pub async fn on_postgres() -> TestSite {
        let url = fresh_postgres_database("stembus_site").await;
        TestSite::on_postgres_database(&url).await
    }

    /// The site with the shipped content on the PostgreSQL database at `url`: a node of its own.
    async fn on_postgres_database(url: &str) -> TestSite {
        let folder = ContentFolder::load(&shipped_content(), BadContent::Stop).unwrap();
        let library = folder.library();
        let polls: Vec<_> = library.polls().collect();
        let store = stembus_store_postgres::PostgresStore::open(url, &polls)
            .await
            .unwrap();
        TestSite::built(folder, Arc::new(store), tempfile::tempdir().unwrap())
    }

    /// `count` sites with the shipped content on one fresh PostgreSQL database, each with its own
    /// store (a node), state and kept router, as several machines behind one database are.
    pub async fn postgres_nodes(count: usize) -> Vec<TestSite> {
        let url = fresh_postgres_database("stembus_nodes").await;
        let mut nodes = Vec::new();
        for _ in 0..count {
            nodes.push(TestSite::on_postgres_database(&url).await.kept_router());
        }
        nodes
    }

    /// The same site with its state built anew from its parts as `change` leaves them.
    fn rebuilt(mut self, change: impl FnOnce(&mut StateParts)) -> TestSite {
        let mut parts = self.state.parts();
        change(&mut parts);
        self.state = AppState::build(parts);
        if self.kept.is_some() {
            self.kept = Some(build_router(self.state.clone()));
        }
        self
    }

    /// Starts this node's refresher, as start-up does: the content and the desk's state read
    /// again every `current::REFRESH_EVERY`. Abort the handle at the end of the test.
    pub fn refreshing(&self) -> tokio::task::JoinHandle<()> {
        stembus_content::current::spawn_refresher(
            self.state.content.clone(),
            self.state.store.clone(),
            stembus_content::current::REFRESH_EVERY,
        )
    }

    /// The same site with its settings changed by `change`.
    pub fn with_settings(self, change: impl FnOnce(&mut Settings)) -> TestSite {
        self.rebuilt(|parts| change(&mut parts.settings))
    }

    /// The same site with at most `max` live-result streams open at once.
    pub fn with_live_streams_max(self, max: u32) -> TestSite {
        self.with_settings(|settings| settings.live_streams_max = Some(max))
    }

    /// The same site with `change` made to what the node takes at once.
    pub fn with_budgets(self, change: impl FnOnce(&mut Budgets)) -> TestSite {
        self.rebuilt(|parts| change(&mut parts.budgets))
    }

    /// The same site with its store replaced by what `wrap` makes of it.
    pub fn with_store(self, wrap: impl FnOnce(Store) -> Store) -> TestSite {
        self.rebuilt(|parts| parts.store = wrap(parts.store.clone()))
    }

    /// The same site on a `FlakyStore` around its store, and that store, to make fail.
    pub fn with_flaky_store(self) -> (TestSite, Arc<FlakyStore>) {
        let flaky = FlakyStore::around(self.state.store.clone());
        let site = self.with_store(|_| flaky.clone());
        (site, flaky)
    }

    /// The same site with a fake build in its site folder (`BUILT_JS`, `BUILT_WASM`, a style sheet
    /// and a brotli file), behind one router kept for the whole test, so the page cache and the
    /// built files in memory live across its requests.
    pub fn with_built_files(self) -> TestSite {
        let root = self.dir.path().join("site");
        let pkg = root.join("pkg");
        std::fs::create_dir_all(&pkg).unwrap();
        std::fs::write(pkg.join("stembus.js"), BUILT_JS).unwrap();
        std::fs::write(pkg.join("stembus.js.br"), b"br").unwrap();
        std::fs::write(pkg.join("stembus.wasm"), BUILT_WASM).unwrap();
        std::fs::write(pkg.join("stembus.css"), b"body { margin: 0 }").unwrap();
        self.rebuilt(|parts| {
            parts.leptos_options = LeptosOptions::builder()
                .output_name("stembus")
                .site_root(root.to_string_lossy().into_owned())
                .build();
        })
        .kept_router()
    }

    /// The same site behind one router kept for the whole test.
    pub fn kept_router(mut self) -> TestSite {
        self.kept = Some(build_router(self.state.clone()));
        self
    }

    /// The kept router, or else a router built for one request: then no kept page and no
    /// rate-limit bucket carries over from an earlier request.
    pub fn router(&self) -> Router {
        self.kept
            .clone()
            .unwrap_or_else(|| build_router(self.state.with_empty_page_cache()))
    }

    pub async fn get(&self, path: &str, cookie: Option<&str>) -> Reply {
        match cookie {
            Some(cookie) => self.get_with(path, &[(header::COOKIE, cookie)]).await,
            None => self.get_with(path, &[]).await,
        }
    }

    /// A browser's GET of `path` with `headers` added.
    pub async fn get_with(&self, path: &str, headers: &[(HeaderName, &str)]) -> Reply {
        let mut request = Request::get(path).header(header::ACCEPT, BROWSER_ACCEPT);
        for (name, value) in headers {
            request = request.header(name, *value);
        }
        self.send(request.body(Body::empty()).unwrap()).await
    }

    /// Posts `body` to the vote door as a browser form without JavaScript does.
    pub async fn post_form(&self, body: &str, cookie: Option<&str>) -> Reply {
        self.post(body, BROWSER_ACCEPT, cookie).await
    }

    /// Posts `body` to the vote door as the poll island's fetch does.
    pub async fn post_fetch(&self, body: &str, cookie: Option<&str>) -> Reply {
        self.post(body, "application/json", cookie).await
    }

    pub async fn post(&self, body: &str, accept: &str, cookie: Option<&str>) -> Reply {
        let mut request = Request::post(VOTE_PATH)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::ACCEPT, accept);
        if let Some(cookie) = cookie {
            request = request.header(header::COOKIE, cookie);
        }
        self.send(request.body(Body::from(body.to_string())).unwrap())
            .await
    }

    /// Votes for `choice` in the shipped poll as the island does; the voter cookie it got.
    pub async fn vote(&self, choice: &str) -> String {
        let reply = self.post_fetch(&vote_body(choice), None).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        reply.voter_cookie().expect("a first vote sets the cookie")
    }

    pub async fn send(&self, request: Request<Body>) -> Reply {
        Reply::from(self.router().oneshot(request).await.unwrap()).await
    }

    /// The number of readers who voted in the poll `poll_id`.
    pub async fn voters_in(&self, poll_id: &str) -> u64 {
        self.state.store.tally(poll_id, None).await.unwrap().voters
    }
}

pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    /// The body as sent (compressed, if it was).
    pub bytes: Vec<u8>,
    /// The body as text, for replies that are text.
    pub body: String,
}

impl Reply {
    pub async fn from(response: axum::response::Response) -> Reply {
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response
            .into_body()
            .collect()
            .await
            .unwrap()
            .to_bytes()
            .to_vec();
        let body = String::from_utf8_lossy(&bytes).into_owned();
        Reply {
            status,
            headers,
            bytes,
            body,
        }
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The `name=value` part of the voter cookie this reply sets.
    pub fn voter_cookie(&self) -> Option<String> {
        self.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .find(|value| value.starts_with("stembus_kiezer="))
            .map(|value| value.split(';').next().unwrap().to_string())
    }

    pub fn location(&self) -> Option<&str> {
        self.header("location")
    }

    /// The body with its `Content-Encoding` undone.
    pub fn decoded(&self) -> String {
        let mut out = String::new();
        match self.header("content-encoding") {
            Some("br") => {
                brotli::Decompressor::new(&self.bytes[..], 4096)
                    .read_to_string(&mut out)
                    .unwrap();
            }
            Some("gzip") => {
                flate2::read::GzDecoder::new(&self.bytes[..])
                    .read_to_string(&mut out)
                    .unwrap();
            }
            None => out = self.body.clone(),
            Some(other) => panic!("unexpected encoding {other}"),
        }
        out
    }
}

/// A store whose reads can be made to fail, as a database that cannot be reached would; votes go
/// through to the real store underneath.
pub struct FlakyStore {
    inner: Store,
    reads_fail: AtomicBool,
    /// Votes are stored, and then answered as if the store could not tell (a commit whose answer
    /// was lost).
    vote_answers_lost: AtomicBool,
    /// Syncing the content's polls fails (the database busy during a reload).
    syncs_fail: AtomicBool,
    /// Writing to the audit log fails, and with it whatever is stored together with its line (a
    /// session): the transaction rolled back, nothing kept.
    audit_fails: AtomicBool,
    /// Reads of a standing for nobody in particular (the live snapshots, the API).
    anonymous_reads: AtomicUsize,
    /// Reads of a standing with one reader's own answers.
    voter_reads: AtomicUsize,
    /// Reads of the desk's made polls, the largest part of the desk's state.
    desk_reads: AtomicUsize,
}

impl FlakyStore {
    pub fn around(inner: Store) -> Arc<FlakyStore> {
        Arc::new(FlakyStore {
            inner,
            reads_fail: AtomicBool::new(false),
            vote_answers_lost: AtomicBool::new(false),
            syncs_fail: AtomicBool::new(false),
            audit_fails: AtomicBool::new(false),
            anonymous_reads: AtomicUsize::new(0),
            voter_reads: AtomicUsize::new(0),
            desk_reads: AtomicUsize::new(0),
        })
    }

    pub fn fail_reads(&self, fail: bool) {
        self.reads_fail.store(fail, Ordering::SeqCst);
    }

    pub fn fail_syncs(&self, fail: bool) {
        self.syncs_fail.store(fail, Ordering::SeqCst);
    }

    pub fn fail_audit(&self, fail: bool) {
        self.audit_fails.store(fail, Ordering::SeqCst);
    }

    pub fn lose_vote_answers(&self, lose: bool) {
        self.vote_answers_lost.store(lose, Ordering::SeqCst);
    }

    /// How often a standing was read without a voter.
    pub fn voter_reads(&self) -> usize {
        self.voter_reads.load(Ordering::SeqCst)
    }

    pub fn anonymous_reads(&self) -> usize {
        self.anonymous_reads.load(Ordering::SeqCst)
    }

    /// How often the desk's made polls were read.
    pub fn desk_reads(&self) -> usize {
        self.desk_reads.load(Ordering::SeqCst)
    }
}

#[async_trait::async_trait]
impl VoteStore for FlakyStore {
    async fn record_vote(&self, vote: NewVote) -> Result<VoteOutcome, StoreError> {
        let outcome = self.inner.record_vote(vote).await?;
        if self.vote_answers_lost.load(Ordering::SeqCst) {
            return Err(StoreError::Unavailable);
        }
        Ok(outcome)
    }

    async fn tally(&self, poll_id: &str, voter: Option<&str>) -> Result<Tally, StoreError> {
        if voter.is_none() {
            self.anonymous_reads.fetch_add(1, Ordering::SeqCst);
        } else {
            self.voter_reads.fetch_add(1, Ordering::SeqCst);
        }
        if self.reads_fail.load(Ordering::SeqCst) {
            return Err(StoreError::Unavailable);
        }
        self.inner.tally(poll_id, voter).await
    }

    async fn check_ready(&self) -> Result<(), &'static str> {
        self.inner.check_ready().await
    }

    async fn shut_down(&self) {
        self.inner.shut_down().await;
    }

    fn engine(&self) -> &'static str {
        self.inner.engine()
    }

    fn writer_metrics(&self) -> stembus_store::writer::WriterMetrics {
        self.inner.writer_metrics()
    }
}

#[async_trait::async_trait]
impl DeskStore for FlakyStore {
    async fn add_editor(
        &self,
        name: &str,
        password_hash: &str,
        now: i64,
        audit: &AuditEntry,
    ) -> Result<bool, StoreError> {
        self.inner.add_editor(name, password_hash, now, audit).await
    }

    async fn set_password(
        &self,
        name: &str,
        password_hash: &str,
        audit: &AuditEntry,
    ) -> Result<bool, StoreError> {
        self.inner.set_password(name, password_hash, audit).await
    }

    async fn remove_editor(&self, name: &str, audit: &AuditEntry) -> Result<bool, StoreError> {
        self.inner.remove_editor(name, audit).await
    }

    async fn editors(&self) -> Result<Vec<EditorSummary>, StoreError> {
        self.inner.editors().await
    }

    async fn password_hash(&self, name: &str) -> Result<Option<String>, StoreError> {
        self.inner.password_hash(name).await
    }

    async fn create_session(
        &self,
        token_hash: &str,
        editor: &str,
        csrf_token: &str,
        now: i64,
        audit: &AuditEntry,
    ) -> Result<bool, StoreError> {
        if self.audit_fails.load(Ordering::SeqCst) {
            return Err(StoreError::Unavailable);
        }
        self.inner
            .create_session(token_hash, editor, csrf_token, now, audit)
            .await
    }

    async fn session(
        &self,
        token_hash: &str,
        now: i64,
        limits: SessionLimits,
    ) -> Result<Option<SessionRecord>, StoreError> {
        self.inner.session(token_hash, now, limits).await
    }

    async fn end_session(&self, token_hash: &str, audit: &AuditEntry) -> Result<bool, StoreError> {
        self.inner.end_session(token_hash, audit).await
    }

    async fn change_poll(
        &self,
        poll_id: &str,
        change: OverrideChange,
        audit: &AuditEntry,
    ) -> Result<bool, StoreError> {
        self.inner.change_poll(poll_id, change, audit).await
    }

    async fn overrides(&self) -> Result<Vec<(String, PollOverrides)>, StoreError> {
        self.inner.overrides().await
    }

    async fn ballots_per_minute(&self, poll_id: &str) -> Result<Vec<(i64, u64)>, StoreError> {
        self.inner.ballots_per_minute(poll_id).await
    }

    async fn ballots_since(&self, poll_id: &str, since: i64) -> Result<u64, StoreError> {
        self.inner.ballots_since(poll_id, since).await
    }

    async fn choices_per_hour(&self, poll_id: &str) -> Result<Vec<(i64, String, u64)>, StoreError> {
        self.inner.choices_per_hour(poll_id).await
    }

    async fn preview_void(
        &self,
        poll_id: &str,
        window: TimeWindow,
    ) -> Result<VoidPreview, StoreError> {
        self.inner.preview_void(poll_id, window).await
    }

    async fn void_window(
        &self,
        poll_id: &str,
        window: TimeWindow,
        expected: u64,
        audit: &AuditEntry,
    ) -> Result<Option<VoidOutcome>, StoreError> {
        self.inner
            .void_window(poll_id, window, expected, audit)
            .await
    }

    async fn restore_window(
        &self,
        id: i64,
        audit: &AuditEntry,
    ) -> Result<Option<VoidedWindow>, StoreError> {
        self.inner.restore_window(id, audit).await
    }

    async fn voided_windows(&self, poll_id: Option<&str>) -> Result<Vec<VoidedWindow>, StoreError> {
        self.inner.voided_windows(poll_id).await
    }

    async fn record_audit(&self, entry: &AuditEntry) -> Result<(), StoreError> {
        if self.audit_fails.load(Ordering::SeqCst) {
            return Err(StoreError::Unavailable);
        }
        self.inner.record_audit(entry).await
    }

    async fn audit_log(
        &self,
        poll_id: Option<&str>,
        limit: usize,
    ) -> Result<Vec<AuditEntry>, StoreError> {
        self.inner.audit_log(poll_id, limit).await
    }

    async fn forget_voters(
        &self,
        poll_id: &str,
        closed_before: i64,
        at: i64,
        by: &str,
        detail: fn(u64) -> String,
    ) -> Result<u64, StoreError> {
        self.inner
            .forget_voters(poll_id, closed_before, at, by, detail)
            .await
    }

    async fn polls_with_voter_ids_closed_before(
        &self,
        closed_before: i64,
    ) -> Result<Vec<String>, StoreError> {
        self.inner
            .polls_with_voter_ids_closed_before(closed_before)
            .await
    }

    async fn sync_polls(&self, polls: &[PollDefinition]) -> Result<(), StoreError> {
        if self.syncs_fail.load(Ordering::SeqCst) {
            return Err(StoreError::Unavailable);
        }
        self.inner.sync_polls(polls).await
    }

    async fn create_poll(
        &self,
        poll: &PollDefinition,
        audit: &AuditEntry,
    ) -> Result<bool, StoreError> {
        self.inner.create_poll(poll, audit).await
    }

    async fn edit_poll(
        &self,
        poll: &PollDefinition,
        seen: Option<&str>,
        by: &str,
        at: i64,
        describe: DescribeEdit,
    ) -> Result<PollEdit, StoreError> {
        self.inner.edit_poll(poll, seen, by, at, describe).await
    }

    async fn set_archived(
        &self,
        poll_id: &str,
        archived: bool,
        audit: &AuditEntry,
    ) -> Result<bool, StoreError> {
        self.inner.set_archived(poll_id, archived, audit).await
    }

    async fn made_polls(&self) -> Result<Vec<MadePoll>, StoreError> {
        self.desk_reads.fetch_add(1, Ordering::SeqCst);
        self.inner.made_polls().await
    }

    async fn desk_version(&self) -> Result<i64, StoreError> {
        self.inner.desk_version().await
    }

    async fn add_views(&self, views: &[HourViews]) -> Result<(), StoreError> {
        self.inner.add_views(views).await
    }

    async fn views_per_hour(&self, poll_id: &str) -> Result<Vec<(i64, u64)>, StoreError> {
        self.inner.views_per_hour(poll_id).await
    }

    async fn view_totals(&self) -> Result<Vec<(String, u64)>, StoreError> {
        self.inner.view_totals().await
    }
}

/// The form body of a vote for `choice` in the shipped poll.
pub fn vote_body(choice: &str) -> String {
    format!("poll={POLL}&choice={choice}")
}

/// Writes the shipped DeepSeek article with `rules` added to its poll.
pub fn content_with_poll_rules(rules: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let text =
        std::fs::read_to_string(shipped_content().join("deepseek-nvidia-beurswaarde.md")).unwrap();
    let text = text.replacen("question = ", &format!("{rules}\nquestion = "), 1);
    std::fs::write(dir.path().join("artikel.md"), text).unwrap();
    dir
}

/// The content folder the site ships with.
pub fn shipped_content() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../content")
}

/// A fresh database in the PostgreSQL cluster that `STEMBUS_TEST_DATABASE_URL` names, its name
/// starting with `prefix`; its URL.
async fn fresh_postgres_database(prefix: &str) -> String {
    let admin = std::env::var("STEMBUS_TEST_DATABASE_URL").expect(
        "STEMBUS_TEST_DATABASE_URL is not set: run scripts/test.sh, which starts PostgreSQL",
    );
    let name = format!("{prefix}_{}", std::process::id());
    stembus_store_postgres::create_database(&admin, &name)
        .await
        .unwrap()
}

/// A poll as the desk makes it: `options` as (code, label), open since an hour before `TEST_NOW`.
pub fn desk_poll(
    id: &str,
    question: &str,
    options: &[(&str, &str)],
    show_results: stembus_poll::ResultsVisibility,
) -> PollDefinition {
    PollDefinition {
        id: id.to_string(),
        question: question.to_string(),
        options: options
            .iter()
            .map(|(key, label)| stembus_poll::PollOption {
                key: key.to_string(),
                label: label.to_string(),
            })
            .collect(),
        opens: Some(stembus_poll::moment::Moment::brussels_from_unix(
            TEST_NOW - 3600,
        )),
        closes: None,
        max_choices: 1,
        allow_change: false,
        show_results,
        french: None,
    }
}

/// Makes `poll` in the site's store as the editor "an" would at `at` (the site reads it at its next
/// refresh).
pub async fn make_in_desk(site: &TestSite, poll: &PollDefinition, at: i64) {
    let entry = AuditEntry {
        at,
        editor: "an".to_string(),
        action: stembus_store::desk::AuditAction::PollCreated,
        poll_id: Some(poll.id.clone()),
        detail: String::new(),
    };
    assert!(site.state.store.create_poll(poll, &entry).await.unwrap());
}

/// `site` served on a real socket with `header_deadline` for a request's headers, as the node
/// serves it (`serve_with_header_timeout` is `serve` with the deadline given); stopped when the
/// sender is dropped.
pub async fn real_server(
    site: &TestSite,
    header_deadline: std::time::Duration,
) -> (std::net::SocketAddr, tokio::sync::oneshot::Sender<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let app = stembus_ops::serve::with_limits(
        site.router(),
        site.state.admission.clone(),
        &site.state.messages,
    );
    let connections = app.connection_limit(256);
    tokio::spawn(stembus_ops::serve::serve_with_header_timeout(
        listener,
        app,
        connections,
        async {
            let _ = stopped.await;
        },
        header_deadline,
    ));
    (address, stop)
}

/// A site whose poll shows its standing to everyone and closed at 8.59 on 2 March (`TEST_NOW` is
/// 9.00), with three readers who chose "ja" in the minute of 8.30; and its content folder.
pub async fn closed_poll_with_three_voters() -> (TestSite, tempfile::TempDir) {
    let content = content_with_poll_rules(
        "show_results = \"always\"\ncloses = \"2026-03-02T08:59:00+01:00\"",
    );
    let site = TestSite::with_content(content.path(), tempfile::tempdir().unwrap());
    for n in 0..3 {
        let vote = stembus_store::NewVote {
            poll_id: POLL.into(),
            choices: vec!["ja".into()],
            voter: format!("{n:032x}"),
            cast_at: TEST_NOW - 1800 + n,
        };
        site.state.store.record_vote(vote).await.unwrap();
    }
    (site, content)
}
