"""The facts ``shared/contract.py`` holds are the ones the code and the docs use."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pipeline.cloud.events import check_media_key
from shared.contract import AUDIO_SUFFIXES, MEDIA_SUFFIXES, VIDEO_SUFFIXES
from shared.errors import InvalidMediaError

DOCS = Path(__file__).resolve().parents[3] / "docs"


def documented_suffixes(kind: str) -> tuple[str, ...]:
    """The suffixes docs/operations.md lists after ``<kind>:`` in its "Accepted files" sentence."""
    text = " ".join((DOCS / "operations.md").read_text(encoding="utf-8").split())
    sentence = text[text.index("Accepted files are recognised by extension") :]
    match = re.search(rf"{kind}: `([^`]+)`", sentence)
    assert match, f"docs/operations.md lists no {kind} suffixes"
    return tuple(match.group(1).split())


def test_the_docs_list_exactly_the_accepted_suffixes() -> None:
    assert documented_suffixes("video") == VIDEO_SUFFIXES
    assert documented_suffixes("audio") == AUDIO_SUFFIXES


def test_no_other_doc_lists_a_suffix_set_of_its_own() -> None:
    for page in DOCS.glob("*.md"):
        assert "media-suffixes" not in page.read_text(encoding="utf-8"), page.name


@pytest.mark.parametrize("suffix", MEDIA_SUFFIXES)
def test_registration_accepts_every_listed_suffix_in_any_case(suffix: str) -> None:
    check_media_key(f"uploads/talk{suffix.upper()}")
    check_media_key(f"uploads/talk{suffix}")


@pytest.mark.parametrize("key", ["uploads/notes.txt", "uploads/talk.mp4.json", "uploads/mp4", "uploads/"])
def test_registration_refuses_what_is_not_listed(key: str) -> None:
    with pytest.raises(InvalidMediaError):
        check_media_key(key)
