//! The Email tab: accounts and folders, the thread list, search, what the
//! user does to mail, message bodies made safe, attachments and links.

use candor_core::ApiError;
use candor_core::api::mailbox::{self, MailAccount, ThreadListQuery, ThreadPage};
use candor_core::api::message_body::{self, MessageBody};
use candor_core::api::threads::{self, ThreadDetail, ThreadSummary};
use candor_core::api::{actions, attachments, invitations, search};
use tauri::State;

use crate::state::AppState;
use crate::syncer::SyncControl;

/// How many threads a search shows.
const SEARCH_RESULTS: u32 = 200;

#[tauri::command]
#[specta::specta]
pub async fn mail_accounts(state: State<'_, AppState>) -> Result<Vec<MailAccount>, ApiError> {
    mailbox::accounts(&*state.candor()?)
}

#[tauri::command]
#[specta::specta]
pub async fn mail_threads(
    state: State<'_, AppState>,
    query: ThreadListQuery,
) -> Result<ThreadPage, ApiError> {
    mailbox::threads(&*state.candor()?, &query)
}

/// Threads matching the search box's query (`from:`, `subject:`, ...).
#[tauri::command]
#[specta::specta]
pub async fn mail_search(
    state: State<'_, AppState>,
    query: String,
) -> Result<Vec<ThreadSummary>, ApiError> {
    search::search(&*state.candor()?, &query, SEARCH_RESULTS)
}

/// Marks messages read or unread, flagged or not (`None` leaves it).
#[tauri::command]
#[specta::specta]
pub async fn mail_mark(
    state: State<'_, AppState>,
    message_ids: Vec<i64>,
    seen: Option<bool>,
    flagged: Option<bool>,
) -> Result<u32, ApiError> {
    actions::mark(&*state.candor()?, &message_ids, seen, flagged).map(count)
}

/// Moves messages to a folder of their account, by role ("archive",
/// "inbox", "junk") or by name.
#[tauri::command]
#[specta::specta]
pub async fn mail_move(
    state: State<'_, AppState>,
    message_ids: Vec<i64>,
    folder: String,
) -> Result<u32, ApiError> {
    actions::move_to(&*state.candor()?, &message_ids, &folder).map(count)
}

/// Archives messages (Archive, or All Mail at Gmail).
#[tauri::command]
#[specta::specta]
pub async fn mail_archive(
    state: State<'_, AppState>,
    message_ids: Vec<i64>,
) -> Result<u32, ApiError> {
    actions::archive(&*state.candor()?, &message_ids).map(count)
}

/// Moves messages to the Trash, or deletes them for good from the Trash.
#[tauri::command]
#[specta::specta]
pub async fn mail_delete(
    state: State<'_, AppState>,
    message_ids: Vec<i64>,
) -> Result<u32, ApiError> {
    actions::delete(&*state.candor()?, &message_ids).map(count)
}

#[tauri::command]
#[specta::specta]
pub async fn thread_split(
    state: State<'_, AppState>,
    message_id: i64,
) -> Result<ThreadDetail, ApiError> {
    threads::split(&*state.candor()?, message_id)
}

#[tauri::command]
#[specta::specta]
pub async fn thread_merge(
    state: State<'_, AppState>,
    thread_ids: Vec<i64>,
) -> Result<ThreadDetail, ApiError> {
    threads::merge(&*state.candor()?, &thread_ids)
}

/// A message's HTML sanitized, remote content loaded only when `load_remote`
/// or when the user always loads it from this sender.
#[tauri::command]
#[specta::specta]
pub async fn message_body(
    state: State<'_, AppState>,
    message_id: i64,
    load_remote: bool,
) -> Result<MessageBody, ApiError> {
    message_body::message_body(&*state.candor()?, message_id, load_remote)
}

/// The calendar invitation in a message's `text/calendar` part, summarised.
#[tauri::command]
#[specta::specta]
pub async fn invitation_get(
    state: State<'_, AppState>,
    message_id: i64,
    position: i64,
) -> Result<invitations::Invitation, ApiError> {
    invitations::invitation(&*state.candor()?, message_id, position)
}

/// Always loads remote content in mail from this sender.
#[tauri::command]
#[specta::specta]
pub async fn remote_allow_sender(
    state: State<'_, AppState>,
    address: String,
) -> Result<(), ApiError> {
    message_body::allow_remote_from(&*state.candor()?, &address)
}

/// Syncs every account now (the status line's "Sync now" and "Retry").
#[tauri::command]
#[specta::specta]
pub async fn sync_now(control: State<'_, SyncControl>) -> Result<(), ApiError> {
    control.sync_now();
    Ok(())
}

/// Saves an attachment in the user's Downloads folder; returns the path.
#[tauri::command]
#[specta::specta]
pub async fn attachment_save(
    state: State<'_, AppState>,
    message_id: i64,
    position: i64,
) -> Result<String, ApiError> {
    let folder = attachments::downloads_folder()?;
    attachments::save(&*state.candor()?, message_id, position, &folder)
        .map(|p| p.display().to_string())
}

/// Opens an attachment with the system's viewer for its type.
#[tauri::command]
#[specta::specta]
pub async fn attachment_open(
    state: State<'_, AppState>,
    message_id: i64,
    position: i64,
) -> Result<(), ApiError> {
    let path = attachments::export_for_opening(&*state.candor()?, message_id, position)?;
    open::that_detached(&path).map_err(|e| {
        ApiError::invalid(
            "attachment",
            format!("No program on this computer opens this file ({e}). Save it instead."),
        )
    })
}

/// Opens a link from a message in the system browser (or mail program for
/// mailto:). Only web and mail links: a message must not make the system
/// open a file or run a program through some other scheme.
#[tauri::command]
#[specta::specta]
pub async fn link_open(url: String) -> Result<(), ApiError> {
    let lower = url.trim_start().to_ascii_lowercase();
    if !["http://", "https://", "mailto:"]
        .iter()
        .any(|scheme| lower.starts_with(scheme))
    {
        return Err(ApiError::invalid(
            "url",
            "Only web (http, https) and mail (mailto) links open from a message.",
        ));
    }
    open::that_detached(url.trim()).map_err(|e| {
        ApiError::invalid(
            "url",
            format!("The link could not be handed to the browser: {e}."),
        )
    })
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}
