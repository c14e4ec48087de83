//! The stembus server and its commands: serve (no arguments), `backup FILE`, `restore FILE`.

#[tokio::main]
async fn main() -> std::process::ExitCode {
    stembus_server::cli::main().await
}
