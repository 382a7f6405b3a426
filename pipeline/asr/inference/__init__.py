"""Speech recognition with Whisper / Distil-Whisper on faster-whisper: the one engine of every host.

It serves two hosts with the same code:

* the SageMaker Hugging Face inference container: ``infra/model_artifact.py`` ships this package
  whole, with the parts of ``shared/`` it imports and the packages it needs, and a one-line
  ``code/inference.py`` that re-exports the toolkit functions of :mod:`.serving`;
* ``clearscribe run`` (``pipeline.asr.engine.load_engine``).

Modules: :mod:`.audio` (the ffmpeg decoder and the windows), :mod:`.decoding` (the policy),
:mod:`.vad` (speech detection), :mod:`.engine` (the engine), :mod:`.diarization` (speaker labels),
:mod:`.windows` (a long recording's windows: plan, cuts, merge), :mod:`.failures` (errors to and
from the async failure object; what the workflow's transcription steps import of it), :mod:`.serving`
(``model_fn``/``input_fn``/``predict_fn``/``output_fn``).
numpy, faster-whisper and onnxruntime are imported lazily, so every module imports without them.
"""
