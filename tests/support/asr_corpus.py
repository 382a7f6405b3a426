"""The recognised-speech PII corpora: build them from spoken scripts, label them, read them back.

Scripts are spoken by espeak-ng voices (noise mixed in by ffmpeg for some), transcribed with
offline-tiny.en exactly as ``clearscribe run`` does (``pipeline.asr.engine.load_engine``), and
each script's marked spans are carried over to the recognised text by aligning the two word by
word (numbers compared digit by digit, so "four one one one" in the script finds "4111" in the
transcript). A corpus is written as text, one recording per block and one segment per line, PII
marked ``[[TYPE:recognised text]]``::

    ## us-bank-call us-m-160 tuned
    Hi Daniel, my name is [[PERSON:Margaret Thornton]] and I'm calling about ...

Two corpora are built this way:

- ``tests/data/pii_asr_corpus.txt``: the fixed scripts of ``tests.support.pii_scripts``, each
  read by every voice there (parts *tuned*, *held-out*, *unseen*);
- generated calls (``tests.support.pii_generator``), one recording per seed: the development
  range is committed as ``tests/data/pii_asr_dev.txt``; the test range is built by
  ``bench.bench_pii_asr`` into ``bench/.work`` and never written out value by value.

Recordings and transcripts are cached under ``bench/.work/pii-asr`` by the text spoken and the
voice (name, variant, speed, noise), so nothing is transcribed twice and relabelling after a
change here takes seconds. A fresh build takes about 7 s of recognition per minute-long call on
two cores::

    python -m tests.support.asr_corpus                 # the fixed scripts (about an hour)
    python -m tests.support.asr_corpus --generated dev # the development range (about 20 minutes)

The labels come from the alignment alone (the tuned part was also read through by eye). A label
covers the recognised units from the first to the last that match the spoken value — exactly, as
a near spelling, or, for a name, as a capitalised word that sounds like it ("Calum" for "Callum")
or stands one for one in its place inside a sentence ("my name is Bobby" for Poppy: a reader
sees a name there);
what recognition turned into other words ("manual" for "Daniel") is not labelled: it is no
longer there to leak. After a change to the labelling, ``--relabel`` labels a corpus file's
stored transcripts again without recognising anything.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import subprocess
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from difflib import SequenceMatcher
from pathlib import Path

from tests.support.pii_generator import DEV_SEEDS, Generated, generate, generated
from tests.support.pii_scripts import SCRIPTS, VOICES, PiiScript, Split, Voice, recording_split
from tests.support.scripts import Script
from tests.support.speech import ffmpeg_exe, speak_to_wav

ROOT = Path(__file__).resolve().parents[2]
CORPUS_PATH = ROOT / "tests" / "data" / "pii_asr_corpus.txt"
DEV_CORPUS_PATH = ROOT / "tests" / "data" / "pii_asr_dev.txt"
WORK = ROOT / "bench" / ".work" / "pii-asr"
_SCRIPT_MARK = re.compile(r"\{([A-Z_]+):([^}]*)\}")
_CORPUS_MARK = re.compile(r"\[\[([A-Z_]+):(.+?)\]\]")
_HEADER = re.compile(r"^## (?P<script>\S+) (?P<voice>\S+) (?P<split>tuned|held-out|unseen|dev|test)$")


# -- the corpus as data ---------------------------------------------------------------------------
@dataclass(frozen=True)
class LabelledSegment:
    """One recognised segment and its labelled PII spans ``(type, start, end)``."""

    text: str
    spans: tuple[tuple[str, int, int], ...]


@dataclass(frozen=True)
class Recording:
    """One script read by one voice, as recognition wrote it."""

    script: str
    voice: str
    split: Split
    segments: tuple[LabelledSegment, ...]

    @property
    def has_pii(self) -> bool:
        return any(s.spans for s in self.segments)

    @property
    def name(self) -> str:
        return f"{self.script}/{self.voice}"


def parse_segment(line: str) -> LabelledSegment:
    """The plain text and labelled spans of one marked-up segment line."""
    text: list[str] = []
    spans: list[tuple[str, int, int]] = []
    cursor = length = 0
    for match in _CORPUS_MARK.finditer(line):
        text.append(line[cursor : match.start()])
        length += match.start() - cursor
        spans.append((match.group(1), length, length + len(match.group(2))))
        text.append(match.group(2))
        length += len(match.group(2))
        cursor = match.end()
    text.append(line[cursor:])
    return LabelledSegment("".join(text), tuple(spans))


def mark_segment(segment: LabelledSegment) -> str:
    """The marked-up line of a segment (inverse of ``parse_segment``)."""
    out, cursor = [], 0
    for kind, start, end in sorted(segment.spans, key=lambda s: s[1]):
        out.append(segment.text[cursor:start])
        out.append(f"[[{kind}:{segment.text[start:end]}]]")
        cursor = end
    out.append(segment.text[cursor:])
    return "".join(out)


def load_asr_corpus(path: Path = CORPUS_PATH) -> list[Recording]:
    """Every recording of the corpus file, in file order."""
    recordings: list[Recording] = []
    header: re.Match[str] | None = None
    lines: list[str] = []

    def flush() -> None:
        if header is not None:
            segments = tuple(parse_segment(line) for line in lines)
            recordings.append(Recording(header["script"], header["voice"], header["split"], segments))  # type: ignore[arg-type]

    for line in path.read_text("utf-8").splitlines():
        if line.startswith("## "):
            flush()
            header = _HEADER.match(line)
            if header is None:
                raise ValueError(f"bad recording header: {line!r}")
            lines = []
        elif line.strip() and not line.startswith("#"):
            lines.append(line)
    flush()
    return recordings


CORPUS_HEAD = (
    "# PII in recognised speech: espeak-ng voices reading tests/support/pii_scripts.py, transcribed by",
    "# offline-tiny.en as `clearscribe run` does. One block per recording, one segment per line,",
    "# [[TYPE:text]] marks a labelled span. Regenerate with `python -m tests.support.asr_corpus`.",
)
DEV_CORPUS_HEAD = (
    "# PII in recognised speech: the development range of generated calls (tests/support/pii_generator.py),",
    "# one seed each, read by espeak-ng voices and transcribed by offline-tiny.en as `clearscribe run` does.",
    "# One block per recording (seed, voice-speed[-noise]), one segment per line, [[TYPE:text]] marks a",
    "# labelled span. Regenerate with `python -m tests.support.asr_corpus --generated dev`.",
)


def write_asr_corpus(
    recordings: Iterable[Recording], path: Path = CORPUS_PATH, head: Iterable[str] = CORPUS_HEAD
) -> None:
    blocks = []
    for recording in recordings:
        lines = [f"## {recording.script} {recording.voice} {recording.split}"]
        lines += [mark_segment(s) for s in recording.segments]
        blocks.append("\n".join(lines))
    path.write_text("\n".join(head) + "\n\n" + "\n\n".join(blocks) + "\n", "utf-8")


# -- labelling by alignment -----------------------------------------------------------------------
@dataclass(frozen=True)
class Unit:
    """A comparable piece of text: a lowercase word, a single letter or a single digit."""

    start: int
    end: int
    key: str


def units(text: str) -> list[Unit]:
    """``text`` as comparable units with raw offsets: number words and digit groups become single
    digits, short all-capital tokens ("NWBK", "QQ") single letters, other words lowercase."""
    from postprocess.pii.core.spoken import normalize_spoken_numbers

    normalized = normalize_spoken_numbers(text)
    out: list[Unit] = []
    for match in re.finditer(r"[A-Za-z]+|\d+", normalized.text):
        token = match.group()
        start, end = normalized.raw_span(match.start(), match.end())
        if token.isdigit() or (token.isupper() and len(token) <= 5):
            if end - start == len(token):  # written as is: one unit per character
                out.extend(Unit(start + i, start + i + 1, c.lower()) for i, c in enumerate(token))
            else:  # spoken words rewritten into digits: every unit covers the words
                out.extend(Unit(start, end, c) for c in token)
        else:
            out.append(Unit(start, end, token.lower()))
    return out


def script_units(script: Script) -> tuple[list[Unit], list[int | None], list[str]]:
    """The spoken script's units, the index of the marked span each belongs to (or None), and the
    type of each marked span."""
    spoken_pieces: list[str] = []
    span_ranges: list[tuple[int, int]] = []
    kinds: list[str] = []
    cursor = length = 0
    for match in _SCRIPT_MARK.finditer(script.marked):
        spoken_pieces.append(script.marked[cursor : match.start()])
        length += match.start() - cursor
        span_ranges.append((length, length + len(match.group(2))))
        kinds.append(match.group(1))
        spoken_pieces.append(match.group(2))
        length += len(match.group(2))
        cursor = match.end()
    spoken_pieces.append(script.marked[cursor:])
    spoken = "".join(spoken_pieces)
    found = units(spoken)
    owners = [next((k for k, (s, e) in enumerate(span_ranges) if u.start < e and u.end > s), None) for u in found]
    return found, owners, kinds


def similar(spoken: str, heard: str) -> bool:
    """A word heard as a near spelling of the one spoken ("Calum" for "Callum", "Galaga" for
    "Gallagher"): still the value, for a reader."""
    if len(spoken) < 3 or len(heard) < 3 or spoken.isdigit() or heard.isdigit():
        return False
    return SequenceMatcher(None, spoken, heard).ratio() >= 0.7


def sounds_like(spoken: str, heard: str) -> bool:
    """A capitalised word heard for a name that sounds like it or is spelled half like it
    ("Chivon" for "Siobhan", "Carlin" for "Callum"); "General" for "Jerome" is not the name."""
    from postprocess.pii.passes.consistency import soundex

    return soundex(spoken) == soundex(heard) or SequenceMatcher(None, spoken, heard).ratio() >= 0.5


def _is_value_unit(key: str) -> bool:
    return key.isdigit() or len(key) == 1


def label_transcript(script: Script, segments: list[str]) -> list[LabelledSegment]:
    """The script's marked spans carried onto the recognised segments by unit alignment."""
    s_units, owners, kinds = script_units(script)
    joined = "\n".join(segments)
    h_units = units(joined)
    matcher = SequenceMatcher(None, [u.key for u in s_units], [u.key for u in h_units], autojunk=False)
    labels: list[int | None] = [None] * len(h_units)
    exact = [False] * len(h_units)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            labels[j1:j2] = owners[i1:i2]
            exact[j1:j2] = [True] * (j2 - j1)
        elif tag == "replace":
            for j in range(j1, j2):
                i = i1 + (j - j1) * (i2 - i1) // (j2 - j1)
                labels[j] = owners[i]
                name_heard = kinds[owners[i]] == "PERSON" if owners[i] is not None else False
                capitalised = name_heard and joined[h_units[j].start].isupper() and len(h_units[j].key) >= 3
                sounds_alike = capitalised and sounds_like(s_units[i].key, h_units[j].key)
                opens = re.search(r"(?:^|[.?!]\s+)$", joined[: h_units[j].start]) is not None
                in_its_place = capitalised and i2 - i1 == j2 - j1 and not opens  # "my name is Bobby" for Poppy
                exact[j] = similar(s_units[i].key, h_units[j].key) or sounds_alike or in_its_place
        elif tag == "insert":
            before = owners[i1 - 1] if i1 > 0 else None
            after = owners[i1] if i1 < len(owners) else None
            values = all(_is_value_unit(h_units[j].key) for j in range(j1, j2))
            if before is not None and before == after:
                labels[j1:j2] = [before] * (j2 - j1)
            elif values and (before is not None or after is not None):  # a digit run recognition repeated
                labels[j1:j2] = [before if before is not None else after] * (j2 - j1)
            if values and labels[j1] is not None:
                exact[j1:j2] = [True] * (j2 - j1)
    return _spans_per_segment(segments, h_units, labels, exact, kinds)


