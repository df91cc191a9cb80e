-- A job opening's pipeline shows when each candidate last moved to a new
-- stage, beside when they were added; rows from before this migration count
-- their stage as set when they were added. The index serves a candidate's
-- page (the openings they are in) and the cascade when a candidate is deleted.
ALTER TABLE job_pipeline ADD COLUMN stage_changed_at INTEGER;
UPDATE job_pipeline SET stage_changed_at = added_at;
CREATE INDEX job_pipeline_by_candidate ON job_pipeline (candidate_id);
