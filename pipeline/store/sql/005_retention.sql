-- callqa schema, version 5: retention. Transcripts and finding evidence of calls older than
-- [retention] days are purged; the call, its findings (without evidence) and its score stay
-- for trends and Pareto analysis.

ALTER TABLE calls ADD COLUMN purged_at TIMESTAMPTZ;
COMMENT ON COLUMN calls.purged_at IS 'When the call''s transcript (segments) and finding evidence were purged by the retention setting; NULL while kept.';
