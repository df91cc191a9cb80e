//! A job opening's pipeline: which candidates are being considered for it,
//! and at what stage. Only a candidate goes in, only a job opening has one,
//! and a candidate is in a given pipeline at most once.

use candor_store::Store;

pub use candor_store::pipeline::{CandidateJob, PipelineEntry, PipelineStage};

use crate::{ApiError, RecordKind};

use super::Candor;

/// The valid stages, in order, as the CLI and error messages spell them.
pub fn stage_names() -> String {
    PipelineStage::ALL
        .iter()
        .map(|s| s.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// A stage from its name ("screening"), ignoring case and surrounding space.
pub fn parse_stage(text: &str) -> Result<PipelineStage, ApiError> {
    PipelineStage::parse(&text.trim().to_lowercase()).ok_or_else(|| {
        ApiError::invalid(
            "stage",
            format!(
                "\"{}\" is not a pipeline stage. Use one of: {}.",
                text.trim(),
                stage_names()
            ),
        )
    })
}

/// Puts a candidate in a job opening's pipeline, at `stage` or else at the
/// first stage, and returns their row.
pub fn add(
    candor: &Candor,
    job_id: i64,
    candidate_id: i64,
    stage: Option<PipelineStage>,
) -> Result<PipelineEntry, ApiError> {
    let mut store = candor.store();
    expect_kind(&store, "job_id", job_id, RecordKind::Job)?;
    expect_kind(&store, "candidate_id", candidate_id, RecordKind::Candidate)?;
    if let Some(existing) = store.pipeline_entry(job_id, candidate_id)? {
        return Err(ApiError::invalid(
            "candidate_id",
            format!(
                "{} is already in the pipeline of {} at stage {}; change the stage instead.",
                existing.display_name,
                job_title(&store, job_id)?,
                existing.stage.as_str()
            ),
        ));
    }
    store.add_to_pipeline(job_id, candidate_id, stage.unwrap_or_default())?;
    entry(&store, job_id, candidate_id)
}

/// Moves a candidate in a job opening's pipeline to `stage`.
pub fn set_stage(
    candor: &Candor,
    job_id: i64,
    candidate_id: i64,
    stage: PipelineStage,
) -> Result<PipelineEntry, ApiError> {
    let mut store = candor.store();
    expect_kind(&store, "job_id", job_id, RecordKind::Job)?;
    expect_kind(&store, "candidate_id", candidate_id, RecordKind::Candidate)?;
    if !store.set_pipeline_stage(job_id, candidate_id, stage)? {
        return Err(not_in_pipeline(&store, job_id, candidate_id));
    }
    entry(&store, job_id, candidate_id)
}

/// Takes a candidate out of a job opening's pipeline; the candidate record
/// itself stays.
pub fn remove(candor: &Candor, job_id: i64, candidate_id: i64) -> Result<(), ApiError> {
    let mut store = candor.store();
    expect_kind(&store, "job_id", job_id, RecordKind::Job)?;
    expect_kind(&store, "candidate_id", candidate_id, RecordKind::Candidate)?;
    if store.remove_from_pipeline(job_id, candidate_id)? {
        Ok(())
    } else {
        Err(not_in_pipeline(&store, job_id, candidate_id))
    }
}

/// A job opening's pipeline, by stage in pipeline order, then by name.
pub fn list(candor: &Candor, job_id: i64) -> Result<Vec<PipelineEntry>, ApiError> {
    let store = candor.reader();
    expect_kind(&store, "job_id", job_id, RecordKind::Job)?;
    Ok(store.job_pipeline(job_id)?)
}

/// The job openings a candidate is in, the most recently moved first.
pub fn candidate_jobs(candor: &Candor, candidate_id: i64) -> Result<Vec<CandidateJob>, ApiError> {
    let store = candor.reader();
    expect_kind(&store, "candidate_id", candidate_id, RecordKind::Candidate)?;
    Ok(store.candidate_jobs(candidate_id)?)
}

fn entry(store: &Store, job_id: i64, candidate_id: i64) -> Result<PipelineEntry, ApiError> {
    store
        .pipeline_entry(job_id, candidate_id)?
        .ok_or_else(|| ApiError::storage("The pipeline row just written could not be read back."))
}

/// What a kind is called in a sentence.
fn noun(kind: RecordKind) -> &'static str {
    match kind {
        RecordKind::Candidate => "candidate",
        RecordKind::Contact => "contact",
        RecordKind::Client => "client",
        RecordKind::Job => "job opening",
    }
}

fn expect_kind(store: &Store, field: &str, id: i64, expected: RecordKind) -> Result<(), ApiError> {
    match store.record_kind(id)? {
        Some(kind) if kind == expected => Ok(()),
        Some(kind) => Err(ApiError::invalid(
            field,
            format!(
                "Record {id} is a {}, not a {}{}",
                noun(kind),
                noun(expected),
                if expected == RecordKind::Candidate {
                    "; only candidates go in a job opening's pipeline."
                } else {
                    "."
                }
            ),
        )),
        None => Err(ApiError::not_found(format!(
            "There is no {} with id {id} (it may have been deleted).",
            noun(expected)
        ))),
    }
}

fn job_title(store: &Store, job_id: i64) -> Result<String, ApiError> {
    Ok(store.get_record(job_id)?.map_or_else(
        || format!("job opening {job_id}"),
        |r| format!("\"{}\"", r.display_name),
    ))
}

fn not_in_pipeline(store: &Store, job_id: i64, candidate_id: i64) -> ApiError {
    let who = store
        .get_record(candidate_id)
        .ok()
        .flatten()
        .map_or_else(|| format!("Candidate {candidate_id}"), |r| r.display_name);
    let job = job_title(store, job_id).unwrap_or_else(|_| format!("job opening {job_id}"));
    ApiError::not_found(format!(
        "{who} is not in the pipeline of {job}; add them first."
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stages_parse_by_name_ignoring_case_and_unknown_ones_list_the_valid_ones() {
        assert_eq!(
            parse_stage(" Screening ").ok(),
            Some(PipelineStage::Screening)
        );
        let err = parse_stage("phone screen").expect_err("not a stage");
        assert_eq!(err.field.as_deref(), Some("stage"));
        assert!(
            err.message
                .contains("new, contacted, screening, interview, offer, hired, rejected"),
            "the error lists every valid stage in order: {}",
            err.message
        );
    }

    #[test]
    fn the_default_stage_is_the_first_one_and_the_schema_default() {
        // The schema's column default is 'new': a row written without a stage
        // must read back as the first stage, not as corrupt.
        assert_eq!(PipelineStage::default(), PipelineStage::ALL[0]);
        assert_eq!(PipelineStage::default().as_str(), "new");
    }
}
