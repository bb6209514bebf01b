"""Count false alarms and misses per error class of issue #11 on a gold file.

    python3 benchmarks/error_classes.py GOLD.jsonl PRED.jsonl [--list]

Each error gets the first class that explains it:
false alarms: 4 date (same type and place as a gold event, other day) · 6 type (same place and day,
other type) · 2 country/continent (country precision, or a continent) · 1 speaker/dateline (a place
named in the article's dateline, or a national capital named as source: "Moscow said") · 3 resolution
(outside the theatre, or the same type and day as a gold event elsewhere in the article) · 8 other
(no event in the text, e.g. statements, analysis, background without a date);
misses: 4 date · 5 list (a region-level gold event with region-level siblings of the same type
and day, or one of a list of places of the same type and day of which others were found) · 6 type ·
3 resolution (predicted with the same type and day, but placed elsewhere) · 7 missed (nothing
predicted there). Heuristic: a reproducible split of the errors, not a hand classification.
"""
from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from gold_match import compatible, day, load_jsonl, outcomes  # noqa: E402

CLASSES = {
    "1": "speaker places and datelines", "2": "country/continent level", "3": "resolution (out of theatre, weak)",
    "4": "dates of earlier incidents", "5": "lists (regions, villages)", "6": "types", "7": "missed events",
    "8": "other false alarms (no event)",
}
_SEATS = {"moscow", "kyiv", "kiev", "kremlin"}  # seats of the two governments: speakers far more often than places
THEATRE = (43.0, 58.0, 21.0, 50.0)  # lat/lon box around Ukraine and western Russia
_SOURCE = r"(?:said|says|told|reported|reports|announced|claimed|added|stated|accused|blamed|denied|did not|has not|have not|cites|'s)"


def _in_theatre(p: dict) -> bool:
    lat0, lat1, lon0, lon1 = THEATRE
    return lat0 <= float(p["lat"]) <= lat1 and lon0 <= float(p["lon"]) <= lon1


def _speaker(doc: dict, p: dict) -> bool:
    name = (p.get("place") or "").split()[0].strip(",.'’") if p.get("place") else ""
    if not name:
        return False
    if name.casefold() in _SEATS:
        return True
    head = doc["text"][:400]
    dateline = re.search(r"(?m)^\W*" + re.escape(name.upper()) + r"\b", head) is not None
    source = re.search(r"\b" + re.escape(name) + r"(?:'s|’s)?(?:\s+and\s+\w+)?(?:\s+both|\s+also)?\s+" + _SOURCE,
                       doc["text"]) is not None
    officials = re.search(r"\b(?:in|from)\s+" + re.escape(name) + r"\b[^.]{0,40}\b(?:said|told|reported)", doc["text"])
    return dateline or source or officials is not None


def _days_apart(g: dict, p: dict) -> bool:
    gd, pd = day(g.get("date")), day(p.get("date"))
    return gd is None or pd is None or abs((gd - pd).days) > 1


def classify(doc: dict, item: dict, status: str, preds: list[dict]) -> str:
    golds = doc["events"]
    if status == "wrong":
        p = item
        if p.get("lat") is None:
            return "8"
        if any(compatible(g, p, use_date=False) is not None and _days_apart(g, p) for g in golds):
            return "4"
        if any(compatible(g, p, use_type=False) is not None for g in golds):
            return "6"
        if p.get("precision") == "country" or p.get("place") in ("Europe", "Asia", "Africa"):
            return "2"
        if _speaker(doc, p):
            return "1"
        if not _in_theatre(p) or any(g["type"] == p.get("event_type") and g.get("date") == p.get("date")
                                     and not g.get("optional") for g in golds):
            return "3"
        return "8"
    g = item
    mine = [p for p in preds if p.get("article_id") == doc["id"]]
    if any(compatible(g, p, use_date=False) is not None and _days_apart(g, p) for p in mine):
        return "4"
    siblings = [o for o in golds if o is not g and o["type"] == g["type"] and o.get("date") == g.get("date")]
    if g.get("precision") == "region" and any(o.get("precision") == "region" for o in siblings):
        return "5"  # "drones were destroyed over the Lipetsk, Tambov and Kaluga regions"
    if len(siblings) >= 2 and any(compatible(o, p) is not None for o in siblings for p in mine):
        return "5"  # a list of places of which only some became events
    if any(compatible(g, p, use_type=False) is not None for p in mine):
        return "6"
    return "3" if any(p.get("event_type") == g["type"] and p.get("date") == g.get("date") for p in mine) else "7"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("gold")
    ap.add_argument("pred")
    ap.add_argument("--list", action="store_true", help="print every error with its class")
    a = ap.parse_args()
    docs, preds = load_jsonl(a.gold), load_jsonl(a.pred)
    fa, miss = Counter(), Counter()
    for doc, item, status in outcomes(docs, preds):
        if status not in ("wrong", "missed"):
            continue
        c = classify(doc, item, status, preds)
        (fa if status == "wrong" else miss)[c] += 1
        if a.list:
            what = item.get("event_type") or item.get("type")
            print(f"{c} {'extra' if status == 'wrong' else 'miss '} {doc['id']}: {what} {item.get('place')} {item.get('date')}")
    print(f"{'class':40s} {'false alarms':>12s} {'misses':>7s}")
    for k, name in CLASSES.items():
        print(f"{k} {name:38s} {fa[k]:12d} {miss[k]:7d}")
    print(f"{'total':40s} {sum(fa.values()):12d} {sum(miss.values()):7d}")


if __name__ == "__main__":
    main()
