//! Tauri's build step. Capabilities live under src-tauri/capabilities (the
//! manifest is at the repository root, beside tauri.conf.json), and every app
//! command is declared so that the UI may call only what a capability grants.

const COMMANDS: &[&str] = &[
    "session_status",
    "session_unlock",
    "records_list",
    "records_search",
    "record_get",
    "record_create",
    "record_update",
    "record_delete",
    "record_emails",
    "record_shared_addresses",
    "record_from_sender",
    "records_for_addresses",
    "record_unlink",
    "thread_get",
    "sending_accounts",
    "address_suggestions",
    "templates_list",
    "template_render",
    "reply_prefill",
    "message_send",
    "outbox_cancel",
    "outbox_list",
    "outbox_send_all",
    "outbox_send_due",
    "draft_save",
    "draft_get",
    "draft_discard",
    "pipeline_list",
    "pipeline_add",
    "pipeline_set_stage",
    "pipeline_remove",
    "candidate_jobs",
    "records_import_columns",
    "records_import_preview",
    "records_import",
    "records_import_cancel",
    "mail_accounts",
    "mail_threads",
    "mail_search",
    "mail_mark",
    "mail_move",
    "mail_archive",
    "mail_delete",
    "thread_split",
    "thread_merge",
    "sync_now",
    "account_test",
    "account_set_password",
    "account_trust_certificate",
    "account_sign_in",
    "account_add",
    "account_remove",
    "account_set_signature",
    "attachment_save",
    "attachment_open",
    "link_open",
    "message_body",
    "invitation_get",
    "remote_allow_sender",
];

fn main() {
    println!("cargo:rerun-if-changed=src-tauri/capabilities");
    let attributes = tauri_build::Attributes::new()
        .capabilities_path_pattern("src-tauri/capabilities/**/*")
        .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS));
    if let Err(e) = tauri_build::try_build(attributes) {
        panic!("tauri-build failed: {e:#}");
    }
}
