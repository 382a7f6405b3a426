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


class NotAFileError(ClearscribeError):
    """A directory, device or pipe was given where a regular file is expected."""

    code = "NOT_A_FILE"


class PermissionDeniedError(ClearscribeError):
    """An input exists but this user may not read it."""

    code = "PERMISSION_DENIED"


class OutputNotWritableError(ClearscribeError):
    """An output or data directory cannot be created or written."""

    code = "OUTPUT_NOT_WRITABLE"


class OutputNotAvailableError(ClearscribeError):
    """A job has no such output (a format it did not produce, or a file removed since)."""

    code = "OUTPUT_NOT_AVAILABLE"


class InvalidTranscriptError(ClearscribeError):
    """A transcript document (a Transcript JSON, or an enriched transcript) does not have the shape
    its model gives it; the message names the field, never its value."""

    code = "INVALID_TRANSCRIPT"


class AudioExtractionError(ClearscribeError):
    code = "AUDIO_EXTRACTION_FAILED"


class AudioExtractionTimeout(AudioExtractionError):
    code = "AUDIO_EXTRACTION_TIMEOUT"


class RecordingTooLongError(ClearscribeError):
    """The recording is longer than the deployed endpoint can transcribe within its invocation timeout."""

    code = "RECORDING_TOO_LONG"


class ModelUnavailableError(ClearscribeError):
    """A known model that cannot be loaded here (not cached and no hub, or broken files)."""

    code = "MODEL_UNAVAILABLE"


class ModelNotFoundError(ModelUnavailableError):
    """A model name that is neither known nor a model directory."""

    code = "MODEL_NOT_FOUND"


class TranscriptionError(ClearscribeError):
    code = "TRANSCRIPTION_FAILED"


class UnsupportedLanguageError(TranscriptionError):
    """The recording is not in a language the configured model transcribes (English only)."""

    code = "UNSUPPORTED_LANGUAGE"


class TranscriptionTimeout(TranscriptionError):
    code = "TRANSCRIPTION_TIMEOUT"


class EnrichmentError(ClearscribeError):
    code = "ENRICHMENT_FAILED"


class MediaRedactionError(ClearscribeError):
    """The redacted copy of the recording (``--redact-media``) could not be written: a container with no
    audio codec to re-encode into, or ffmpeg failing on it; no partial file is left behind."""

    code = "MEDIA_REDACTION_FAILED"


class JobNotFoundError(ClearscribeError):
    code = "JOB_NOT_FOUND"


class AmbiguousJobIdError(JobNotFoundError):
    """A job id prefix that matches more than one job."""

    code = "AMBIGUOUS_JOB_ID"


class JobInterruptedError(ClearscribeError):
    """The process running the job was interrupted (Ctrl-C, SIGTERM, SIGHUP) or ended without finishing."""

    code = "INTERRUPTED"


class StoreCorruptError(ClearscribeError):
    """The local job store is not a readable clearscribe database."""

    code = "STORE_CORRUPT"


class StoreBusyError(ClearscribeError):
    """Another process kept the local job store locked for longer than clearscribe waits."""

    code = "STORE_BUSY"


class ConfigInvalidError(ClearscribeError):
    """An environment variable or setting has a value clearscribe cannot use."""

    code = "CONFIG_INVALID"


class InvalidTransitionError(ClearscribeError):
    """A status change that would go backwards or leave a terminal state."""

    code = "INVALID_TRANSITION"


def error_classes() -> dict[str, type[ClearscribeError]]:
    """Every error class by its name (the Step Functions error name): ``ClearscribeError`` and all
    its subclasses, wherever they are defined."""
    found: dict[str, type[ClearscribeError]] = {}
    pending: list[type[ClearscribeError]] = [ClearscribeError]
    while pending:
        cls = pending.pop()
        found[cls.__name__] = cls
        pending.extend(cls.__subclasses__())
    return found
