"""Offline coverage of the settlements real war reports name (issue #12).

Run from the repo root, after `python -m geo toponyms REPORTS.jsonl --out T.jsonl` with each
gazetteer to compare (e.g. the previous commit's and this one's):
    python benchmarks/coverage_settlements.py ../shared/eval/real-dev.jsonl BEFORE.jsonl AFTER.jsonl

The list of settlements comes from the reports' TEXT only (never from annotations): names after
settlement words ("the village of X", "the towns of X and Y"), after locative cues ("near X",
"captured X", "toward X"), before "village"/"settlement", and the names either run resolved to a
settlement of the theatre (UA, RU, BY, MD, PL, RO, SK, HU, GE, LT, LV, EE). Weekdays, months,
countries, divisions ("X region", "X district"), sites and the like are dropped by rule and by a
short stop list. Each (report, name) pair counts once.

The reference point is GeoNames' point of a populated place of that name in the theatre, from the
GeoNames sources the index is built from (cities500 and data/geonames_settlements.tsv.gz):
the one in a division the report names, else the only one, else the only one of >= 10,000 people,
else the most populous (marked "ambiguous"). A name with no GeoNames populated place in those
sources counts as not covered ("none"). Covered: a mention of that name in that report resolved
offline within 5 km of the reference point.
"""
from __future__ import annotations

import argparse
import json
import math
import re
import sqlite3
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from geo import settings  # noqa: E402
from geo.formats import jsonl_lines  # noqa: E402
from geo.places import normalize_name  # noqa: E402

THEATRE = {"UA", "RU", "BY", "MD", "PL", "RO", "SK", "HU", "GE", "LT", "LV", "EE"}
_W = r"[A-Z][a-zà-žʼ’'A-Z]+(?:(?:-| )(?:[A-Z][a-zà-žʼ’']+|na-[A-Z][a-z]+))*"
_SETTLEMENT_WORDS = re.compile(
    r"\b(?:villages?|towns?|settlements?|cities|city|hamlets?|urban-type settlement|communit(?:y|ies))\s+of\s+("
    + _W + r"(?:(?:,\s*|\s+and\s+|\s+or\s+)" + _W + r")*)")
_CUES = re.compile(r"\b(?:near|outside|toward|towards|captured|liberated|seized|recaptured|entered|around|"
                   r"direction of|outskirts of|west of|east of|north of|south of|in|at|on|into|from)\s+(" + _W + r")")
_BEFORE_WORD = re.compile(r"(" + _W + r")\s+(?:village|settlement)\b")
_DIVISION_AFTER = re.compile(r"^\s+(?:region|oblast|Oblast|Region|district|District|krai|Krai|raion|Raion)\b")
_STOP = {normalize_name(w) for w in (
    "Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May June July "
    "August September October November December Jan Feb Sept Oct Nov Dec The Telegram Facebook Spokesman "
    "Kremlin Europe European Ukraine Ukrainian Russia Russian Poland Crimea US Washington London Paris Brussels "
    "Riyadh Donbas Donbass Building Terekhov").split()}
_STOP |= {normalize_name(w) for w in ("Saudi Arabia", "Snake Island", "Eastern Ukraine", "The Hague", "Oil Depot",
                                      "Wall Street", "Black Sea", "Sea of Azov")}
_SITE = re.compile(r"\b(?:Refinery|Depot|Institute|Attack|President|Multi-Story|Island|Plant|Airport|Oblast|Region|"
                   r"Krai|District)\b")


def km(a, b, c, d):
    a, b, c, d = map(math.radians, (a, b, c, d))
    h = math.sin((c - a) / 2) ** 2 + math.cos(a) * math.cos(c) * math.sin((d - b) / 2) ** 2
    return 6371 * 2 * math.asin(min(1.0, math.sqrt(h)))


def _clean(name: str) -> str:
    name = re.sub(r"^(?:Russia|Ukraine)(?:'s|’s)\s+", "", name)
    name = re.sub(r"(?:'s|’s)$", "", re.sub(r"\s+City$", "", name))
    return name.strip()