def _spans_per_segment(
    segments: list[str], h_units: list[Unit], labels: list[int | None], exact: list[bool], kinds: list[str]
) -> list[LabelledSegment]:
    """Runs of units carrying one marked span, per segment, trimmed to the units recognised as
    spoken (a run with none of them is a value recognition turned into other words: not there)."""
    offsets, cursor = [], 0
    for text in segments:
        offsets.append(cursor)
        cursor += len(text) + 1
    spans: list[list[tuple[str, int, int]]] = [[] for _ in segments]
    run: list[int] = []

    def close() -> None:
        kept = [j for j in run if exact[j]]
        if kept:
            owner = labels[kept[0]]
            assert owner is not None
            seg = segment_of[kept[0]]
            spans[seg].append(
                (kinds[owner], h_units[kept[0]].start - offsets[seg], h_units[kept[-1]].end - offsets[seg])
            )

    segment_of = [max(i for i, o in enumerate(offsets) if o <= u.start) for u in h_units]
    for j, owner in enumerate(labels):
        if owner is not None and run and labels[run[-1]] == owner and segment_of[run[-1]] == segment_of[j]:
            run.append(j)
            continue
        close()
        run = [j] if owner is not None else []
    close()
    return [LabelledSegment(text, tuple(s)) for text, s in zip(segments, spans, strict=True)]


