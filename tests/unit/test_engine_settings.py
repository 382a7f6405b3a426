"""The engine's settings: one parser for ``clearscribe run`` and the endpoint, choices made per device."""

from __future__ import annotations

import pytest

from shared.contract import ENV_ENGINE, WINDOW_SECONDS
from shared.corrections import Correction
from shared.engine_settings import EngineSettings
from shared.errors import ConfigInvalidError


def test_the_device_decides_what_is_left_open() -> None:
    cpu = EngineSettings().resolved(cuda_devices=0)
    gpu = EngineSettings().resolved(cuda_devices=1)

    assert (cpu.device, cpu.compute_type, cpu.batch_size) == ("cpu", "int8", 1)
    assert (gpu.device, gpu.compute_type, gpu.batch_size) == ("cuda", "float16", 16)
    assert cpu.beam_size == gpu.beam_size == 5 and cpu.strategy == gpu.strategy == "chunked"
    assert cpu.cpu_threads >= 1


def test_what_is_asked_for_is_kept_on_either_device() -> None:
    asked = EngineSettings(compute_type="int8", batch_size=4, beam_size=2, strategy="sequential", cpu_threads=3)

    for devices in (0, 1):
        resolved = asked.resolved(cuda_devices=devices)
        assert (resolved.compute_type, resolved.batch_size, resolved.beam_size) == ("int8", 4, 2)
        assert (resolved.strategy, resolved.cpu_threads) == ("sequential", 3)


def test_the_variables_both_hosts_read() -> None:
    values = ("cpu", "INT8", "3", "8", "Sequential", "2", "900", "Kafka; Priya Raman", "cube control => kubectl")
    environ = dict(zip(ENV_ENGINE, values, strict=True))

    settings = EngineSettings.from_env(environ)

    assert settings == EngineSettings(
        device="cpu", compute_type="int8", beam_size=3, batch_size=8, strategy="sequential", cpu_threads=2,
        window_seconds=900, vocabulary=("Kafka", "Priya Raman"),
        corrections=(Correction(("cube", "control"), "kubectl"),),
    )  # fmt: skip
    assert settings.resolved(cuda_devices=0).window_seconds == 900, "the window reaches the engine"
    assert EngineSettings.from_env({}) == EngineSettings()
    assert EngineSettings().window_seconds == WINDOW_SECONDS, "a local run cuts where the workflow cuts"


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"device": "cpu", "compute_type": "float16"}, "does not run on cpu"),
        ({"strategy": "first-30-seconds"}, "CLEARSCRIBE_STRATEGY"),
        ({"device": "tpu"}, "CLEARSCRIBE_DEVICE"),
        ({"beam_size": 0}, "at least 1"),
        ({"window_seconds": 59}, "CLEARSCRIBE_WINDOW_SECONDS"),
    ],
)
def test_settings_the_engine_cannot_use_are_refused(settings: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigInvalidError, match=message):
        EngineSettings(**settings).resolved(cuda_devices=0)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("CLEARSCRIBE_BEAM_SIZE", "five"),
        ("CLEARSCRIBE_BATCH_SIZE", "0"),
        ("CLEARSCRIBE_DEVICE", "gpu"),
        ("CLEARSCRIBE_WINDOW_SECONDS", "30"),
    ],
)
def test_a_variable_that_cannot_be_used_is_named(variable: str, value: str) -> None:
    with pytest.raises(ConfigInvalidError, match=variable):
        EngineSettings.from_env({variable: value})
