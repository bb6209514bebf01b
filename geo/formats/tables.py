"""Event tables analysts already have: ACLED CSV exports and GDELT event exports.

Each row becomes an Article (the row's notes/description, so every event stays traceable to
text) with one Event that keeps the table's own coordinates and precision. Rows of kinds our six
event types do not cover (protests, riots, ...) are counted and reported, not guessed.
"""
from __future__ import annotations

import csv
import hashlib
import io
import math
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ..errors import ArticleError
from ..model import Article, Event, acled_types

ACLED_COLUMNS = ("event_date", "event_type", "sub_event_type", "actor1", "actor2", "admin1", "location",
                 "latitude", "longitude", "geo_precision", "source", "notes", "fatalities")
# ACLED (event_type, sub_event_type) -> ours; None sub-type = any sub-type of that event type.
_FROM_ACLED = {
    ("Battles", "Armed clash"): ("ground_fighting", None),
    ("Battles", "Government regains territory"): ("territorial_change", "capture"),
    ("Battles", "Non-state actor overtakes territory"): ("territorial_change", "capture"),
    ("Explosions/Remote violence", "Air/drone strike"): ("strike", "air strike"),
    ("Explosions/Remote violence", "Shelling/artillery/missile attack"): ("strike", "shelling"),
    ("Explosions/Remote violence", "Remote explosive/landmine/IED"): ("explosion", None),
    ("Explosions/Remote violence", "Grenade"): ("strike", None),
    ("Explosions/Remote violence", "Suicide bomb"): ("explosion", None),
    ("Strategic developments", "Non-violent transfer of territory"): ("territorial_change", "withdrawal"),
    ("Strategic developments", "Agreement"): ("diplomacy", "talks"),
}
_ACLED_PRECISION = {"1": "place", "2": "region", "3": "region"}

# GDELT 2.0 event export: 61 tab-separated columns, no header (GDELT Event Codebook V2.0).
GDELT_COLUMNS = (
    "GLOBALEVENTID SQLDATE MonthYear Year FractionDate "
    "Actor1Code Actor1Name Actor1CountryCode Actor1KnownGroupCode Actor1EthnicCode Actor1Religion1Code "
    "Actor1Religion2Code Actor1Type1Code Actor1Type2Code Actor1Type3Code "
    "Actor2Code Actor2Name Actor2CountryCode Actor2KnownGroupCode Actor2EthnicCode Actor2Religion1Code "
    "Actor2Religion2Code Actor2Type1Code Actor2Type2Code Actor2Type3Code "
    "IsRootEvent EventCode EventBaseCode EventRootCode QuadClass GoldsteinScale NumMentions NumSources "
    "NumArticles AvgTone "
    "Actor1Geo_Type Actor1Geo_FullName Actor1Geo_CountryCode Actor1Geo_ADM1Code Actor1Geo_ADM2Code "
    "Actor1Geo_Lat Actor1Geo_Long Actor1Geo_FeatureID "
    "Actor2Geo_Type Actor2Geo_FullName Actor2Geo_CountryCode Actor2Geo_ADM1Code Actor2Geo_ADM2Code "
    "Actor2Geo_Lat Actor2Geo_Long Actor2Geo_FeatureID "
    "ActionGeo_Type ActionGeo_FullName ActionGeo_CountryCode ActionGeo_ADM1Code ActionGeo_ADM2Code "
    "ActionGeo_Lat ActionGeo_Long ActionGeo_FeatureID DATEADDED SOURCEURL"
).split()
# CAMEO codes (most specific first) -> ours.
_FROM_CAMEO = {
    "1951": ("strike", "air strike"), "1952": ("strike", "drone"), "195": ("strike", "air strike"),
    "194": ("strike", "shelling"), "192": ("territorial_change", "capture"), "190": ("ground_fighting", None),
    "191": ("ground_fighting", None), "193": ("ground_fighting", None), "196": ("ground_fighting", None),
    "183": ("explosion", None), "042": ("diplomacy", "visit"), "043": ("diplomacy", "visit"),
    "044": ("diplomacy", "meeting"), "046": ("diplomacy", "talks"),
}
# GDELT geo types: 1 country, 2 US state, 3 US city, 4 world city, 5 world state (ADM1).
_GDELT_PRECISION = {"1": "country", "2": "region", "3": "place", "4": "place", "5": "region"}


