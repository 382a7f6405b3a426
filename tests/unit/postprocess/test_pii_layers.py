"""The PII engine's layers point one way: core → detectors → passes → the engine and its policy.

Read from the source, not by importing it: a module of a lower layer names no module of a higher
one, and no detector names another detector (what two detectors share lives in the core)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[3] / "postprocess" / "pii"
LAYERS = ("core", "detectors", "passes")
SPEAKING_GROUPS = ("name", "answering", "capitalised", "here")


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return {n for n in names if n.startswith("postprocess.pii")}


def _modules(layer: str) -> list[Path]:
    return sorted((PACKAGE / layer).glob("*.py"))


def test_every_layer_has_modules() -> None:
    assert all(_modules(layer) for layer in LAYERS)


@pytest.mark.parametrize("layer", LAYERS)
def test_a_layer_imports_only_the_layers_below_it(layer: str) -> None:
    allowed = {f"postprocess.pii.{below}" for below in LAYERS[: LAYERS.index(layer) + 1]}
    for path in _modules(layer):
        for name in _imports(path):
            assert any(name == a or name.startswith(a + ".") for a in allowed), (path.name, name)


def test_no_detector_imports_another() -> None:
    for path in _modules("detectors"):
        if path.name == "__init__.py":
            continue  # the list of detectors
        others = {n for n in _imports(path) if n.startswith("postprocess.pii.detectors")}
        assert not others, (path.name, others)


def test_passes_do_not_reach_into_detectors() -> None:
    for path in _modules("passes"):
        assert not {n for n in _imports(path) if n.startswith("postprocess.pii.detectors")}, path.name


def test_every_rule_the_code_asks_for_has_an_id_in_the_rules_file_and_every_id_is_used() -> None:
    from postprocess.pii.core.cues import CUES
    from postprocess.pii.core.rules import rule_table

    CUE_KINDS = tuple(CUES)

    source = "\n".join(p.read_text("utf-8") for p in PACKAGE.rglob("*.py"))
    asked = set(re.findall(r'\bon\("([A-Za-z0-9_.]+)"\)', source))
    asked |= set(re.findall(r'"((?:sec|name|cue)\.[A-Za-z_.]+)"', source)) & set(rule_table())
    dynamic = {"cue.": CUE_KINDS, "name.before_speaking.": SPEAKING_GROUPS, "sec.": ("PASSWORD", "USERNAME")}
    asked |= {prefix + kind for prefix, kinds in dynamic.items() for kind in kinds}
    assert asked == set(rule_table())
