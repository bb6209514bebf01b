"""The distance kernel behind geo.geometry.borders: exact on the WGS84 ellipsoid, and fast.

"Exact" has one fixed meaning here: for each point, project the line's vertices onto an
ellipsoidal azimuthal-equidistant (AEQD) plane centred on that point and take the planar distance
from the origin to the projected polyline. Distances from the centre of an AEQD are true geodesic
distances, so this is the geodesic distance to the line; between two vertices the segment is
straight in that plane, which for Natural Earth's short segments (< 0.25 degree) is within a few
metres of the geodesic or of the line a web map draws. Densify long segments of your own lines
(e.g. shapely.segmentize) if you mean them as drawn on a map.

Doing that projection per point against every vertex is what the naive approach costs. Instead,
for each point only a handful of segments are projected, picked in three stages:

1. The nearest of ~128 spread-out vertices bounds the distance from above; a spatial index
   (shapely STRtree) in one AEQD plane centred on the line then returns every segment close
   enough to possibly beat that bound. The plane never shrinks lengths and stretches them by at
   most (r/b)/sin(r/b) at distance r from its centre (Rauch comparison with the largest Gaussian
   curvature 1/b**2), which sizes the band. Points so far away that the band would hold most of
   the line (stretch > 1 %) use bounding spheres around runs of segments instead.
2. Cheap 3D bounds prune that band to a few segments (see _bounds): a geodesic is never shorter
   than its chord and, by Schur's comparison theorem, never longer than the circular arc of the
   sharpest normal curvature over that chord (uncertainty ~c**3/(24 rho**2): 1 m at 100 km,
   0.4 km at 700 km); far away, a stretched-sphere bound (0.34 %) takes over.
3. The survivors' vertices are projected exactly with pyproj.Geod.inv (vectorised over every
   point-vertex pair) and the planar distance to each segment is taken.

A segment is only discarded when a bound proves it farther than a kept one, so the result equals
the per-point projection to floating-point precision (benchmarks/bench_borders.py checks this
against pyproj); only the speed depends on distance: ~5-15 us per point within ~1,000 km,
~15-20 us at 2,000 km, tens of us on the far side of the globe. (Near a long segment's antipode the
per-point projection itself tears such segments apart; Natural Earth's short ones are fine.)

This module is that kernel (`_build_index`, `_distances`); geo.geometry.borders is its API.
"""
from __future__ import annotations

import math
import reprlib
from dataclasses import dataclass

import numpy as np
import pyproj
import shapely

from ..errors import BorderError
from .naturalearth import _line_parts, _merge

_GEOD = pyproj.Geod(ellps="WGS84")
_A = 6378.137  # km
_F = 1 / 298.257223563
_B = _A * (1 - _F)
_E2 = _F * (2 - _F)
_RHO_MIN = _B * _B / _A  # smallest normal radius of curvature (meridian at the equator)
# Near 0.9 pi b the comparison bounds blow up (conjugate points); such points take the far path.
_REACH_LIMIT = 0.9 * math.pi * _B
_CHORD_LIMIT = 2 * _RHO_MIN * math.sin(0.45 * math.pi)
_STRETCH = np.array([1.0, 1.0, _A / _B])  # ellipsoid -> sphere of radius a
_PROBES = 128  # vertices tried per point for a first upper bound (one small matrix product)
_CLUSTER = 8  # segments per bounding sphere on the far-point path
_PLANE_MAX_SCALE = 1.01  # beyond this AEQD stretch the plane's band is too wide to be selective
_PLANAR_SLACK = 0.01  # km, on top of the per-segment slack: float and projection noise
_CHUNK = 16_384  # points per batch: bounds memory of the (point, segment) pair arrays
_MAX_PAIRS = 2_000_000

_repr = reprlib.Repr()  # error messages quote inputs, but never a million-element array
_repr.maxstring = _repr.maxother = 80
_repr.maxlist = _repr.maxtuple = 6
_short = _repr.repr


def _coordinates(lats, lons) -> tuple[np.ndarray, np.ndarray, tuple[int, ...]]:
    """Float arrays (flattened) plus the shape to give results; NaN passes, out of range raises."""
    try:
        lat = np.atleast_1d(np.asarray(lats, dtype=np.float64))
        lon = np.atleast_1d(np.asarray(lons, dtype=np.float64))
    except (TypeError, ValueError) as exc:
        raise BorderError(f"coordinates must be numbers, got lats={_short(lats)}, lons={_short(lons)}") from exc
    if lat.shape != lon.shape:
        raise BorderError(f"lats and lons differ in shape: {lat.shape!r} vs {lon.shape!r}")
    for values, name, limit in ((lat, "latitude", 90.0), (lon, "longitude", 180.0)):
        bad = np.abs(values) > limit  # NaN compares False: NaN is "unknown", not "invalid"
        if bad.any():
            value = float(values[bad][0])
            raise BorderError(f"{name} {value!r} is outside [-{limit:g}, {limit:g}]")
    return lat.ravel(), lon.ravel(), lat.shape


