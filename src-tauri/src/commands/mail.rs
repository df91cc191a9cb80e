//! Mail on record pages: a record's conversations, one conversation, and the
//! compose form's accounts, templates and send.

use base64::Engine as _;
use candor_core::api::drafts::{self, Draft, DraftFields};
use candor_core::api::records::SharedAddress;
use candor_core::api::send::{self, AttachedFile, OutgoingDraft, ReplyPrefill};
use candor_core::api::templates::{Rendered, Template};
use candor_core::api::threads::{self, ThreadDetail, ThreadSummary};
use candor_core::api::{accounts, completion, records, templates};
use candor_core::{ApiError, Record, RecordKind};
use serde::{Deserialize, Serialize};
use specta::Type;
use tauri::State;

use crate::state::AppState;

/// How many conversations a record page lists.
const RECORD_THREADS: u32 = 200;

/// The largest attachment total the compose form may hand over, in bytes:
/// about what mail servers accept after Base64 (most refuse 25–35 MB).
const MAX_ATTACHED_BYTES: usize = 25 * 1024 * 1024;

#[tauri::command]
#[specta::specta]
pub async fn record_emails(
    state: State<'_, AppState>,
    id: i64,
) -> Result<Vec<ThreadSummary>, ApiError> {
    records::emails(&*state.candor()?, id, RECORD_THREADS)
}

#[tauri::command]
#[specta::specta]
pub async fn record_shared_addresses(
    state: State<'_, AppState>,
    id: i64,
) -> Result<Vec<SharedAddress>, ApiError> {
    records::shared_addresses(&*state.candor()?, id)
}

/// The records behind a conversation's addresses, to link its people.
#[tauri::command]
#[specta::specta]
pub async fn records_for_addresses(
    state: State<'_, AppState>,
    addresses: Vec<String>,
) -> Result<Vec<SharedAddress>, ApiError> {
    records::known_people(&*state.candor()?, &addresses)
}

#[tauri::command]
#[specta::specta]
pub async fn record_from_sender(
    state: State<'_, AppState>,
    message_id: i64,
    kind: RecordKind,
) -> Result<Record, ApiError> {
    records::create_from_sender(&*state.candor()?, message_id, kind)
}

/// Takes a message off a record's page by hand; it stays off through
/// resyncs and address changes.
#[tauri::command]
#[specta::specta]
pub async fn record_unlink(
    state: State<'_, AppState>,
    message_id: i64,
    record_id: i64,
) -> Result<(), ApiError> {
    records::unlink(&*state.candor()?, &message_id.to_string(), record_id).map(|_| ())
}

#[tauri::command]
#[specta::specta]
pub async fn thread_get(state: State<'_, AppState>, id: i64) -> Result<ThreadDetail, ApiError> {
    threads::get(&*state.candor()?, id)
}

/// Candidates, contacts and past correspondents matching what the user
/// typed in To, Cc or Bcc.
#[tauri::command]
#[specta::specta]
pub async fn address_suggestions(
    state: State<'_, AppState>,
    typed: String,
) -> Result<Vec<completion::AddressSuggestion>, ApiError> {
    completion::suggest(&*state.candor()?, &typed)
}

/// An account the compose form can send from.
#[derive(Debug, Clone, Serialize, Type)]
pub struct SendingAccount {
    pub name: String,
    pub email_address: String,
}

#[tauri::command]
#[specta::specta]
pub async fn sending_accounts(state: State<'_, AppState>) -> Result<Vec<SendingAccount>, ApiError> {
    Ok(accounts::list_sending(&*state.candor()?)?
        .into_iter()
        .map(|a| SendingAccount {
            name: a.name,
            email_address: a.email_address,
        })
        .collect())
}

#[tauri::command]
#[specta::specta]
pub async fn templates_list(state: State<'_, AppState>) -> Result<Vec<Template>, ApiError> {
    templates::list(&*state.candor()?)
}

/// Fills a template in for a record (refused naming a field the record
/// lacks), for the compose form to show before sending.
#[tauri::command]
#[specta::specta]
pub async fn template_render(
    state: State<'_, AppState>,
    name: String,
    record_id: i64,
) -> Result<Rendered, ApiError> {
    templates::render(&*state.candor()?, &name, record_id)
}

/// The recipients and subject of a reply to a message.
#[tauri::command]
#[specta::specta]
pub async fn reply_prefill(
    state: State<'_, AppState>,
    message_id: i64,
    reply_all: bool,
) -> Result<ReplyPrefill, ApiError> {
    send::reply_prefill(&*state.candor()?, message_id, reply_all)
}

/// What waits in the outbox (and the latest hundred sent, failed or
/// cancelled), newest first.
#[tauri::command]
#[specta::specta]
pub async fn outbox_list(
    state: State<'_, AppState>,
) -> Result<Vec<candor_core::api::send::OutboxEntry>, ApiError> {
    send::outbox(&*state.candor()?)
}

/// Sends everything queued now, also what waits for a later time or a
/// retry (the outbox's "Send now").
#[tauri::command]
#[specta::specta]
pub async fn outbox_send_all(
    state: State<'_, AppState>,
) -> Result<Vec<send::SendOutcome>, ApiError> {
    send::send_due(&*state.candor()?, None, true).await
}

