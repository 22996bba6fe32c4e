-- A tenant's stream read a page at a time (the console's bundle, `readStreamFrom`: tenant_id =,
-- stream_id =, seq >= ORDER BY seq LIMIT n) is one index range scan that starts at the page and
-- stops after n rows, whatever the planner's statistics say. With the index on (tenant_id,
-- stream_id) alone, a run appended since the last ANALYZE was estimated at a few rows: each page
-- was a bitmap scan of the whole stream and a sort (100,000 events: 50 pages of 2,000 took 4.4 s
-- as a client reads them, against 1 s now). The new index serves every query the old one did (its
-- prefix); it takes more room: its keys are unique, so B-tree deduplication no longer folds them.
CREATE INDEX aos_events_tenant_stream_seq ON aos_events (tenant_id, stream_id, seq);
DROP INDEX aos_events_tenant_stream;
