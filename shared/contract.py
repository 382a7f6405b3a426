"""Facts the deployed infrastructure and the code running in it must agree on, written once.

``infra/`` builds resources from these values and ``pipeline/`` reads them at run time, so a
change here changes both sides together: the media suffixes the upload rule matches and
RegisterJob accepts, the shape of the audio MediaConvert writes and the endpoint decodes, the
working-bucket prefixes the roles are scoped to, and the environment the inference container
reads. docs/operations.md lists the suffixes; a test checks that list against this one.
"""

from __future__ import annotations

from typing import Final

#: File name suffixes of the media the cloud workflow accepts (matched case-insensitively): the
#: containers MediaConvert reads that carry an audio track. The upload rule, RegisterJob and the
#: docs all use this list.
VIDEO_SUFFIXES: tuple[str, ...] = (
    ".mp4", ".m4v", ".mov", ".mkv", ".webm", ".avi", ".wmv", ".flv",
    ".mpg", ".mpeg", ".ts", ".m2ts", ".mts", ".mxf", ".3gp", ".ogv",
)  # fmt: skip
AUDIO_SUFFIXES: tuple[str, ...] = (".m4a", ".mp3", ".wav", ".aac", ".flac", ".ogg")
MEDIA_SUFFIXES: tuple[str, ...] = VIDEO_SUFFIXES + AUDIO_SUFFIXES

# -- the extracted audio (MediaConvert writes it, the endpoint decodes it) -----------------------
#: Whisper-family models consume 16 kHz mono; more would only cost transfer and decoding.
SAMPLE_RATE = 16_000
AUDIO_CHANNELS = 1
#: AAC-LC, constant bit rate: the highest MediaConvert allows for LC 1.0 at 16 kHz. 16,000 and
#: below raised the word error rate; 24,000 matched it overall but lost a word that 28,000 keeps
#: (docs/benchmarks.md, "Audio bit rate"). 28 kb/s is 12.6 MB per hour of audio.
AUDIO_BITRATE_BPS = 28_000
AUDIO_EXTENSION = "m4a"
AUDIO_CONTENT_TYPE = "audio/mp4"

# -- the working bucket ------------------------------------------------------------------------
AUDIO_PREFIX = "audio/"  # extracted audio, audio/<job_id>/
INFERENCE_PREFIX = "inference/"  # raw transcripts and inference failures
INFERENCE_OUTPUT_PATH = "inference/output"
INFERENCE_FAILURE_PATH = "inference/failure"
FINDINGS_PREFIX = "findings/"  # enricher findings, findings/<job_id>/

# -- the speech model and the inference container -------------------------------------------------
DEFAULT_MODEL_ID = "distil-whisper/distil-large-v3"
TASK: Final = "automatic-speech-recognition"
#: The PyAV the inference package decodes with; the artifact bundles exactly this (the DLC has none).
AV_REQUIREMENT = "av==18.1.0"
#: The Silero VAD the inference package detects speech with (on torch); bundled likewise.
SILERO_VAD_REQUIREMENT = "silero-vad==6.2.3"
#: What speaker diarization runs on (the ONNX speaker encoder, the clustering); bundled likewise,
#: the same versions the local install tests with.
ONNXRUNTIME_REQUIREMENT = "onnxruntime==1.32.0"
SCIPY_REQUIREMENT = "scipy==1.17.1"
#: Where the artifact's bundled packages live, relative to its ``code/`` directory.
BUNDLED_PACKAGES_DIR = "packages"

#: How the engines decode the speech they find: 30 s chunks each on its own, in batches (``chunked``),
#: or Whisper's sequential decoding (``sequential``); docs/model.md. The local CLI uses the same names.
STRATEGIES: tuple[str, ...] = ("chunked", "sequential")

