"""Seven recordings in one `clearscribe run`: no speech lost, and each file's transcript the same
as when it runs alone in a fresh process.

Different espeak-ng voices (American, British RP, Scottish, Caribbean, a female variant), speeds
from 130 to 180 words per minute, and one recording with pink noise mixed in. Every file must keep
at least 90% of its script's content words (near spellings allowed), and the batch, where each
file is decoded after the others in the same process, must give word for word the transcript a
run of that file alone gives.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.support.scripts import heard
from tests.support.speech import mix_noise, mux_video, speak_to_wav

pytestmark = pytest.mark.slow

MIN_HEARD = 0.9

#: (name, voice, words per minute, noise amplitude, script)
RECORDINGS: tuple[tuple[str, str, int, float, str], ...] = (
    ("budget", "en-us", 160, 0.0,
     "Good morning everyone. Today we review the budget for the coming year. The marketing team asked "
     "for more time to finish the campaign, and sales grew in every region except the north. We will "
     "hire two engineers for the data platform and move the office in the spring."),
    ("garden", "en-gb-x-rp", 130, 0.0,
     "The garden looks wonderful this summer. The roses climbed the old brick wall, the tomatoes are "
     "finally turning red, and the apple tree carries more fruit than ever before. Next weekend we "
     "will build a small greenhouse beside the shed."),
    ("travel", "en-gb-scotland", 150, 0.0,
     "Our train leaves the central station early on Saturday morning. We travel north along the coast "
     "through small fishing villages and green hills. In the afternoon we reach the harbour, where a "
     "ferry takes us across to the island."),
    ("kitchen", "en-029", 140, 0.0,
     "Dinner tonight is a simple vegetable soup with fresh bread. Chop the onions and carrots, warm "
     "the olive oil in a large pot, and let everything cook slowly for twenty minutes. Serve it hot "
     "with a little pepper and lemon."),
    ("support", "en-us+f3", 175, 0.0,
     "Thank you for calling customer support. Your request has been received and a technician will "
     "contact you tomorrow afternoon. Please keep your order confirmation nearby, and check that the "
     "router is switched on before the visit."),
    ("library", "en+m3", 180, 0.0,
     "The library opens a new reading room next month. Students can reserve quiet desks online, borrow "
     "laptops at the front counter, and join the weekly history lectures. The coffee corner stays open "
     "until late in the evening."),
    ("workshop", "en-us", 150, 0.04,
     "Welcome to the woodworking workshop. Always wear safety glasses and keep your hands away from "
     "the blade. Today we measure, cut and sand a small wooden shelf, then finish it with natural oil "
     "and let it dry overnight."),
)  # fmt: skip


def clearscribe(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    exe = Path(sys.executable).with_name("clearscribe")
    proc = subprocess.run(
        [str(exe), *args, "--home", str(home)], capture_output=True, text=True, env=os.environ.copy(), timeout=900
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc


def transcript_of(line: dict[str, Any]) -> dict[str, Any]:
    assert line["status"] == "COMPLETE", line
    return json.loads(Path(line["outputs"]["json"]).read_text(encoding="utf-8"))["transcript"]


@pytest.fixture(scope="module")
def videos(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("seven")
    out = {}
    for name, voice, wpm, noise, script in RECORDINGS:
        wav = speak_to_wav(script, root / f"{name}.clean.wav", voice=voice, words_per_minute=wpm)
        if noise:
            wav = mix_noise(wav, root / f"{name}.wav", color="pink", amplitude=noise)
        out[name] = mux_video(wav, root / f"{name}.mp4")
    return out


@pytest.fixture(scope="module")
def batch(videos: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    home = tmp_path_factory.mktemp("batch-home")
    proc = clearscribe("run", *map(str, videos.values()), "--model", "offline-tiny.en", "--json", home=home)
    lines = [json.loads(line) for line in proc.stdout.splitlines() if line.strip()]
    return {name: transcript_of(line) for name, line in zip(videos, lines, strict=True)}


@pytest.mark.parametrize(("name", "script"), [(r[0], r[4]) for r in RECORDINGS])
def test_every_recording_keeps_its_words(batch: dict[str, dict[str, Any]], name: str, script: str) -> None:
    transcript = batch[name]
    assert heard(script, transcript["text"]) >= MIN_HEARD, transcript["text"]
    assert transcript["warnings"] == []
    assert transcript["covered_seconds"] >= 0.95 * transcript["speech_seconds"] > 0


def test_each_recording_alone_gives_the_transcript_it_gets_in_the_batch(
    batch: dict[str, dict[str, Any]], videos: dict[str, Path], tmp_path_factory: pytest.TempPathFactory
) -> None:
    for name, video in videos.items():
        home = tmp_path_factory.mktemp(f"alone-{name}")
        proc = clearscribe("run", str(video), "--model", "offline-tiny.en", "--json", home=home)
        alone = transcript_of(json.loads(proc.stdout.splitlines()[0]))
        assert alone == batch[name], f"{name}: the batch and a run alone disagree"
