"""Object stores: where results (enriched JSON, captions) are written.

``ObjectStore`` is the interface: keys are ``/``-separated relative paths. The local store is a
directory; the S3 store (cloud) lives in ``shared.objectstore_s3``. Writes are atomic: a reader
never sees a half-written object.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Protocol

from shared.errors import OutputNotWritableError


class ObjectStore(Protocol):
    def put_bytes(self, key: str, data: bytes, content_type: str) -> str:
        """Store ``data`` under ``key``; return its URI (a local path or ``s3://…``)."""

    def get_bytes(self, key: str) -> bytes: ...

    def exists(self, key: str) -> bool: ...

    def uri(self, key: str) -> str: ...


class LocalDirStore:
    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        path = (self.root / key).resolve()
        if self.root.resolve() not in path.parents:
            raise ValueError(f"key escapes the store: {key!r}")
        return path

    def uri(self, key: str) -> str:
        return str(self._path(key))

    def put_bytes(self, key: str, data: bytes, content_type: str) -> str:
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=path.suffix)
        except OSError as exc:
            raise OutputNotWritableError(f"{path.parent}: cannot write outputs there ({exc.strerror})") from None
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.replace(tmp, path)
        except OSError as exc:
            Path(tmp).unlink(missing_ok=True)
            raise OutputNotWritableError(f"{path}: cannot be written ({exc.strerror})") from None
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return str(path)

    def get_bytes(self, key: str) -> bytes:
        return self._path(key).read_bytes()

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()
