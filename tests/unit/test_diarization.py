"""Speaker diarization: speech detection, the encoder's input, clustering and turns on synthetic
signals and embeddings, and speakers on transcript segments. Real voices: tests/e2e."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest

from pipeline.asr.inference import diarization as d
from pipeline.asr.inference.diarization import clustering
from pipeline.asr.inference.diarization.embeddings import Windows
from shared.models import Word

SR = d.SAMPLE_RATE


def tone(seconds: float, hz: float, level: float = 0.3) -> np.ndarray:
    t = np.arange(round(seconds * SR)) / SR
    return (level * np.sin(2 * np.pi * hz * t)).astype(np.float32)


def silence(seconds: float) -> np.ndarray:
    return np.zeros(round(seconds * SR), np.float32)


class PitchEncoder:
    """Stands in for the speaker encoder: a window's "voice" is its loudest mel band, so tones of
    different pitch are different speakers and the clustering and turn logic can be checked
    against exact answers."""

    def embed(self, mels: np.ndarray) -> np.ndarray:
        out = np.zeros((len(mels), d.ENCODER_EMBEDDING_SIZE), np.float32)
        out[np.arange(len(mels)), mels.sum(axis=1).argmax(axis=1)] = 1.0
        out += 0.05  # shared component: voices are alike in part, as real embeddings are
        return out / np.linalg.norm(out, axis=1, keepdims=True)


# -- the package -------------------------------------------------------------------------------


def test_the_package_imports_only_what_the_model_artifact_ships() -> None:
    """Every module ships in the SageMaker artifact: numpy, scipy, onnxruntime, the standard library and
    the project's own ``shared`` and diarization package, nothing else (no torch, no transformers)."""
    import ast
    import sys
    from pathlib import Path

    allowed = {"numpy", "scipy", "onnxruntime", "shared", "pipeline", "__future__"}
    package = Path(d.__file__).parent
    for module in package.glob("*.py"):
        tree = ast.parse(module.read_text("utf-8"))
        assert len(module.read_text("utf-8").splitlines()) <= 400, module.name
        for node in ast.walk(tree):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom):
                assert node.level == 0, f"{module.name}: relative import (the artifact builder follows absolute ones)"
                names = [node.module or ""]
            for name in names:
                root = name.split(".")[0]
                assert root in allowed or root in sys.stdlib_module_names, f"{module.name} imports {name}"
                if root == "pipeline":
                    assert name.startswith(
                        (
                            "pipeline.asr.inference.diarization",
                            "pipeline.asr.inference.speaker_segments",
                            "pipeline.asr.inference.spans",
                        )
                    ), f"{module.name} imports {name}"


# -- speech detection --------------------------------------------------------------------------


def test_speech_is_found_where_the_sound_is() -> None:
    audio = np.concatenate([silence(1.0), tone(2.0, 300), silence(1.5), tone(1.0, 500), silence(1.0)])
    regions = d.detect_speech(audio)
    assert len(regions) == 2
    (a0, b0), (a1, b1) = regions
    assert abs(a0 - 1.0) < 0.05 and abs(b0 - 3.0) < 0.05
    assert abs(a1 - 4.5) < 0.05 and abs(b1 - 5.5) < 0.05


def test_short_gaps_are_closed_and_blips_dropped() -> None:
    audio = np.concatenate([tone(1.0, 300), silence(0.15), tone(1.0, 300), silence(2.0), tone(0.06, 300), silence(1)])
    assert len(d.detect_speech(audio)) == 1


def test_silence_has_no_speech_and_no_turns() -> None:
    assert d.detect_speech(silence(3.0)) == []
    assert d.diarize(silence(3.0), encoder=PitchEncoder()) == []
    assert d.diarize(np.zeros(0, np.float32), encoder=PitchEncoder()) == []


# -- the encoder's input -------------------------------------------------------------------------


def test_mel_frames_match_librosa() -> None:
    """resemblyzer computes its input with librosa; the numpy version must give the same numbers."""
    import librosa

    rng = np.random.default_rng(0)
    audio = (np.concatenate([tone(0.7, 220), tone(0.5, 1800)]) + 0.01 * rng.standard_normal(round(1.2 * SR))).astype(
        np.float32
    )
    expected = librosa.feature.melspectrogram(y=audio, sr=SR, n_fft=400, hop_length=160, n_mels=40).T
    got = d.mel_frames(audio)
    assert got.shape == expected.shape
    np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-6 * float(expected.max()))


