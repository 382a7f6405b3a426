"""Conversations with known speakers, made at test time, and how to score a diarization of them.

Each turn is spoken by espeak-ng in its speaker's voice and the turns are joined with known pauses,
so who spoke when is known to the sample: the reference span of a turn runs from its first to its
last voiced sample. Turns never overlap.

Voices differ the way people do: male and female variants (``+m3``, ``+f4`` …) on top of different
accents (``en-us``, ``en`` (British), ``en-gb-scotland``, ``en-029`` …). An accent alone is the
same synthetic voice pronouncing differently, so every speaker of a conversation gets a variant of
their own. (espeak-ng ignores a variant after ``en-gb``, which is why British voices are ``en+…``;
``speak_conversation`` refuses two speakers whose voices sound the same.)
"""

from __future__ import annotations

import itertools
import random
import subprocess
import tempfile
import wave
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from tests.support.speech import ffmpeg_exe, speak_to_wav

SAMPLE_RATE = 16_000
#: Frame of the scoring grid, seconds.
SCORING_STEP = 0.01
#: A sample louder than this (of full scale) counts as voiced when a turn's span is measured.
_VOICED = 0.01


@dataclass(frozen=True)
class Turn:
    speaker: str
    text: str
    words_per_minute: int = 160
    #: Silence after this turn, seconds.
    pause_after: float = 0.7


@dataclass(frozen=True)
class Conversation:
    name: str
    #: Reference speaker label -> espeak-ng voice.
    voices: Mapping[str, str]
    turns: tuple[Turn, ...]

    @property
    def speakers(self) -> list[str]:
        """Reference speakers in order of first appearance."""
        return list(dict.fromkeys(turn.speaker for turn in self.turns))


class SpokenRecording:
    """A recording with known speakers: 16 kHz mono float32 ``audio`` and the ``reference`` turns."""

    audio: np.ndarray
    #: ``(start, end, speaker)`` of every turn's speech, in seconds, in order.
    reference: tuple[tuple[float, float, str], ...]

    @property
    def duration(self) -> float:
        return len(self.audio) / SAMPLE_RATE

    @property
    def speech_seconds(self) -> float:
        return sum(end - start for start, end, _ in self.reference)

    def write_wav(self, path: Path) -> Path:
        """The audio as a 16-bit PCM WAV file."""
        pcm = np.clip(np.round(self.audio * 32767), -32768, 32767).astype("<i2")
        with wave.open(str(path), "wb") as out:
            out.setnchannels(1)
            out.setsampwidth(2)
            out.setframerate(SAMPLE_RATE)
            out.writeframes(pcm.tobytes())
        return path


@dataclass(frozen=True)
class SpokenConversation(SpokenRecording):
    conversation: Conversation
    audio: np.ndarray
    reference: tuple[tuple[float, float, str], ...]


def read_wav(path: Path) -> tuple[np.ndarray, int]:
    with wave.open(str(path), "rb") as wav:
        if wav.getsampwidth() != 2 or wav.getnchannels() != 1:
            raise ValueError(f"{path}: expected 16-bit mono PCM")
        rate = wav.getframerate()
        samples = np.frombuffer(wav.readframes(wav.getnframes()), dtype="<i2").astype(np.float32) / 32768.0
    return samples, rate


def _resample_to_16k(samples: np.ndarray, rate: int) -> np.ndarray:
    """ffmpeg's resampler, float32 in and out; the length scales exactly, so times are kept."""
    if rate == SAMPLE_RATE:
        return samples
    raw = ["-f", "f32le", "-ac", "1"]
    proc = subprocess.run(
        [
            ffmpeg_exe(),
            "-nostdin",
            "-v",
            "error",
            *raw,
            "-ar",
            str(rate),
            "-i",
            "pipe:0",
            *raw,
            "-ar",
            "16000",
            "pipe:1",
        ],
        input=samples.astype("<f4").tobytes(),
        capture_output=True,
        check=True,
    )
    return np.frombuffer(proc.stdout, dtype="<f4").copy()


def _voiced_span(samples: np.ndarray) -> tuple[int, int]:
    voiced = np.flatnonzero(np.abs(samples) > _VOICED)
    if not len(voiced):
        raise ValueError("espeak-ng produced no audible speech for a turn")
    return int(voiced[0]), int(voiced[-1]) + 1


