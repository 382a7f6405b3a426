"""Speech analysis beyond the words: who is speaking when (speaker diarization)."""
