//! candor-graph: the Microsoft Graph client for the dedicated "Candor"
//! calendar and "Candor Contacts" folder, and the OAuth 2.0 helpers it needs.
//!
//! So far it holds the OAuth 2.0 sign-in (`oauth`), which Google and
//! Microsoft mail accounts use as well; the Graph client comes with the
//! Microsoft 365 sync issue. Dependency direction: app and cli -> core ->
//! {store, mail, graph}.
//!
//! Must not: touch the database (core persists delta links and ids), know
//! about Tauri, or log tokens.

pub mod oauth;
