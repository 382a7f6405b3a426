"""`clearscribe report`, the timings in `clearscribe show`, and the results folder's index.html."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.local.enrich_file import enrich_file
from pipeline.local.jobs import RunOutcome
from pipeline.local.results_index import ResultsIndex
from shared.jobstore.sqlite import SQLiteJobStore
from shared.status import JobStatus
from tests.integration.outputs.test_report import Page
from tests.unit.local.test_cli_errors import one_error_line, run_cli

CALL = "Hi, this is Bartholomew Quinteros. The new release is wonderful.\nBut the invoices are a terrible mess."
STANDUP = "Quick standup today.\nEverything is on track and the team is happy."


def transcript_file(folder: Path, name: str, lines: str) -> Path:
    """A Transcript JSON with timed segments, as the speech engine writes it."""
    texts = lines.splitlines()
    data = {
        "language": "en",
        "duration": 4.0 * len(texts),
        "model": "distil-large-v3",
        "engine": "faster-whisper",
        "segments": [{"id": i, "start": 4.0 * i, "end": 4.0 * (i + 1), "text": t} for i, t in enumerate(texts)],
    }
    path = folder / name
    path.write_text(json.dumps(data))
    return path


@pytest.fixture
def store(home: Path) -> SQLiteJobStore:
    return SQLiteJobStore(home / "jobs.sqlite3")


def enrich(path: Path, store: SQLiteJobStore, home: Path, out: Path) -> RunOutcome:
    outcome = enrich_file(path, store=store, home=home, out_dir=out)
    assert outcome.status is JobStatus.COMPLETE
    return outcome


def test_a_job_writes_its_report_next_to_its_transcript(store: SQLiteJobStore, home: Path, tmp_path: Path) -> None:
    outcome = enrich(transcript_file(tmp_path, "call.json", CALL), store, home, tmp_path / "out")
    assert outcome.outputs is not None
    report = Path(outcome.outputs["html"])
    assert report == tmp_path / "out" / outcome.job_id / "report.html"
    page = Page(report.read_text(encoding="utf-8"))
    assert "call.json" in page.all_text and "Bartholomew" not in page.all_text
    assert store.get_job(outcome.job_id).outputs == outcome.outputs  # the record names it too


def test_report_rewrites_the_report_and_prints_where_it_is(
    capsys: pytest.CaptureFixture[str], store: SQLiteJobStore, home: Path, tmp_path: Path
) -> None:
    outcome = enrich(transcript_file(tmp_path, "call.json", CALL), store, home, tmp_path / "out")
    assert outcome.outputs is not None
    report = Path(outcome.outputs["html"])
    report.unlink()

    code, out, _ = run_cli(capsys, "report", outcome.job_id[:14], "--home", str(home))
    assert code == 0 and out.strip() == str(report) and report.is_file()
    elsewhere = tmp_path / "shared" / "call report.html"
    code, out, _ = run_cli(capsys, "report", outcome.job_id, "--out", str(elsewhere), "--home", str(home))
    assert code == 0 and out.strip() == str(elsewhere) and "COMPLETE" in elsewhere.read_text()


def test_report_open_uses_the_browser_only_with_a_display(
    capsys: pytest.CaptureFixture[str], store: SQLiteJobStore, home: Path, tmp_path: Path, monkeypatch
) -> None:
    outcome = enrich(transcript_file(tmp_path, "call.json", CALL), store, home, tmp_path / "out")
    opened: list[str] = []
    monkeypatch.setattr("webbrowser.open", lambda url, *a, **k: opened.append(url) or True)
    monkeypatch.setattr("sys.platform", "linux")

    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    code, out, err = run_cli(capsys, "report", outcome.job_id, "--open", "--home", str(home))
    assert code == 0 and opened == [] and "no display" in err and out.strip().endswith("report.html")

    monkeypatch.setenv("DISPLAY", ":0")
    code, out, _ = run_cli(capsys, "report", outcome.job_id, "--open", "--home", str(home))
    assert code == 0 and opened == [Path(out.strip()).as_uri()]


def test_report_of_a_job_without_a_transcript_is_a_one_line_error(
    capsys: pytest.CaptureFixture[str], store: SQLiteJobStore, home: Path
) -> None:
    store.create_job("job-failed-1", "/videos/broken.mp4")
    store.transition("job-failed-1", JobStatus.FAILED, error={"code": "INVALID_MEDIA", "message": "not media"})
    code, _, err = run_cli(capsys, "report", "job-failed-1", "--home", str(home))
    assert code == 1 and "OUTPUT_NOT_AVAILABLE" in one_error_line(err) and "FAILED" in err


def test_report_of_an_enriched_json_of_another_shape_names_the_field(
    capsys: pytest.CaptureFixture[str], store: SQLiteJobStore, home: Path, tmp_path: Path
) -> None:
    job_id = enrich(transcript_file(tmp_path, "call.json", CALL), store, home, tmp_path / "out").job_id
    stored = tmp_path / "out" / job_id / "enriched.json"
    data = json.loads(stored.read_text())
    data["transcript"]["segments"] = "oops"
    stored.write_text(json.dumps(data))
    code, _, err = run_cli(capsys, "report", job_id, "--home", str(home))
    line = one_error_line(err)
    assert code == 1 and "INVALID_TRANSCRIPT" in line and "transcript.segments: Input should be a valid array" in line
    assert str(stored) in line


def test_show_prints_how_long_each_stage_took(
    capsys: pytest.CaptureFixture[str], store: SQLiteJobStore, home: Path, tmp_path: Path
) -> None:
    outcome = enrich(transcript_file(tmp_path, "call.json", CALL), store, home, tmp_path / "out")
    code, out, _ = run_cli(capsys, "show", outcome.job_id, "--home", str(home))
    stage_lines = [ln for ln in out.splitlines() if ln.startswith("  enriching") or ln.startswith("  queued")]
    assert code == 0 and len(stage_lines) == 2 and all(ln.rstrip().endswith(" s)") for ln in stage_lines)
    assert "estimated cost" not in out  # a local job costs nothing on AWS


def test_the_index_lists_this_runs_inputs_then_the_folders_other_jobs(
    store: SQLiteJobStore, home: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    earlier = enrich(transcript_file(tmp_path, "standup.json", STANDUP), store, home, out)
    call = transcript_file(tmp_path, "call <b>&amp;.json", CALL)
    inputs = [call, tmp_path / "broken.mp4", tmp_path / "later.mp4"]
    index = ResultsIndex(out, store, inputs)

    index.record(enrich(call, store, home, out))
    path = index.record(
        RunOutcome(job_id="job-broken", status=JobStatus.FAILED, source=str(inputs[1]),
                   error={"code": "INVALID_MEDIA", "message": "not media"})
    )  # fmt: skip

    page = Page(path.read_text(encoding="utf-8"))
    rows = page.all("tr", **{"class": "job"})
    assert [r["data-status"] for r in rows] == ["COMPLETE", "FAILED", "WAITING", "COMPLETE"]
    assert [r.get("data-job") for r in rows][3] == earlier.job_id
    links = [a["href"] for a in page.all("a")]
    assert all((out / href).is_file() for href in links) and len(links) == 4  # two reports, two transcripts
    assert "call <b>&amp;.json" in page.all_text and not page.all("b")  # the name is text, escaped
    assert "INVALID_MEDIA" in page.all_text and "later.mp4" in page.all_text
    totals = [int(c["data-total"]) for c in page.with_class("pii-cell")]
    enriched = json.loads((out / links[0].replace("report.html", "enriched.json")).read_text())
    assert totals[0] == sum(enriched["pii"]["counts"].values()) >= 1


def test_report_links_the_job_s_redacted_recording_from_wherever_it_writes_the_report(
    capsys: pytest.CaptureFixture[str], home: Path, tmp_path: Path
) -> None:
    store = SQLiteJobStore(home / "jobs.sqlite3")
    outcome = enrich(transcript_file(tmp_path, "call.json", CALL), store, home, tmp_path / "out")
    assert outcome.outputs is not None
    media = Path(outcome.outputs["json"]).with_name("redacted.mp4")
    media.write_bytes(b"stands in for the redacted recording")
    # a run --redact-media job: its record names the recording among its outputs
    job = "job-with-redacted-media"
    store.create_job(job, "/videos/call.mp4")
    for status in (JobStatus.EXTRACTING, JobStatus.TRANSCRIBING, JobStatus.ENRICHING):
        store.transition(job, status)
    store.transition(job, JobStatus.COMPLETE, outputs={**outcome.outputs, "media": str(media)}, summary=outcome.summary)

    code, out, _ = run_cli(capsys, "report", job, "--home", str(home))
    page = Page(Path(out.strip()).read_text(encoding="utf-8"))
    assert code == 0 and [a["src"] for a in page.all("video")] == ["redacted.mp4"]
    elsewhere = tmp_path / "shared reports" / "call.html"
    code, out, _ = run_cli(capsys, "report", job, "--out", str(elsewhere), "--home", str(home))
    page = Page(elsewhere.read_text(encoding="utf-8"))
    assert [a["src"] for a in page.all("video")] == [f"../out/{outcome.job_id}/redacted.mp4"]
    assert (elsewhere.parent / page.all("video")[0]["src"]).resolve() == media.resolve()

    media.unlink()  # gone since: the report offers no player rather than a broken one
    code, out, _ = run_cli(capsys, "report", job, "--home", str(home))
    assert code == 0 and "<video" not in Path(out.strip()).read_text(encoding="utf-8")
