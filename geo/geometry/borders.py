"""Distance to international land borders (or any line), exact on the WGS84 ellipsoid, and fast.

The API: distances to a border or to any GeoJSON line, the border lines themselves, countries
and their neighbours. What "exact" means and how it stays fast is geo.geometry.kernel's
docstring; where the borders come from (Natural Earth 10m, cached) is geo.geometry.naturalearth's.
"""
from __future__ import annotations

import functools
import json
from collections.abc import Mapping, Sequence

import numpy as np
import shapely
from shapely.geometry import shape

from ..errors import BorderError
from .kernel import _build_index, _coordinates, _distances, _LineIndex, _short
from .naturalearth import CACHE_DIR, _countries, _country_tree, _line_parts, _load_atlas, natural_earth_zip

__all__ = [
    "CACHE_DIR",
    "SIDE_TOLERANCE_KM",
    "border_geojson",
    "country_at",
    "country_codes",
    "country_name",
    "distance_to_border_km",
    "distance_to_line_km",
    "lines_from_geojson",
    "natural_earth_zip",
    "neighbours",
]

#: How far outside Natural Earth's coarse 10m polygons a point still takes the nearest country
#: (harbour cities and river banks the simplified coastline cuts off), km.
SIDE_TOLERANCE_KM = 5.0

# --------------------------------------------------------------------------- input checks


def _code(code) -> str:
    if not isinstance(code, str):
        raise BorderError(f"country code must be an ISO 3166-1 alpha-2 string, got {_short(code)}")
    norm = code.strip().upper()
    if norm not in _load_atlas().names:
        raise BorderError(f"unknown country code {code!r}; expected an ISO 3166-1 alpha-2 code such as 'UA'")
    return norm


# --------------------------------------------------------------------------- borders


def _pair(a, b) -> tuple[str, str]:
    a, b = _code(a), _code(b)
    pair = (a, b) if a <= b else (b, a)
    if pair not in _load_atlas().borders:
        raise BorderError(f"{a} and {b} share no land border")
    return pair


@functools.lru_cache(maxsize=64)
def _border_lines(pair: tuple[str, str]) -> shapely.MultiLineString:
    return shapely.from_wkb(_load_atlas().borders[pair])


@functools.lru_cache(maxsize=64)
def _border_index(pair: tuple[str, str]) -> _LineIndex:
    return _build_index(_border_lines(pair))


def distance_to_border_km(lats, lons, a: str = "UA", b: str = "RU") -> np.ndarray:
    """Geodesic distance in km (WGS84) from each point to the land border shared by `a` and `b`.

    `lats`/`lons` may be scalars, sequences or arrays of the same shape; the result is a float64
    array of that shape (a scalar gives a 1-element array). A NaN latitude or longitude gives NaN.
    The distance is the same for (a, b) and (b, a), and it is the distance to the border line,
    whichever side of it the point is on (or at sea: coasts are not border). Exact as defined in
    the module docstring. Raises BorderError for latitudes outside [-90, 90], longitudes outside
    [-180, 180], unknown ISO 3166-1 alpha-2 codes, or countries sharing no land border.
    """
    pair = _pair(a, b)
    return _distances(_border_index(pair), lats, lons)


def border_geojson(a: str = "UA", b: str = "RU") -> dict:
    """The border shared by `a` and `b` as a GeoJSON MultiLineString geometry ([lon, lat] pairs)."""
    lines = _border_lines(_pair(a, b))
    return {
        "type": "MultiLineString",
        "coordinates": [shapely.get_coordinates(line).tolist() for line in shapely.get_parts(lines)],
    }


def country_codes() -> list[str]:
    """Sorted ISO 3166-1 alpha-2 codes of every country in the data (Kosovo is 'XK')."""
    return sorted(_load_atlas().names)


def country_name(code: str) -> str:
    """English name of a country, e.g. country_name('UA') == 'Ukraine'."""
    return _load_atlas().names[_code(code)]


def neighbours(code: str) -> list[str]:
    """Sorted codes of the countries sharing a land border (a line, not a point) with `code`."""
    return list(_load_atlas().neighbours[_code(code)])


def country_at(lats, lons, tolerance_km: float = 0.0) -> np.ndarray:
    """ISO alpha-2 code of the country containing each point ('' at sea or for NaN), object array.

    Same input rules as distance_to_border_km. A point exactly on a border gets one of the two.
    Areas without an ISO code in Natural Earth (e.g. the UK bases on Cyprus) also give ''.
    With `tolerance_km`, a point outside every polygon (the coarse 10m coast or a river bank cuts
    off a harbour city such as Kherson) takes the nearest country within that distance.
    """
    lat, lon, shape_ = _coordinates(lats, lons)
    out = np.full(lat.size, "", dtype=object)
    valid = np.flatnonzero(~(np.isnan(lat) | np.isnan(lon)))
    if valid.size:
        owners = _countries()[0]
        pt, part = _country_tree().query(shapely.points(lon[valid], lat[valid]), predicate="intersects")
        first = np.unique(pt, return_index=True)[1]
        out[valid[pt[first]]] = owners[part[first]]
        if tolerance_km > 0:
            _nearest_within(out, lat, lon, valid, owners, tolerance_km)
    return out.reshape(shape_)


