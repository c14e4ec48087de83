//! Start-up and shut-down: settings, content, store, listener, and draining the writer on the way out.

use crate::open_files::{
    DESK_CONNECTIONS, connection_capacity, raise_open_file_limit, stream_capacity,
};
use crate::router::build_router;
use crate::state::{AppState, StateParts};
use crate::voter_retention;
use leptos::config::get_configuration;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use stembus_content::ContentFolder;
use stembus_content::current::{self, CurrentContent};
use stembus_messages::Messages;
use stembus_ops::{desk_listener, serve};
use stembus_poll::PollDefinition;
use stembus_site::admission::Budgets;
use stembus_site::clock::SystemClock;
use stembus_site::config::{ConfigError, DEFAULT_CONFIG_FILE, Database, LogFormat, Settings};
use stembus_store::Store;
use stembus_store_postgres::PostgresStore;
use stembus_store_sqlite::Durability;
use stembus_store_sqlite::SqliteStore;
use stembus_web::api::seen::SeenCounts;
use tracing_subscriber::EnvFilter;

/// Runs the server until SIGINT or SIGTERM. Any start-up problem ends it with a message and exit 1.
pub async fn run() -> ExitCode {
    match serve().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            tracing::error!("{message}");
            eprintln!("stembus: {message}");
            ExitCode::FAILURE
        }
    }
}

/// The settings file: `STEMBUS_CONFIG`, else `Leptos.toml`.
pub fn config_file() -> PathBuf {
    std::env::var("STEMBUS_CONFIG")
        .map(PathBuf::from)
        .unwrap_or_else(|_| PathBuf::from(DEFAULT_CONFIG_FILE))
}

/// The settings, from the file `STEMBUS_CONFIG` names (which must exist) or else `Leptos.toml` in
/// the working folder (whose absence means the defaults), and the environment.
pub fn load_settings() -> Result<Settings, ConfigError> {
    match std::env::var_os("STEMBUS_CONFIG") {
        Some(_) => Settings::load_named(&config_file()),
        None => Settings::load(&config_file()),
    }
}

async fn serve() -> Result<(), String> {
    let settings = load_settings().map_err(|error| error.to_string())?;
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    // A second subscriber (a test that set one) is no error.
    let _ = tracing::subscriber::set_global_default(log_subscriber(
        settings.log_format,
        filter,
        std::io::stderr,
    ));
    let mut leptos_options = get_configuration(None)
        .map_err(|error| format!("Leptos configuration: {error}"))?
        .leptos_options;
    if let Some(address) = settings.listen_address {
        leptos_options.site_addr = address;
    }
    let messages = Messages::load().map_err(|error| error.to_string())?;
    let folder = ContentFolder::load(&settings.content_dir, settings.content_errors)
        .map_err(|error| error.to_string())?;
    let library = folder.library();

    let database = settings.database();
    let polls: Vec<PollDefinition> = library.polls().cloned().collect();
    let store = open_store(&settings, polls).await?;

    let address = leptos_options.site_addr;
    let desk_address = settings.desk_listen_address;
    // Before the state is built: the live streams it allows follow from the limit in force.
    raise_open_file_limit();
    let state = AppState::build(StateParts {
        leptos_options,
        settings,
        content: Arc::new(CurrentContent::watching(folder)),
        store: store.clone(),
        clock: Arc::new(SystemClock),
        budgets: Budgets::default(),
        messages,
    });
    let live_results = state.live_results.clone();
    // The desk's changes made before this start, then every few seconds the folder and the desk.
    if state.refresh_content().await.is_err() {
        return Err("cannot read the desk's changes from the database".into());
    }
    let refresher = current::spawn_refresher(
        state.content.clone(),
        state.store.clone(),
        current::REFRESH_EVERY,
    );
    let retention = voter_retention::spawn(state.clone(), voter_retention::CHECK_EVERY);
    let seen_counts = state.seen_counts.clone();
    let views = tokio::spawn(write_views_every(
        seen_counts.clone(),
        store.clone(),
        VIEWS_WRITTEN_EVERY,
    ));
    // The run queue's length, for the pages' admission (see `admission`).
    let runtime_watch = tokio::spawn(state.admission.clone().watch_runtime());
    let listener = tokio::net::TcpListener::bind(address)
        .await
        .map_err(|error| format!("cannot listen on {address}: {error}"))?;
    let capacity = stream_capacity(state.settings.live_streams_max);
    let source = match (
        capacity.lowered_from,
        capacity.configured,
        capacity.open_files,
    ) {
        (Some(asked), _, _) => format!(
            "live_streams_max asks for {asked}, lowered to leave connections for pages and votes"
        ),
        (None, true, _) => "as live_streams_max sets".to_string(),
        (None, false, Some(limit)) => format!("from the limit of {limit} open files"),
        (None, false, None) => "the limit on open files is unknown".to_string(),
    };
    tracing::info!(
        live_streams_max = capacity.streams,
        open_files = capacity.open_files,
        "live streams: at most {} on this node, {source}",
        capacity.streams
    );
    let settings_file = config_file();
    tracing::info!(
        articles = state.library().articles().len(),
        database = %database.describe(),
        // Which file the settings came from, or that none was found: the defaults.
        settings = %match settings_file.exists() {
            true => settings_file.display().to_string(),
            false => format!("defaults ({} not found)", settings_file.display()),
        },
        "Stembus is ready"
    );
    println!("Stembus draait op http://{address}/");
    // Live-result streams never end on their own: they are ended as the shut-down begins, so the
    // drain waits only for real requests.
    let shutdown = async move {
        shutdown_signal().await;
        live_results.shut_down();
    };
    let admission = state.admission.clone();
    let words = state.messages.clone();
    let base_url = state.settings.base_url.clone();
    let https = state.settings.is_https();
    let site = serve::with_limits(build_router(state), admission.clone(), &words).over_https(https);
    let desk = match desk_address {
        Some(desk_address) => {
            let listener = std::net::TcpListener::bind(desk_address)
                .map_err(|error| format!("cannot listen on {desk_address}: {error}"))?;
            let desk = desk_listener::spawn(
                listener,
                site.clone(),
                site.connection_limit(DESK_CONNECTIONS),
                admission.clone(),
                &base_url,
            )
            .map_err(|error| format!("cannot serve the desk on {desk_address}: {error}"))?;
            tracing::info!(
                "the desk, the health checks and the metrics also on http://{desk_address}/, on a thread of their own"
            );
            if https {
                // The desk's cookies are `__Host-` and `Secure` on an https site: a browser keeps
                // them only from an https address, so a sign-in on this plain one never holds.
                tracing::info!(
                    "editors reach the desk's address through the proxy's https: its cookies are kept only over https"
                );
            }
            Some(desk)
        }
        None => None,
    };
    let connections = site.connection_limit(connection_capacity());
    serve::serve(listener, site, connections, shutdown).await;
    if let Some(desk) = desk {
        desk.stop().await;
    }

    refresher.abort();
    retention.abort();
    runtime_watch.abort();
    views.abort();
    // The views counted since the last write, before the store closes.
    seen_counts.flush(&store).await;
    tracing::info!("draining the vote writer");
    store.shut_down().await;
    Ok(())
}

