"""Speaker diarization: who spoke when, from the audio alone, offline.

``diarize(audio)`` takes 16 kHz mono float32 samples and returns speaker turns
``[(start, end, "S1"), (start, end, "S2"), …]`` in seconds, labels numbered in order of first
appearance. Labels are anonymous: they say that two stretches have the same voice, never whose.
``diarize_windows`` does the same over audio given window by window (memory holds one window of audio
and the speech's features, 8 KB per second), and ``label_speakers`` — ``diarize_windows`` then
``with_speakers`` on a ``shared.models.Transcript`` — is what the local runner and the inference
endpoint call when speaker labels are on.

How it works, module by module
------------------------------
1. :mod:`.speech` — where the speech is: the caller's regions, or a speech detector that holds in noise.
2. :mod:`.embeddings` (:mod:`.encoder`) — mel features computed once per speech region; 1.5 s windows
   every second inside each region embedded by the GE2E speaker encoder (ONNX, shipped in the package),
   in batches.
3. :mod:`.clustering` — how many speakers (a penalised criterion: the spread of the voices' windows plus
   a price per speaker, a minimum talk time of 5 s) and which window is whose.
4. :mod:`.turns` — turns, a change of speaker inside a region placed with short windows taken from the
   same features.
5. :mod:`pipeline.asr.inference.speaker_segments` — the speakers on transcript segments, split between
   the words where the speaker changes (standard library only: the workflow's merge step uses it too).

Limits
------
* One speaker at a time: overlapping speech goes to one of the speakers.
* A speaker with less than 5 s of speech in the recording is merged into the nearest voice; at most
  20 speakers are told apart.
* A turn shorter than about a second without a pause around it ("yes", "right") may go to a
  neighbouring speaker. The figures per channel are in docs/benchmarks.md, "Speaker diarization".
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

from pipeline.asr.inference.diarization.clustering import cluster
from pipeline.asr.inference.diarization.embeddings import (
    RegionFeatures,
    Windowing,
    Windows,
    embed_windows,
    region_features,
)
from pipeline.asr.inference.diarization.encoder import (
    ENCODER_EMBEDDING_SIZE,
    ENCODER_HIDDEN_SIZE,
    ENCODER_LAYERS,
    FRAMES_PER_SECOND,
    MEL_CHANNELS,
    SPEAKER_ENCODER_PATH,
    SpeakerEncoder,
    load_speaker_encoder,
    mel_frames,
)
from pipeline.asr.inference.diarization.speech import Region, check_audio, check_regions, detect_speech
from pipeline.asr.inference.diarization.turns import join, speaker_turns
from pipeline.asr.inference.speaker_segments import (
    SpeakerSegment,
    TimedText,
    assign_speakers,
    speaker_at,
    with_speakers,
)
from shared.contract import SAMPLE_RATE
from shared.errors import ClearscribeError, ModelUnavailableError, TranscriptionError
from shared.models import SpeakerTurn, Transcript
from shared.speakers import MAX_SPEAKERS, SpeakerSetting

__all__ = [
    "ENCODER_EMBEDDING_SIZE",
    "ENCODER_HIDDEN_SIZE",
    "ENCODER_LAYERS",
    "FRAMES_PER_SECOND",
    "MEL_CHANNELS",
    "SAMPLE_RATE",
    "SPEAKER_ENCODER_PATH",
    "Region",
    "SpeakerEncoder",
    "SpeakerSegment",
    "SpeakerTurn",
    "TimedText",
    "Windowing",
    "assign_speakers",
    "detect_speech",
    "diarize",
    "diarize_features",
    "diarize_windows",
    "label_speakers",
    "load_speaker_encoder",
    "mel_frames",
    "speaker_at",
    "speech_features",
    "with_speakers",
]


def _check_speakers(speakers: int | None) -> None:
    if speakers is not None and not 1 <= speakers <= MAX_SPEAKERS:
        raise ValueError(f"speakers must be from 1 to {MAX_SPEAKERS}, got {speakers}")


def speech_features(
    windows: Iterable[tuple[float, np.ndarray]], *, speech: Sequence[Region] | None = None
) -> list[RegionFeatures]:
    """The features of every speech region of a recording given as consecutive ``(offset seconds,
    samples)`` windows. ``speech``: the regions, in seconds of the recording (default: detected in each
    window)."""
    features: list[RegionFeatures] = []
    for offset, samples in windows:
        samples = check_audio(samples)
        duration = len(samples) / SAMPLE_RATE
        if speech is None:
            local = check_regions(detect_speech(samples), duration)
        else:
            local = check_regions([(a - offset, b - offset) for a, b in speech], duration)
        features += region_features(samples, local, offset)
    return features


def diarize_features(
    features: Sequence[RegionFeatures],
    *,
    speakers: int | None = None,
    encoder: SpeakerEncoder | None = None,
    windowing: Windowing | None = None,
) -> list[SpeakerTurn]:
    """Speaker turns from the speech regions' features (:func:`speech_features`)."""
    _check_speakers(speakers)
    if not features:
        return []
    encoder = encoder or load_speaker_encoder()
    windows: Windows = embed_windows(features, windowing or Windowing(), encoder)
    if len(windows.spans) == 0:  # only blips too short to embed: one voice as far as anyone can tell
        return join([(f.start, f.end, 0) for f in features])
    return speaker_turns(features, windows, cluster(windows, speakers), encoder)


