-- callqa schema, version 1: runs, calls, segments, findings, agents.
-- Applied once by pipeline.store.connection.migrate(); recorded in schema_migrations.

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
COMMENT ON COLUMN runs.run_id IS 'Identifier of the run; calls.run_id points here.';
COMMENT ON COLUMN runs.started_at IS 'When the run started.';
COMMENT ON COLUMN runs.finished_at IS 'When the run finished; NULL while running or if it was killed.';
COMMENT ON COLUMN runs.callqa_version IS 'callqa version that ran.';
COMMENT ON COLUMN runs.archive IS 'Absolute path of the archive folder processed.';
COMMENT ON COLUMN runs.asr_model IS 'ASR model name (the model folder name, e.g. whisper-base).';
COMMENT ON COLUMN runs.ruleset_version IS 'lexicons/VERSION at the time of the run.';
COMMENT ON COLUMN runs.n_ok IS 'Calls processed successfully by this run.';
COMMENT ON COLUMN runs.n_failed IS 'Calls that failed in this run (see calls.error).';
COMMENT ON COLUMN runs.wall_s IS 'Wall-clock seconds the run took.';

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
COMMENT ON COLUMN calls.call_id IS 'Call identifier: from calls.csv, else the file name without extension.';
COMMENT ON COLUMN calls.agent_id IS 'Agent who took the call (calls.csv); agents.agent_id.';
COMMENT ON COLUMN calls.started_at IS 'When the call started (calls.csv), with time zone.';
COMMENT ON COLUMN calls.duration_s IS 'Length of the recording in seconds.';
COMMENT ON COLUMN calls.channels IS 'Channels in the recording: 2 = one party per channel, 1 = mono.';
COMMENT ON COLUMN calls.error_kind IS 'Class of the failure (AudioDecodeError, ...); NULL when ok.';
COMMENT ON COLUMN calls.asr_model IS 'ASR model that transcribed the call.';
COMMENT ON COLUMN calls.n_segments IS 'Rows of this call in segments.';
COMMENT ON COLUMN calls.n_findings IS 'Rows of this call in findings.';
COMMENT ON COLUMN calls.processed_at IS 'When this row was written.';
COMMENT ON COLUMN calls.wall_s IS 'Wall-clock seconds spent processing the call.';

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
COMMENT ON COLUMN segments.speaker IS 'ch0 / ch1: the channel of a stereo call; spk0, spk1 …: a speaker found by diarization in a mono call.';
COMMENT ON COLUMN segments.role IS 'agent, customer or unknown (stereo: from the channel map; mono: from what the speakers say, unknown when it cannot be told).';
COMMENT ON COLUMN segments.text IS 'Simplified-Chinese text with numbers of 7+ digits masked (e.g. 138****5678).';
COMMENT ON COLUMN segments.confidence IS 'exp(average token log-probability) of the decoding window the segment came from, 0..1.';
COMMENT ON COLUMN segments.call_id IS 'calls.call_id.';
COMMENT ON COLUMN segments.seg_index IS 'Position of the segment in the call, 0-based, in time order.';
COMMENT ON COLUMN segments.start_s IS 'Start, seconds from the beginning of the recording.';
COMMENT ON COLUMN segments.end_s IS 'End, seconds from the beginning of the recording.';

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
COMMENT ON COLUMN findings.call_id IS 'calls.call_id.';
COMMENT ON COLUMN findings.finding_index IS 'Position of the finding in the call, 0-based, in time order.';
COMMENT ON COLUMN findings.severity IS 'info, minor, major or critical.';
COMMENT ON COLUMN findings.role IS 'Who it concerns: agent, customer or both.';
COMMENT ON COLUMN findings.start_s IS 'Start of the evidence, seconds from the beginning of the recording.';
COMMENT ON COLUMN findings.end_s IS 'End of the evidence, seconds from the beginning of the recording.';
COMMENT ON COLUMN findings.details IS 'Detector-specific facts as JSON (phrase, who spoke a number, match method ...).';

CREATE TABLE agents (
    agent_id        VARCHAR PRIMARY KEY,
    name            VARCHAR,
    team            VARCHAR,
    hire_date       DATE
);
COMMENT ON TABLE agents IS 'The agent roster (agents.csv in the archive), refreshed by each run that finds one.';
COMMENT ON COLUMN agents.agent_id IS 'Agent identifier, as in calls.agent_id.';
COMMENT ON COLUMN agents.name IS 'Display name.';
COMMENT ON COLUMN agents.team IS 'Team (班组) the agent belongs to.';
COMMENT ON COLUMN agents.hire_date IS 'First working day; calls within [review] new_hire_days of it are all reviewed.';
