//! The calendar and interviews, and the Microsoft 365 sync of the dedicated
//! calendar and contacts folder (Settings). Sync runs here on demand; the
//! background pass is `graph_syncer`.

use candor_core::ApiError;
use candor_core::api::calendar::{
    self, CalendarEvent, EventInput, GraphSyncStatus, IcsImportReport, SyncReport,
};
use candor_core::api::contacts_sync::{self, ContactFields, ContactsReport, MappingEntry};
use tauri::State;

use crate::graph_syncer::GraphSyncControl;
use crate::state::AppState;

/// Events overlapping [from, to) (Unix seconds).
#[tauri::command]
#[specta::specta]
pub async fn calendar_events(
    state: State<'_, AppState>,
    from: i64,
    to: i64,
) -> Result<Vec<CalendarEvent>, ApiError> {
    calendar::calendar_events(&*state.candor()?, from, to)
}

/// Every event of a candidate or a job opening, by start.
#[tauri::command]
#[specta::specta]
pub async fn record_events(
    state: State<'_, AppState>,
    record_id: i64,
) -> Result<Vec<CalendarEvent>, ApiError> {
    calendar::record_events(&*state.candor()?, record_id)
}

#[tauri::command]
#[specta::specta]
pub async fn calendar_event_get(
    state: State<'_, AppState>,
    id: i64,
) -> Result<CalendarEvent, ApiError> {
    calendar::calendar_event(&*state.candor()?, id)
}

#[tauri::command]
#[specta::specta]
pub async fn calendar_event_create(
    state: State<'_, AppState>,
    graph: State<'_, GraphSyncControl>,
    input: EventInput,
) -> Result<CalendarEvent, ApiError> {
    let candor = state.candor()?;
    let event = calendar::add(&candor, &input)?;
    graph.changed_here();
    calendar::calendar_event(&candor, event.id)
}

#[tauri::command]
#[specta::specta]
pub async fn calendar_event_update(
    state: State<'_, AppState>,
    graph: State<'_, GraphSyncControl>,
    id: i64,
    input: EventInput,
) -> Result<CalendarEvent, ApiError> {
    let candor = state.candor()?;
    calendar::edit(&candor, id, &input)?;
    graph.changed_here();
    calendar::calendar_event(&candor, id)
}

#[tauri::command]
#[specta::specta]
pub async fn calendar_event_delete(
    state: State<'_, AppState>,
    graph: State<'_, GraphSyncControl>,
    id: i64,
) -> Result<(), ApiError> {
    calendar::delete(&*state.candor()?, id)?;
    graph.changed_here();
    Ok(())
}

/// Imports an .ics file's text; `zone` (the user's IANA zone) places times
/// written without one.
#[tauri::command]
#[specta::specta]
pub async fn calendar_import_ics(
    state: State<'_, AppState>,
    text: String,
    zone: String,
) -> Result<IcsImportReport, ApiError> {
    calendar::import_ics(&*state.candor()?, &text, &zone)
}

#[tauri::command]
#[specta::specta]
pub async fn calendar_sync_status(state: State<'_, AppState>) -> Result<GraphSyncStatus, ApiError> {
    calendar::status(&*state.candor()?)
}

/// `account`: the Microsoft account's name; None when there is only one.
#[tauri::command]
#[specta::specta]
pub async fn calendar_sync_enable(
    state: State<'_, AppState>,
    account: Option<String>,
) -> Result<SyncReport, ApiError> {
    calendar::enable(&*state.candor()?, account.as_deref()).await
}

#[tauri::command]
#[specta::specta]
pub async fn calendar_sync_disable(
    state: State<'_, AppState>,
) -> Result<GraphSyncStatus, ApiError> {
    calendar::disable(&*state.candor()?).await
}

#[tauri::command]
#[specta::specta]
pub async fn calendar_sync_now(state: State<'_, AppState>) -> Result<SyncReport, ApiError> {
    calendar::sync(&*state.candor()?).await
}

#[tauri::command]
#[specta::specta]
pub async fn contacts_sync_status(state: State<'_, AppState>) -> Result<GraphSyncStatus, ApiError> {
    contacts_sync::status(&*state.candor()?)
}

#[tauri::command]
#[specta::specta]
pub async fn contacts_sync_enable(
    state: State<'_, AppState>,
    account: Option<String>,
) -> Result<ContactsReport, ApiError> {
    contacts_sync::enable(&*state.candor()?, account.as_deref()).await
}

#[tauri::command]
#[specta::specta]
pub async fn contacts_sync_disable(
    state: State<'_, AppState>,
) -> Result<GraphSyncStatus, ApiError> {
    contacts_sync::disable(&*state.candor()?).await
}

#[tauri::command]
#[specta::specta]
pub async fn contacts_sync_now(state: State<'_, AppState>) -> Result<ContactsReport, ApiError> {
    contacts_sync::sync(&*state.candor()?).await
}

#[tauri::command]
#[specta::specta]
pub async fn contacts_sync_mapping(
    state: State<'_, AppState>,
) -> Result<Vec<MappingEntry>, ApiError> {
    contacts_sync::mapping(&*state.candor()?)
}

/// An empty list restores the default mapping.
#[tauri::command]
#[specta::specta]
pub async fn contacts_sync_set_mapping(
    state: State<'_, AppState>,
    entries: Vec<MappingEntry>,
) -> Result<Vec<MappingEntry>, ApiError> {
    contacts_sync::set_mapping(&*state.candor()?, &entries)
}

#[tauri::command]
#[specta::specta]
pub async fn contacts_sync_fields() -> Result<ContactFields, ApiError> {
    Ok(contacts_sync::fields())
}
