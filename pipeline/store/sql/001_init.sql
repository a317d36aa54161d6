-- callqa schema, version 1: runs, calls, segments, findings, agents.
-- Applied once by pipeline.store.migrate(); recorded in schema_migrations.

CREATE TABLE runs (
    run_id          VARCHAR PRIMARY KEY,
    started_at      TIMESTAMPTZ NOT NULL,
    finished_at     TIMESTAMPTZ,
    callqa_version  VARCHAR NOT NULL,
    archive         VARCHAR,
    config_hash     VARCHAR NOT NULL,
    config          JSON NOT NULL,
    asr_model       VARCHAR,
    ruleset_version VARCHAR,
    n_ok            INTEGER,
    n_failed        INTEGER,
    audio_s         DOUBLE,
    wall_s          DOUBLE
);
COMMENT ON TABLE runs IS 'One row per callqa run (CLI or nightly flow): what ran, with which options, and the counts.';
COMMENT ON COLUMN runs.config IS 'The full effective configuration of the run, as JSON.';
COMMENT ON COLUMN runs.config_hash IS 'Short hash of config: runs with equal hashes used equal options.';
COMMENT ON COLUMN runs.audio_s IS 'Seconds of audio in the calls processed successfully.';

CREATE TABLE calls (
    call_id         VARCHAR PRIMARY KEY,
    agent_id        VARCHAR,
    started_at      TIMESTAMPTZ,
    audio_path      VARCHAR NOT NULL,
    audio_sha256    VARCHAR,
    duration_s      DOUBLE,
    sample_rate     INTEGER,
    channels        INTEGER,
    status          VARCHAR NOT NULL CHECK (status IN ('ok', 'failed')),
    error_kind      VARCHAR,
    error           VARCHAR,
    asr_model       VARCHAR,
    n_segments      INTEGER NOT NULL DEFAULT 0,
    n_findings      INTEGER NOT NULL DEFAULT 0,
    run_id          VARCHAR NOT NULL,
    processed_at    TIMESTAMPTZ NOT NULL,
    wall_s          DOUBLE
);
COMMENT ON TABLE calls IS 'One row per recording: metadata, audio facts and whether processing succeeded.';
COMMENT ON COLUMN calls.audio_path IS 'Path of the recording relative to the archive root given to the run.';
COMMENT ON COLUMN calls.audio_sha256 IS 'sha256 of the recording file; NULL when it could not be read.';
COMMENT ON COLUMN calls.sample_rate IS 'Sample rate of the file as recorded (audio is analysed at 16 kHz).';
COMMENT ON COLUMN calls.status IS 'ok: transcribed and inspected; failed: see error_kind and error.';
COMMENT ON COLUMN calls.error IS 'Why the call failed, naming the file and the reason.';
COMMENT ON COLUMN calls.run_id IS 'The run that last wrote this call (runs.run_id).';

CREATE TABLE segments (
    call_id         VARCHAR NOT NULL,
    seg_index       INTEGER NOT NULL,
    start_s         DOUBLE NOT NULL,
    end_s           DOUBLE NOT NULL,
    speaker         VARCHAR NOT NULL,
    role            VARCHAR NOT NULL CHECK (role IN ('agent', 'customer', 'unknown')),
    text            VARCHAR NOT NULL,
    confidence      DOUBLE,
    PRIMARY KEY (call_id, seg_index)
);
COMMENT ON TABLE segments IS 'Transcribed speech, one row per ASR segment, in time order. Long digit runs are masked.';
COMMENT ON COLUMN segments.speaker IS 'ch0 / ch1 for stereo channels.';
COMMENT ON COLUMN segments.role IS 'agent, customer or unknown (from the channel map).';
COMMENT ON COLUMN segments.text IS 'Simplified-Chinese text with numbers of 7+ digits masked (e.g. 138****5678).';
COMMENT ON COLUMN segments.confidence IS 'exp(average token log-probability) of the segment, 0..1.';

CREATE TABLE findings (
    call_id         VARCHAR NOT NULL,
    finding_index   INTEGER NOT NULL,
    category        VARCHAR NOT NULL,
    rule_id         VARCHAR NOT NULL,
    severity        VARCHAR NOT NULL CHECK (severity IN ('info', 'minor', 'major', 'critical')),
    role            VARCHAR NOT NULL CHECK (role IN ('agent', 'customer', 'both')),
    start_s         DOUBLE NOT NULL,
    end_s           DOUBLE NOT NULL,
    evidence        VARCHAR NOT NULL,
    details         JSON,
    root_cause      VARCHAR,
    ruleset_version VARCHAR,
    PRIMARY KEY (call_id, finding_index)
);
COMMENT ON TABLE findings IS 'What the detectors found, one row per finding, with masked evidence and times.';
COMMENT ON COLUMN findings.category IS 'Fixed vocabulary (README, Findings): phrase.forbidden, pii.phone, silence.dead_air, ...';
COMMENT ON COLUMN findings.rule_id IS 'Finer, free-form rule name within the category (forbidden.refusal, ...).';
COMMENT ON COLUMN findings.evidence IS 'Masked text snippet; the matched words are in 【】.';
COMMENT ON COLUMN findings.root_cause IS 'Root cause for Pareto analysis, from lexicons/root_causes.txt.';
COMMENT ON COLUMN findings.ruleset_version IS 'lexicons/VERSION when the finding was made.';

CREATE TABLE agents (
    agent_id        VARCHAR PRIMARY KEY,
    name            VARCHAR,
    team            VARCHAR,
    hire_date       DATE
);
COMMENT ON TABLE agents IS 'The agent roster (agents.csv in the archive), refreshed by each run that finds one.';
