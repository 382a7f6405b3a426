"""The shipped speaker encoder is resemblyzer's, reproducibly: re-exporting it from the package's
checkpoint gives the same model, and it embeds real speech as the original ``VoiceEncoder`` does."""

from __future__ import annotations

import functools
from pathlib import Path

import numpy as np
import pytest

from pipeline.asr.export_speaker_encoder import export_speaker_encoder, installed_checkpoint, read_checkpoint
from pipeline.asr.inference import diarization as d
from tests.support.conversations import TEST_CONVERSATIONS, speak_conversation

pytestmark = pytest.mark.slow


@functools.cache
def speech() -> np.ndarray:
    """Real speech of two voices, 16 kHz float32."""
    return speak_conversation(TEST_CONVERSATIONS[0]).audio[: 40 * d.SAMPLE_RATE]


def test_the_checkpoint_is_the_published_one() -> None:
    assert read_checkpoint(weights=installed_checkpoint())  # raises on a SHA-256 mismatch


def test_re_exporting_gives_the_shipped_model(tmp_path: Path) -> None:
    fresh = d.SpeakerEncoder(export_speaker_encoder(tmp_path / "encoder.onnx"))
    shipped = d.load_speaker_encoder()
    mels = d.mel_frames(speech())
    windows = np.stack([mels[i : i + 120] for i in range(0, len(mels) - 120, 300)])
    np.testing.assert_allclose(fresh.embed(windows), shipped.embed(windows), atol=1e-6)


def test_embeddings_match_the_original_voice_encoder_on_speech() -> None:
    from resemblyzer import VoiceEncoder, preprocess_wav

    original = VoiceEncoder("cpu", verbose=False)
    wav = preprocess_wav(speech(), source_sr=d.SAMPLE_RATE)  # resemblyzer's own loudness and silence trimming
    utterance, partials, slices = original.embed_utterance(wav, return_partials=True, rate=2)
    padded = np.pad(wav, (0, max(0, slices[-1].stop - len(wav))))
    ours = d.load_speaker_encoder().embed(
        np.stack([d.mel_frames(padded)[s.start // 160 : s.stop // 160] for s in slices])
    )
    cosine = np.sum(ours * partials, axis=1)
    assert cosine.min() > 0.9999
    mean = ours.mean(axis=0)
    assert float(utterance @ (mean / np.linalg.norm(mean))) > 0.9999
