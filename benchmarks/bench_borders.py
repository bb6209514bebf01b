"""Speed and accuracy of geo.borders.distance_to_border_km.

Run from the repo root:  python benchmarks/bench_borders.py [--points 1000000]

Prints
- µs per point for one call on --points random points around the border, and the ratio against a
  naive loop (per point, pyproj.Geod.inv to every vertex of the border densified to 0.01 degree,
  then the minimum), timed on --naive-points points and extrapolated per point;
- the error against the reference definition (per point: pyproj AEQD centred on the point and the
  shapely planar distance to the projected border) on --accuracy-points points within 2,000 km;
- the four known values.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pyproj
import shapely

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from geo.geometry import borders  # noqa: E402

GEOD = pyproj.Geod(ellps="WGS84")
KNOWN = {  # name: (lat, lon, km stated in the task brief)
    "Kharkiv": (49.98177, 36.25475, 32.6),  # GeoNames cities500 coordinates
    "Belgorod": (50.60343, 36.58091, 35.4),
    "Kotluban": (49.0167, 44.2333, 299.1),
    "Vovchansk": (50.2908, 36.9411, 5.5),
}


def border_lines(a: str, b: str) -> shapely.MultiLineString:
    """The border exactly as the public API hands it out (independent of the module's internals)."""
    return shapely.geometry.shape(borders.border_geojson(a, b))


def reference_km(lats, lons, lines) -> np.ndarray:
    """The definition of "exact": AEQD centred on each point, planar distance to the border."""
    out = np.empty(len(lats))
    for i, (lat, lon) in enumerate(zip(lats, lons)):
        proj = pyproj.Proj(proj="aeqd", lat_0=lat, lon_0=lon, ellps="WGS84")
        projected = shapely.transform(lines, lambda xy: np.column_stack(proj(xy[:, 0], xy[:, 1])))
        out[i] = shapely.distance(shapely.Point(0, 0), projected) / 1000.0
    return out


def naive_km(lats, lons, lines) -> tuple[np.ndarray, float, int]:
    """Per point, Geod.inv to every vertex of the 0.01-degree densified border.

    Returns the distances, seconds per point and the number of vertices."""
    vertices = shapely.get_coordinates(shapely.segmentize(lines, 0.01))
    vlon, vlat = vertices[:, 0], vertices[:, 1]
    out = np.empty(len(lats))
    start = time.perf_counter()
    for i, (lat, lon) in enumerate(zip(lats, lons)):
        _, _, dist = GEOD.inv(np.full(vlon.size, lon), np.full(vlat.size, lat), vlon, vlat)
        out[i] = dist.min() / 1000.0
    return out, (time.perf_counter() - start) / len(lats), vlon.size


def points_near(lines, n: int, max_km: float, rng) -> tuple[np.ndarray, np.ndarray]:
    """Random points at most max_km from a random border vertex, hence within max_km of the border."""
    vertices = shapely.get_coordinates(lines)
    pick = vertices[rng.integers(0, len(vertices), n)]
    lon, lat, _ = GEOD.fwd(pick[:, 0], pick[:, 1], rng.uniform(0, 360, n),
                           max_km * 1000 * np.sqrt(rng.uniform(0, 1, n)))
    return np.asarray(lat), np.asarray(lon)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--points", type=int, default=1_000_000, help="points in the timed call (default 1,000,000)")
    parser.add_argument("--naive-points", type=int, default=200, help="points for the naive loop (default 200)")
    parser.add_argument("--accuracy-points", type=int, default=2_000, help="points for the error check (default 2,000)")
    parser.add_argument("--margin-deg", type=float, default=5.0,
                        help="timed points are uniform in the border's bounding box grown by this (default 5)")
    parser.add_argument("--a", default="UA")
    parser.add_argument("--b", default="RU")
    parser.add_argument("--seed", type=int, default=20240224)
    args = parser.parse_args(argv)
    rng = np.random.default_rng(args.seed)
    a, b = args.a, args.b

    start = time.perf_counter()
    borders.distance_to_border_km(50.0, 36.0, a, b)
    cold = time.perf_counter() - start
    lines = border_lines(a, b)
    print(f"border {a}-{b}: {shapely.get_num_coordinates(lines)} vertices, "
          f"{GEOD.geometry_length(lines) / 1000:,.0f} km; first call (cache load + index) {cold * 1000:.0f} ms; "
          f"cache {borders.CACHE_DIR}")

    # --- speed
    west, south, east, north = shapely.bounds(lines)
    m = args.margin_deg
    lats = rng.uniform(max(south - m, -90), min(north + m, 90), args.points)
    lons = rng.uniform(max(west - m, -180), min(east + m, 180), args.points)
    start = time.perf_counter()
    fast = borders.distance_to_border_km(lats, lons, a, b)
    elapsed = time.perf_counter() - start
    fast_us = elapsed / args.points * 1e6
    print(f"\nspeed: {args.points:,} points uniform in lat {south - m:.1f}..{north + m:.1f}, "
          f"lon {west - m:.1f}..{east + m:.1f} (median distance {np.median(fast):.0f} km, max {fast.max():.0f} km)")
    print(f"  fast : {elapsed:.2f} s for one call = {fast_us:.2f} µs/point")
    sample = min(args.naive_points, args.points)
    naive, naive_s, nvert = naive_km(lats[:sample], lons[:sample], lines)
    print(f"  naive: {naive_s * 1e6:,.0f} µs/point (Geod.inv to {nvert:,} vertices, timed on {sample} points)")
    print(f"  ratio: {naive_s * 1e6 / fast_us:,.0f}x faster than the naive loop")
    # The naive loop's extra vertices lie on lon/lat-straight lines, a few metres off the segments.
    print(f"  sanity: naive - fast on those points: "
          f"min {np.min(naive - fast[:sample]) * 1000:.1f} m, max {np.max(naive - fast[:sample]) * 1000:.1f} m")

    # --- accuracy
    n = args.accuracy_points
    alat, alon = points_near(lines, n, 2000.0, rng)
    start = time.perf_counter()
    got = borders.distance_to_border_km(alat, alon, a, b)
    acc_us = (time.perf_counter() - start) / n * 1e6
    ref = reference_km(alat, alon, lines)
    err = np.abs(got - ref)
    rel = err / np.maximum(ref, 1e-9)
    tol = np.maximum(0.5, 0.005 * ref)
    print(f"\naccuracy: {n:,} points within 2,000 km of the border (reference: per-point pyproj AEQD + shapely)")
    print(f"  distances {ref.min():.1f}..{ref.max():.1f} km; this call took {acc_us:.1f} µs/point")
    print(f"  max abs error {err.max():.3e} km, max rel error {rel.max():.3e}; "
          f"within max(0.5 km, 0.5 %): {np.count_nonzero(err <= tol)}/{n}")

    # --- known values
    print("\nknown values (km):     computed  reference  task-brief")
    names = list(KNOWN)
    klat = np.array([KNOWN[name][0] for name in names])
    klon = np.array([KNOWN[name][1] for name in names])
    kgot = borders.distance_to_border_km(klat, klon, a, b)
    kref = reference_km(klat, klon, lines)
    for name, g, r in zip(names, kgot, kref):
        brief = KNOWN[name][2]
        flag = "" if abs(g - brief) <= 0.3 else f"   (differs from brief by {g - brief:+.2f})"
        print(f"  {name:<10} {g:>10.2f} {r:>10.2f} {brief:>10.1f}{flag}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
