"""What one dashboard session may ask of the shared server (#19): text extracted per article and
per session (anonymous visitors less than editors), and reference-line uploads (size,
vertices, nesting); plus a cache bounded by bytes rather than by entries.

No Streamlit here: the page passes the session's counters in and shows the problems returned.
"""
from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass

from .. import settings
from ..errors import EventAtlasError


class UploadError(EventAtlasError, ValueError):
    """An uploaded file the dashboard will not use; the message says why, for the visitor."""


def _int_setting(name: str) -> int:
    return int(settings.number(name))


@dataclass(frozen=True)
class TextLimits:
    """Characters of article text one session may extract: per article and in all."""

    per_article: int
    per_session: int

    @property
    def upload_bytes(self) -> int:
        """Largest uploaded file read at all (UTF-8 takes at most 4 bytes a character; HTML
        markup is dropped before counting, so allow it twice that)."""
        return 8 * self.per_session


def text_limits(editing: bool) -> TextLimits:
    """The caps of an editor's session, or of an anonymous visitor's (settings table)."""
    prefix = "editor_" if editing else ""
    return TextLimits(_int_setting(prefix + "max_article_chars"), _int_setting(prefix + "max_session_chars"))


def admit(articles: Iterable, used: int, limits: TextLimits) -> tuple[list, list[str], int]:
    """(articles to extract, one problem per refused article, characters used after): an
    article over the per-article cap, or one that would take the session over its cap, is
    refused by name; the others go through in order."""
    kept, problems = [], []
    for a in articles:
        n = len(a.text)
        where = getattr(a, "origin", None) or a.id
        if n > limits.per_article:
            problems.append(f"{where}: {n:,} characters, over the limit of {limits.per_article:,} per article")
        elif used + n > limits.per_session:
            problems.append(f"{where}: {n:,} characters would take this session over its limit of "
                            f"{limits.per_session:,} ({used:,} used)")
        else:
            kept.append(a)
            used += n
    return kept, problems, used


# ----------------------------------------------------------------------- reference line

_LINE_TYPES = ("LineString", "MultiLineString", "Feature", "FeatureCollection", "GeometryCollection",
               "Polygon", "MultiPolygon")
MAX_DEPTH = 12  # FeatureCollection > Feature > MultiPolygon > ring > position: well under this


def line_limits() -> tuple[int, int]:
    """(bytes, vertices) a reference-line upload may have."""
    return _int_setting("max_line_kb") * 1000, _int_setting("max_line_vertices")


def _vertices(node, max_vertices: int) -> int:
    """Positions in a GeoJSON object, walked without recursion; too deep or too many: UploadError."""
    count, stack = 0, [(node, 0)]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise UploadError(f"nested more than {MAX_DEPTH} levels deep: not a line")
        if isinstance(item, dict):
            stack.extend((v, depth + 1) for k, v in item.items() if k in ("coordinates", "geometry", "geometries",
                                                                           "features"))
        elif isinstance(item, list):
            if item and all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in item):
                count += 1
                if count > max_vertices:
                    raise UploadError(f"more than {max_vertices:,} vertices (EVENT_ATLAS_MAX_LINE_VERTICES)")
            else:
                stack.extend((x, depth + 1) for x in item)
    return count


def parse_reference_line(data: bytes, *, max_bytes: int | None = None, max_vertices: int | None = None) -> dict:
    """An uploaded reference line's GeoJSON, checked before any geometry is built: size, JSON
    nesting, type and vertex count. Anything else is an UploadError saying what is wrong."""
    limit_bytes, limit_vertices = line_limits()
    max_bytes = limit_bytes if max_bytes is None else max_bytes
    max_vertices = limit_vertices if max_vertices is None else max_vertices
    if len(data) > max_bytes:
        raise UploadError(f"the file is {len(data):,} bytes, over the limit of {max_bytes:,} (EVENT_ATLAS_MAX_LINE_KB)")
    try:
        geojson = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise UploadError(f"not UTF-8 text (byte {exc.start})") from None
    except json.JSONDecodeError as exc:
        raise UploadError(f"not JSON: {exc.msg} at line {exc.lineno}") from None
    except RecursionError:
        raise UploadError("JSON nested too deeply: not a line") from None
    if not isinstance(geojson, dict) or geojson.get("type") not in _LINE_TYPES:
        raise UploadError("not a GeoJSON line (expected a LineString, MultiLineString, Feature or FeatureCollection)")
    if _vertices(geojson, max_vertices) < 2:
        raise UploadError("the line has fewer than 2 vertices")
    return geojson


class ByteLRU:
    """A thread-safe least-recently-used cache bounded by the bytes of its values (`size(value)`),
    not by their count: one server-wide instance holds what every session computed."""

    def __init__(self, max_bytes: int, size=lambda v: getattr(v, "nbytes", 0)) -> None:
        self.max_bytes = max_bytes
        self._size = size
        self._items: OrderedDict = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    @property
    def bytes(self) -> int:
        return self._bytes

    def get(self, key):
        with self._lock:
            if key not in self._items:
                return None
            self._items.move_to_end(key)
            return self._items[key][0]

    def put(self, key, value) -> None:
        n = int(self._size(value))
        with self._lock:
            if key in self._items:
                self._bytes -= self._items.pop(key)[1]
            if n > self.max_bytes:
                return  # bigger than the whole cache: computed, used, not kept
            self._items[key] = (value, n)
            self._bytes += n
            while self._bytes > self.max_bytes:
                _, (_, old) = self._items.popitem(last=False)
                self._bytes -= old

    def __len__(self) -> int:
        return len(self._items)
