-- callqa schema, version 3: what the nightly flow has already processed (incremental runs),
-- and the run columns the nightly flow reports (kind, skipped calls, Prefect flow run).

CREATE TABLE processed_files (
    archive         VARCHAR NOT NULL,
    audio_path      VARCHAR NOT NULL,
    audio_sha256    VARCHAR NOT NULL,
    size_bytes      BIGINT NOT NULL,
    mtime_ns        BIGINT NOT NULL,
    call_id         VARCHAR NOT NULL,
    status          VARCHAR NOT NULL CHECK (status IN ('ok', 'failed')),
    run_id          VARCHAR NOT NULL,
    processed_at    TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (archive, audio_path)
);
COMMENT ON TABLE processed_files IS 'One row per recording the nightly flow has written: a file whose path and sha256 match its row is not processed again.';
COMMENT ON COLUMN processed_files.archive IS 'Absolute path of the archive root the file was found under.';
COMMENT ON COLUMN processed_files.audio_path IS 'Path of the recording relative to the archive root (as calls.audio_path).';
COMMENT ON COLUMN processed_files.audio_sha256 IS 'sha256 of the file when it was processed: with audio_path, the identity of a recording.';
COMMENT ON COLUMN processed_files.size_bytes IS 'File size when processed; with mtime_ns a quick check that spares hashing unchanged files.';
COMMENT ON COLUMN processed_files.mtime_ns IS 'File modification time (ns since the epoch) when processed; a changed time makes the next run re-hash the file.';
COMMENT ON COLUMN processed_files.call_id IS 'The call the recording was written as (calls.call_id).';
COMMENT ON COLUMN processed_files.status IS 'Outcome when processed: ok, or failed for a recording that is not usable audio (not retried until the file changes or --retry-failed).';
COMMENT ON COLUMN processed_files.run_id IS 'The run that processed the file (runs.run_id).';
COMMENT ON COLUMN processed_files.processed_at IS 'When the file''s call was written.';

ALTER TABLE runs ADD COLUMN kind VARCHAR;
ALTER TABLE runs ADD COLUMN n_skipped INTEGER;
ALTER TABLE runs ADD COLUMN flow_run_id VARCHAR;
COMMENT ON COLUMN runs.kind IS 'What made the run: nightly, backfill (the Prefect flows) or rescore; NULL for callqa run.';
COMMENT ON COLUMN runs.n_skipped IS 'Recordings found unchanged since they were last processed and left alone (nightly and backfill runs).';
COMMENT ON COLUMN runs.flow_run_id IS 'The Prefect flow run id when the run was a Prefect flow (nightly, backfill): its logs are in Prefect.';
