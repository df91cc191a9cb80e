-- Calendar in the app (issue 8).

-- Events imported from an .ics file keep their iCalendar UID (with the
-- RECURRENCE-ID of a changed occurrence), so importing the same file again
-- updates those events instead of adding copies.
ALTER TABLE events ADD COLUMN import_uid TEXT;
CREATE UNIQUE INDEX events_by_import_uid ON events (import_uid) WHERE import_uid IS NOT NULL;

-- A candidate's or job opening's page lists its events and interviews.
CREATE INDEX events_by_candidate ON events (candidate_id, starts_at) WHERE candidate_id IS NOT NULL;
CREATE INDEX events_by_job ON events (job_id, starts_at) WHERE job_id IS NOT NULL;