def _check_voices_differ(voices: Mapping[str, str], work: Path) -> None:
    probe = "One two three, this is how I sound."
    heard: dict[bytes, str] = {}
    for speaker, voice in voices.items():
        audio = speak_to_wav(probe, work / f"probe-{speaker}.wav", voice=voice).read_bytes()
        if audio in heard:
            raise ValueError(f"voices {heard[audio]!r} and {voice!r} sound the same: espeak-ng ignored a variant")
        heard[audio] = voice


def speak_conversation(conversation: Conversation) -> SpokenConversation:
    """Speak every turn in its speaker's voice and join them with the turns' pauses."""
    missing = set(conversation.speakers) - set(conversation.voices)
    if missing:
        raise ValueError(f"no voice for speaker(s) {sorted(missing)}")
    with tempfile.TemporaryDirectory(prefix="conversation-") as tmp:
        work = Path(tmp)
        _check_voices_differ({s: conversation.voices[s] for s in conversation.speakers}, work)
        pieces: list[np.ndarray] = []
        spans: list[tuple[int, int, str]] = []
        rate = 0
        position = 0
        for n, turn in enumerate(conversation.turns):
            path = speak_to_wav(
                turn.text,
                work / f"turn-{n}.wav",
                voice=conversation.voices[turn.speaker],
                words_per_minute=turn.words_per_minute,
            )
            samples, turn_rate = read_wav(path)
            if rate and turn_rate != rate:
                raise ValueError("espeak-ng changed its sample rate between turns")
            rate = turn_rate
            first, last = _voiced_span(samples)
            speech = samples[first:last]
            spans.append((position, position + len(speech), turn.speaker))
            pieces += [speech, np.zeros(round(turn.pause_after * rate), np.float32)]
            position += len(speech) + round(turn.pause_after * rate)
    audio = _resample_to_16k(np.concatenate(pieces), rate)
    reference = tuple((round(a / rate, 3), round(b / rate, 3), speaker) for a, b, speaker in spans)
    return SpokenConversation(conversation, audio, reference)


# -- scoring ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Score:
    #: Share of reference speech time given to the right speaker (best one-to-one label mapping).
    accuracy: float
    #: Diarization error rate: (missed + false alarm + confusion) / reference speech, no collar.
    der: float
    #: The confusion part of the DER: speech given to the wrong speaker (the rest is the speech
    #: detector's: pauses inside a turn count as speech in the reference).
    confusion: float
    reference_speakers: int
    found_speakers: int
    #: Hypothesis label -> reference speaker, as mapped.
    mapping: Mapping[str, str]


def _grid(turns: Sequence[tuple[float, float, str]], labels: list[str], frames: int) -> np.ndarray:
    """Label index per scoring frame (-1: nobody speaks)."""
    grid = np.full(frames, -1, dtype=np.int64)
    for start, end, label in turns:
        grid[round(start / SCORING_STEP) : round(end / SCORING_STEP)] = labels.index(label)
    return grid


def _mappings(size: int, overlap: np.ndarray) -> list[tuple[int, ...]]:
    """Every one-to-one mapping while that is cheap (up to 8 labels), else the greedy one."""
    if size <= 8:
        return list(itertools.permutations(range(size)))
    free_rows, free_cols, pairs = set(range(size)), set(range(size)), {}
    for flat in np.argsort(-overlap, axis=None):
        h, r = divmod(int(flat), size)
        if h in free_rows and r in free_cols:
            pairs[h] = r
            free_rows.discard(h)
            free_cols.discard(r)
    return [tuple(pairs[h] for h in range(size))]


