"""Host names and domains, checked against the public suffix list shipped with tldextract (never
downloaded), and what only looks like one: a file name whose extension is also a top-level domain."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

# File name extensions that are also top-level domains (.py is Paraguay, .md Moldova, .sh St Helena).
FILE_EXTENSIONS = frozenset({"py", "md", "sh", "rs", "pl", "cc", "cs", "ps", "ai", "so", "js", "ts", "go", "rb", "io"})


def file_name(word: str) -> bool:
    """True for a name and a file extension that is also a top-level domain ("setup.py", "README.md")."""
    labels = word.lower().split(".")
    return len(labels) == 2 and labels[1] in FILE_EXTENSIONS


# A token ending in a top-level domain joined by dashes or dots, as recognition writes "dot com"
# misheard ("…-temple-mail-not-com"), or a spoken "dot com" / "not com".
TLD = r"(?:com|come|net|org|edu|gov|io|co[.\-]uk|uk|ie|ca|au|de|fr|info|biz|me|us)"
_GLUED_TLD = re.compile(rf"[A-Za-z0-9][\w.\-]*[.\-]{TLD}", re.IGNORECASE)


@lru_cache(maxsize=1)
def offline_suffix_extractor() -> Any:
    """A tldextract extractor that uses only the suffix list bundled with the package."""
    import tldextract

    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None, fallback_to_snapshot=True)


def valid_domain_end(labels: list[str]) -> int:
    """How many leading ``labels`` form the longest valid domain (registered name + public suffix)."""
    extract = offline_suffix_extractor()
    for k in range(len(labels), 1, -1):
        parts = extract(".".join(labels[:k]))
        if parts.domain and parts.suffix:
            return k
    return 0


def host_shaped(token: str) -> bool:
    """True for a token shaped like a host name or the end of an address: dotted labels ending in a
    valid public suffix ("mail.co.uk", "templemail.com"), or labels joined by dashes ending in a
    top-level domain ("temple-mail-not-com")."""
    token = token.strip(".,;:!?\"'()").lower()
    labels = [label for label in token.split(".") if label]
    if (
        "." in token
        and len(labels) >= 2
        and all(re.fullmatch(r"[a-z0-9\-_]+", label) for label in labels)
        and (valid_domain_end(labels[-3:]) or valid_domain_end(labels[-2:]))
    ):
        return True
    return bool(_GLUED_TLD.fullmatch(token)) and "-" in token
