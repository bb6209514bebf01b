"""Offline gazetteer: GeoNames data from PyPI compiled once into a compact SQLite index.

The sources and the build are described in `gazetteer_build`. The 80 MB cities500 JSON is read
only while building; afterwards lookups hit the SQLite file (~33 MB on disk, a few MB of page
cache), so the Streamlit app never holds the JSON in memory.
"""
from __future__ import annotations

import functools
import math
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from geopy.geocoders.base import Geocoder
from geopy.location import Location

from .. import settings
from .gazetteer_build import (
    ALIASES_CSV,
    COUNTRIES_CSV,
    INDEX_VERSION,
    LARGE_FEATURES_TSV,
    SETTLEMENTS_TSV,
    SUPPLEMENT_CSV,
    build_index,
)
from .names import normalize_name

__all__ = ["Gazetteer", "OfflineGeocoder", "Place", "build_index", "normalize_name", "INDEX_VERSION"]

# Features that are not settlements: areas larger than a country, seas, and famous landmarks
# ("the Kremlin", "the Crimean Bridge"); a bare mention means them (prior like a country's).
AREA_FEATURES = ("continent", "area", "water", "landmark")
POP_WEIGHT = 1.5  # prior per factor of ten in population, against context evidence (a few points)


@dataclass(frozen=True)
class Place:
    """One gazetteer entry."""

    geonameid: int
    name: str
    lat: float
    lon: float
    country_code: str
    admin1_code: str
    feature: str  # country | region (admin1) | district (admin2) | city | continent | area | water
    population: int
    source: str  # gazetteer | supplement | cache | nominatim ...
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


def prior(p: Place, capital: bool = False) -> float:
    """How likely a bare mention of the name means `p`, before context (log-population scale).

    Countries, continents and seas beat namesakes; a division must be ten times as populous as a
    same-named city to win ("Kharkiv" is the city, "California" the state); capitals get a bonus.
    """
    logpop = POP_WEIGHT * math.log10(p.population + 10)
    if p.feature == "country":
        return logpop + 4
    if p.feature in AREA_FEATURES:
        return max(logpop, 7.0 * POP_WEIGHT) + 4  # seas have no population; as known as a country
    if p.feature in ("region", "district"):
        return logpop - POP_WEIGHT
    s = logpop
    if p.source == "supplement":
        s += 1  # curated entries exist because cities500 lacks them
    if capital:
        s += 1
    return s


class Gazetteer:
    """Read-only lookups in the compiled index; builds the index on first use if missing."""

    def __init__(self, path: Path | str | None = None):
        self.path = Path(path or settings.get("gazetteer"))
        if not self._fresh():
            build_index(self.path)
        self._con = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, check_same_thread=False)
        self.capitals = frozenset(r[0] for r in self._con.execute("SELECT geonameid FROM capitals"))
        rows = self._con.execute("SELECT country_code, admin1_code, name, iso_code FROM admin1").fetchall()
        self._admin1 = {(cc, code): name for cc, code, name, _ in rows}
        self._admin1_iso = {(cc, code): iso for cc, code, _, iso in rows if iso}
        self._admin1_by_iso = {(cc, iso): code for (cc, code), iso in self._admin1_iso.items()}

    def _fresh(self) -> bool:
        if not self.path.exists():
            return False
        try:
            con = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True)
            (v,) = con.execute("SELECT value FROM meta WHERE key='version'").fetchone()
            con.close()
        except sqlite3.Error:
            return False
        built = self.path.stat().st_mtime
        # Curated CSVs edited after the build: rebuild so the edit takes effect.
        newer = any(f.exists() and f.stat().st_mtime > built for f in (SUPPLEMENT_CSV, COUNTRIES_CSV, ALIASES_CSV,
                                                                        LARGE_FEATURES_TSV, SETTLEMENTS_TSV))
        return v == str(INDEX_VERSION) and not newer

    def admin1_iso_code(self, country_code: str, admin1_code: str) -> str | None:
        """ISO 3166-2 code of a first-level division without its country, e.g. ('CA', '02') -> 'BC'."""
        return self._admin1_iso.get((country_code, admin1_code))

    def region_by_iso(self, country_code: str, iso_code: str) -> Place | None:
        """The first-level division with that ISO 3166-2 code, e.g. ('US', 'SC') -> South Carolina."""
        code = self._admin1_by_iso.get((country_code, iso_code))
        return self.region_of(country_code, code) if code is not None else None

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
    def demonym(self, word: str) -> Place | None:
        """The country or continent a demonym names ('Russian' -> Russia, 'European' -> Europe)."""
        r = self._con.execute(
            "SELECT p.* FROM demonyms d JOIN places p USING(geonameid) WHERE d.key = ? "
            "ORDER BY p.population DESC LIMIT 1",
            (normalize_name(word),),
        ).fetchone()
        return self._place(r) if r else None

    @functools.lru_cache(maxsize=4096)
    def region_of(self, country_code: str, admin1_code: str) -> Place | None:
        """The first-level division entry for a country/admin1 code pair."""
        r = self._con.execute(
            "SELECT * FROM places WHERE feature='region' AND country_code=? AND admin1_code=?",
            (country_code, admin1_code),
        ).fetchone()
        return self._place(r) if r else None

    def largest_cities(self, country_code: str, bbox: tuple[float, float, float, float], limit: int) -> list[Place]:
        """The `limit` most populous cities of a country inside (lat_min, lat_max, lon_min, lon_max)."""
        la0, la1, lo0, lo1 = bbox
        rows = self._con.execute(
            "SELECT * FROM places WHERE feature='city' AND country_code=? AND lat BETWEEN ? AND ?"
            " AND lon BETWEEN ? AND ? ORDER BY population DESC LIMIT ?",
            (country_code, la0, la1, lo0, lo1, limit),
        ).fetchall()
        return [self._place(r) for r in rows]

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
        caps = self.gazetteer.capitals
        cands.sort(key=lambda p: -prior(p, p.geonameid in caps))
        locs = [p.to_location() for p in cands]
        if not locs:
            return None
        return locs[0] if exactly_one else locs