# -- making the recordings ------------------------------------------------------------------------
def recording_key(spoken: str, voice: Voice) -> str:
    """What a recording is cached by: the text spoken and everything about the voice."""
    what = json.dumps([spoken, voice.voice, voice.words_per_minute, voice.noise, voice.noise_amplitude])
    return hashlib.sha256(what.encode("utf-8")).hexdigest()[:16]


def record(script: PiiScript, voice: Voice, work: Path = WORK) -> Path:
    """The script spoken by the voice as a WAV file (cached by the text spoken and the voice)."""
    spoken = script.script.spoken
    wav = work / f"{script.name}-{voice.name}-{recording_key(spoken, voice)}.wav"
    if wav.exists():
        return wav
    clean = wav.with_suffix(".clean.wav")
    speak_to_wav(spoken, clean, voice=voice.voice, words_per_minute=voice.words_per_minute)
    if not voice.noise:
        clean.rename(wav)
        return wav
    noise = f"anoisesrc=color={voice.noise}:amplitude={voice.noise_amplitude}:sample_rate=22050:seed=7"
    subprocess.run(
        [ffmpeg_exe(), "-nostdin", "-v", "error", "-y", "-i", str(clean), "-f", "lavfi", "-i", noise,
         "-filter_complex", "[0:a][1:a]amix=inputs=2:duration=first:normalize=0", str(wav)],
        check=True, capture_output=True,
    )  # fmt: skip
    clean.unlink()
    return wav


