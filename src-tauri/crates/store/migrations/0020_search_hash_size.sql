-- FTS5 writes the rows a transaction adds as a new index segment whenever
-- they outgrow its in-memory hash (1 MB by default) and merges segments as
-- they pile up. A first sync's transactions of 1,000 messages outgrew it
-- several times each; with 8 MB each is one segment, and there is less to
-- merge. The setting is kept in the index's own configuration table.
INSERT INTO message_search (message_search, rank) VALUES ('hashsize', 8388608);
