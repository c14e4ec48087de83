//! Start-up and shut-down: settings, content, store, listener, and draining the writer on the way out.

use super::clock::SystemClock;
use super::config::{DEFAULT_CONFIG_FILE, Durability, Settings};
use super::content::Library;
use super::http;
use super::router::build_router;
use super::state::AppState;
use super::store::sqlite::SqliteStore;
use leptos::config::get_configuration;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

/// Runs the server until SIGINT or SIGTERM. Any start-up problem ends it with a message and exit 1.
pub async fn run() -> ExitCode {
    init_tracing();
    match serve().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            tracing::error!("{message}");
            eprintln!("stembus: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn serve() -> Result<(), String> {
    let config_path = std::env::var("STEMBUS_CONFIG")
        .map(PathBuf::from)
        .unwrap_or_else(|_| PathBuf::from(DEFAULT_CONFIG_FILE));
    let settings = Settings::load(&config_path).map_err(|error| error.to_string())?;
    let mut leptos_options = get_configuration(None)
        .map_err(|error| format!("Leptos configuration: {error}"))?
        .leptos_options;
    if let Some(address) = settings.listen_address {
        leptos_options.site_addr = address;
    }
    let library = Library::load(&settings.content_dir, settings.content_errors)
        .map_err(|error| error.to_string())?;

    let database_path = settings.database_path.clone();
    let durability = settings.durability;
    if durability != Durability::Full {
        tracing::warn!(
            "durability is {:?} as Leptos.toml asks: a power cut may lose the last acknowledged votes",
            durability
        );
    }
    let open_library = library.clone();
    let store = tokio::task::spawn_blocking(move || {
        let polls: Vec<_> = open_library.polls().collect();
        SqliteStore::open_with_durability(&database_path, &polls, durability)
    })
    .await
    .map_err(|error| format!("opening the database: {error}"))?
    .map_err(|error| error.to_string())?;

    let address = leptos_options.site_addr;
    let state = AppState {
        leptos_options,
        settings: Arc::new(settings),
        library: Arc::new(library),
        store: Arc::new(store.clone()),
        clock: Arc::new(SystemClock),
    };
    let listener = tokio::net::TcpListener::bind(address)
        .await
        .map_err(|error| format!("cannot listen on {address}: {error}"))?;
    tracing::info!(
        articles = state.library.articles().len(),
        database = %state.settings.database_path.display(),
        "Stembus is ready"
    );
    println!("Stembus draait op http://{address}/");
    http::serve(
        listener,
        http::with_limits(build_router(state)),
        shutdown_signal(),
    )
    .await;

    tracing::info!("draining the vote writer");
    tokio::task::spawn_blocking(move || store.shut_down_blocking())
        .await
        .map_err(|error| format!("shutting down the database: {error}"))?;
    Ok(())
}

fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt().with_env_filter(filter).try_init();
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
