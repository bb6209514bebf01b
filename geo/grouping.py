"""Grouping mentions of one occurrence across articles (same type, ≤ 25 km, ≤ 1 day apart).

Derived at read time from the stored raw mentions (never stored), so re-extraction or new
articles regroup for free. Candidate pairs come from a grid of cells about `km` wide, so the
cost is linear in the number of events rather than quadratic.
"""
from __future__ import annotations

import math
from collections import defaultdict
from datetime import date

import numpy as np

from .geodesy import great_circle_km

def group_ids(event_types, lats, lons, dates, *, km: float = 25.0, days: int = 1) -> np.ndarray:
    """Group number per event: events of one type within `km` and `days` (transitively) share it.

    Events without coordinates or date form groups of their own.
    """
    n = len(event_types)
    parent = list(range(n))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    cell_deg = km / 111.0
    cells: dict[tuple, list[int]] = defaultdict(list)
    ords = []
    for i in range(n):
        lat, lon, d = lats[i], lons[i], dates[i]
        if lat is None or lon is None or d is None or (isinstance(lat, float) and math.isnan(lat)):
            ords.append(None)
            continue
        try:
            o = date.fromisoformat(str(d)[:10]).toordinal()
        except ValueError:
            ords.append(None)
            continue
        ords.append(o)
        # Longitude cells widen towards the poles so that one cell still spans >= km.
        lon_deg = cell_deg / max(math.cos(math.radians(lat)), 0.01)
        cells[(event_types[i], int(lat // cell_deg), int(lon // lon_deg), o)].append(i)
    for (etype, cy, cx, o), members in cells.items():
        for i in members:
            lon_deg = cell_deg / max(math.cos(math.radians(lats[i])), 0.01)
            for dy in (-1, 0, 1):
                for dx in (-1, 0, 1):
                    for do in range(-days, days + 1):
                        for j in cells.get((etype, cy + dy, int(lons[i] // lon_deg) + dx, o + do), ()):
                            if j > i and find(i) != find(j) and great_circle_km(lats[i], lons[i], lats[j], lons[j]) <= km:
                                parent[find(j)] = find(i)
    roots = [find(i) for i in range(n)]
    renum: dict[int, int] = {}
    return np.array([renum.setdefault(r, len(renum)) for r in roots], dtype=np.int64)


def group_frame(df):
    """Add `group_id` and `group_sources` (sorted article ids of the group) to an events DataFrame."""
    out = df.copy()
    if not len(out):
        out["group_id"] = np.array([], dtype=np.int64)
        out["group_sources"] = [[] for _ in range(0)]
        return out
    lats = [None if v is None or (isinstance(v, float) and math.isnan(v)) else float(v) for v in out["lat"]]
    lons = [None if v is None or (isinstance(v, float) and math.isnan(v)) else float(v) for v in out["lon"]]
    out["group_id"] = group_ids(list(out["event_type"]), lats, lons, list(out["date"]))
    sources = out.groupby("group_id")["article_id"].agg(lambda s: sorted(set(map(str, s))))
    out["group_sources"] = out["group_id"].map(sources)
    return out
