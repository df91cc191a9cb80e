use candor_core::api::records;
use candor_core::{
    ApiError, Record, RecordInput, RecordKind, RecordPage, RecordQuery, RecordSummary,
};
use tauri::State;

use crate::state::AppState;

#[tauri::command]
#[specta::specta]
pub async fn records_list(
    state: State<'_, AppState>,
    kind: RecordKind,
) -> Result<Vec<RecordSummary>, ApiError> {
    records::list(&*state.candor()?, kind)
}

/// A record list with search, filters and order (the list pages).
#[tauri::command]
#[specta::specta]
pub async fn records_search(
    state: State<'_, AppState>,
    kind: RecordKind,
    query: RecordQuery,
) -> Result<RecordPage, ApiError> {
    records::search(&*state.candor()?, kind, &query)
}

#[tauri::command]
#[specta::specta]
pub async fn record_get(state: State<'_, AppState>, id: i64) -> Result<Record, ApiError> {
    records::get(&*state.candor()?, id)
}

#[tauri::command]
#[specta::specta]
pub async fn record_create(
    state: State<'_, AppState>,
    input: RecordInput,
) -> Result<Record, ApiError> {
    records::create(&*state.candor()?, input)
}

#[tauri::command]
#[specta::specta]
pub async fn record_update(
    state: State<'_, AppState>,
    id: i64,
    input: RecordInput,
) -> Result<Record, ApiError> {
    records::update(&*state.candor()?, id, input)
}

#[tauri::command]
#[specta::specta]
pub async fn record_delete(state: State<'_, AppState>, id: i64) -> Result<(), ApiError> {
    records::delete(&*state.candor()?, id)
}