def transcript_cache(wav: Path, model: str | None = None) -> Path:
    """Where the transcript of ``wav`` by ``model`` is kept: next to the WAV, named by the model
    unless it is the default (offline-tiny.en)."""
    from shared.config import OFFLINE_MODEL

    if model is None or model == OFFLINE_MODEL:
        return wav.with_suffix(".segments.json")
    tag = re.sub(r"[^A-Za-z0-9.\-]+", "-", Path(model).name).strip("-") or "model"
    digest = hashlib.sha256(model.encode("utf-8")).hexdigest()[:8]
    return wav.with_suffix(f".{tag}-{digest}.segments.json")


def transcribe(wav: Path, engine: object, model: str | None = None) -> list[str]:
    """Segment texts of ``wav`` as ``clearscribe run`` produces them with ``model`` (cached next
    to the WAV)."""
    cached = transcript_cache(wav, model)
    if cached.exists():
        return json.loads(cached.read_text("utf-8"))
    transcript = engine.transcribe(wav)  # type: ignore[attr-defined]
    texts = [s.text.strip() for s in transcript.segments if s.text.strip()]
    cached.write_text(json.dumps(texts, ensure_ascii=False, indent=0), "utf-8")
    return texts


def recognition_engine(work: Path = WORK, model: str | None = None) -> object:
    """The speech engine ``clearscribe run`` uses by default, with the offline tiny.en weights or
    ``model`` (a CTranslate2 model directory)."""
    from pipeline.asr.engine import load_engine
    from shared.config import OFFLINE_MODEL, Settings

    work.mkdir(parents=True, exist_ok=True)
    return load_engine(model or OFFLINE_MODEL, settings=Settings(home=work))


