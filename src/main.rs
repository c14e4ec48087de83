//! The stembus server and its commands: serve (no arguments), `backup FILE`, `restore FILE`.

#[cfg(feature = "ssr")]
#[tokio::main]
async fn main() -> std::process::ExitCode {
    stembus::server::app::cli::main().await
}

#[cfg(not(feature = "ssr"))]
fn main() {
    // The binary is the server; the browser half is built as the library with `hydrate`.
}
