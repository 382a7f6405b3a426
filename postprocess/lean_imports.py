"""Importing presidio and spaCy without the machine-learning frameworks the enrichers do not use.

presidio-analyzer imports ``transformers`` (and through it ``torch``) at import time when they
are installed, for its Hugging Face NER engines, and spaCy's thinc imports ``torch`` for its
optional PyTorch layers. The enrichers run a CPU spaCy pipeline only, and in a
development or local install that also has the inference extra, those imports cost seconds of
cold start. ``without_unused_ml_frameworks`` makes them fail as "not installed" while presidio
are imported (they then disable those optional parts) and restores them right after, so
other code in the process can still import them normally.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

UNUSED_BY_ENRICHERS = ("transformers", "torch")


@contextmanager
def without_unused_ml_frameworks(names: tuple[str, ...] = UNUSED_BY_ENRICHERS) -> Iterator[None]:
    """Within the block, importing any of ``names`` not yet imported raises ImportError."""
    blocked = [name for name in names if name not in sys.modules]
    for name in blocked:
        sys.modules[name] = None  # type: ignore[assignment]
    try:
        yield
    finally:
        for name in blocked:
            if sys.modules.get(name, "") is None:
                del sys.modules[name]
