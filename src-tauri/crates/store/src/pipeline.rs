//! A job opening's pipeline: the candidates being considered for it, each at
//! a stage.
//!
//! The schema stores the stage as free text; [`PipelineStage`] is the one
//! ordered list of stages Candor writes, and candor-core validates input
//! against it. A row goes when its job opening or its candidate is deleted
//! (ON DELETE CASCADE).

use rusqlite::{OptionalExtension, params};
use serde::{Deserialize, Serialize};

use crate::records::JobStatus;
use crate::time::now_unix;
use crate::{Store, StoreError};

/// Where a candidate stands in a job opening's pipeline, in the order a
/// candidate moves through them. `Rejected` comes last: it ends the pipeline
/// from any stage.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum PipelineStage {
    /// Just added (the schema's default).
    #[default]
    New,
    Contacted,
    Screening,
    Interview,
    Offer,
    Hired,
    Rejected,
}

impl PipelineStage {
    /// Every stage, in pipeline order.
    pub const ALL: [Self; 7] = [
        Self::New,
        Self::Contacted,
        Self::Screening,
        Self::Interview,
        Self::Offer,
        Self::Hired,
        Self::Rejected,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::New => "new",
            Self::Contacted => "contacted",
            Self::Screening => "screening",
            Self::Interview => "interview",
            Self::Offer => "offer",
            Self::Hired => "hired",
            Self::Rejected => "rejected",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }
}

/// One candidate in a job opening's pipeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PipelineEntry {
    pub job_id: i64,
    pub candidate_id: i64,
    /// The candidate's name.
    pub display_name: String,
    /// The candidate's first email address.
    pub email: Option<String>,
    pub stage: PipelineStage,
    /// Unix seconds, UTC.
    pub added_at: i64,
    /// When the stage last changed (when added, if it never has).
    pub stage_changed_at: i64,
}

/// One job opening a candidate is in, as the candidate's page lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CandidateJob {
    pub job_id: i64,
    pub title: String,
    pub client_id: Option<i64>,
    pub client_name: Option<String>,
    /// The opening's own status (open, filled ...).
    pub status: JobStatus,
    pub stage: PipelineStage,
    pub added_at: i64,
    pub stage_changed_at: i64,
}

const ENTRY_SELECT: &str = "SELECT p.job_id, p.candidate_id, trim(c.first_name || ' ' || c.last_name),
        (SELECT address FROM record_emails e WHERE e.record_id = p.candidate_id ORDER BY position LIMIT 1),
        p.stage, p.added_at, coalesce(p.stage_changed_at, p.added_at)
 FROM job_pipeline p JOIN candidates c ON c.record_id = p.candidate_id";

fn stage_of(text: &str) -> Result<PipelineStage, StoreError> {
    PipelineStage::parse(text).ok_or_else(|| StoreError::Corrupt {
        what: format!("a pipeline stage \"{text}\""),
    })
}

fn entry_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<(PipelineEntry, String)> {
    Ok((
        PipelineEntry {
            job_id: r.get(0)?,
            candidate_id: r.get(1)?,
            display_name: r.get(2)?,
            email: r.get(3)?,
            stage: PipelineStage::New,
            added_at: r.get(5)?,
            stage_changed_at: r.get(6)?,
        },
        r.get(4)?,
    ))
}

fn with_stage((mut entry, stage): (PipelineEntry, String)) -> Result<PipelineEntry, StoreError> {
    entry.stage = stage_of(&stage)?;
    Ok(entry)
}

