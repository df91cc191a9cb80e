//! `candor contacts-sync …`: contact records and the dedicated "Candor
//! Contacts" folder in Microsoft 365, through an editable field mapping.

use candor_core::ApiError;
use candor_core::api::Candor;
use candor_core::api::contacts_sync::{self, ContactsReport, MappingEntry};
use clap::Subcommand;

use crate::output;

#[derive(Debug, Subcommand)]
pub enum ContactsSyncCommand {
    /// Sync with Microsoft 365: creates the "Candor Contacts" folder and
    /// sends your contacts (not imported ones).
    Enable {
        #[arg(long)]
        account: Option<String>,
    },
    /// Stop syncing: deletes the folder in Microsoft 365; contacts stay here.
    Disable,
    /// Send and fetch changes now.
    Sync,
    /// Whether sync is on, when it last ran, and conflicts it resolved.
    Status,
    /// Show the field mapping, or replace it with --set (repeat), or --reset.
    Mapping {
        /// MicrosoftField=candor_field, e.g. mobilePhone=first_phone.
        #[arg(long = "set", value_name = "GRAPH=CANDOR")]
        set: Vec<String>,
        /// Back to the default mapping.
        #[arg(long, conflicts_with = "set")]
        reset: bool,
    },
}

fn runtime() -> Result<tokio::runtime::Runtime, ApiError> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| ApiError {
            code: candor_core::ErrorCode::Storage,
            message: format!("Could not start the network runtime: {e}."),
            field: None,
        })
}

fn report_text(r: &ContactsReport) -> String {
    let mut text = format!(
        "Sent {} new, {} changed, {} deleted; received {} changes, {} removed there ({} requests).",
        r.created_remote, r.updated_remote, r.deleted_remote, r.pulled, r.unlinked, r.requests
    );
    if r.set_aside > 0 {
        text.push_str(&format!(
            " The first sync sends at most {} contacts: {} stay in Candor only until edited.",
            contacts_sync::FIRST_SYNC_LIMIT,
            r.set_aside
        ));
    }
    if r.conflicts > 0 {
        text.push_str(&format!(
            " {} conflicts resolved (the most recent change won).",
            r.conflicts
        ));
    }
    text
}

fn mapping_text(entries: &[MappingEntry]) -> String {
    entries
        .iter()
        .map(|e| format!("{:<18} <-> {}", e.graph_field, e.candor_field))
        .collect::<Vec<_>>()
        .join("\n")
}

pub fn run(candor: &Candor, command: ContactsSyncCommand, json: bool) -> Result<(), ApiError> {
    match command {
        ContactsSyncCommand::Enable { account } => {
            let r = runtime()?.block_on(contacts_sync::enable(candor, account.as_deref()))?;
            output::value_or(json, &r, || {
                format!("Contacts sync is on. {}", report_text(&r))
            });
        }
        ContactsSyncCommand::Disable => {
            let status = runtime()?.block_on(contacts_sync::disable(candor))?;
            output::value_or(json, &status, || {
                "Contacts sync is off: the \"Candor Contacts\" folder was deleted in Microsoft 365; your contacts stay in Candor.".to_owned()
            });
        }
        ContactsSyncCommand::Sync => {
            let r = runtime()?.block_on(contacts_sync::sync(candor))?;
            output::value_or(json, &r, || report_text(&r));
        }
        ContactsSyncCommand::Status => {
            let s = contacts_sync::status(candor)?;
            output::value_or(json, &s, || {
                let mut text = if s.enabled {
                    format!(
                        "Contacts sync is on ({}); {} contacts synced.",
                        s.container.as_deref().unwrap_or(contacts_sync::FOLDER_NAME),
                        s.synced
                    )
                } else {
                    "Contacts sync is off.".to_owned()
                };
                for line in [&s.disabled_reason, &s.last_error].into_iter().flatten() {
                    text.push('\n');
                    text.push_str(line);
                }
                for c in &s.conflicts {
                    text.push_str(&format!(
                        "\nConflict: overwritten \"{}\" ({})",
                        c.overwritten_title, c.detail
                    ));
                }
                text
            });
        }
        ContactsSyncCommand::Mapping { set, reset } => {
            let entries = if reset {
                contacts_sync::set_mapping(candor, &[])?
            } else if set.is_empty() {
                contacts_sync::mapping(candor)?
            } else {
                let mut entries = Vec::new();
                for pair in &set {
                    let (g, c) = pair.split_once('=').ok_or_else(|| {
                        ApiError::invalid(
                            "set",
                            format!("\"{pair}\" is not GRAPH_FIELD=candor_field."),
                        )
                    })?;
                    entries.push(MappingEntry {
                        graph_field: g.trim().to_owned(),
                        candor_field: c.trim().to_owned(),
                    });
                }
                contacts_sync::set_mapping(candor, &entries)?
            };
            output::value_or(json, &entries, || mapping_text(&entries));
        }
    }
    Ok(())
}
