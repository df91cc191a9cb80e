//! `candor record pipeline JOB_ID [add|stage|remove ...]` and
//! `candor record jobs CANDIDATE_ID`: a job opening's pipeline.

use candor_core::ApiError;
use candor_core::api::Candor;
use candor_core::api::pipeline::{self, CandidateJob, PipelineEntry};
use clap::Subcommand;

use crate::output;

/// What to do with a job opening's pipeline; without one, list it.
#[derive(Debug, Subcommand)]
pub enum PipelineAction {
    /// Put a candidate in the pipeline (at the first stage unless --stage).
    Add {
        #[arg(value_name = "CANDIDATE_ID")]
        candidate: i64,
        /// new, contacted, screening, interview, offer, hired or rejected.
        #[arg(long)]
        stage: Option<String>,
    },
    /// Move a candidate to another stage.
    Stage {
        #[arg(value_name = "CANDIDATE_ID")]
        candidate: i64,
        /// new, contacted, screening, interview, offer, hired or rejected.
        stage: String,
    },
    /// Take a candidate out of the pipeline (the candidate record stays).
    Remove {
        #[arg(value_name = "CANDIDATE_ID")]
        candidate: i64,
    },
}

pub fn run(
    candor: &Candor,
    job: i64,
    action: Option<PipelineAction>,
    json: bool,
) -> Result<(), ApiError> {
    match action {
        None => {
            let entries = pipeline::list(candor, job)?;
            output::value_or(json, &entries, || entries_text(&entries));
        }
        Some(PipelineAction::Add { candidate, stage }) => {
            let stage = stage.as_deref().map(pipeline::parse_stage).transpose()?;
            let entry = pipeline::add(candor, job, candidate, stage)?;
            output::value_or(json, &entry, || {
                format!(
                    "Added {} (candidate {}) to job opening {job} at stage {}.",
                    entry.display_name,
                    entry.candidate_id,
                    entry.stage.as_str()
                )
            });
        }
        Some(PipelineAction::Stage { candidate, stage }) => {
            let stage = pipeline::parse_stage(&stage)?;
            let entry = pipeline::set_stage(candor, job, candidate, stage)?;
            output::value_or(json, &entry, || {
                format!(
                    "{} (candidate {}) is now at stage {} for job opening {job}.",
                    entry.display_name,
                    entry.candidate_id,
                    entry.stage.as_str()
                )
            });
        }
        Some(PipelineAction::Remove { candidate }) => {
            pipeline::remove(candor, job, candidate)?;
            output::value_or(
                json,
                &serde_json::json!({ "removed": true, "job_id": job, "candidate_id": candidate }),
                || format!("Took candidate {candidate} out of the pipeline of job opening {job}."),
            );
        }
    }
    Ok(())
}

/// `candor record jobs CANDIDATE_ID`.
pub fn jobs(candor: &Candor, candidate: i64, json: bool) -> Result<(), ApiError> {
    let jobs = pipeline::candidate_jobs(candor, candidate)?;
    output::value_or(json, &jobs, || {
        if jobs.is_empty() {
            "(in no job opening's pipeline)".into()
        } else {
            jobs.iter().map(job_line).collect::<Vec<_>>().join("\n")
        }
    });
    Ok(())
}

/// The job openings lines of `record show` for a candidate (none when the
/// candidate is in no pipeline).
pub fn show_lines(candor: &Candor, candidate: i64) -> Result<(), ApiError> {
    for job in pipeline::candidate_jobs(candor, candidate)? {
        println!(
            "  {:<16}#{} {}: {}",
            "job opening",
            job.job_id,
            job_title(&job),
            job.stage.as_str()
        );
    }
    Ok(())
}

/// A job opening's title, with its client when it has one.
fn job_title(job: &CandidateJob) -> String {
    match &job.client_name {
        Some(client) => format!("{} ({client})", job.title),
        None => job.title.clone(),
    }
}

fn job_line(job: &CandidateJob) -> String {
    format!(
        "{:>6}  {:<10}  {}",
        job.job_id,
        job.stage.as_str(),
        job_title(job)
    )
}

fn entries_text(entries: &[PipelineEntry]) -> String {
    if entries.is_empty() {
        return "(no candidates in this pipeline)".into();
    }
    entries
        .iter()
        .map(|e| {
            let email = e
                .email
                .as_deref()
                .map(|a| format!("  <{a}>"))
                .unwrap_or_default();
            format!(
                "{:>6}  {:<10}  {}{email}  since {}",
                e.candidate_id,
                e.stage.as_str(),
                e.display_name,
                output::date(e.stage_changed_at)
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}
