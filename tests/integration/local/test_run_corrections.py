"""`clearscribe run --corrections FILE` end to end: real speech (espeak-ng), real Whisper tiny.en, real
enrichers. The corrected words are what PII redaction, the captions and the text see, with the times
of the words they replace; another corrections file is another job."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.support.speech import make_speech_video
from tests.unit.local.test_cli_errors import run_cli

SPOKEN = "Tomorrow my colleague will show how to run cube control on the new cluster."
RULES = "# what the team says\nmy colleague => Margaret Wilson\ncube control => kubectl\n"


def run(capsys: pytest.CaptureFixture[str], video: Path, home: Path, out: Path, *extra: str) -> dict[str, Any]:
    code, stdout, stderr = run_cli(
        capsys, "run", str(video), "--model", "offline-tiny.en", "--home", str(home), "--out", str(out), "--json",
        *extra,
    )  # fmt: skip
    assert code == 0, stderr
    record: dict[str, Any] = json.loads(stdout.strip().splitlines()[-1])
    return record


def outputs(record: dict[str, Any]) -> tuple[dict[str, Any], str, str]:
    folder = Path(record["outputs"]["json"]).parent
    enriched = json.loads((folder / "enriched.json").read_text(encoding="utf-8"))["transcript"]
    return enriched, (folder / "transcript.srt").read_text(encoding="utf-8"), (folder / "transcript.txt").read_text()


def timed_words(enriched: dict[str, Any]) -> list[tuple[float, float, str]]:
    return [(w["start"], w["end"], w["text"].strip()) for s in enriched["segments"] for w in s.get("words") or ()]


def test_corrections_reach_the_enriched_transcript_its_pii_and_its_captions(
    capsys: pytest.CaptureFixture[str], home: Path, tmp_path: Path
) -> None:
    video = make_speech_video(SPOKEN, tmp_path / "standup.mp4")
    rules = tmp_path / "corrections.txt"
    rules.write_text(RULES, encoding="utf-8")

    plain = run(capsys, video, home, tmp_path / "plain")
    corrected = run(capsys, video, home, tmp_path / "corrected", "--corrections", str(rules))

    assert corrected["job_id"] != plain["job_id"], "the corrections are part of the job's identity"
    before, _, _ = outputs(plain)
    after, srt, txt = outputs(corrected)
    assert "cube control" in before["text"].lower() and "my colleague" in before["text"].lower()
    # The heard words are gone everywhere; the written ones are there as given.
    for text in (after["text"], srt, txt):
        assert "cube" not in text.lower() and "colleague" not in text.lower()
        assert "kubectl" in text
    # The name a correction wrote is what PII redaction saw: it is redacted, never written.
    assert "<PERSON>" in after["text"] and "Margaret" not in json.dumps(after) + srt + txt
    assert corrected["summary"]["pii_counts"].get("PERSON", 0) >= 1 > plain["summary"]["pii_counts"].get("PERSON", 0)
    # The written word has the time of the words it replaced.
    old, new = timed_words(before), timed_words(after)
    i = [w for _, _, w in old].index("cube")
    (kubectl,) = [w for w in new if w[2].startswith("kubectl")]
    assert kubectl[:2] == (old[i][0], old[i + 1][1])


def test_a_bad_corrections_file_fails_before_any_work_naming_its_line(
    capsys: pytest.CaptureFixture[str], home: Path, tmp_path: Path
) -> None:
    rules = tmp_path / "corrections.txt"
    rules.write_text("cube control => kubectl\nmy colleague -> Margaret\n", encoding="utf-8")

    code, _, stderr = run_cli(
        capsys, "run", str(tmp_path / "none.mp4"), "--home", str(home), "--corrections", str(rules)
    )

    assert code == 1
    assert f"CONFIG_INVALID: {rules}:2: expected one rule 'heard => written'" in stderr
    assert "Margaret" not in stderr
