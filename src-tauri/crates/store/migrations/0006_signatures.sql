-- A plain-text signature per account, added below what the user writes
-- (above any quoted original), after the "-- " separator of RFC 3676.
ALTER TABLE accounts ADD COLUMN signature_text TEXT;