impl Store {
    /// Puts a candidate in a job opening's pipeline at `stage`. Both records
    /// must exist with the right kind (checked by candor-core; the foreign
    /// keys refuse anything else), and the candidate must not be there yet.
    pub fn add_to_pipeline(
        &mut self,
        job_id: i64,
        candidate_id: i64,
        stage: PipelineStage,
    ) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO job_pipeline (job_id, candidate_id, stage, added_at, stage_changed_at)
             VALUES (?1, ?2, ?3, ?4, ?4)",
            params![job_id, candidate_id, stage.as_str(), now_unix()],
        )?;
        Ok(())
    }

    /// Moves a candidate to another stage. Setting the stage they are already
    /// at changes nothing, not even the time of the last change. Returns false
    /// when the candidate is not in this job opening's pipeline.
    pub fn set_pipeline_stage(
        &mut self,
        job_id: i64,
        candidate_id: i64,
        stage: PipelineStage,
    ) -> Result<bool, StoreError> {
        let changed = self.conn.execute(
            "UPDATE job_pipeline
             SET stage_changed_at = CASE WHEN stage = ?3 THEN stage_changed_at ELSE ?4 END,
                 stage = ?3
             WHERE job_id = ?1 AND candidate_id = ?2",
            params![job_id, candidate_id, stage.as_str(), now_unix()],
        )?;
        Ok(changed > 0)
    }

    /// Takes a candidate out of a job opening's pipeline. Returns false when
    /// they were not in it.
    pub fn remove_from_pipeline(
        &mut self,
        job_id: i64,
        candidate_id: i64,
    ) -> Result<bool, StoreError> {
        Ok(self.conn.execute(
            "DELETE FROM job_pipeline WHERE job_id = ?1 AND candidate_id = ?2",
            params![job_id, candidate_id],
        )? > 0)
    }

    /// One candidate's row in a job opening's pipeline, if they are in it.
    pub fn pipeline_entry(
        &self,
        job_id: i64,
        candidate_id: i64,
    ) -> Result<Option<PipelineEntry>, StoreError> {
        let row = self
            .conn
            .prepare_cached(&format!(
                "{ENTRY_SELECT} WHERE p.job_id = ?1 AND p.candidate_id = ?2"
            ))?
            .query_row(params![job_id, candidate_id], entry_row)
            .optional()?;
        row.map(with_stage).transpose()
    }

    /// A job opening's pipeline: by stage in pipeline order, then by name
    /// (ignoring case), then by candidate id.
    pub fn job_pipeline(&self, job_id: i64) -> Result<Vec<PipelineEntry>, StoreError> {
        let mut stmt = self
            .conn
            .prepare_cached(&format!("{ENTRY_SELECT} WHERE p.job_id = ?1"))?;
        let rows = stmt.query_map([job_id], entry_row)?;
        let mut entries = rows
            .map(|row| with_stage(row?))
            .collect::<Result<Vec<_>, _>>()?;
        entries.sort_by_cached_key(|e| (e.stage, e.display_name.to_lowercase(), e.candidate_id));
        Ok(entries)
    }

    /// The job openings a candidate is in, the most recently moved first.
    pub fn candidate_jobs(&self, candidate_id: i64) -> Result<Vec<CandidateJob>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT p.job_id, j.title, j.client_id, cl.name, j.status, p.stage, p.added_at,
                    coalesce(p.stage_changed_at, p.added_at) AS changed
             FROM job_pipeline p JOIN job_openings j ON j.record_id = p.job_id
             LEFT JOIN clients cl ON cl.record_id = j.client_id
             WHERE p.candidate_id = ?1
             ORDER BY changed DESC, p.job_id DESC",
        )?;
        let rows = stmt.query_map([candidate_id], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, Option<i64>>(2)?,
                r.get::<_, Option<String>>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, i64>(6)?,
                r.get::<_, i64>(7)?,
            ))
        })?;
        rows.map(|row| {
            let (job_id, title, client_id, client_name, status, stage, added_at, changed) = row?;
            Ok(CandidateJob {
                job_id,
                title,
                client_id,
                client_name,
                status: JobStatus::parse(&status),
                stage: stage_of(&stage)?,
                added_at,
                stage_changed_at: changed,
            })
        })
        .collect()
    }
}
