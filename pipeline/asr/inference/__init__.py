"""Distil-Whisper speech recognition with a transformers pipeline: the SageMaker inference package.

It serves two hosts:

* the SageMaker Hugging Face inference container: ``infra/model_artifact.py`` ships this package
  whole, with the parts of ``shared/`` it imports and the packages the container lacks (PyAV), and
  a one-line ``code/inference.py`` that re-exports the toolkit functions of :mod:`.serving`;
* the local runner (``clearscribe run --engine transformers``) through :class:`.engine.TransformersEngine`.

Modules: :mod:`.audio` (PyAV decoding to 16 kHz mono), :mod:`.engine` (the transformers engine),
:mod:`.failures` (errors to and from the async failure object; the only module the workflow's
CheckTranscription step imports), :mod:`.serving` (``model_fn``/``input_fn``/``predict_fn``/``output_fn``).
torch, transformers, numpy and av are imported lazily, so every module imports without them.
"""
