//! A job opening's pipeline, and the job openings a candidate is in.

use candor_core::ApiError;
use candor_core::api::pipeline::{self, CandidateJob, PipelineEntry, PipelineStage};
use tauri::State;

use crate::state::AppState;

#[tauri::command]
#[specta::specta]
pub async fn pipeline_list(
    state: State<'_, AppState>,
    job_id: i64,
) -> Result<Vec<PipelineEntry>, ApiError> {
    pipeline::list(&*state.candor()?, job_id)
}

/// `stage` null puts the candidate at the first stage.
#[tauri::command]
#[specta::specta]
pub async fn pipeline_add(
    state: State<'_, AppState>,
    job_id: i64,
    candidate_id: i64,
    stage: Option<PipelineStage>,
) -> Result<PipelineEntry, ApiError> {
    pipeline::add(&*state.candor()?, job_id, candidate_id, stage)
}

#[tauri::command]
#[specta::specta]
pub async fn pipeline_set_stage(
    state: State<'_, AppState>,
    job_id: i64,
    candidate_id: i64,
    stage: PipelineStage,
) -> Result<PipelineEntry, ApiError> {
    pipeline::set_stage(&*state.candor()?, job_id, candidate_id, stage)
}

#[tauri::command]
#[specta::specta]
pub async fn pipeline_remove(
    state: State<'_, AppState>,
    job_id: i64,
    candidate_id: i64,
) -> Result<(), ApiError> {
    pipeline::remove(&*state.candor()?, job_id, candidate_id)
}

#[tauri::command]
#[specta::specta]
pub async fn candidate_jobs(
    state: State<'_, AppState>,
    candidate_id: i64,
) -> Result<Vec<CandidateJob>, ApiError> {
    pipeline::candidate_jobs(&*state.candor()?, candidate_id)
}
