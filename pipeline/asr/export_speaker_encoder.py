"""Regenerate ``speaker_encoder.onnx`` from the speaker encoder that the ``resemblyzer`` wheel ships.

The wheel (Resemblyzer 0.1.4, Apache-2.0) carries ``resemblyzer/pretrained.pt``: a training
checkpoint (17 MB with the optimiser state) of a GE2E speaker encoder — a 3-layer LSTM (hidden
size 256) over 40-channel mel power frames, a linear layer, ReLU, L2 normalisation. Only the
model weights (1.4 M parameters) go into the ONNX graph, so diarization runs on onnxruntime and
needs neither torch nor the wheel at run time.

    pip install --no-deps resemblyzer==0.1.4     # or: pip download --no-deps resemblyzer==0.1.4
    python -m pipeline.asr.export_speaker_encoder [--weights pretrained.pt | --wheel X.whl] [--out FILE]

Needs torch and onnx (the ``dev`` extra). The checkpoint is checked against the SHA-256 of the
published file, so the export always starts from the same weights; the graph is the model's own
forward pass traced by ``torch.onnx.export``. ``tests/e2e/test_speaker_encoder_export.py``
re-runs this export and compares the result, and the shipped file, with the original
``resemblyzer.VoiceEncoder`` on real speech.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import io
import tempfile
import warnings
import zipfile
from pathlib import Path
from typing import Any

from pipeline.asr.inference.diarization import (
    ENCODER_EMBEDDING_SIZE,
    ENCODER_HIDDEN_SIZE,
    ENCODER_LAYERS,
    MEL_CHANNELS,
    SPEAKER_ENCODER_PATH,
)

RESEMBLYZER_VERSION = "0.1.4"
#: SHA-256 of ``resemblyzer/pretrained.pt`` in the Resemblyzer 0.1.4 wheel.
CHECKPOINT_SHA256 = "39373b86598fa3da9fcddee6142382efe09777e8d37dc9c0561f41f0070f134e"
_CHECKPOINT_IN_WHEEL = "resemblyzer/pretrained.pt"
OPSET = 17


def installed_checkpoint() -> Path:
    """``pretrained.pt`` of the installed ``resemblyzer`` package (found without importing it,
    which would import librosa and webrtcvad)."""
    spec = importlib.util.find_spec("resemblyzer")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError(
            f"resemblyzer is not installed: pip install --no-deps resemblyzer=={RESEMBLYZER_VERSION}, "
            "or pass --wheel / --weights"
        )
    return Path(next(iter(spec.submodule_search_locations))) / "pretrained.pt"


def read_checkpoint(*, weights: Path | None = None, wheel: Path | None = None) -> bytes:
    """The checkpoint's bytes, from a file, a wheel, or the installed package; checked by hash."""
    if wheel is not None:
        with zipfile.ZipFile(wheel) as archive:
            data = archive.read(_CHECKPOINT_IN_WHEEL)
    else:
        data = (weights or installed_checkpoint()).read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    if digest != CHECKPOINT_SHA256:
        raise ValueError(f"speaker encoder checkpoint has SHA-256 {digest}, expected {CHECKPOINT_SHA256}")
    return data


def build_encoder(checkpoint: bytes) -> Any:
    """The resemblyzer ``VoiceEncoder`` network as a torch module, with the checkpoint's weights."""
    import torch
    from torch import nn

    class SpeakerEncoder(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.lstm = nn.LSTM(MEL_CHANNELS, ENCODER_HIDDEN_SIZE, ENCODER_LAYERS, batch_first=True)
            self.linear = nn.Linear(ENCODER_HIDDEN_SIZE, ENCODER_EMBEDDING_SIZE)

        def forward(self, mels: torch.Tensor) -> torch.Tensor:
            _, (hidden, _) = self.lstm(mels)
            raw = torch.relu(self.linear(hidden[-1]))
            return raw / torch.norm(raw, dim=1, keepdim=True)

    state = torch.load(io.BytesIO(checkpoint), map_location="cpu", weights_only=True)["model_state"]
    model = SpeakerEncoder()
    # The checkpoint also holds the GE2E loss's similarity scale and bias, unused for embeddings.
    model.load_state_dict({k: v for k, v in state.items() if not k.startswith("similarity_")})
    return model.eval()


def export_speaker_encoder(out: Path, *, weights: Path | None = None, wheel: Path | None = None) -> Path:
    """Write the ONNX graph (input ``mels`` [batch, frames, 40], output ``embeddings`` [batch, 256])."""
    import torch

    model = build_encoder(read_checkpoint(weights=weights, wheel=wheel))
    example = torch.zeros(2, 120, MEL_CHANNELS)
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp, warnings.catch_warnings():
        # The TorchScript exporter is deprecated but gives a plain LSTM node and a byte-identical
        # file on every run. Its warning about LSTM batch sizes concerns models whose initial state
        # is an input; here the state starts at zero, as in resemblyzer, whatever the batch size.
        warnings.simplefilter("ignore", DeprecationWarning)
        warnings.filterwarnings("ignore", message="Exporting a model to ONNX with a batch_size other than 1")
        staged = Path(tmp) / out.name
        torch.onnx.export(
            model,
            (example,),
            str(staged),
            input_names=["mels"],
            output_names=["embeddings"],
            dynamic_axes={"mels": {0: "batch", 1: "frames"}, "embeddings": {0: "batch"}},
            opset_version=OPSET,
            dynamo=False,
        )
        staged.replace(out)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m pipeline.asr.export_speaker_encoder", description=__doc__.split("\n")[0]
    )
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--weights", type=Path, help="resemblyzer's pretrained.pt")
    source.add_argument("--wheel", type=Path, help=f"the Resemblyzer {RESEMBLYZER_VERSION} wheel")
    parser.add_argument("--out", type=Path, default=SPEAKER_ENCODER_PATH, help="default: the shipped model file")
    args = parser.parse_args(argv)
    print(export_speaker_encoder(args.out, weights=args.weights, wheel=args.wheel))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