@dataclass
class TableResult:
    """Rows turned into (article, events) pairs, and one message per problem."""

    items: list[tuple[Article, list[Event]]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    skipped: dict[str, int] = field(default_factory=dict)  # unmapped kinds -> row count


def _row_id(prefix: str, *parts) -> str:
    return f"{prefix}:" + hashlib.sha1("\x1f".join(map(str, parts)).encode()).hexdigest()[:16]


def _float(v: str, what: str, where: str) -> float:
    try:
        x = float(v)
    except (TypeError, ValueError):
        raise ArticleError(f"{where}: {what} is not a number: {v!r}") from None
    limit = 90.0 if "lat" in what.lower() else 180.0
    if not math.isfinite(x) or abs(x) > limit:
        raise ArticleError(f"{where}: {what} is out of range: {v!r}")
    return x


def is_gdelt(first_line: str) -> bool:
    """GDELT exports are tab-separated with no header and 57-61 fields."""
    return first_line.count("\t") >= 56


def _rows(reader: csv.DictReader, path: Path, out: TableResult):
    """The reader's rows; a row the csv module refuses (a field over its 128 KiB limit, ...) is
    reported by line and yields None, and reading goes on with the next row."""
    while True:
        before = reader.line_num  # the csv module does not count the line it refuses
        try:
            yield next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            out.problems.append(f"{path}:{before + 1}: unreadable CSV row ({exc})")
            yield None


def read_acled(path: Path, text: str) -> TableResult:
    """ACLED CSV export: one event per row, kept with ACLED's coordinates and precision."""
    out = TableResult()
    reader = csv.DictReader(io.StringIO(text))
    try:
        fieldnames = reader.fieldnames or []
    except csv.Error as exc:
        raise ArticleError(f"{path}: unreadable CSV header ({exc})") from None
    missing = [c for c in ACLED_COLUMNS if c not in fieldnames]
    if missing:
        raise ArticleError(f"{path}: not an ACLED export: missing column(s) {', '.join(missing)}")
    for lineno, row in enumerate(_rows(reader, path, out), start=2):
        if row is None:  # unreadable (reported by _rows)
            continue
        where = f"{path}:{lineno}"
        if any(row.get(c) is None for c in ACLED_COLUMNS):
            out.problems.append(f"{where}: row has fewer columns than the header")
            continue
        key = (row["event_type"], row["sub_event_type"])
        mapped = _FROM_ACLED.get(key)
        if mapped is None:
            out.skipped[" / ".join(key)] = out.skipped.get(" / ".join(key), 0) + 1
            continue
        try:
            lat, lon = _float(row["latitude"], "latitude", where), _float(row["longitude"], "longitude", where)
            day = date.fromisoformat(row["event_date"][:10])
        except (ArticleError, ValueError) as exc:
            out.problems.append(str(exc) if isinstance(exc, ArticleError)
                                else f"{where}: bad event_date {row['event_date']!r}")
            continue
        notes = (row.get("notes") or "").strip() or f"{row['event_type']} at {row['location']}"
        # The article text names the row's date and place, so two rows with the same notes are
        # two articles (articles are de-duplicated by text).
        head = f"{day.isoformat()}, {row['location']} ({row['source']}): "
        art_id = f"acled:{row['event_id_cnty']}" if row.get("event_id_cnty") else _row_id("acled", *row.values())
        art = Article(id=art_id, text=head + notes, published=day,
                      title=f"ACLED: {row['sub_event_type']} in {row['location']}", source=row["source"], origin=where)
        etype, sub = mapped
        acled_type, acled_sub = key
        fatalities = (row.get("fatalities") or "").strip()
        out.items.append((art, [Event(
            article_id=art.id, event_type=etype, sub_type=sub, evidence=notes, evidence_start=len(head),
            evidence_end=len(head) + len(notes), place=row["location"], lat=lat, lon=lon, admin1=row["admin1"] or None,
            country_code=None, precision=_ACLED_PRECISION.get(str(row["geo_precision"]).strip(), "region"),
            date=day.isoformat(), date_precision="day", claimed_by=row["source"] or None,
            acled_event_type=acled_type, acled_sub_event_type=acled_sub,
            actors=[a for a in (row["actor1"], row["actor2"]) if a],
            quantities={"killed": int(fatalities)} if fatalities.isdigit() and int(fatalities) else {},
            geo_source="acled",
        )]))
    return out


def read_gdelt(path: Path, text: str) -> TableResult:
    """GDELT 2.0 event export (tab-separated, 61 documented columns, no header)."""
    out = TableResult()
    for lineno, line in enumerate(text.split("\n"), start=1):  # not splitlines: U+2028 may sit in a field
        if not line.strip():
            continue
        where = f"{path}:{lineno}"
        fields = line.split("\t")
        if len(fields) != len(GDELT_COLUMNS):
            out.problems.append(
                f"{where}: expected {len(GDELT_COLUMNS)} tab-separated GDELT 2.0 columns, got {len(fields)}")
            continue
        row = dict(zip(GDELT_COLUMNS, fields))
        code = row["EventCode"]
        mapped = _FROM_CAMEO.get(code) or _FROM_CAMEO.get(code[:3])
        if mapped is None:
            out.skipped[f"CAMEO {code}"] = out.skipped.get(f"CAMEO {code}", 0) + 1
            continue
        if not row["ActionGeo_Lat"] or not row["ActionGeo_Long"]:
            out.skipped["no ActionGeo coordinates"] = out.skipped.get("no ActionGeo coordinates", 0) + 1
            continue
        try:
            lat = _float(row["ActionGeo_Lat"], "ActionGeo_Lat", where)
            lon = _float(row["ActionGeo_Long"], "ActionGeo_Long", where)
            d = row["SQLDATE"]
            day = date(int(d[:4]), int(d[4:6]), int(d[6:8]))
        except (ArticleError, ValueError) as exc:
            out.problems.append(str(exc) if isinstance(exc, ArticleError)
                                else f"{where}: bad SQLDATE {row['SQLDATE']!r}")
            continue
        actors = [a for a in (row["Actor1Name"], row["Actor2Name"]) if a]
        text_ = (f"GDELT event {row['GLOBALEVENTID']}: CAMEO {code} by {' / '.join(actors) or 'unknown actors'} "
                 f"at {row['ActionGeo_FullName']} ({row['NumArticles']} articles)")
        url = row["SOURCEURL"] if row["SOURCEURL"].startswith(("http://", "https://")) else None
        art = Article(id=f"gdelt:{row['GLOBALEVENTID']}", text=text_, published=day, title=row["ActionGeo_FullName"],
                      source="GDELT 2.0", url=url, origin=where)
        etype, sub = mapped
        acled_type, acled_sub = acled_types(etype, sub)
        out.items.append((art, [Event(
            article_id=art.id, event_type=etype, sub_type=sub, evidence=text_, evidence_start=0,
            evidence_end=len(text_), place=row["ActionGeo_FullName"] or None, lat=lat, lon=lon,
            precision=_GDELT_PRECISION.get(row["ActionGeo_Type"], "place"), date=day.isoformat(),
            date_precision="day", actors=actors, claimed_by=url, acled_event_type=acled_type,
            acled_sub_event_type=acled_sub, geo_source="gdelt",
        )]))
    return out
