"""A local job is the same job only when its content and everything that shapes its outputs agree."""

from __future__ import annotations

from pathlib import Path

from pipeline.local.identity import local_job_id, output_settings
from postprocess.config import EnrichmentConfig
from shared.config import OFFLINE_MODEL, Settings
from shared.engine_settings import EngineSettings


def _run_id(path: Path, **changes: object) -> str:
    enrichment = changes.pop("enrichment", EnrichmentConfig())
    engine = changes.pop("engine_settings", None)
    settings = Settings(home=Path("/h"), model=OFFLINE_MODEL).with_(engine=engine, **changes)
    return local_job_id(path, output_settings("run", enrichment, settings=settings, engine="faster-whisper"))


def test_a_renamed_copy_is_the_same_job(tmp_path: Path) -> None:
    a, b = tmp_path / "a.mp4", tmp_path / "copy of a.mp4"
    a.write_bytes(b"same bytes")
    b.write_bytes(b"same bytes")
    assert _run_id(a) == _run_id(b)
    b.write_bytes(b"other bytes")
    assert _run_id(a) != _run_id(b)


def test_every_setting_that_changes_the_outputs_changes_the_job(tmp_path: Path) -> None:
    video = tmp_path / "a.mp4"
    video.write_bytes(b"bytes")
    base = _run_id(video)
    variants = {
        "model": _run_id(video, model="tiny.en"),
        "beam": _run_id(video, engine_settings=EngineSettings(beam_size=1)),
        "batch": _run_id(video, engine_settings=EngineSettings(batch_size=8)),
        "compute type": _run_id(video, engine_settings=EngineSettings(compute_type="int8_float32")),
        "placeholder": _run_id(video, enrichment=EnrichmentConfig(placeholder_style="mask")),
        "entities": _run_id(video, enrichment=EnrichmentConfig(pii_entities=("PERSON",))),
    }
    assert base not in variants.values()
    assert len(set(variants.values())) == len(variants)
    assert _run_id(video, max_bytes=10, max_duration_seconds=5) == base  # limits do not change outputs


def test_run_and_enrich_of_the_same_file_are_different_jobs(tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("hello there\n")
    enrich_id = local_job_id(notes, output_settings("enrich", EnrichmentConfig()))
    assert enrich_id != _run_id(notes)


def test_an_unreadable_input_still_gets_a_stable_id(tmp_path: Path) -> None:
    missing = tmp_path / "missing.mp4"
    assert _run_id(missing) == _run_id(missing)
    assert _run_id(missing) != _run_id(tmp_path / "other-missing.mp4")
