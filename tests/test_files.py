"""geo._files: the one atomic write the store, caches and map assets share."""
from __future__ import annotations

import stat

import pytest

from geo._files import atomic_copy, atomic_file, atomic_write_text, utc_now


def test_atomic_write_creates_parents_and_a_world_readable_file(tmp_path):
    target = tmp_path / "a" / "b" / "cache.json"
    atomic_write_text(target, '{"x": 1}')
    assert target.read_text(encoding="utf-8") == '{"x": 1}'
    assert stat.S_IMODE(target.stat().st_mode) == 0o644
    assert [p.name for p in target.parent.iterdir()] == ["cache.json"]


def test_a_failed_write_leaves_the_old_file_and_no_temporary_file(tmp_path):
    target = tmp_path / "cache.json"
    target.write_text("old", encoding="utf-8")
    with pytest.raises(RuntimeError), atomic_file(target) as fh:
        fh.write(b"half")
        raise RuntimeError("disk full")
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["cache.json"]


def test_atomic_copy(tmp_path):
    (tmp_path / "src.js").write_bytes(b"L.map()")
    atomic_copy(tmp_path / "src.js", tmp_path / "vendor" / "dst.js")
    assert (tmp_path / "vendor" / "dst.js").read_bytes() == b"L.map()"


def test_utc_now_is_iso_to_the_second():
    now = utc_now()
    assert now.endswith("+00:00") and len(now) == len("2024-05-14T10:00:00+00:00")
