"""The vocabulary file and its engine setting: one term per line, comments and blanks ignored, the
same terms from ``--vocabulary FILE`` and from ``CLEARSCRIBE_VOCABULARY``, bad files named by line."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.cli.main import _settings, build_parser
from pipeline.local.identity import output_settings
from postprocess.config import EnrichmentConfig
from shared.config import Settings
from shared.contract import ENV_ENGINE, ENV_VOCABULARY
from shared.engine_settings import EngineSettings
from shared.errors import ConfigInvalidError
from shared.vocabulary import (
    MAX_ENV_BYTES,
    env_bytes,
    read_vocabulary_file,
    vocabulary_from_env,
    vocabulary_prompt,
    vocabulary_to_env,
)
from tests.unit.local.test_cli_errors import run_cli


def write(tmp_path: Path, text: str, name: str = "vocabulary.txt") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_one_term_per_line_comments_and_blank_lines_ignored(tmp_path: Path) -> None:
    path = write(tmp_path, "# our products\nKubernetes\n\n  Priya   Raman  \n   # people\nC#\nkubernetes\n")

    terms = read_vocabulary_file(path)

    assert terms == ("Kubernetes", "Priya Raman", "C#"), "a # inside a term stays; a repeat is kept once"
    assert vocabulary_prompt(terms) == "Kubernetes, Priya Raman, C#"


def test_the_file_and_the_variable_give_the_same_engine_setting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path, "Grafana\nSiobhan O'Connell\n")
    monkeypatch.delenv(ENV_VOCABULARY, raising=False)

    from_file = _settings(build_parser().parse_args(["run", "in.mp4", "--vocabulary", str(path)]))
    monkeypatch.setenv(ENV_VOCABULARY, vocabulary_to_env(read_vocabulary_file(path)))
    from_env = Settings.from_env(home=tmp_path)

    assert from_file.engine.vocabulary == from_env.engine.vocabulary == ("Grafana", "Siobhan O'Connell")
    assert ENV_VOCABULARY in ENV_ENGINE, "the endpoint is given the variable with the other engine settings"
    assert EngineSettings(vocabulary=("Grafana",)).resolved(cuda_devices=0).vocabulary == ("Grafana",)


def test_the_flag_wins_over_the_variable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_VOCABULARY, "Okta;Jira")
    path = write(tmp_path, "Datadog\n")

    settings = _settings(
        build_parser().parse_args(["run", "in.mp4", "--vocabulary", str(path), "--home", str(tmp_path)])
    )

    assert settings.engine.vocabulary == ("Datadog",)


def test_the_vocabulary_is_part_of_the_job_identity() -> None:
    def identity(vocabulary: tuple[str, ...]) -> dict[str, object]:
        settings = Settings(home=Path("/tmp"), engine=EngineSettings(vocabulary=vocabulary))
        return output_settings("run", EnrichmentConfig(), settings=settings, engine="faster-whisper")

    assert identity(()) != identity(("Kafka",)) != identity(("Kafka", "Redis"))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Okta\nJira; Kafka\n", r"vocabulary.txt:2: a term may not contain ';'"),
        ("Okta\n" + "\n".join(f"term number {i}" for i in range(100)), "at most 1024"),
    ],
)
def test_a_bad_file_is_named_with_its_line(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ConfigInvalidError, match=message) as raised:
        read_vocabulary_file(write(tmp_path, text))
    assert raised.value.code == "CONFIG_INVALID"


def test_an_unreadable_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigInvalidError, match="no such file"):
        read_vocabulary_file(tmp_path / "missing.txt")
    (tmp_path / "latin1.txt").write_bytes("Müller\n".encode("latin-1"))
    with pytest.raises(ConfigInvalidError, match="not UTF-8"):
        read_vocabulary_file(tmp_path / "latin1.txt")


def test_a_variable_too_long_for_the_endpoint_is_refused() -> None:
    raw = ";".join(["Elasticsearch"] * 2 + [f"t{i:04d}" for i in range(MAX_ENV_BYTES // 5)])
    with pytest.raises(ConfigInvalidError, match=ENV_VOCABULARY):
        EngineSettings.from_env({ENV_VOCABULARY: raw})
    with pytest.raises(ConfigInvalidError, match="at most 1024"):
        EngineSettings(vocabulary=tuple(f"t{i:04d}" for i in range(300)))
    accented = tuple(f"Müllerstraße {i:03d}" for i in range(60))  # 1019 characters, 1139 bytes
    assert len(vocabulary_to_env(accented)) <= MAX_ENV_BYTES < env_bytes(vocabulary_to_env(accented))
    with pytest.raises(ConfigInvalidError, match="1139 bytes"):
        EngineSettings(vocabulary=accented)


_TERM = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp"), blacklist_characters=";#\r\n\x85"),
    min_size=1,
    max_size=20,
).filter(lambda t: t.strip())


@given(st.lists(_TERM, max_size=20))
def test_the_variable_carries_a_file_s_terms_unchanged(terms: list[str]) -> None:
    from_file = tuple(dict.fromkeys(" ".join(t.split()) for t in terms))
    casefolded: dict[str, str] = {}
    for term in from_file:
        casefolded.setdefault(term.casefold(), term)
    expected = tuple(casefolded.values())
    if env_bytes(vocabulary_to_env(expected)) > MAX_ENV_BYTES:
        return
    assert vocabulary_from_env(vocabulary_to_env(expected), name=ENV_VOCABULARY) == expected


def test_a_bad_vocabulary_file_fails_the_run_before_any_work(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, "Okta\nJira; Kafka\n")

    code, _, stderr = run_cli(
        capsys, "run", str(tmp_path / "none.mp4"), "--home", str(tmp_path), "--vocabulary", str(path)
    )

    assert code == 1
    assert stderr.strip() == f"clearscribe: CONFIG_INVALID: {path}:2: a term may not contain ';'"
