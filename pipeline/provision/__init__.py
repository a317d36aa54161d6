"""Models and set-up: install and verify the embedded models (whisper, diarization), the check before any audio is read (check)."""
