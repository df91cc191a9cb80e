//! candor (app): the Tauri shell around candor-core.
//!
//! It hosts the web UI in `ui/`, holds the unlocked store in [`state::AppState`],
//! and exposes typed commands whose TypeScript bindings are generated into
//! `ui/src/lib/ipc/bindings.ts` (a test fails when that file is stale).
//!
//! Must not: contain business rules, SQL or protocol code. Each command is a
//! short adapter over `candor_core::api`.

mod commands;
mod graph_syncer;
// WebView2 and WKWebView composite on the platform's own terms.
#[cfg(target_os = "linux")]
mod graphics;
mod outbox;
mod state;
mod syncer;

pub use commands::{bindings_builder, export_bindings};

/// Starts the desktop app.
pub fn run() {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("CANDOR_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .init();

    let builder = bindings_builder();
    let app_state = state::AppState::start();
    let result = tauri::Builder::default()
        .manage(app_state)
        .invoke_handler(builder.invoke_handler())
        .on_page_load(|webview, payload| {
            if payload.event() == tauri::webview::PageLoadEvent::Finished {
                tauri::Manager::state::<state::AppState>(webview).page_loaded();
            }
        })
        .setup(move |app| {
            #[cfg(target_os = "linux")]
            graphics::apply(app, graphics::Machine::this_one().compositing());
            builder.mount_events(app);
            outbox::spawn(app.handle().clone());
            tauri::Manager::manage(app, syncer::spawn(app.handle().clone()));
            tauri::Manager::manage(app, graph_syncer::spawn(app.handle().clone()));
            Ok(())
        })
        .run(tauri::generate_context!());
    if let Err(e) = result {
        tracing::error!(error = %e, "Candor could not start its window");
        std::process::exit(1);
    }
}
