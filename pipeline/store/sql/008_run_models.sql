-- callqa schema, version 8: what makes a run reproducible. The same audio with the same config
-- (runs.config, runs.config_hash), rule data (runs.ruleset_version) and models gives the same
-- transcripts, findings and scores: ASR decodes at temperature 0 only ([asr]
-- temperature_fallback = false; no sampling, so no seed to keep). The models are now recorded by
-- checksum.

ALTER TABLE runs ADD COLUMN models JSON;
COMMENT ON COLUMN runs.models IS 'The models the run used, by name: {"whisper": sha256 of model.bin, "segmentation": …, "embedding": …} from their install manifests (null: a user-provided model with no manifest; diarization models only when mono calls are diarized). With config, config_hash and ruleset_version: what a run needs to be repeated exactly.';
