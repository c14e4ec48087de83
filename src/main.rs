//! The stembus server: read the configuration, open the store, build the router, serve.

#[cfg(feature = "ssr")]
#[tokio::main]
async fn main() -> std::process::ExitCode {
    stembus::server::startup::run().await
}

#[cfg(not(feature = "ssr"))]
fn main() {
    // The binary is the server; the browser half is built as the library with `hydrate`.
}
