"""What the product's wheel holds: the packages a user runs, never the developer tools beside them."""

from __future__ import annotations

import tomllib
from pathlib import Path

from setuptools import find_packages

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))


def wheel_packages() -> list[str]:
    """The packages ``pip install .`` puts in the wheel, found as setuptools finds them."""
    find = PYPROJECT["tool"]["setuptools"]["packages"]["find"]
    return find_packages(str(ROOT), include=find["include"], exclude=find.get("exclude", ()))


def test_the_wheel_has_the_product_and_none_of_the_developer_tools() -> None:
    packages = wheel_packages()
    assert {"shared", "pipeline", "postprocess", "infra"} <= set(packages)
    tools = [p for p in packages if p.split(".")[0] in {"sandbox", "tests", "bench"}]
    assert not tools, f"developer tools in the wheel: {tools}"


def test_every_console_script_runs_shipped_code() -> None:
    shipped = {p.split(".")[0] for p in wheel_packages()}
    for name, entry in PYPROJECT["project"]["scripts"].items():
        assert entry.split(".")[0] in shipped, f"{name} = {entry} is not in the wheel"
