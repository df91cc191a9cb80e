//! candor-core: Candor's domain and the API that the desktop shell, the `candor`
//! CLI and the tests all call.
//!
//! Invariants:
//! - Every user input is validated here, once, with errors that name the field
//!   and say what to do; the shell and CLI only translate them.
//! - All state goes through candor-store; core never opens a database itself.
//!
//! Must not: depend on Tauri or any UI crate, print to stdout, or log secrets.

pub mod api;
pub mod data_dir;
mod error;

pub use candor_store::check::CheckReport;
pub use candor_store::records::{
    JobStatus, Record, RecordFields, RecordInput, RecordKind, RecordPage, RecordQuery, RecordSort,
    RecordSummary,
};
pub use candor_store::{KeySource, Unlock};
pub use error::{ApiError, ErrorCode};
