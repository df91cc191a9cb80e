-- A contact's postal address (issue 8: the contacts sync's default mapping
-- carries addresses). Free text, lines as the user writes them.
ALTER TABLE contacts ADD COLUMN address TEXT;