def _ecef(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    phi, lam = np.radians(lat), np.radians(lon)
    sin_phi, cos_phi = np.sin(phi), np.cos(phi)
    n = _A / np.sqrt(1 - _E2 * sin_phi**2)
    return np.stack([n * cos_phi * np.cos(lam), n * cos_phi * np.sin(lam), n * (1 - _E2) * sin_phi], axis=-1)


def _aeqd(lon0: float, lat0: float, lon: np.ndarray, lat: np.ndarray):
    """Ellipsoidal AEQD (x, y, r) in km, centred on (lon0, lat0); exactly what PROJ's aeqd computes."""
    az, _, dist = _GEOD.inv(np.full(lon.shape, lon0), np.full(lat.shape, lat0), lon, lat,
                            return_back_azimuth=False)
    az = np.radians(az)
    r = np.asarray(dist) / 1000.0
    return r * np.sin(az), r * np.cos(az), r


def _geodesic_upper(chord: np.ndarray) -> np.ndarray:
    """Schur: a geodesic with chord c is at most 2 rho asin(c / 2 rho) long (inf when near-antipodal)."""
    upper = 2 * _RHO_MIN * np.arcsin(np.minimum(chord, _CHORD_LIMIT) / (2 * _RHO_MIN))
    return np.where(chord < _CHORD_LIMIT, upper, np.inf)


def _max_scale(reach: np.ndarray) -> np.ndarray:
    """Largest AEQD stretch within `reach` km of the centre: (r/b)/sin(r/b); inf past the limit."""
    x = np.minimum(reach, _REACH_LIMIT) / _B
    with np.errstate(invalid="ignore", divide="ignore"):  # x == 0 is masked by the where
        scale = np.where(x > 1e-8, x / np.sin(x), 1.0)
    return np.where(reach < _REACH_LIMIT, scale, np.inf)


def _segment_distance(ax, ay, bx, by):
    """Planar distance from the origin to segments A-B (vectorised)."""
    dx, dy = bx - ax, by - ay
    length2 = dx * dx + dy * dy
    with np.errstate(invalid="ignore", divide="ignore"):
        t = np.where(length2 > 0, -(ax * dx + ay * dy) / length2, 0.0)
    t = np.clip(t, 0.0, 1.0)
    return np.hypot(ax + t * dx, ay + t * dy)


def _group_starts(owner: np.ndarray) -> np.ndarray:
    return np.flatnonzero(np.r_[True, owner[1:] != owner[:-1]])


@dataclass(frozen=True)
class _Chords:
    """Segments as straight 3D chords in one Cartesian space, ready for point-to-chord distances."""

    a: np.ndarray  # (S, 3) first end
    ab: np.ndarray  # (S, 3) end minus start
    inv_len2: np.ndarray  # 1/|ab|**2, 0 for degenerate segments

    @classmethod
    def between(cls, start: np.ndarray, end: np.ndarray) -> _Chords:
        ab = end - start
        len2 = np.einsum("ij,ij->i", ab, ab)
        return cls(start, ab, np.divide(1.0, len2, out=np.zeros_like(len2), where=len2 > 0))

    def distance(self, p: np.ndarray, seg: np.ndarray) -> np.ndarray:
        ap = p - self.a[seg]
        ab = self.ab[seg]
        t = np.clip(np.einsum("ij,ij->i", ap, ab) * self.inv_len2[seg], 0.0, 1.0)
        return np.linalg.norm(ap - t[:, None] * ab, axis=1)


@dataclass(frozen=True)
class _LineIndex:
    """A polyline set with everything the distance kernel needs, built once per line."""

    lines: shapely.MultiLineString  # lon/lat, line-merged: what "exact" is measured against
    lon: np.ndarray  # vertices
    lat: np.ndarray
    seg_a: np.ndarray  # vertex index of each segment's ends
    seg_b: np.ndarray
    ecef: _Chords  # Earth-centred km
    sphere: _Chords  # the same, z stretched by a/b onto the sphere of radius a
    slack: np.ndarray  # km a chord may sit from the real (curved) segment: sagitta + margin
    probe_seg: np.ndarray  # a spread-out sample of segments ...
    probe_xyz: np.ndarray  # ... and their first vertices, Earth-centred
    cluster_centre: np.ndarray  # (C, 3) on the stretched sphere: runs of _CLUSTER segments
    cluster_radius: np.ndarray  # (C,) km, covering the runs' chords plus slack
    lon0: float  # centre of the indexing AEQD plane
    lat0: float
    radius: float  # km from that centre to the farthest point of the line
    tree: shapely.STRtree | None  # None when the line spans too much of the globe for one plane


def _build_index(lines) -> _LineIndex:
    lines = _merge(_line_parts(lines))
    coords, part = shapely.get_coordinates(shapely.get_parts(lines), return_index=True)
    lon, lat = np.ascontiguousarray(coords[:, 0]), np.ascontiguousarray(coords[:, 1])
    seg_a = np.flatnonzero(part[:-1] == part[1:])
    seg_b = seg_a + 1
    xyz = _ecef(lat, lon)
    ecef = _Chords.between(xyz[seg_a], xyz[seg_b])
    sphere = _Chords.between(xyz[seg_a] * _STRETCH, xyz[seg_b] * _STRETCH)
    length = np.linalg.norm(ecef.ab, axis=1)
    # How far the chord may sit from the real segment: its sagitta L**2/(8 rho) below the surface,
    # and as much again sideways (a per-point-AEQD straight line is not quite a geodesic), + 1 m.
    slack = length**2 / (4 * _RHO_MIN) + 1e-3

    # Bounding spheres around runs of consecutive segments, for points far from the line.
    run = np.arange(seg_a.size) // _CLUSTER
    ends_a, ends_b = xyz[seg_a] * _STRETCH, xyz[seg_b] * _STRETCH
    centre = np.add.reduceat(ends_a + ends_b, np.arange(0, seg_a.size, _CLUSTER)) / (
        2 * np.bincount(run)[:, None])
    reach = np.maximum(np.linalg.norm(ends_a - centre[run], axis=1), np.linalg.norm(ends_b - centre[run], axis=1))
    radius_c = np.maximum.reduceat(reach + slack * _A / _B, np.arange(0, seg_a.size, _CLUSTER))

    # Centre the indexing plane on the line; any centre is correct, a central one is tighter.
    mean = xyz.mean(axis=0)
    lon0 = math.degrees(math.atan2(mean[1], mean[0]))
    lat0 = math.degrees(math.atan2(mean[2], math.hypot(mean[0], mean[1])))
    x, y, r = _aeqd(lon0, lat0, lon, lat)
    radius = float(r.max() + length.max(initial=0.0))
    tree = None
    if radius < 0.5 * math.pi * _B:  # otherwise segments near the plane's antipode would tear
        ends = np.stack([np.c_[x[seg_a], y[seg_a]], np.c_[x[seg_b], y[seg_b]]], axis=1)
        tree = shapely.STRtree(shapely.linestrings(ends))
    probe_seg = np.unique(np.linspace(0, seg_a.size - 1, min(seg_a.size, _PROBES)).astype(np.intp))
    return _LineIndex(lines, lon, lat, seg_a, seg_b, ecef, sphere, slack, probe_seg, xyz[seg_a[probe_seg]],
                      centre, radius_c, lon0, lat0, radius, tree)


def _bounds(ix: _LineIndex, p: np.ndarray, seg: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rigorous lower and upper bounds (km) on the geodesic distance from points p to segments seg.

    Two pairs of bounds, each tight where the other is loose:
    - chord c <= s <= Schur's 2 rho asin(c / 2 rho): slack ~c**3/(24 rho**2), best below ~1,800 km;
    - stretching z by a/b maps the ellipsoid onto a sphere of radius a and lengthens any curve by
      1 to a/b, so b*theta <= s <= a*theta with theta the angle there: slack 0.34 %, best beyond.
    """
    slack = ix.slack[seg]
    chord = ix.ecef.distance(p, seg)
    stretched = ix.sphere.distance(p * _STRETCH, seg)
    lower_angle = 2 * np.arcsin(np.clip((stretched - slack * _A / _B) / (2 * _A), 0.0, 1.0))
    upper_angle = 2 * np.arcsin(np.minimum((stretched + slack * _A / _B) / (2 * _A), 1.0))
    lower = np.maximum(chord - slack, _B * lower_angle)
    upper = np.minimum(_geodesic_upper(chord + slack), _A * upper_angle)
    return lower, upper


def _refine(ix: _LineIndex, lat, lon, p, pt, seg) -> np.ndarray:
    """Exact distance per point, given candidate (point, segment) pairs sorted by point."""
    lower, upper = _bounds(ix, p[pt], seg)
    starts = _group_starts(pt)
    best_upper = np.repeat(np.minimum.reduceat(upper, starts), np.diff(np.r_[starts, pt.size]))
    keep = lower <= best_upper
    pt, seg = pt[keep], seg[keep]

    # Consecutive segments share a vertex: project each (point, vertex) pair only once.
    nv = ix.lon.size
    keys, inverse = np.unique(np.concatenate([pt * nv + ix.seg_a[seg], pt * nv + ix.seg_b[seg]]),
                              return_inverse=True)
    kp, kv = np.divmod(keys, nv)
    az, _, dist = _GEOD.inv(lon[kp], lat[kp], ix.lon[kv], ix.lat[kv], return_back_azimuth=False)
    az = np.radians(az)
    r = np.asarray(dist) / 1000.0
    x, y = r * np.sin(az), r * np.cos(az)
    ia, ib = inverse[: pt.size], inverse[pt.size:]
    d = _segment_distance(x[ia], y[ia], x[ib], y[ib])
    return np.minimum.reduceat(d, _group_starts(pt))


def _distance_chunk(ix: _LineIndex, lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    n = lat.size
    p = _ecef(lat, lon)
    out = np.empty(n)
    far = np.ones(n, dtype=bool)
    if ix.tree is not None:
        x, y, r = _aeqd(ix.lon0, ix.lat0, lon, lat)
        pts = shapely.points(x, y)
        # The nearest of a few spread-out vertices bounds the distance from above: a vertex is on
        # the line. (|p - q|**2 expanded into a matrix product; the winner's chord is recomputed.)
        closeness = p @ ix.probe_xyz.T - 0.5 * np.einsum("ij,ij->i", ix.probe_xyz, ix.probe_xyz)
        best = closeness.argmax(axis=1)
        probe = ix.probe_seg[best]
        upper = _geodesic_upper(np.linalg.norm(p - ix.probe_xyz[best], axis=1))
        # The widest planar band that can hold a segment beating that bound.
        scale = _max_scale(np.minimum(r, ix.radius) + upper)
        band = scale * (upper * (1 + 1e-9) + ix.slack.max()) + _PLANAR_SLACK
        far = ~(scale <= _PLANE_MAX_SCALE)
        near = np.flatnonzero(~far)
        if near.size:
            pt, seg = ix.tree.query(pts[near], predicate="dwithin", distance=band[near])
            # The probe's segment lies inside the band; should float rounding ever drop it, put
            # it back, so that every point keeps at least one candidate.
            missing = np.flatnonzero(np.bincount(pt, minlength=near.size) == 0)
            if missing.size:
                pt = np.concatenate([pt, missing])
                seg = np.concatenate([seg, probe[near[missing]]])
            if missing.size or np.any(pt[1:] < pt[:-1]):
                order = np.argsort(pt, kind="stable")
                pt, seg = pt[order], seg[order]
            out[near] = _refine(ix, lat[near], lon[near], p[near], pt, seg)
    far_idx = np.flatnonzero(far)
    nclusters = ix.cluster_radius.size
    step = max(1, _MAX_PAIRS // (nclusters * _CLUSTER))
    for start in range(0, far_idx.size, step):
        f = far_idx[start:start + step]
        pt, seg = _far_candidates(ix, p[f])
        out[f] = _refine(ix, lat[f], lon[f], p[f], pt, seg)
    return out


def _far_candidates(ix: _LineIndex, p: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(point, segment) pairs for points where one plane distorts too much to be selective.

    Far away every segment is at nearly the same distance, so prune whole runs of segments by
    their bounding spheres on the stretched sphere (b*theta <= s <= a*theta) before the chords.
    """
    gap = np.linalg.norm((p * _STRETCH)[:, None, :] - ix.cluster_centre[None, :, :], axis=2)
    lower = _B * 2 * np.arcsin(np.clip((gap - ix.cluster_radius) / (2 * _A), 0.0, 1.0))
    upper = _A * 2 * np.arcsin(np.minimum((gap + ix.cluster_radius) / (2 * _A), 1.0))
    pt, run = np.nonzero(lower <= upper.min(axis=1, keepdims=True))  # sorted by point
    first = run * _CLUSTER
    count = np.minimum(first + _CLUSTER, ix.seg_a.size) - first
    pt = np.repeat(pt, count)
    offset = np.arange(count.sum()) - np.repeat(np.cumsum(count) - count, count)
    return pt, np.repeat(first, count) + offset


def _distances(ix: _LineIndex, lats, lons) -> np.ndarray:
    lat, lon, shape_ = _coordinates(lats, lons)
    out = np.full(lat.size, np.nan)
    valid = np.flatnonzero(~(np.isnan(lat) | np.isnan(lon)))
    for start in range(0, valid.size, _CHUNK):
        idx = valid[start:start + _CHUNK]
        out[idx] = _distance_chunk(ix, lat[idx], lon[idx])
    return out.reshape(shape_)