def recognised(
    script: PiiScript, voice: Voice, split: Split, engine: object, work: Path = WORK, model: str | None = None
) -> Recording:
    """One script read by one voice, transcribed (by ``model``, default offline-tiny.en) and labelled."""
    segments = transcribe(record(script, voice, work), engine, model)
    labelled = label_transcript(script.script, segments)
    return Recording(script.name, voice.name, split, tuple(labelled))


def build(work: Path = WORK) -> Iterator[Recording]:
    """Every fixed script read by every voice, transcribed and labelled."""
    engine = recognition_engine(work)
    for script in SCRIPTS:
        for voice in VOICES:
            yield recognised(script, voice, recording_split(script, voice), engine, work)


def build_generated(calls: Iterable[Generated], work: Path = WORK, model: str | None = None) -> Iterator[Recording]:
    """Every generated call read by its voice, transcribed (by ``model``, default offline-tiny.en)
    and labelled; the engine is loaded only if something is not cached yet."""
    engine: object | None = None
    for call in calls:
        wav = record(call.script, call.voice, work)
        if engine is None and not transcript_cache(wav, model).exists():
            engine = recognition_engine(work, model)
        yield recognised(call.script, call.voice, call.split, engine, work, model)


def relabelled(path: Path) -> Iterator[Recording]:
    """The recordings of a corpus file with their stored transcripts labelled again from their scripts."""
    scripts = {s.name: s.script for s in SCRIPTS}
    for recording in load_asr_corpus(path):
        if recording.script.startswith("gen-"):
            script = generate(int(recording.script.removeprefix("gen-"))).script.script
        else:
            script = scripts[recording.script]
        segments = label_transcript(script, [s.text for s in recording.segments])
        yield Recording(recording.script, recording.voice, recording.split, tuple(segments))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build a recognised-speech PII corpus.")
    parser.add_argument("--generated", choices=("dev",), help="build the generated development range instead")
    parser.add_argument("--out", type=Path, help="where to write it (default: its file under tests/data)")
    parser.add_argument("--work", type=Path, default=WORK, help="where recordings and transcripts are cached")
    parser.add_argument(
        "--relabel", action="store_true", help="label the corpus file's stored transcripts again; recognise nothing"
    )
    args = parser.parse_args(argv)
    if args.relabel:
        path = DEV_CORPUS_PATH if args.generated else CORPUS_PATH
        recordings_iter, out = relabelled(path), path
        head = DEV_CORPUS_HEAD if args.generated else CORPUS_HEAD
    elif args.generated:
        recordings_iter, out, head = build_generated(generated(DEV_SEEDS), args.work), DEV_CORPUS_PATH, DEV_CORPUS_HEAD
    else:
        recordings_iter, out, head = build(args.work), CORPUS_PATH, CORPUS_HEAD
    recordings = []
    for recording in recordings_iter:
        print(recording.name, recording.split, sum(len(s.spans) for s in recording.segments), "spans", flush=True)
        recordings.append(recording)
    write_asr_corpus(recordings, args.out or out, head)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
