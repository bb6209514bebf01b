"""#19 items 2 and 3: what one session may ask of the shared server."""
from __future__ import annotations

import json

import numpy as np
import pytest

from geo.dashboard.limits import ByteLRU, TextLimits, UploadError, admit, parse_reference_line, text_limits
from geo.model import Article


def _art(i: str, n: int) -> Article:
    return Article(id=i, text="x" * n, published=None, origin=f"{i}.txt")


def test_visitors_have_smaller_text_caps_than_editors(monkeypatch):
    visitor, editor = text_limits(False), text_limits(True)
    assert visitor.per_article < editor.per_article < 1_000_000 and visitor.per_session < editor.per_session
    monkeypatch.setenv("EVENT_ATLAS_MAX_ARTICLE_CHARS", "123")
    assert text_limits(False).per_article == 123


def test_articles_over_the_caps_are_refused_by_name():
    kept, problems, used = admit([_art("a", 50), _art("long", 101), _art("b", 40), _art("c", 20)], 30,
                                 TextLimits(per_article=100, per_session=130))
    assert [a.id for a in kept] == ["a", "b"] and used == 120
    assert problems[0].startswith("long.txt: 101 characters, over the limit of 100 per article")
    assert problems[1].startswith("c.txt: 20 characters would take this session over its limit of 130 (120 used)")


def _line(n: int) -> dict:
    return {"type": "Feature", "properties": {},
            "geometry": {"type": "LineString", "coordinates": [[30 + i / n, 50.0] for i in range(n)]}}


def test_a_good_line_parses():
    assert parse_reference_line(json.dumps(_line(3)).encode())["geometry"]["type"] == "LineString"


@pytest.mark.parametrize("data,why", [
    (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),  # RecursionError before the fix
    (json.dumps({"type": "LineString",
                 "coordinates": [[[[[[[[[[[[[[[1, 2]]]]]]]]]]]]]]]}).encode(), "nested more than"),
    (json.dumps(_line(60_001)).encode(), "more than 50,000 vertices"),
    (b"\xff\xfe", "not UTF-8"),
    (b"{nope", "not JSON"),
    (json.dumps({"type": "Point", "coordinates": [1, 2]}).encode(), "not a GeoJSON line"),
    (json.dumps(_line(1)).encode(), "fewer than 2 vertices"),
])
def test_bad_reference_lines_say_why(data, why):
    with pytest.raises(UploadError, match=why):
        parse_reference_line(data, max_bytes=10_000_000)


def test_a_reference_line_over_the_size_cap_is_refused_before_parsing(monkeypatch):
    monkeypatch.setenv("EVENT_ATLAS_MAX_LINE_KB", "1")
    with pytest.raises(UploadError, match="over the limit of 1,000"):
        parse_reference_line(b" " * 1001)


def test_the_cache_is_bounded_by_bytes_not_entries():
    cache = ByteLRU(max_bytes=3 * 8000)
    for i in range(10):
        cache.put(i, np.zeros(1000))  # 8,000 bytes each
        assert cache.bytes <= 3 * 8000
    assert len(cache) == 3 and cache.get(9) is not None and cache.get(0) is None
    cache.get(7)
    cache.put("new", np.zeros(1000))
    assert cache.get(7) is not None and cache.get(8) is None  # least recently used goes first
    cache.put("huge", np.zeros(10_000))  # bigger than the whole cache: not kept
    assert cache.get("huge") is None and cache.bytes <= 3 * 8000
