//! candor-graph: the Microsoft Graph client for the dedicated "Candor"
//! calendar and "Candor Contacts" folder, and the OAuth 2.0 helpers it needs.
//!
//! Empty until the Microsoft 365 sync issue; it exists now so the dependency
//! direction is fixed from the start: app and cli -> core -> {store, mail, graph}.
//!
//! Must not: touch the database (core persists delta links and ids), know
//! about Tauri, or log tokens.
