"""Rule ids. Every rule of the engine is named (``postprocess/data/pii_rules.tsv`` says what each
does) and asks ``on(id)`` before it acts, so the per-rule benchmark (``bench.bench_pii_rules``) can
switch one off and measure what it earns. In the product every rule is on."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from pathlib import Path

RULES_FILE = Path(__file__).resolve().parents[2] / "data" / "pii_rules.tsv"
_OFF: ContextVar[frozenset[str]] = ContextVar("pii_rules_off", default=frozenset())


def on(rule: str) -> bool:
    """Whether the rule ``rule`` is on (always, outside ``rules_off``)."""
    return rule not in _OFF.get()


def off() -> frozenset[str]:
    """The rules switched off here (a cache key for what depends on them)."""
    return _OFF.get()


@contextmanager
def rules_off(rules: Iterable[str]) -> Iterator[None]:
    """Within the block, the given rules are off (for measuring what each earns)."""
    unknown = set(rules) - set(rule_table())
    if unknown:
        raise ValueError(f"unknown rule ids: {sorted(unknown)}")
    token = _OFF.set(frozenset(rules))
    try:
        yield
    finally:
        _OFF.reset(token)


@cache
def rule_table() -> dict[str, str]:
    """Every rule id and what the rule does, from the rules file."""
    table = {}
    for line in RULES_FILE.read_text("utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            rule, _, what = line.partition("\t")
            table[rule] = what
    return table
