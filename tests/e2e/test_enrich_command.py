"""`clearscribe enrich`: re-enrichment of existing transcripts, without speech recognition."""

from __future__ import annotations

import json
from pathlib import Path

from pipeline.cli.main import main
from shared.models import Segment, Transcript


def run_cli(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


NAME, EMAIL = "Jennifer Lopez", "jennifer.lopez@example.org"


def test_a_transcript_json_gets_clean_outputs_with_captions(tmp_path: Path, home: Path, capsys) -> None:
    transcript = Transcript(
        language="en",
        duration=9.0,
        model="distil-large-v3",
        engine="faster-whisper",
        segments=(
            Segment(0, 0.0, 4.0, f"Hi, this is {NAME} from the billing team."),
            Segment(1, 4.0, 9.0, f"Reach me at {EMAIL}, it was a fantastic quarter."),
        ),
    )
    src = tmp_path / "call.json"
    src.write_text(transcript.to_json())
    code, out, _ = run_cli(capsys, "enrich", str(src), "--json", "--home", str(home))
    record = json.loads(out)
    outputs = set(record["outputs"])
    assert code == 0 and record["status"] == "COMPLETE" and outputs == {"json", "srt", "vtt", "txt", "html"}
    everything = " ".join(Path(p).read_text() for p in record["outputs"].values())
    assert not any(part.lower() in everything.lower() for part in (*NAME.split(), EMAIL.split("@")[0]))
    enriched = json.loads(Path(record["outputs"]["json"]).read_text())
    assert enriched["model"] == {"name": "distil-large-v3", "engine": "faster-whisper"}
    assert enriched["transcript"]["segments"][1]["end"] == 9.0


def test_plain_text_gets_json_txt_and_the_report_but_no_timed_captions(tmp_path: Path, home: Path, capsys) -> None:
    src = tmp_path / "notes.txt"
    src.write_text(f"my name is {NAME}\n\nthe launch went really well\n")
    code, out, _ = run_cli(capsys, "enrich", str(src), "--json", "--home", str(home))
    record = json.loads(out)
    assert code == 0 and set(record["outputs"]) == {"json", "txt", "html"}
    assert Path(record["outputs"]["txt"]).read_text().splitlines() == [
        "my name is <PERSON>",
        "the launch went really well",
    ]


def test_an_unreadable_transcript_fails_with_a_reason(tmp_path: Path, home: Path, capsys) -> None:
    src = tmp_path / "broken.json"
    src.write_text('{"segments": [{"start": "soon"}]}')
    code, _, err = run_cli(capsys, "enrich", str(src), "--home", str(home))
    assert code == 1 and "INVALID_TRANSCRIPT" in err and "broken.json" in err
