"""Speech to text: the faster-whisper wrapper (whisper), Traditional-to-Simplified (normalize), transcript JSON (transcript), the transcript cache (cache)."""
