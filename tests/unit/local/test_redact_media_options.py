"""The redacted recording on the command line: ``--redact-media``, ``--redact-media-with``,
``--redact-media-profanity``, ``--no-redact-media`` and their ``CLEARSCRIBE_REDACT_MEDIA*`` variables; the
choice is part of the job's identity only when it is on."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.cli.main import _settings, build_parser
from pipeline.local.identity import local_job_id, output_settings
from postprocess.config import EnrichmentConfig
from shared.config import OFFLINE_MODEL, MediaRedaction, Settings
from tests.unit.local.test_cli_errors import one_error_line, run_cli

VARIABLES = ("CLEARSCRIBE_REDACT_MEDIA", "CLEARSCRIBE_REDACT_MEDIA_WITH", "CLEARSCRIBE_REDACT_MEDIA_PROFANITY")


@pytest.fixture(autouse=True)
def _no_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)


def media_for(*args: str) -> MediaRedaction:
    return _settings(build_parser().parse_args(["run", "in.mp4", *args])).redact_media


def test_off_by_default_and_the_flags_turn_it_on() -> None:
    assert media_for() == MediaRedaction(enabled=False, fill="tone", profanity=False)
    assert media_for("--redact-media") == MediaRedaction(enabled=True, fill="tone", profanity=False)
    assert media_for("--redact-media", "--redact-media-with", "silence").fill == "silence"
    # the two refinements ask for it by themselves
    assert media_for("--redact-media-with", "silence") == MediaRedaction(enabled=True, fill="silence")
    assert media_for("--redact-media-profanity") == MediaRedaction(enabled=True, profanity=True)


def test_the_environment_sets_the_defaults_and_flags_override_them(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLEARSCRIBE_REDACT_MEDIA", "on")
    monkeypatch.setenv("CLEARSCRIBE_REDACT_MEDIA_WITH", "Silence")
    monkeypatch.setenv("CLEARSCRIBE_REDACT_MEDIA_PROFANITY", "yes")
    assert media_for() == MediaRedaction(enabled=True, fill="silence", profanity=True)
    assert media_for("--no-redact-media").enabled is False
    assert media_for("--redact-media-with", "tone") == MediaRedaction(enabled=True, fill="tone", profanity=True)
    monkeypatch.setenv("CLEARSCRIBE_REDACT_MEDIA", "off")
    assert media_for().enabled is False  # the fill and profanity variables alone do not ask for it
    assert media_for("--redact-media").fill == "silence"


@pytest.mark.parametrize(
    "name, value", [("CLEARSCRIBE_REDACT_MEDIA", "maybe"), ("CLEARSCRIBE_REDACT_MEDIA_WITH", "beep")]
)
def test_a_bad_variable_names_it(
    capsys: pytest.CaptureFixture[str], home: Path, monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    monkeypatch.setenv(name, value)
    code, _, err = run_cli(capsys, "run", str(home / "in.mp4"), "--home", str(home))
    line = one_error_line(err)
    assert code == 1 and "CONFIG_INVALID" in line and name in line


@pytest.mark.parametrize(
    "args", [["--redact-media-with", "beep"], ["--redact-media", "--no-redact-media"], ["--redact-media-with"]]
)
def test_a_bad_flag_is_a_usage_error(capsys: pytest.CaptureFixture[str], home: Path, args: list[str]) -> None:
    code, _, err = run_cli(capsys, "run", str(home / "in.mp4"), "--home", str(home), *args)
    assert code == 2 and "see clearscribe" in one_error_line(err)


def test_turning_it_off_while_refining_it_is_refused(capsys: pytest.CaptureFixture[str], home: Path) -> None:
    code, _, err = run_cli(
        capsys, "run", str(home / "in.mp4"), "--home", str(home), "--no-redact-media", "--redact-media-with", "tone"
    )
    assert code == 1 and "CONFIG_INVALID" in one_error_line(err) and "--no-redact-media" in err


def test_each_redacted_media_setting_is_another_job_and_off_keeps_the_old_ids(tmp_path: Path) -> None:
    video = tmp_path / "a.mp4"
    video.write_bytes(b"bytes")

    def job(media: MediaRedaction | None) -> str:
        settings = Settings(home=tmp_path, model=OFFLINE_MODEL, **({"redact_media": media} if media else {}))
        return local_job_id(
            video, output_settings("run", EnrichmentConfig(), settings=settings, engine="faster-whisper")
        )

    without = job(None)
    assert job(MediaRedaction(enabled=False, fill="silence", profanity=True)) == without
    ids = {
        job(MediaRedaction(enabled=True)),
        job(MediaRedaction(enabled=True, fill="silence")),
        job(MediaRedaction(enabled=True, profanity=True)),
    }
    assert len(ids) == 3 and without not in ids