def score_diarization(
    reference: Sequence[tuple[float, float, str]], hypothesis: Sequence[tuple[float, float, str]]
) -> Score:
    """Compare speaker turns with the reference on a 10 ms grid, under the one-to-one mapping of
    hypothesis labels to reference speakers that maximises the time they agree on."""
    ref_labels = list(dict.fromkeys(label for *_, label in reference))
    hyp_labels = list(dict.fromkeys(label for *_, label in hypothesis))
    end = max([e for _, e, _ in [*reference, *hypothesis]], default=0.0)
    frames = round(end / SCORING_STEP) + 1
    ref = _grid(reference, ref_labels, frames)
    hyp = _grid(hypothesis, hyp_labels, frames)
    size = max(len(hyp_labels), len(ref_labels))
    overlap = np.zeros((size, size))
    both = (ref >= 0) & (hyp >= 0)
    np.add.at(overlap, (hyp[both], ref[both]), 1)
    # Padded to a square: a hypothesis label mapped to a padding column is left unmapped.
    agreed, best = max((sum(overlap[h, r] for h, r in enumerate(perm)), perm) for perm in _mappings(size, overlap))
    mapping = {hyp_labels[h]: ref_labels[r] for h, r in enumerate(best) if h < len(hyp_labels) and r < len(ref_labels)}
    ref_speech = int((ref >= 0).sum())
    missed = int(((ref >= 0) & (hyp < 0)).sum())
    false_alarm = int(((ref < 0) & (hyp >= 0)).sum())
    confusion = int(both.sum()) - int(agreed)
    return Score(
        accuracy=agreed / ref_speech,
        der=(missed + false_alarm + confusion) / ref_speech,
        confusion=confusion / ref_speech,
        reference_speakers=len(ref_labels),
        found_speakers=len(hyp_labels),
        mapping=mapping,
    )


# -- the conversations ------------------------------------------------------------------------

#: What people say in a call or meeting, long and short; conversations draw from it in order.
LINES = (
    "Thanks for joining, everyone. I wanted to start with the numbers from last quarter, because "
    "they came in a little lower than we expected.",
    "Right.",
    "The shipping delays in October cost us about two weeks of orders, and the support queue grew "
    "to almost twice its usual size.",
    "Was that mostly the warehouse move, or was something else going on?",
    "Mostly the move. The new scanners arrived late and the old ones were already packed.",
    "Okay, that makes sense.",
    "I spoke to three customers yesterday. Two of them were happy with the replacement, but the "
    "third one wants a refund and a written apology from the manager.",
    "Yes, absolutely.",
    "Can we send the apology today? I would rather not let that one wait over the weekend.",
    "I can draft it this afternoon and send it to you for a quick look before it goes out.",
    "Perfect, thank you.",
    "Next item is the hiring plan. We have two open roles in support and one in the warehouse, and "
    "the recruiter says the market is slow in December.",
    "Should we move the warehouse role to January then?",
    "That would be my suggestion. Support is the urgent one, the queue will not shrink by itself.",
    "Agreed.",
    "What about the training budget? Last year we spent most of it in the first three months and "
    "had nothing left for the new people who joined in the summer.",
    "We could split it by quarter this time, so each quarter gets the same amount.",
    "Hmm, let me think about that.",
    "I like the idea, but the first quarter usually needs more, because that is when the product "
    "updates land and everybody has to learn the new screens.",
    "Fair point. Maybe forty percent in the first quarter and twenty in each of the others.",
    "Sounds reasonable to me.",
    "One more thing before we finish. The office will be closed on the twenty third, so please "
    "plan your deliveries around it.",
    "Noted.",
    "Is anyone covering the phones that day?",
    "I will, from home. Forward the main line to my mobile and I will pick up anything urgent.",
    "Great. Then I think we are done for today. Thanks, everyone, and have a good week.",
    "Thank you, bye.",
    "Sorry, before you go, I still need the signed contract from the cleaning company.",
    "It is in the shared folder, under contracts, with the date in the file name.",
    "Found it, thanks.",
)


def _turns_from_lines(
    speakers: Sequence[str], count: int, *, seed: int, start_line: int = 0, wpm: tuple[int, int] = (145, 175)
) -> list[Turn]:
    """``count`` turns drawn in order from LINES, speakers taking turns in a seeded, uneven order
    (never the same speaker twice in a row), speed and pause varying per turn."""
    rng = random.Random(seed)
    turns: list[Turn] = []
    previous = None
    for n in range(count):
        speaker = rng.choice([s for s in speakers if s != previous] or list(speakers))
        previous = speaker
        turns.append(
            Turn(
                speaker,
                LINES[(start_line + n) % len(LINES)],
                words_per_minute=rng.randint(*wpm),
                pause_after=round(rng.uniform(0.3, 1.2), 2),
            )
        )
    return turns


