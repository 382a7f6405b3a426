"""Facts the deployed infrastructure and the code running in it must agree on, written once.

``infra/`` builds resources from these values and ``pipeline/`` reads them at run time, so a
change here changes both sides together: the media suffixes the upload rule matches and
RegisterJob accepts, the shape of the audio MediaConvert writes and the endpoint decodes, the
working-bucket prefixes the roles are scoped to, and the environment the inference container
reads. docs/operations.md lists the suffixes; a test checks that list against this one.
"""

from __future__ import annotations

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
#: Distil-Whisper large v3 in CTranslate2 format (faster-whisper's weights), the production default.
DEFAULT_MODEL_ID = "distil-whisper/distil-large-v3-ct2"
#: The speech engine's packages, at the versions every host runs: the model artifact bundles these,
#: built for the container's Python, and a local install pins the same (pyproject.toml's ``local``
#: extra; a test keeps the lists equal).
FASTER_WHISPER_REQUIREMENT = "faster-whisper==1.2.1"
CTRANSLATE2_REQUIREMENT = "ctranslate2==4.8.5"
AV_REQUIREMENT = "av==18.1.0"
ONNXRUNTIME_REQUIREMENT = "onnxruntime==1.32.0"
#: The ffmpeg build that decodes audio on every host (``pipeline.asr.inference.audio``).
IMAGEIO_FFMPEG_REQUIREMENT = "imageio-ffmpeg==0.8.1"
#: Packages the engine uses that the inference container's toolkit has already loaded when the
#: model's code runs (a module cannot be loaded twice): the endpoint uses the image's, so a local
#: install pins the image's versions (``infra/inference_image.py``; the container parity test checks
#: them). numpy computes the log-mel features, whose last bits differ between numpy 1 and 2.
NUMPY_REQUIREMENT = "numpy==1.26.4"
TOKENIZERS_REQUIREMENT = "tokenizers==0.21.4"
#: Where the artifact's bundled packages live, relative to its ``code/`` directory.
BUNDLED_PACKAGES_DIR = "packages"

#: How the engine decodes the speech it finds: 30 s chunks each on its own, in batches (``chunked``),
#: or Whisper's sequential decoding (``sequential``); docs/model.md.
STRATEGIES: tuple[str, ...] = ("chunked", "sequential")

# The engine's settings (``pipeline.asr.inference.settings``): the same variables for ``clearscribe
# run`` and the endpoint (where the model stack sets them on the SageMaker model).
ENV_DEVICE = "CLEARSCRIBE_DEVICE"  # auto, cpu or cuda
ENV_COMPUTE_TYPE = "CLEARSCRIBE_COMPUTE_TYPE"  # CTranslate2 compute type (default: float16 on CUDA, int8 on CPU)
ENV_BEAM_SIZE = "CLEARSCRIBE_BEAM_SIZE"
ENV_BATCH_SIZE = "CLEARSCRIBE_BATCH_SIZE"  # chunks decoded together (chunked strategy)
ENV_STRATEGY = "CLEARSCRIBE_STRATEGY"  # one of STRATEGIES
ENV_CPU_THREADS = "CLEARSCRIBE_CPU_THREADS"  # 0: one per core
#: Recordings longer than this many seconds are transcribed as windows (``pipeline.asr.inference.windows``):
#: on AWS each window is one invocation; the workflow's planning step reads it too.
ENV_WINDOW_SECONDS = "CLEARSCRIBE_WINDOW_SECONDS"
WINDOW_SECONDS = 1200
#: Custom vocabulary: terms the decoder is told to expect, separated by ``;`` (``shared.vocabulary``).
ENV_VOCABULARY = "CLEARSCRIBE_VOCABULARY"
#: Corrections applied to the words heard: ``heard => written`` rules separated by ``;`` (``shared.corrections``).
ENV_CORRECTIONS = "CLEARSCRIBE_CORRECTIONS"
#: Every variable that shapes the engine's words: a local run given the deployment's values of these
#: transcribes as the cloud path does.
ENV_ENGINE = (
    ENV_DEVICE,
    ENV_COMPUTE_TYPE,
    ENV_BEAM_SIZE,
    ENV_BATCH_SIZE,
    ENV_STRATEGY,
    ENV_CPU_THREADS,
    ENV_WINDOW_SECONDS,
    ENV_VOCABULARY,
    ENV_CORRECTIONS,
)
# Only on the endpoint:
ENV_MODEL_NAME = "CLEARSCRIBE_MODEL_NAME"  # name recorded in every transcript
ENV_MAX_AUDIO_SECONDS = "CLEARSCRIBE_MAX_AUDIO_SECONDS"  # longer audio fails with MEDIA_TOO_LONG
ENV_LOG_LEVEL = "CLEARSCRIBE_LOG_LEVEL"
#: Speaker labels: off, auto or a number of speakers (``shared.speakers``); the same name as a local run's.
ENV_SPEAKERS = "CLEARSCRIBE_SPEAKERS"

# -- the workflow's budgets (the stack sets these, cdk.json overrides) ---------------------------
#: Longest recording the cloud workflow takes (``clearscribe:max-duration-seconds``).
MAX_DURATION_SECONDS = 12 * 3600
#: How long a MediaConvert job may run before its ``.sync`` state gives up.
EXTRACTION_BUDGET_SECONDS = 3600
#: How long one window may spend in the endpoint's queue and being processed, all told
#: (``RequestTTLSeconds`` + ``InvocationTimeoutSeconds``; the paused state waits that long).
TRANSCRIPTION_BUDGET_SECONDS = 7200

# -- the environment of the workflow's Lambda functions (set by the workflow stack) -------------
ENV_JOB_TABLE = "JOB_TABLE"
ENV_WORKING_BUCKET = "WORKING_BUCKET"
ENV_OUTPUT_BUCKET = "OUTPUT_BUCKET"
ENV_MEDIACONVERT_TEMPLATE = "MEDIACONVERT_TEMPLATE"
ENV_MEDIACONVERT_ROLE_ARN = "MEDIACONVERT_ROLE_ARN"
ENV_MEDIACONVERT_ENDPOINT = "MEDIACONVERT_ENDPOINT"  # optional: another endpoint than the regional one
ENV_ENDPOINT_NAME = "ENDPOINT_NAME"
ENV_ENDPOINT_INSTANCE_TYPE = "ENDPOINT_INSTANCE_TYPE"
ENV_CALLBACK_TABLE = "CALLBACK_TABLE"  # task tokens waiting for an inference (pipeline.cloud.callbacks)
ENV_MAX_DURATION_SECONDS = "MAX_DURATION_SECONDS"
ENV_INVOCATION_TIMEOUT_SECONDS = "INVOCATION_TIMEOUT_SECONDS"
ENV_REQUEST_TTL_SECONDS = "REQUEST_TTL_SECONDS"
ENV_NOTIFICATION_GRACE_SECONDS = "NOTIFICATION_GRACE_SECONDS"  # the sweeper waits this long for a notification
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