def diarize(
    audio: np.ndarray,
    *,
    speech: Sequence[Region] | None = None,
    speakers: int | None = None,
    encoder: SpeakerEncoder | None = None,
) -> list[SpeakerTurn]:
    """Speaker turns of a 16 kHz mono float32 recording, labelled ``S1``, ``S2``, … in order of
    first appearance.

    ``speech``: where the speech is, ``(start, end)`` seconds (default: ``detect_speech``).
    ``speakers``: how many speakers there are, when known (default: found from the audio).
    Silence and recordings without speech give no turns.
    """
    return diarize_windows([(0.0, audio)], speech=speech, speakers=speakers, encoder=encoder)


def diarize_windows(
    windows: Iterable[tuple[float, np.ndarray]],
    *,
    speech: Sequence[Region] | None = None,
    speakers: int | None = None,
    encoder: SpeakerEncoder | None = None,
) -> list[SpeakerTurn]:
    """Speaker turns of a recording given as consecutive ``(offset seconds, samples)`` windows (as
    ``pipeline.asr.inference.audio.wav_windows`` and ``array_windows`` cut them): each window's speech is
    found and its features computed as it arrives; the speakers are found over all windows together.
    Otherwise as :func:`diarize`."""
    _check_speakers(speakers)
    return diarize_features(speech_features(windows, speech=speech), speakers=speakers, encoder=encoder)


def label_speakers(
    transcript: Transcript,
    windows: Iterable[tuple[float, np.ndarray]],
    setting: SpeakerSetting,
    *,
    encoder: SpeakerEncoder | None = None,
) -> Transcript:
    """The transcript of the audio in ``windows`` with its speakers (:func:`diarize_windows`,
    :func:`with_speakers`), or unchanged when ``setting`` is off. The one way the local runner and
    the inference endpoint label speakers."""
    if not setting.enabled:
        return transcript
    try:
        found = diarize_windows(windows, speakers=setting.count, encoder=encoder)
    except ClearscribeError:
        raise
    except ImportError as exc:
        raise ModelUnavailableError(
            f"speaker labels need onnxruntime and scipy ({exc.name} is missing): pip install 'clearscribe[local]'"
        ) from exc
    except Exception as exc:  # onnxruntime's own failures derive from Exception only
        raise TranscriptionError(f"telling the speakers apart failed ({type(exc).__name__})") from exc
    return with_speakers(transcript, found)
