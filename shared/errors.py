"""Errors with a machine-readable code.

Each class is one Step Functions error name (the class name), so a Catch or Choice in the
state machine names a real type; ``code`` is what a FAILED job records.
"""

from __future__ import annotations


class ClearscribeError(Exception):
    """Base class. ``message`` is safe to show and store: it never holds transcript text."""

    code = "INTERNAL_ERROR"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def to_dict(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message}


class InvalidMediaError(ClearscribeError):
    """The input is not decodable media (or not media at all)."""

    code = "INVALID_MEDIA"


class EmptyFileError(InvalidMediaError):
    code = "EMPTY_FILE"


class NoAudioStreamError(InvalidMediaError):
    code = "NO_AUDIO_STREAM"


class MediaTooLargeError(InvalidMediaError):
    code = "MEDIA_TOO_LARGE"


class MediaTooLongError(InvalidMediaError):
    code = "MEDIA_TOO_LONG"


class SourceNotFoundError(ClearscribeError):
    code = "SOURCE_NOT_FOUND"


class AudioExtractionError(ClearscribeError):
    code = "AUDIO_EXTRACTION_FAILED"


class AudioExtractionTimeout(AudioExtractionError):
    code = "AUDIO_EXTRACTION_TIMEOUT"


class RecordingTooLongError(ClearscribeError):
    """The recording is longer than the deployed endpoint can transcribe within its invocation timeout."""

    code = "RECORDING_TOO_LONG"


class ModelUnavailableError(ClearscribeError):
    code = "MODEL_UNAVAILABLE"


class TranscriptionError(ClearscribeError):
    code = "TRANSCRIPTION_FAILED"


class UnsupportedLanguageError(TranscriptionError):
    """The recording is not in a language the configured model transcribes (English only)."""

    code = "UNSUPPORTED_LANGUAGE"


class TranscriptionTimeout(TranscriptionError):
    code = "TRANSCRIPTION_TIMEOUT"


class EnrichmentError(ClearscribeError):
    code = "ENRICHMENT_FAILED"


class JobNotFoundError(ClearscribeError):
    code = "JOB_NOT_FOUND"


class InvalidTransitionError(ClearscribeError):
    """A status change that would go backwards or leave a terminal state."""

    code = "INVALID_TRANSITION"
