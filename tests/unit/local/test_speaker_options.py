"""Speaker labels on the command line: ``--speakers N|auto``, ``--no-speakers``,
``CLEARSCRIBE_SPEAKERS``; the choice is part of the job's identity; ``show`` prints each speaker."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.cli.main import _settings, build_parser
from pipeline.local.identity import local_job_id, output_settings
from postprocess.config import EnrichmentConfig
from shared.config import OFFLINE_MODEL, Settings
from shared.jobstore.sqlite import SQLiteJobStore
from shared.speakers import DEFAULT_SPEAKERS, SpeakerSetting
from shared.status import JobStatus
from tests.unit.local.test_cli_errors import one_error_line, run_cli


def settings_for(*args: str) -> Settings:
    return _settings(build_parser().parse_args(["run", "in.mp4", *args]))


def test_the_flags_choose_the_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CLEARSCRIBE_SPEAKERS", raising=False)
    assert str(settings_for().speakers) == DEFAULT_SPEAKERS == "off"
    assert settings_for("--speakers", "auto").speakers == SpeakerSetting(enabled=True, count=None)
    assert settings_for("--speakers", "3").speakers == SpeakerSetting(enabled=True, count=3)
    assert settings_for("--speakers", " AUTO ").speakers == SpeakerSetting(enabled=True)
    assert settings_for("--no-speakers").speakers == SpeakerSetting(enabled=False)


def test_the_environment_sets_the_default_and_a_flag_overrides_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLEARSCRIBE_SPEAKERS", "auto")
    assert settings_for().speakers == SpeakerSetting(enabled=True)
    assert settings_for("--no-speakers").speakers == SpeakerSetting(enabled=False)
    assert settings_for("--speakers", "2").speakers == SpeakerSetting(enabled=True, count=2)


@pytest.mark.parametrize(
    "args",
    [["--speakers", "0"], ["--speakers", "21"], ["--speakers", "two"], ["--speakers", "-1"], ["--speakers", "2.5"],
     ["--speakers", "auto", "--no-speakers"], ["--speakers"]],
)  # fmt: skip
def test_a_bad_speaker_flag_is_a_usage_error(capsys: pytest.CaptureFixture[str], home: Path, args: list[str]) -> None:
    code, _, err = run_cli(capsys, "run", str(home / "in.mp4"), "--home", str(home), *args)
    assert code == 2 and "see clearscribe" in one_error_line(err)


def test_a_bad_speaker_variable_names_it(
    capsys: pytest.CaptureFixture[str], home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CLEARSCRIBE_SPEAKERS", "lots")
    code, _, err = run_cli(capsys, "run", str(home / "in.mp4"), "--home", str(home))
    line = one_error_line(err)
    assert code == 1 and "CONFIG_INVALID" in line and "CLEARSCRIBE_SPEAKERS" in line


def test_each_speaker_setting_is_another_job(tmp_path: Path) -> None:
    video = tmp_path / "a.mp4"
    video.write_bytes(b"bytes")

    def job(setting: str) -> str:
        settings = Settings(home=tmp_path, model=OFFLINE_MODEL, speakers=SpeakerSetting.parse(setting))
        return local_job_id(
            video, output_settings("run", EnrichmentConfig(), settings=settings, engine="faster-whisper")
        )

    ids = {setting: job(setting) for setting in ("off", "auto", "2", "3")}
    assert len(set(ids.values())) == 4
    assert job("Auto") == ids["auto"] and job("02") == ids["2"]  # the same choice, written another way


def test_show_prints_talk_time_and_sentiment_per_speaker(capsys: pytest.CaptureFixture[str], home: Path) -> None:
    store = SQLiteJobStore(home / "jobs.sqlite3")
    store.create_job("job-1", "/videos/a.mp4")
    for status in (JobStatus.EXTRACTING, JobStatus.TRANSCRIBING, JobStatus.ENRICHING):
        store.transition("job-1", status)
    speakers = [
        {"id": "S1", "talk_seconds": 90.0, "words": 240, "sentiment": {"compound": -0.41, "label": "negative"}},
        {"id": "S2", "talk_seconds": 30.0, "words": 80, "sentiment": {"compound": 0.32, "label": "positive"}},
    ]
    summary = {"duration_seconds": 120.0, "words": 320, "pii_counts": {}, "profanity_count": 0,
               "sentiment": {"compound": -0.2, "label": "negative"}, "speakers": speakers}  # fmt: skip
    store.transition("job-1", JobStatus.COMPLETE, outputs={}, summary=summary)

    code, out, _ = run_cli(capsys, "show", "job-1", "--home", str(home))

    assert code == 0
    lines = [line.strip() for line in out.splitlines()]
    assert "speakers:   2" in lines
    assert "S1   talks 1 min 30 s (75%), 240 words, sentiment negative (-0.41)" in lines
    assert "S2   talks 30.0 s (25%), 80 words, sentiment positive (+0.32)" in lines