/// How often a node writes the polls' views it counted (`SeenCounts`): a view is a hint, not a
/// vote, and a few seconds of them are worth one write.
const VIEWS_WRITTEN_EVERY: std::time::Duration = std::time::Duration::from_secs(5);

/// Writes the views `counts` holds to `store` every `every`, until aborted.
async fn write_views_every(counts: Arc<SeenCounts>, store: Store, every: std::time::Duration) {
    let mut ticks = tokio::time::interval(every);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        counts.flush(&store).await;
    }
}

/// Opens the configured database (SQLite or PostgreSQL), applies the migrations and syncs `polls`.
pub async fn open_store(settings: &Settings, polls: Vec<PollDefinition>) -> Result<Store, String> {
    let store: Store = match &settings.database() {
        Database::Sqlite(path) => {
            let durability = settings.durability;
            if durability != Durability::Full {
                tracing::warn!(
                    "durability is {:?} as Leptos.toml asks: a power cut may lose the last acknowledged votes",
                    durability
                );
            }
            let path = path.clone();
            let store = tokio::task::spawn_blocking(move || {
                let polls: Vec<&PollDefinition> = polls.iter().collect();
                SqliteStore::open_with_durability(&path, &polls, durability)
            })
            .await
            .map_err(|error| format!("opening the database: {error}"))?
            .map_err(|error| error.to_string())?;
            Arc::new(store)
        }
        Database::Postgres(url) => {
            if settings.durability != Durability::Full {
                tracing::warn!(
                    "durability applies to SQLite only; PostgreSQL's synchronous_commit decides"
                );
            }
            let polls: Vec<&PollDefinition> = polls.iter().collect();
            let store = PostgresStore::open(url, &polls)
                .await
                .map_err(|error| error.to_string())?;
            Arc::new(store)
        }
    };
    Ok(store)
}

/// The log subscriber for `format`, writing to `writer`. Request spans carry the request id, the
/// method and the path and nothing else (see `router::request_span`).
pub fn log_subscriber<W>(
    format: LogFormat,
    filter: EnvFilter,
    writer: W,
) -> Box<dyn tracing::Subscriber + Send + Sync>
where
    W: for<'a> tracing_subscriber::fmt::MakeWriter<'a> + Send + Sync + 'static,
{
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer);
    match format {
        LogFormat::Text => Box::new(builder.finish()),
        LogFormat::Json => Box::new(
            builder
                .json()
                .flatten_event(true)
                .with_current_span(true)
                .with_span_list(false)
                .finish(),
        ),
    }
}

async fn shutdown_signal() {
    let interrupt = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        _ = interrupt => {},
        _ = terminate => {},
    }
}
