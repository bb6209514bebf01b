"""Small file helpers shared by the store, the caches and the map assets (one copy of each).

Files are written to a temporary name beside the target and renamed over it, so a concurrent
reader (another Streamlit worker, a second ingest) never sees half a file; on failure the
temporary file is removed. Written files get mode 0644 (mkstemp's own is owner-only), since
static files must be readable by whoever serves them.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import BinaryIO

FILE_MODE = 0o644


@contextmanager
def atomic_file(path: str | os.PathLike) -> Iterator[BinaryIO]:
    """A binary file to write that replaces `path` (parents created) only when the block succeeds."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            yield fh
        os.chmod(tmp, FILE_MODE)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_write_text(path: str | os.PathLike, text: str) -> None:
    """Write `text` (UTF-8) to `path` atomically."""
    with atomic_file(path) as fh:
        fh.write(text.encode("utf-8"))


def atomic_copy(src: str | os.PathLike, dst: str | os.PathLike) -> None:
    """Copy `src` to `dst` atomically."""
    with open(src, "rb") as fin, atomic_file(dst) as fout:
        shutil.copyfileobj(fin, fout)


def utc_now() -> str:
    """The current UTC time as ISO 8601 to the second (timestamps in the store and caches)."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds")
