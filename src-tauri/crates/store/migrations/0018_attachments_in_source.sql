-- Attachments left in the raw source (issue 3, initial sync speed): the raw
-- source is always kept, so storing each attachment decoded beside it wrote
-- and encrypted its bytes twice (once base64 in the source, once decoded),
-- about 40% of a mailbox's store. Now only images the body may show inline
-- are stored decoded; the other parts are decoded from the source when
-- opened, saved or forwarded. `in_source` = 1 marks those; their `data` is
-- empty. Rows stored before keep their decoded copy.
ALTER TABLE attachments ADD COLUMN in_source INTEGER NOT NULL DEFAULT 0 CHECK (in_source IN (0, 1));
