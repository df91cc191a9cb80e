//! End-to-end tests of the real Candor window: the app binary under Xvfb,
//! driven over WebDriver (tauri-driver in front of WebKitWebDriver), on a new
//! data directory. Screenshots go to tests/artifacts/.

mod bench;
mod calendar;
mod email;
mod first_run;
mod microsoft365;
mod pipeline;
mod record_import;
mod record_reply;
mod ui;
