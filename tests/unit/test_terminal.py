from __future__ import annotations

import io

from pipeline.local.terminal import Progress


def test_plain_lines_step_by_tenths_and_print_completion_once() -> None:
    out = io.StringIO()
    progress = Progress(out, live=False)
    progress.start("talk.mp4")
    progress.stage("transcribing")
    for done in (0, 5, 12, 30, 31, 60, 100, 100):
        progress.audio("transcribing", done, 100)
    lines = out.getvalue().splitlines()
    assert lines[0] == "talk.mp4: transcribing"
    assert [ln.split()[2] for ln in lines[1:]] == ["0%", "12%", "30%", "60%", "100%"]


def test_each_stage_reports_its_own_progress() -> None:
    out = io.StringIO()
    progress = Progress(out, live=False)
    progress.start("a.mp4")
    for stage in ("extracting", "transcribing"):
        progress.stage(stage)
        progress.audio(stage, 50, 100)
    assert "a.mp4: transcribing 50% (0:50 / 1:40)" in out.getvalue().splitlines()


def test_quiet_prints_nothing() -> None:
    out = io.StringIO()
    progress = Progress(out, quiet=True, live=True)
    progress.start("a.mp4")
    progress.stage("extracting")
    progress.audio("extracting", 1, 2)
    progress.done()
    assert out.getvalue() == ""