# Environment the inference container reads (set on the SageMaker model by the model stack).
ENV_MODEL_NAME = "CLEARSCRIBE_MODEL_NAME"  # name recorded in every transcript
ENV_STRATEGY = "CLEARSCRIBE_STRATEGY"  # how speech is decoded: one of STRATEGIES
ENV_BATCH_SIZE = "CLEARSCRIBE_BATCH_SIZE"  # chunks decoded together (chunked strategy)
ENV_CHUNK_LENGTH = "CLEARSCRIBE_CHUNK_LENGTH_S"
ENV_NUM_BEAMS = "CLEARSCRIBE_NUM_BEAMS"
ENV_MAX_AUDIO_SECONDS = "CLEARSCRIBE_MAX_AUDIO_SECONDS"  # longer audio fails with MEDIA_TOO_LONG
ENV_LOG_LEVEL = "CLEARSCRIBE_LOG_LEVEL"
#: Speaker labels: off, auto or a number of speakers (``shared.speakers``); the same name as a local run's.
ENV_SPEAKERS = "CLEARSCRIBE_SPEAKERS"

# -- polling (the check Lambdas compute the waits; the stack sets these, cdk.json overrides) -----
POLL_INITIAL_SECONDS = 15
POLL_MAX_SECONDS = 300
EXTRACTION_POLL_BUDGET_SECONDS = 3600
TRANSCRIPTION_POLL_BUDGET_SECONDS = 7200

# -- the environment of the workflow's Lambda functions (set by the workflow stack) -------------
ENV_JOB_TABLE = "JOB_TABLE"
ENV_WORKING_BUCKET = "WORKING_BUCKET"
ENV_OUTPUT_BUCKET = "OUTPUT_BUCKET"
ENV_MEDIACONVERT_TEMPLATE = "MEDIACONVERT_TEMPLATE"
ENV_MEDIACONVERT_ROLE_ARN = "MEDIACONVERT_ROLE_ARN"
ENV_MEDIACONVERT_ENDPOINT = "MEDIACONVERT_ENDPOINT"  # optional: another endpoint than the regional one
ENV_ENDPOINT_NAME = "ENDPOINT_NAME"
ENV_ENDPOINT_INSTANCE_TYPE = "ENDPOINT_INSTANCE_TYPE"
ENV_ENDPOINT_MAX_AUDIO_SECONDS = "MAX_AUDIO_SECONDS"  # the longest recording the endpoint finishes
ENV_POLL_INITIAL_SECONDS = "POLL_INITIAL_SECONDS"
ENV_POLL_MAX_SECONDS = "POLL_MAX_SECONDS"
ENV_EXTRACTION_POLL_BUDGET_SECONDS = "EXTRACTION_POLL_BUDGET_SECONDS"
ENV_TRANSCRIPTION_POLL_BUDGET_SECONDS = "TRANSCRIPTION_POLL_BUDGET_SECONDS"
ENV_PII_MEMORY_MB = "PII_LAMBDA_MEMORY_MB"  # the cost estimate's Lambda GB-seconds
ENV_ENRICHER_MEMORY_MB = "ENRICHER_LAMBDA_MEMORY_MB"
ENV_LAMBDA_LOG_LEVEL = "LOG_LEVEL"  # read by Powertools' Logger
#: The enrichment settings the enricher functions read (``postprocess.config.EnrichmentConfig``),
#: the same variables as a local run; the stack passes the ``clearscribe:pii-*`` context keys.
ENV_ENRICHMENT = (
    "CLEARSCRIBE_PII_ENTITIES",
    "CLEARSCRIBE_PII_SCORE_THRESHOLD",
    "CLEARSCRIBE_PII_PLACEHOLDER",
    "CLEARSCRIBE_PII_MASK",
    "CLEARSCRIBE_PII_RESIDUAL_SCAN",
    "CLEARSCRIBE_PII_POLICY",
    "CLEARSCRIBE_PROFANITY_ALLOW",
    "CLEARSCRIBE_PROFANITY_DENY",
)
#: The service name every function logs and traces under.
SERVICE_NAME = "clearscribe"
