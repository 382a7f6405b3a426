"""Replacing attributes (and dict items) of moto's classes for the life of a sandbox, and back."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

_MISSING = object()


class Patches:
    """Apply ``(target, name, value)`` replacements — ``setattr`` on objects, item assignment on
    dicts — and undo them in reverse order on exit (or :meth:`undo`)."""

    def __init__(self, replacements: Iterable[tuple[Any, Any, Any]]) -> None:
        self._replacements = list(replacements)
        self._saved: list[tuple[Any, Any, Any]] = []

    def apply(self) -> Patches:
        for target, name, value in self._replacements:
            if isinstance(target, dict):
                self._saved.append((target, name, target.get(name, _MISSING)))
                target[name] = value
            else:
                self._saved.append((target, name, vars(target).get(name, _MISSING)))
                setattr(target, name, value)
        return self

    def undo(self) -> None:
        while self._saved:
            target, name, original = self._saved.pop()
            if isinstance(target, dict):
                if original is _MISSING:
                    target.pop(name, None)
                else:
                    target[name] = original
            elif original is _MISSING:
                delattr(target, name)
            else:
                setattr(target, name, original)

    def __enter__(self) -> Patches:
        return self.apply()

    def __exit__(self, *exc: object) -> None:
        self.undo()