def _nearest_within(out: np.ndarray, lat: np.ndarray, lon: np.ndarray, valid: np.ndarray, owners,
                    tolerance_km: float) -> None:
    """Fill the points of `out` still without a country with the nearest one within `tolerance_km`."""
    from .geodesy import great_circle_km

    tree = _country_tree()
    for i in valid[out[valid] == ""]:
        point = shapely.Point(lon[i], lat[i])
        degrees = tolerance_km / (111.0 * max(np.cos(np.radians(lat[i])), 0.05))
        found = tree.query_nearest(point, max_distance=degrees)
        if len(found):
            nearest = shapely.shortest_line(point, tree.geometries[found[0]]).coords[-1]
            if great_circle_km(lat[i], lon[i], nearest[1], nearest[0]) <= tolerance_km:
                out[i] = owners[found[0]]


# --------------------------------------------------------------------------- arbitrary lines

_LINE_TYPES = ("LineString", "MultiLineString")
_AREA_TYPES = ("Polygon", "MultiPolygon")


def _geometries(obj, where: str) -> list[tuple[str, Mapping]]:
    """Flatten a GeoJSON object into (location, geometry dict) pairs; null Feature geometries are skipped."""
    if not isinstance(obj, Mapping):
        raise BorderError(f"{where} must be a GeoJSON object (dict), got {_short(obj)}")
    kind = obj.get("type")
    if kind == "FeatureCollection":
        features = obj.get("features")
        if not isinstance(features, Sequence) or isinstance(features, (str, bytes)):
            raise BorderError(f"{where}: FeatureCollection 'features' must be a list, got {_short(features)}")
        return [g for i, f in enumerate(features) for g in _geometries(f, f"{where}.features[{i}]")]
    if kind == "Feature":
        geometry = obj.get("geometry")
        return [] if geometry is None else _geometries(geometry, f"{where}.geometry")
    if kind == "GeometryCollection":
        members = obj.get("geometries")
        if not isinstance(members, Sequence) or isinstance(members, (str, bytes)):
            raise BorderError(f"{where}: GeometryCollection 'geometries' must be a list, got {_short(members)}")
        return [g for i, m in enumerate(members) for g in _geometries(m, f"{where}.geometries[{i}]")]
    if kind in _LINE_TYPES + _AREA_TYPES:
        return [(where, obj)]
    raise BorderError(
        f"{where}: unsupported GeoJSON type {kind!r}; expected LineString, MultiLineString, Polygon, "
        "MultiPolygon, Feature or FeatureCollection"
    )


def lines_from_geojson(geojson) -> shapely.MultiLineString:
    """Every line of a GeoJSON object or text (polygons give their rings), checked; BorderError if none."""
    if isinstance(geojson, (str, bytes)):
        try:
            geojson = json.loads(geojson)
        except ValueError as exc:
            raise BorderError(f"invalid GeoJSON text {_short(geojson)}: {exc}") from exc
    lines = []
    for where, geo in _geometries(geojson, "geojson"):
        try:
            geom = shapely.force_2d(shape(geo))
        except Exception as exc:  # shapely raises several types for malformed coordinates
            coords = _short(geo.get("coordinates"))
            raise BorderError(f"{where}: invalid {geo['type']} coordinates {coords}: {exc}") from exc
        xy = shapely.get_coordinates(geom)
        ok = np.isfinite(xy).all(axis=1) & (np.abs(xy[:, 0]) <= 180) & (np.abs(xy[:, 1]) <= 90)
        if not ok.all():
            raise BorderError(f"{where}: position {xy[~ok][0].tolist()!r} is not [lon, lat] "
                              "within [-180, 180] x [-90, 90]")
        lines.extend(_line_parts(geom.boundary if geo["type"] in _AREA_TYPES else geom))
    if not lines:
        raise BorderError(f"GeoJSON {_short(geojson)} contains no line of positive length")
    return shapely.MultiLineString(lines)


@functools.lru_cache(maxsize=16)
def _line_index_from_wkb(wkb: bytes) -> _LineIndex:
    return _build_index(shapely.from_wkb(wkb))


def distance_to_line_km(lats, lons, geojson) -> np.ndarray:
    """Geodesic distance in km (WGS84) from each point to any GeoJSON line or area outline.

    `geojson` is a geometry dict, a Feature or a FeatureCollection (or that as JSON text) of
    LineString / MultiLineString, or Polygon / MultiPolygon whose boundary (rings) is used, so a
    point inside a polygon gets its distance to the outline, not 0. Positions are [lon, lat].
    Consecutive vertices are joined as the module docstring defines (within metres of a geodesic
    for segments up to a few tens of km); densify longer ones first (shapely.segmentize) if you
    mean them as drawn on a map. Same point rules and exactness as distance_to_border_km.
    Raises BorderError for malformed GeoJSON or positions outside [-180, 180] x [-90, 90]; the
    prepared index is cached for the 16 most recent distinct lines.
    """
    index = _line_index_from_wkb(shapely.to_wkb(lines_from_geojson(geojson)))
    return _distances(index, lats, lons)
