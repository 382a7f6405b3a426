"""Speech: the local engines, re-decoding, offline weights, speaker diarization, the SageMaker inference package."""
