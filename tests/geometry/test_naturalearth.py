"""Natural Earth borders: derived once, cached as JSON beside the data, rebuilt when unreadable."""
from __future__ import annotations

import json

from geo.geometry import naturalearth


def test_cache_file_is_written_and_reused(tmp_path, monkeypatch):
    monkeypatch.setattr(naturalearth, "CACHE_DIR", tmp_path)
    naturalearth._load_atlas.cache_clear()
    try:
        first = naturalearth._load_atlas()
        files = list(tmp_path.glob("borders-v*.json"))
        assert len(files) == 1 and files[0] == naturalearth._cache_file(naturalearth.natural_earth_zip())

        def refuse():
            raise AssertionError("re-derived although the cache exists")

        monkeypatch.setattr(naturalearth, "_derive_borders", refuse)
        naturalearth._load_atlas.cache_clear()
        second = naturalearth._load_atlas()
        assert second.neighbours == first.neighbours and second.borders == first.borders
    finally:
        naturalearth._load_atlas.cache_clear()


def test_corrupt_cache_is_rebuilt(tmp_path, monkeypatch):
    monkeypatch.setattr(naturalearth, "CACHE_DIR", tmp_path)
    path = naturalearth._cache_file(naturalearth.natural_earth_zip())
    path.write_text("{not json", encoding="utf-8")
    (tmp_path / "borders-v1-1-1.json").write_text("{}", encoding="utf-8")  # an older wheel's cache
    naturalearth._load_atlas.cache_clear()
    try:
        assert naturalearth._load_atlas().neighbours["UA"] == ("BY", "HU", "MD", "PL", "RO", "RU", "SK")
        assert [p.name for p in tmp_path.glob("borders-v*.json")] == [path.name]
        json.loads(path.read_text(encoding="utf-8"))
    finally:
        naturalearth._load_atlas.cache_clear()
