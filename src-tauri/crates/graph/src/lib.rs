//! candor-graph: the Microsoft Graph client for the dedicated "Candor"
//! calendar and "Candor Contacts" folder, and the OAuth 2.0 helpers it needs.
//!
//! `oauth`: the OAuth 2.0 sign-in, which Google and Microsoft mail accounts
//! use as well. `client`: the Graph HTTP client (throttling, at most four
//! requests per mailbox, links followed verbatim, immutable ids). `ops`: the
//! calls on the dedicated containers and their items. `tz`: Graph's
//! date-times and Windows/IANA zones. Dependency direction: app and cli ->
//! core -> {store, mail, graph}.
//!
//! Must not: touch the database (core persists delta links and ids), know
//! about Tauri, or log tokens.

pub mod client;
pub mod model;
pub mod oauth;
pub mod ops;
pub mod tz;

pub use client::{Graph, GraphError};
