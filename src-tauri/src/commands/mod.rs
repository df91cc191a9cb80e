//! Tauri commands: thin adapters from the UI to `candor_core::api`, one module
//! per area, mirroring the core's `api/` modules.

mod accounts;
mod calendar;
mod import;
mod mail;
mod mailbox;
mod pipeline;
mod records;
mod session;

use std::path::Path;

use specta_typescript::{BigIntExportBehavior, Typescript};

/// Every command the UI can call, with its TypeScript signature.
pub fn bindings_builder() -> tauri_specta::Builder<tauri::Wry> {
    tauri_specta::Builder::<tauri::Wry>::new()
        .commands(tauri_specta::collect_commands![
            session::session_status,
            session::session_unlock,
            records::records_list,
            records::records_search,
            records::record_get,
            records::record_create,
            records::record_update,
            records::record_delete,
            mail::record_emails,
            mail::record_shared_addresses,
            mail::record_from_sender,
            mail::records_for_addresses,
            mail::record_unlink,
            mail::thread_get,
            mail::sending_accounts,
            mail::address_suggestions,
            mail::templates_list,
            mail::template_render,
            mail::reply_prefill,
            mail::message_send,
            mail::outbox_cancel,
            mail::outbox_list,
            mail::outbox_send_all,
            mail::outbox_send_due,
            mail::draft_save,
            mail::draft_get,
            mail::draft_discard,
            pipeline::pipeline_list,
            pipeline::pipeline_add,
            pipeline::pipeline_set_stage,
            pipeline::pipeline_remove,
            pipeline::candidate_jobs,
            import::records_import_columns,
            import::records_import_preview,
            import::records_import,
            import::records_import_cancel,
            mailbox::mail_accounts,
            mailbox::mail_threads,
            mailbox::mail_search,
            mailbox::mail_mark,
            mailbox::mail_move,
            mailbox::mail_archive,
            mailbox::mail_delete,
            mailbox::thread_split,
            mailbox::thread_merge,
            mailbox::sync_now,
            accounts::account_test,
            accounts::account_set_password,
            accounts::account_trust_certificate,
            accounts::account_sign_in,
            accounts::account_add,
            accounts::account_remove,
            accounts::account_set_signature,
            mailbox::attachment_save,
            mailbox::attachment_open,
            mailbox::link_open,
            mailbox::message_body,
            mailbox::invitation_get,
            mailbox::remote_allow_sender,
            calendar::calendar_events,
            calendar::record_events,
            calendar::calendar_event_get,
            calendar::calendar_event_create,
            calendar::calendar_event_update,
            calendar::calendar_event_delete,
            calendar::calendar_import_ics,
            calendar::calendar_sync_status,
            calendar::calendar_sync_enable,
            calendar::calendar_sync_disable,
            calendar::calendar_sync_now,
            calendar::contacts_sync_status,
            calendar::contacts_sync_enable,
            calendar::contacts_sync_disable,
            calendar::contacts_sync_now,
            calendar::contacts_sync_mapping,
            calendar::contacts_sync_set_mapping,
            calendar::contacts_sync_fields,
        ])
        .events(tauri_specta::collect_events![
            crate::syncer::SyncActivity,
            crate::graph_syncer::GraphSyncActivity
        ])
}

/// Writes the TypeScript bindings to `path`.
pub fn export_bindings(path: &Path) -> Result<(), String> {
    bindings_builder()
        .export(
            Typescript::default()
                // Record ids and Unix times fit in a JS number (< 2^53).
                .bigint(BigIntExportBehavior::Number)
                .header("// Generated from the Rust commands by tauri-specta. Do not edit:\n// run `CANDOR_UPDATE_BINDINGS=1 cargo test -p candor bindings` instead.\n// @ts-nocheck\n"),
            path,
        )
        .map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    /// The committed bindings must be what the Rust commands generate, or the
    /// UI compiles against an API that no longer exists.
    #[test]
    fn bindings_are_fresh() {
        let committed_path =
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("ui/src/lib/ipc/bindings.ts");
        let generated_path =
            std::env::temp_dir().join(format!("candor-bindings-{}.ts", std::process::id()));
        super::export_bindings(&generated_path).expect("export bindings");
        let generated = std::fs::read_to_string(&generated_path).expect("read generated bindings");
        let _ = std::fs::remove_file(&generated_path);

        if std::env::var_os("CANDOR_UPDATE_BINDINGS").is_some() {
            std::fs::write(&committed_path, &generated).expect("write bindings");
            return;
        }
        let committed = std::fs::read_to_string(&committed_path).unwrap_or_default();
        assert!(
            committed == generated,
            "ui/src/lib/ipc/bindings.ts is stale: run `CANDOR_UPDATE_BINDINGS=1 cargo test -p candor bindings` and commit the result"
        );
    }
}
