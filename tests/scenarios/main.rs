//! GUI-free scenarios against the real `candor` binary and real system
//! components (the sqlite3 shell, a Secret Service keyring).

mod account_remove;
mod account_setup;
mod calendar_import;
mod calendar_sync;
mod cli_records;
mod contacts_sync;
mod demo;
mod encryption;
mod hostile_mail;
mod imap_client;
mod imap_sync;
mod keyring;
mod mail_actions;
mod mail_import;
mod oauth_signin;
mod pipeline;
mod pop3_sync;
mod record_import;
mod record_mail;
mod sending;
mod smtp_submission;
mod sync_faults;
mod sync_watch;
mod threading_oracle;