def monologue(name: str, voice: str, *, turns: int = 8, seed: int = 0) -> Conversation:
    """One speaker reading LINES with pauses and changing pace: must come out as one speaker."""
    return Conversation(name, {"A": voice}, tuple(_turns_from_lines(["A"], turns, seed=seed, wpm=(135, 185))))


def dialogue(name: str, voices: Mapping[str, str], *, turns: int, seed: int, start_line: int = 0) -> Conversation:
    """Speakers taking turns over LINES: long explanations and one-word answers."""
    return Conversation(name, voices, tuple(_turns_from_lines(list(voices), turns, seed=seed, start_line=start_line)))


def returning_speaker(name: str, voices: Mapping[str, str], *, seed: int, gap_turns: int = 14) -> Conversation:
    """The first speaker opens, then the others talk for ``gap_turns`` turns (well over a
    minute), then the first speaker comes back."""
    first, *others = list(voices)
    middle = _turns_from_lines(others, gap_turns, seed=seed, start_line=1)
    turns = [Turn(first, LINES[0]), *middle, Turn(first, LINES[25]), Turn(others[0], LINES[26]), Turn(first, LINES[27])]
    return Conversation(name, voices, tuple(turns))


#: The test conversations: 2 and 3 speakers, male and female, different accents.
TEST_CONVERSATIONS = (
    dialogue("us-man-and-british-woman", {"A": "en-us+m3", "B": "en+f3"}, turns=16, seed=1),
    dialogue("scottish-man-and-caribbean-man", {"A": "en-gb-scotland+m1", "B": "en-029+m7"}, turns=16, seed=2),
    dialogue("us-woman-and-caribbean-woman", {"A": "en-us+f2", "B": "en-029+f4"}, turns=16, seed=3, start_line=8),
    dialogue("three-speakers", {"A": "en-us+m2", "B": "en+f4", "C": "en-029+m8"}, turns=21, seed=4, start_line=4),
    returning_speaker("three-speakers-one-returns", {"A": "en+f2", "B": "en-us+m3", "C": "en-gb-scotland+f3"}, seed=5),
)

#: One-speaker recordings: must come out as exactly one speaker.
TEST_MONOLOGUES = (
    monologue("one-us-man", "en-us+m3", seed=6),
    monologue("one-british-woman", "en+f3", seed=7),
    monologue("one-caribbean-man", "en-029+m1", seed=8),
)


# -- conversations with voices drawn at random ----------------------------------------------------

ACCENTS = ("en-us", "en", "en-gb-scotland", "en-029", "en-gb-x-rp", "en-us-nyc", "en-gb-x-gbclan", "en-gb-x-gbcwmd")
#: espeak-ng variants grouped by how they sound; speakers of one conversation come from different
#: groups (variants of one group are the same voice, a little lower or rougher).
VOICE_FAMILIES = (
    ("m1", "m3"),
    ("m2", "m4", "m5", "m6"),
    ("m7", "m8"),
    ("f1", "f2", "f5"),
    ("f3", "f4"),
    ("klatt",),
    ("grandma",),
)


def random_conversations(count: int, *, seed: int) -> tuple[Conversation, ...]:
    """``count`` conversations of 1 to 4 speakers with voices, accents, scripts and turn orders
    drawn at random (seeded): material the diarization was not tuned on."""
    rng = random.Random(seed)
    out: list[Conversation] = []
    for n in range(count):
        speakers = rng.choice([1, 2, 2, 3, 3, 4])
        families = rng.sample(VOICE_FAMILIES, speakers)
        voices = {chr(ord("A") + i): f"{rng.choice(ACCENTS)}+{rng.choice(f)}" for i, f in enumerate(families)}
        name = f"random-{n}-" + "-".join(voices.values())
        if speakers == 1:
            out.append(monologue(name, voices["A"], turns=rng.randint(6, 14), seed=rng.randint(0, 999)))
        elif speakers >= 3 and rng.random() < 0.4:
            out.append(returning_speaker(name, voices, seed=rng.randint(0, 999)))
        else:
            turns, first = rng.randint(12, 30), rng.randint(0, len(LINES) - 1)
            out.append(dialogue(name, voices, turns=turns, seed=rng.randint(0, 999), start_line=first))
    return tuple(out)