/// Cancels a message still waiting in the outbox (the compose form's Undo).
#[tauri::command]
#[specta::specta]
pub async fn outbox_cancel(state: State<'_, AppState>, id: i64) -> Result<(), ApiError> {
    send::cancel(&*state.candor()?, id)
}

/// Sends what is due now on every account (when an undo window closes).
#[tauri::command]
#[specta::specta]
pub async fn outbox_send_due(
    state: State<'_, AppState>,
) -> Result<Vec<send::SendOutcome>, ApiError> {
    send::send_due(&*state.candor()?, None, false).await
}

/// Saves what the compose form holds, as the user types (Unix seconds of the save).
#[tauri::command]
#[specta::specta]
pub async fn draft_save(
    state: State<'_, AppState>,
    context: String,
    fields: DraftFields,
) -> Result<i64, ApiError> {
    drafts::save(&*state.candor()?, &context, &fields)
}

/// The draft written from a place, to take up again.
#[tauri::command]
#[specta::specta]
pub async fn draft_get(
    state: State<'_, AppState>,
    context: String,
) -> Result<Option<Draft>, ApiError> {
    drafts::get(&*state.candor()?, &context)
}

#[tauri::command]
#[specta::specta]
pub async fn draft_discard(state: State<'_, AppState>, context: String) -> Result<(), ApiError> {
    drafts::discard(&*state.candor()?, &context)
}

/// A file attached in the compose form, its contents in Base64 (the web view
/// has the file's bytes, not its path).
#[derive(Debug, Clone, Deserialize, Type)]
pub struct ComposeAttachment {
    pub name: String,
    pub base64: String,
}

/// What the compose form submits.
#[derive(Debug, Clone, Deserialize, Type)]
pub struct ComposeInput {
    pub account: String,
    pub to: Vec<String>,
    pub cc: Vec<String>,
    pub bcc: Vec<String>,
    pub subject: String,
    /// The text, and the plain-text alternative of `html`.
    pub body: String,
    /// The formatted version from the rich-text editor, if the user wrote one.
    pub html: Option<String>,
    pub attachments: Vec<ComposeAttachment>,
    /// The message answered (a local message id).
    pub reply_to: Option<i64>,
    pub reply_all: bool,
    /// The message forwarded (a local message id), its attachments with it.
    pub forward: Option<i64>,
    /// A template filled in for this record.
    pub template: Option<String>,
    pub record_id: Option<i64>,
    /// When to send, Unix seconds; now when absent.
    pub send_at: Option<i64>,
}

/// What became of a message the user sent.
#[derive(Debug, Clone, Serialize, Type)]
pub struct ComposeResult {
    pub id: i64,
    pub message_id: String,
    /// "sent", "queued" (waiting for its time, or for a retry after a
    /// temporary failure), "failed" or "unknown".
    pub state: String,
    /// The server's or network's words when it did not go out.
    pub error: Option<String>,
    pub send_at: i64,
}

/// Queues a message (nothing is lost from here on, whatever happens), then
/// sends what is due on its account at once, so the user sees it go.
#[tauri::command]
#[specta::specta]
pub async fn message_send(
    state: State<'_, AppState>,
    input: ComposeInput,
) -> Result<ComposeResult, ApiError> {
    let candor = state.candor()?;
    let mut attached = Vec::with_capacity(input.attachments.len());
    let mut total = 0;
    for a in input.attachments {
        let data = base64::engine::general_purpose::STANDARD
            .decode(a.base64.as_bytes())
            .map_err(|_| {
                ApiError::invalid(
                    "attachments",
                    format!("The attachment {} could not be read.", a.name),
                )
            })?;
        total += data.len();
        if total > MAX_ATTACHED_BYTES {
            return Err(ApiError::invalid(
                "attachments",
                "The attachments are larger than 25 MB together, more than mail servers accept. Share large files by link instead.",
            ));
        }
        attached.push(AttachedFile {
            filename: a.name,
            data,
        });
    }
    let account = input.account.clone();
    let queued = send::queue(
        &candor,
        OutgoingDraft {
            account: input.account,
            to: input.to,
            cc: input.cc,
            bcc: input.bcc,
            subject: input.subject,
            text: input.body,
            // What the editor made is cleaned like mail shown here before it leaves.
            html: input.html.as_deref().map(send::clean_editor_html),
            reply_to: input.reply_to.map(|id| id.to_string()),
            reply_all: input.reply_all,
            forward: input.forward.map(|id| id.to_string()),
            send_at: input.send_at,
            template: input.template.zip(input.record_id),
            attached,
            ..OutgoingDraft::default()
        },
    )?;
    let mut result = ComposeResult {
        id: queued.id,
        message_id: queued.message_id.clone(),
        state: "queued".into(),
        error: None,
        send_at: queued.send_at,
    };
    // A failure here leaves the message queued: the next sync sends it.
    match send::send_due(&candor, Some(&account), false).await {
        Ok(outcomes) => {
            if let Some(o) = outcomes.into_iter().find(|o| o.id == queued.id) {
                result.state = o.state;
                result.error = o.error;
            }
        }
        Err(e) => result.error = Some(e.message),
    }
    Ok(result)
}
