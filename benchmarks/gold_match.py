"""Matching predicted events to gold events, as the evaluation scorer defines it (reimplemented).

A prediction matches a gold event of the same article with the same type, within the gold
radius (`radius_km`, else place 25 km, region 150 km, country 700 km) and within one day; each
gold event takes at most one prediction, nearest pairs first. Used by `reliability.py` and
`error_classes.py`; stdlib only.
"""
from __future__ import annotations

import json
import math
from datetime import date

RADIUS_KM = {"place": 25.0, "region": 150.0, "country": 700.0}


def km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(a)))


def day(s) -> date | None:
    try:
        return date.fromisoformat(str(s)[:10])
    except (TypeError, ValueError):
        return None


def radius(gold: dict) -> float:
    return gold.get("radius_km") or RADIUS_KM.get(gold.get("precision", "place"), 25.0)


def load_jsonl(path: str) -> list[dict]:
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def by_article(preds: list[dict]) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for p in preds:
        out.setdefault(p.get("article_id"), []).append(p)
    return out


def compatible(g: dict, p: dict, use_type: bool = True, use_date: bool = True) -> float | None:
    """Distance in km when prediction `p` may match gold `g`, else None."""
    if p.get("lat") is None or p.get("lon") is None:
        return None
    if use_type and p.get("event_type") != g["type"]:
        return None
    if use_date:
        gd, pd = day(g.get("date")), day(p.get("date"))
        if gd is None or pd is None or abs((gd - pd).days) > 1:
            return None
    d = km(g["lat"], g["lon"], float(p["lat"]), float(p["lon"]))
    return d if d <= radius(g) else None


def match(golds: list[dict], preds: list[dict]) -> tuple[dict[int, int], dict[int, int]]:
    """(gold index -> prediction index, prediction index -> gold index), nearest pairs first."""
    pairs = []
    for gi, g in enumerate(golds):
        for pi, p in enumerate(preds):
            d = compatible(g, p)
            if d is not None:
                pairs.append((d, bool(g.get("optional")), gi, pi))
    pairs.sort()
    gm: dict[int, int] = {}
    pm: dict[int, int] = {}
    for _, _, gi, pi in pairs:
        if gi not in gm and pi not in pm:
            gm[gi], pm[pi] = pi, gi
    return gm, pm


def outcomes(gold_docs: list[dict], preds: list[dict]):
    """Yield (doc, prediction, status) with status 'correct', 'optional' (matches an optional gold
    event: counts neither way) or 'wrong', and (doc, gold, 'missed') for unmatched required gold."""
    grouped = by_article(preds)
    for doc in gold_docs:
        golds, ps = doc["events"], grouped.get(doc["id"], [])
        gm, pm = match(golds, ps)
        for pi, p in enumerate(ps):
            if pi not in pm:
                yield doc, p, "wrong"
            else:
                yield doc, p, "optional" if golds[pm[pi]].get("optional") else "correct"
        for gi, g in enumerate(golds):
            if gi not in gm and not g.get("optional"):
                yield doc, g, "missed"


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)