def test_mel_frames_of_a_long_recording_are_computed_in_blocks_without_seams() -> None:
    audio = tone(100.0, 440) * np.linspace(0.1, 1.0, 100 * SR, dtype=np.float32)
    frames = d.mel_frames(audio)
    assert len(frames) == 100 * d.FRAMES_PER_SECOND + 1
    band = frames[:, frames[5000].argmax()]
    steps = np.abs(np.diff(band[100:-100])) / band[100:-101]
    assert steps.max() < 0.01  # smooth growth across the 8192-frame block boundaries


def test_the_shipped_encoder_gives_unit_vectors() -> None:
    encoder = d.load_speaker_encoder()
    mels = d.mel_frames(tone(1.2, 200) + tone(1.2, 1200, 0.1))[None, :120]
    out = encoder.embed(np.concatenate([mels, mels * 4]))
    assert out.shape == (2, d.ENCODER_EMBEDDING_SIZE)
    np.testing.assert_allclose(np.linalg.norm(out, axis=1), 1.0, atol=1e-5)
    assert (out >= 0).all()  # ReLU before the normalisation
    with pytest.raises(ValueError, match="mels must be"):
        encoder.embed(np.zeros((1, 120, 80), np.float32))


# -- bad input ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("audio", "message"),
    [
        (np.zeros((2, 16000), np.float32), "mono"),
        (np.zeros(16000, np.int16), "float"),
        (np.array([0.0, np.nan], np.float32), "NaN"),
    ],
)
def test_bad_audio_is_refused(audio: np.ndarray, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        d.diarize(audio, encoder=PitchEncoder())


def test_bad_arguments_are_refused() -> None:
    with pytest.raises(ValueError, match="from 1 to 20"):
        d.diarize(tone(1.0, 300), speakers=0, encoder=PitchEncoder())
    with pytest.raises(ValueError, match="from 1 to 20"):
        d.diarize_windows([(0.0, tone(1.0, 300))], speakers=21, encoder=PitchEncoder())
    with pytest.raises(ValueError, match="ends before it starts"):
        d.diarize(tone(1.0, 300), speech=[(0.8, 0.2)], encoder=PitchEncoder())


# -- clustering and turns --------------------------------------------------------------------


def conversation(*turns: tuple[str, float]) -> tuple[np.ndarray, list[tuple[float, float, str]]]:
    """Tones for voices ("low"/"mid"/"high") with 0.5 s pauses, and where each one is."""
    pitch = {"low": 150.0, "mid": 700.0, "high": 2500.0}
    pieces, truth, t = [], [], 0.0
    for voice, seconds in turns:
        pieces += [tone(seconds, pitch[voice]), silence(0.5)]
        truth.append((t, t + seconds, voice))
        t += seconds + 0.5
    return np.concatenate(pieces), truth


def speaker_of(turns: list[d.SpeakerTurn], t: float) -> str | None:
    return next((label for a, b, label in turns if a <= t < b), None)


def test_voices_become_turns_labelled_by_first_appearance() -> None:
    audio, truth = conversation(("mid", 6), ("low", 4), ("mid", 3), ("high", 7), ("low", 5))
    turns = d.diarize(audio, encoder=PitchEncoder())
    assert [label for *_, label in turns] == ["S1", "S2", "S1", "S3", "S2"]
    for (a, b, _), (ta, tb, _) in zip(turns, truth, strict=True):
        assert abs(a - ta) < 0.05 and abs(b - tb) < 0.05


def test_a_change_of_voice_without_a_pause_is_found() -> None:
    audio = np.concatenate([tone(6, 150), tone(6, 2500)])
    turns = d.diarize(audio, encoder=PitchEncoder())
    assert [label for *_, label in turns] == ["S1", "S2"]
    # Placed by the short windows between the two speakers' windows, not to within a window (1.5 s).
    assert abs(turns[0][1] - 6.0) <= 0.2
    assert turns[0][1] == turns[1][0]


def test_one_voice_is_one_speaker() -> None:
    audio, _ = conversation(("low", 5), ("low", 8), ("low", 2), ("low", 6))
    assert {label for *_, label in d.diarize(audio, encoder=PitchEncoder())} == {"S1"}


def test_a_voice_with_too_little_speech_joins_the_nearest() -> None:
    audio, _ = conversation(("low", 20), ("high", 2.4), ("low", 20))
    assert {label for *_, label in d.diarize(audio, encoder=PitchEncoder())} == {"S1"}


def test_a_fixed_speaker_count_is_honoured() -> None:
    audio, _ = conversation(("low", 8), ("mid", 8), ("high", 8))
    assert {label for *_, label in d.diarize(audio, speakers=2, encoder=PitchEncoder())} == {"S1", "S2"}
    assert {label for *_, label in d.diarize(audio, speakers=1, encoder=PitchEncoder())} == {"S1"}


def test_given_speech_regions_limit_the_turns() -> None:
    audio, _ = conversation(("low", 10), ("high", 10))
    turns = d.diarize(audio, speech=[(1.0, 9.0), (11.0, 19.0), (30.0, 40.0)], encoder=PitchEncoder())
    assert turns == [(1.0, 9.0, "S1"), (11.0, 19.0, "S2")]


def test_speech_too_short_to_embed_is_one_speaker() -> None:
    audio = np.concatenate([tone(0.2, 300), silence(1), tone(0.2, 900)])
    turns = d.diarize(audio, speech=[(0.0, 0.2), (1.2, 1.4)], encoder=PitchEncoder())
    assert [label for *_, label in turns] == ["S1", "S1"]


def test_long_recordings_are_clustered_in_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    """A voice heard in several clustering chunks is still one speaker."""
    monkeypatch.setattr(clustering, "CLUSTER_CHUNK_WINDOWS", 20)
    audio, truth = conversation(*[("low", 5), ("high", 5)] * 6)
    turns = d.diarize(audio, encoder=PitchEncoder())
    assert {label for *_, label in turns} == {"S1", "S2"}
    for start, end, voice in truth:
        assert speaker_of(turns, (start + end) / 2) == ("S1" if voice == "low" else "S2")


def test_windows_of_a_recording_give_its_turns_at_its_times() -> None:
    """The streaming form finds the same voices as the whole recording, at the recording's times,
    a voice that returns in a later window keeping its label."""
    audio, truth = conversation(("low", 6), ("high", 6), ("low", 6), ("high", 6), ("low", 6))
    cut = round(truth[2][1] * SR) + SR // 4  # in the pause after the third turn
    windows = [(0.0, audio[:cut]), (cut / SR, audio[cut:])]
    turns = d.diarize_windows(windows, encoder=PitchEncoder())
    assert [label for *_, label in turns] == ["S1", "S2", "S1", "S2", "S1"]
    for (a, b, _), (ta, tb, _) in zip(turns, truth, strict=True):
        assert abs(a - ta) < 0.05 and abs(b - tb) < 0.05
    assert d.diarize_windows([(0.0, silence(3.0)), (3.0, silence(2.0))], encoder=PitchEncoder()) == []


def test_clustering_separates_noisy_embeddings_of_distinct_voices() -> None:
    """Embeddings shaped like real ones: per-window noise around each voice, voices 0.6 alike."""
    rng = np.random.default_rng(1)
    base = clustering.unit(rng.standard_normal(d.ENCODER_EMBEDDING_SIZE))
    voices = [
        clustering.unit(base + 0.8 * clustering.unit(rng.standard_normal(d.ENCODER_EMBEDDING_SIZE))) for _ in range(3)
    ]
    truth = np.repeat([0, 1, 0, 2, 1], 40)
    noise = rng.standard_normal((len(truth), d.ENCODER_EMBEDDING_SIZE)) * 0.04
    embeddings = clustering.unit(np.array([voices[v] for v in truth]) + noise).astype(np.float32)
    spans = np.array([[i * 0.6, i * 0.6 + 1.2] for i in range(len(truth))])
    windows = Windows(spans, np.repeat(np.arange(5), 40), embeddings)
    labels = clustering.cluster(windows, None)
    assert len(np.unique(labels)) == 3
    # the same partition as the truth, whatever the label values
    assert all(len(np.unique(labels[truth == v])) == 1 for v in range(3))


def voice_embeddings(alike: float, counts: list[int], *, jitter: float, seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """Unit embeddings of voices whose means have cosine ``alike``, ``counts[v]`` windows of voice v,
    each window off its voice by ``jitter`` (relative)."""
    rng = np.random.default_rng(seed)
    size = d.ENCODER_EMBEDDING_SIZE
    base = clustering.unit(rng.standard_normal(size))
    own = [clustering.unit(rng.standard_normal(size)) for _ in counts]
    mix = np.sqrt(1 - alike)  # base + mix * own: voices about ``alike`` similar
    voices = [clustering.unit(np.sqrt(alike) * base + mix * o) for o in own]
    truth = np.concatenate([np.full(n, v) for v, n in enumerate(counts)])
    noise = clustering.unit(rng.standard_normal((len(truth), size))) * jitter
    return clustering.unit(np.array([voices[v] for v in truth]) + noise).astype(np.float32), truth


def windows_of(embeddings: np.ndarray) -> Windows:
    spans = np.array([[i * 1.0, i * 1.0 + 1.5] for i in range(len(embeddings))])
    return Windows(spans, np.arange(len(embeddings)) // 10, embeddings)


def test_two_alike_but_tight_voices_are_two_speakers() -> None:
    """Voices 0.93 alike (a voice and the same voice pitched down), each tighter than that: a fixed
    "same voice above 0.9" rule would merge them; the penalised criterion keeps them apart."""
    embeddings, truth = voice_embeddings(0.93, [60, 60], jitter=0.08)
    labels = clustering.cluster(windows_of(embeddings))
    assert len(np.unique(labels)) == 2
    assert all(len(np.unique(labels[truth == v])) == 1 for v in range(2))


def test_one_loose_voice_stays_one_speaker() -> None:
    """One voice heard through a poor channel: windows spread widely around it, no second voice."""
    embeddings, _ = voice_embeddings(0.5, [120], jitter=0.5)
    assert len(np.unique(clustering.cluster(windows_of(embeddings)))) == 1


def test_the_count_pays_a_price_per_speaker() -> None:
    """The spread falls with every group kept apart; the count stops where a speaker costs more."""
    embeddings, truth = voice_embeddings(0.6, [40, 40, 40], jitter=0.3)
    labels = clustering.overcluster(embeddings, at_least=clustering.MIN_CANDIDATES)
    assert len(np.unique(labels)) > 3  # more candidate groups than voices
    chosen = clustering.merge_to_count(embeddings, labels, None)
    assert len(np.unique(chosen)) == 3
    assert clustering.spread(embeddings, truth) < clustering.spread(embeddings, np.zeros_like(truth))


def test_a_group_with_little_talk_time_is_not_a_speaker() -> None:
    embeddings, truth = voice_embeddings(0.5, [40, 3], jitter=0.05)
    labels = clustering.drop_small(embeddings, truth, np.ones(len(truth)), keep_at_least=1)
    assert set(labels) == {0}
    kept = clustering.drop_small(embeddings, truth, np.ones(len(truth)), keep_at_least=2)
    assert set(kept) == {0, 1}  # a requested count is never pruned away


def test_windows_of_one_length_are_embedded_in_one_batch_from_features_computed_once() -> None:
    calls: list[int] = []

    class Counting(PitchEncoder):
        def embed(self, mels: np.ndarray) -> np.ndarray:
            calls.append(len(mels))
            return super().embed(mels)

    audio = np.concatenate([tone(20.0, 300), silence(1.0), tone(20.0, 2500)])
    features = d.speech_features([(0.0, audio)])
    assert len(features) == 2 and features[0].mels.dtype == np.float16
    turns = d.diarize_features(features, encoder=Counting())
    assert [label for *_, label in turns] == ["S1", "S2"]
    assert calls == [len(calls) and calls[0]]  # every 1.5 s window in one batch, and no short windows
    assert calls[0] >= 30


def test_speech_regions_given_for_a_streamed_recording_are_taken_at_the_recording_s_times() -> None:
    audio, _ = conversation(("low", 6), ("high", 6))
    cut = 8 * SR
    windows = [(0.0, audio[:cut]), (8.0, audio[cut:])]
    features = d.speech_features(windows, speech=[(0.0, 6.0), (6.5, 12.5)])
    assert [(f.start, f.end) for f in features] == [(0.0, 6.0), (6.5, 8.0), (8.0, 12.5)]


def test_a_change_is_put_where_it_best_splits_the_short_windows() -> None:
    from pipeline.asr.inference.diarization.turns import _best_split

    centres = np.arange(10.0, 12.0, 0.1)
    scores = np.where(centres < 11.05, 0.2, -0.2) + np.random.default_rng(0).normal(0, 0.05, len(centres))
    assert abs(_best_split(centres, scores, 9.6, 12.4) - 11.05) < 0.051
    assert _best_split(centres, np.full(len(centres), -1.0), 9.6, 12.4) == pytest.approx(9.95)


# -- speakers on transcript segments ---------------------------------------------------------


W = Word


@dataclass(frozen=True)
class Seg:
    """Any object with start, end, text and (optionally) words will do, e.g. shared.models.Segment."""

    start: float
    end: float
    text: str
    words: tuple[Word, ...] = ()


TURNS = [(0.0, 4.0, "S1"), (4.2, 7.0, "S2"), (8.0, 12.0, "S1")]


def test_a_segment_within_one_turn_keeps_its_text_and_words() -> None:
    seg = Seg(0.5, 3.5, " Hello there.", (W(0.5, 1.0, " Hello"), W(1.1, 3.5, " there.")))
    [out] = d.assign_speakers([seg], TURNS)
    assert (out.start, out.end, out.text, out.speaker) == (0.5, 3.5, " Hello there.", "S1")
    assert [w.text for w in out.words] == [" Hello", " there."]


def test_a_segment_is_split_between_the_words_where_the_speaker_changes() -> None:
    words = (W(2.0, 2.8, " I"), W(2.8, 3.9, " agree."), W(4.3, 4.9, " Good,"), W(5.0, 6.5, " thanks."))
    out = d.assign_speakers([Seg(2.0, 6.6, " I agree. Good, thanks.", words)], TURNS)
    assert [(o.start, o.end, o.text, o.speaker) for o in out] == [
        (2.0, 3.9, "I agree.", "S1"),
        (4.3, 6.6, "Good, thanks.", "S2"),
    ]
    assert [len(o.words) for o in out] == [2, 2]


def test_words_without_leading_spaces_are_joined_with_spaces() -> None:
    words = (W(3.0, 3.5, "Yes"), W(3.5, 3.9, "indeed"), W(4.5, 5.0, "Right"))
    assert [o.text for o in d.assign_speakers([Seg(3.0, 5.0, "Yes indeed Right", words)], TURNS)] == [
        "Yes indeed",
        "Right",
    ]


def test_without_word_times_the_split_is_estimated_from_word_lengths() -> None:
    # 20 equal words over 0-8 s: 0.4 s each; S1 speaks until 4.0, S2 from 4.2.
    text = " ".join(f"w{n:02d}" for n in range(20))
    out = d.assign_speakers([Seg(0.0, 8.0, text)], [(0.0, 4.0, "S1"), (4.2, 8.0, "S2")])
    assert [o.speaker for o in out] == ["S1", "S2"]
    assert out[0].text.split() == [f"w{n:02d}" for n in range(10)]
    assert out[1].text.split() == [f"w{n:02d}" for n in range(10, 20)]
    assert (out[0].start, out[1].end) == (0.0, 8.0)
    assert out[0].words == ()  # estimated times are not passed off as word timestamps


def test_a_segment_in_a_pause_goes_to_the_nearest_speaker() -> None:
    assert d.speaker_at(7.3, 7.5, TURNS) == "S2"
    assert d.speaker_at(7.7, 7.9, TURNS) == "S1"
    assert d.speaker_at(20.0, 21.0, TURNS) == "S1"


def test_the_speaker_of_a_stretch_is_the_one_who_talks_most_in_it_or_the_nearest() -> None:
    """The indexed lookup against its definition, on random turns and stretches."""

    def by_definition(start: float, end: float, turns: list[d.SpeakerTurn]) -> str:
        overlap: dict[str, float] = {}
        for a, b, label in turns:
            if min(b, end) - max(a, start) > 0:
                overlap[label] = overlap.get(label, 0.0) + min(b, end) - max(a, start)
        if overlap:
            return max(overlap, key=lambda label: overlap[label])
        middle = (start + end) / 2
        return min(turns, key=lambda turn: max(turn[0] - middle, middle - turn[1], 0.0))[2]

    rng = np.random.default_rng(3)
    for _ in range(200):
        gaps = rng.uniform(0.0, 2.0, 20)
        lengths = rng.uniform(0.1, 5.0, 20)
        starts = np.cumsum(gaps + np.concatenate(([0.0], lengths[:-1])))
        turns = [(float(a), float(a + n), f"S{rng.integers(1, 4)}") for a, n in zip(starts, lengths, strict=True)]
        for start in rng.uniform(-2.0, starts[-1] + 6.0, 20):
            end = float(start + rng.uniform(0.0, 1.5))
            assert d.speaker_at(float(start), end, turns) == by_definition(float(start), end, turns)


def test_without_turns_segments_have_no_speaker() -> None:
    [out] = d.assign_speakers([Seg(0.0, 1.0, " Hm.")], [])
    assert out.speaker is None and out.text == " Hm."


def test_an_empty_segment_is_kept() -> None:
    [out] = d.assign_speakers([Seg(4.5, 5.0, "")], TURNS)
    assert (out.text, out.speaker) == ("", "S2")


def test_the_transcript_model_s_segments_are_accepted() -> None:
    from shared.models import Segment

    seg = Segment(
        0, 3.0, 5.0, " Sure. Go on.", (Word(3.0, 3.6, " Sure."), Word(4.4, 4.7, " Go"), Word(4.7, 5.0, " on."))
    )
    assert [(o.text, o.speaker) for o in d.assign_speakers([seg], TURNS)] == [("Sure.", "S1"), ("Go on.", "S2")]


# -- speakers on a transcript ---------------------------------------------------------------------


def test_a_transcript_gets_speakers_split_segments_and_turns() -> None:
    from shared.models import Segment, Transcript

    words = (
        Word(2.0, 2.8, " I", 0.9),
        Word(2.8, 3.9, " agree.", 0.8),
        Word(4.3, 4.9, " Good,"),
        Word(5.0, 6.5, " thanks."),
    )
    transcript = Transcript(
        "en",
        12.0,
        (Segment(0, 0.5, 1.5, "Hello."), Segment(1, 2.0, 6.6, "I agree. Good, thanks.", words)),
        "m",
    )
    # The diarizer's numbering starts elsewhere; labels follow who says a word first.
    turns = [(0.0, 4.0, "S2"), (4.2, 7.0, "S1"), (8.0, 12.0, "S3")]

    out = d.with_speakers(transcript, turns)

    assert [(s.id, s.text, s.speaker) for s in out.segments] == [
        (0, "Hello.", "S1"),
        (1, "I agree.", "S1"),
        (2, "Good, thanks.", "S2"),
    ]
    assert [w.probability for w in out.segments[1].words] == [0.9, 0.8]  # words keep what they had
    assert out.speaker_turns == ((0.0, 4.0, "S1"), (4.2, 7.0, "S2"), (8.0, 12.0, "S3"))  # S3: no words
    assert out.text == "Hello. I agree. Good, thanks."


def test_speaker_labelling_off_leaves_the_transcript_alone() -> None:
    from shared.models import Segment, Transcript
    from shared.speakers import SpeakerSetting

    transcript = Transcript("en", 2.0, (Segment(0, 0.0, 2.0, " Hi."),), "m")
    windows = [(0.0, tone(2.0, 300))]
    assert d.label_speakers(transcript, windows, SpeakerSetting.parse("off"), encoder=PitchEncoder()) is transcript
    labelled = d.label_speakers(transcript, windows, SpeakerSetting.parse("auto"), encoder=PitchEncoder())
    assert [s.speaker for s in labelled.segments] == ["S1"] and labelled.speaker_turns


def test_a_failing_encoder_is_a_transcription_error() -> None:
    from shared.errors import TranscriptionError
    from shared.models import Segment, Transcript
    from shared.speakers import SpeakerSetting

    class Broken:
        def embed(self, mels: np.ndarray) -> np.ndarray:
            raise RuntimeError("the model file is damaged")

    transcript = Transcript("en", 2.0, (Segment(0, 0.0, 2.0, " Hi."),), "m")
    with pytest.raises(TranscriptionError, match="speakers apart"):
        d.label_speakers(transcript, [(0.0, tone(2.0, 300))], SpeakerSetting.parse("2"), encoder=Broken())


def test_speakers_on_segments_need_the_standard_library_alone() -> None:
    """The workflow's merge step runs without numpy: what it imports to give speaker turns to
    segments uses the standard library and ``shared`` alone."""
    import ast
    import sys
    from pathlib import Path

    from pipeline.asr.inference import speaker_segments

    tree = ast.parse(Path(speaker_segments.__file__).read_text("utf-8"))
    for node in ast.walk(tree):
        names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
        if isinstance(node, ast.ImportFrom):
            names = [node.module or ""]
        for name in names:
            root = name.split(".")[0]
            assert root in sys.stdlib_module_names or root in ("shared", "__future__"), name
