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

from ..geometry import great_circle_km

# Mentions of one type this close in space and time are one occurrence (also within one
# article: extraction.merge_mentions).
SAME_OCCURRENCE_KM = 25.0
SAME_OCCURRENCE_DAYS = 1


def group_ids(event_types, lats, lons, dates, *, km: float = SAME_OCCURRENCE_KM,
              days: int = SAME_OCCURRENCE_DAYS) -> np.ndarray:
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

    grid: dict[int, tuple[float, int]] = {}

    def row_grid(row: int) -> tuple[float, int]:
        # (longitude degrees of a cell, cells around the globe) for one row of latitude: cells
        # are at least `km` wide even at the row's poleward edge, so a neighbour within `km`
        # is never more than one column away.
        if row not in grid:
            edge = min(max(abs(row * cell_deg), abs((row + 1) * cell_deg)), 89.0)
            width = min(360.0, cell_deg / max(math.cos(math.radians(edge)), 0.01))
            grid[row] = (width, max(1, math.ceil(360.0 / width)))
        return grid[row]

    def column(lon: float, row: int) -> int:  # wraps at ±180°
        width, count = row_grid(row)
        return int((lon + 180.0) // width) % count

    cells: dict[tuple, list[int]] = defaultdict(list)
    rows: list[int | None] = []
    ords: list[int | None] = []
    for i in range(n):
        lat, lon, d = lats[i], lons[i], dates[i]
        o = None
        if not (lat is None or lon is None or d is None or (isinstance(lat, float) and math.isnan(lat))):
            try:
                o = date.fromisoformat(str(d)[:10]).toordinal()
            except ValueError:
                pass
        ords.append(o)
        rows.append(None if o is None else int(lat // cell_deg))
        if o is not None:
            cells[(event_types[i], rows[i], column(lon, rows[i]), o)].append(i)
    for i in range(n):
        if ords[i] is None:
            continue
        for row in (rows[i] - 1, rows[i], rows[i] + 1):
            col = column(lons[i], row)
            for c in {(col + dx) % row_grid(row)[1] for dx in (-1, 0, 1)}:
                for o in range(ords[i] - days, ords[i] + days + 1):
                    for j in cells.get((event_types[i], row, c, o), ()):
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