def settlement_mentions(doc: dict, resolved: list[list[dict]]) -> set[str]:
    """Names of settlements the report's text names (see the module docstring)."""
    text = doc["text"]
    found: list[tuple[str, int]] = []
    for m in _SETTLEMENT_WORDS.finditer(text):
        pos = m.start(1)
        for part in re.split(r"(,\s*|\s+and\s+|\s+or\s+)", m.group(1)):
            if part and not re.fullmatch(r",\s*|\s+and\s+|\s+or\s+", part):
                found.append((part, pos + len(part)))
            pos += len(part)
    found += [(m.group(1), m.end(1)) for m in _CUES.finditer(text)]
    found += [(m.group(1), m.end(1)) for m in _BEFORE_WORD.finditer(text)]
    names = {_clean(n) for n, end in found if not _DIVISION_AFTER.match(text[end:end + 12])}
    for out in resolved:
        names |= {_clean(p["name"]) for p in out if p["article_id"] == doc["id"] and p.get("feature") == "city"
                  and p.get("country_code") in THEATRE}
    return {n for n in names if n and normalize_name(n) not in _STOP and not _SITE.search(n)}


def reference(index: sqlite3.Connection, admin1: dict, text: str, name: str):
    rows = index.execute(
        "SELECT p.geonameid, p.lat, p.lon, p.country_code, p.admin1_code, p.population FROM names n "
        "JOIN places p USING(geonameid) WHERE n.key = ? AND p.feature = 'city' AND p.geonameid > 0",
        (normalize_name(name),)).fetchall()
    rows = [r for r in rows if r[3] in THEATRE]
    if not rows:
        return None, "none"
    low = text.lower()
    named = [r for r in rows if admin1.get((r[3], r[4])) and admin1[(r[3], r[4])].split()[0][:5].lower() in low]
    pool = named or rows
    if len(pool) == 1:
        return pool[0], "unique" if len(rows) == 1 else "division"
    big = [r for r in pool if r[5] >= 10_000]
    if len(big) == 1:
        return big[0], "largest"
    return max(pool, key=lambda r: r[5]), "ambiguous"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("reports", type=Path)
    ap.add_argument("toponyms", type=Path, nargs="+", help="`python -m geo toponyms` outputs to compare")
    ap.add_argument("--index", type=Path, default=Path(settings.get("gazetteer")))
    ap.add_argument("--list", action="store_true", help="print every (report, name) with its verdicts")
    a = ap.parse_args()
    docs = [json.loads(line) for line in jsonl_lines(a.reports.read_text(encoding="utf-8")) if line.strip()]
    outs = [[json.loads(line) for line in jsonl_lines(f.read_text(encoding="utf-8")) if line.strip()]
            for f in a.toponyms]
    index = sqlite3.connect(f"file:{a.index}?mode=ro", uri=True)
    admin1 = {(cc, a1): name for cc, a1, name in index.execute("SELECT country_code, admin1_code, name FROM admin1")}
    covered = [0] * len(outs)
    small = [0] * len(outs)  # villages and towns: no GeoNames place in the sources, or < 10,000 people
    n_small = 0
    kinds: dict[str, int] = {}
    pairs = sorted((d["id"], n, d["text"]) for d in docs for n in settlement_mentions(d, outs))
    for aid, name, text in pairs:
        ref, how = reference(index, admin1, text, name)
        kinds[how] = kinds.get(how, 0) + 1
        is_small = ref is None or ref[5] < 10_000
        n_small += is_small
        verdicts = []
        for i, out in enumerate(outs):
            ok = ref is not None and any(
                p["article_id"] == aid and normalize_name(p["name"]) == normalize_name(name)
                and p.get("lat") is not None
                and km(ref[1], ref[2], p["lat"], p["lon"]) <= 5 for p in out)
            covered[i] += ok
            small[i] += ok and is_small
            verdicts.append("ok" if ok else "miss")
        if a.list:
            print(aid, name, how, *verdicts, sep="\t")
    n = len(pairs)
    print(f"{n} settlement mentions (report, name) in {len(docs)} reports; reference: "
          + ", ".join(f"{k} {v}" for k, v in sorted(kinds.items())))
    for f, c, v in zip(a.toponyms, covered, small):
        print(f"{f}: {c}/{n} = {c / n:.3f} resolved offline within 5 km of GeoNames' point; "
              f"villages and towns under 10,000: {v}/{n_small}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
