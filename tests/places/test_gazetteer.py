"""The compiled gazetteer index: sources, names, priors and freshness (built once per session)."""
from __future__ import annotations

import sqlite3

import pytest

from geo.places.gazetteer import INDEX_VERSION, Gazetteer, OfflineGeocoder
from geo.places.names import normalize_name


def test_index_records_its_version_and_stays_compact(gazetteer):
    con = sqlite3.connect(f"file:{gazetteer.path}?mode=ro", uri=True)
    assert con.execute("SELECT value FROM meta WHERE key='version'").fetchone() == (str(INDEX_VERSION),)
    assert gazetteer.path.stat().st_size < 60_000_000


def test_stale_index_is_rebuilt(tmp_path):
    stale = tmp_path / "g.sqlite"
    con = sqlite3.connect(stale)
    con.executescript("CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT); INSERT INTO meta VALUES ('version', '0');")
    con.close()
    g = Gazetteer.__new__(Gazetteer)
    g.path = stale
    assert not g._fresh()


@pytest.mark.parametrize("name,feature,cc", [
    ("Russia", "country", "RU"), ("U.S.", "country", "US"), ("UK", "country", "GB"),
    ("Holy See", "country", "VA"), ("Europe", "continent", ""), ("Middle East", "area", ""),
    ("Black Sea", "water", ""), ("California", "region", "US"), ("Orange County", "district", "US"),
    ("Kharkiv", "city", "UA"), ("Kent", "district", "GB"),
])
def test_best_entry_by_prior(gazetteer, name, feature, cc):
    loc = OfflineGeocoder(gazetteer).geocode(name)
    assert (loc.raw["feature"], loc.raw["country_code"]) == (feature, cc)


@pytest.mark.parametrize("word,place", [
    ("Russian", "Russia"), ("Ukrainians", "Ukraine"), ("British", "United Kingdom"), ("European", "Europe"),
    ("Central American", "Central America"),
])
def test_demonyms(gazetteer, word, place):
    assert gazetteer.demonym(word).name == place


def test_not_a_demonym(gazetteer):
    assert gazetteer.demonym("Monday") is None


def test_divisions_have_english_names_and_sizes(gazetteer):
    belgorod = gazetteer.region_of("RU", "09")
    assert belgorod.name == "Belgorod Oblast" and belgorod.population > 500_000
    assert 49 < belgorod.lat < 52 and 35 < belgorod.lon < 40


def test_capitals_are_known(gazetteer):
    washington = [c for c in gazetteer.candidates("Washington") if c.feature == "city" and c.country_code == "US"]
    assert any(c.geonameid in gazetteer.capitals for c in washington)


def test_normalize_name():
    assert normalize_name("Kharkivs’ka Oblast'") == "kharkivska oblast"
    assert normalize_name("U.S.") == "u s"
    assert normalize_name("Slavyansk-na-Kubani") == "slavyansk na kubani"


def test_supplement_rows_carry_provenance(gazetteer):
    [kotluban] = gazetteer.candidates("Kotluban")
    assert kotluban.source == "supplement"


def test_divisions_carry_their_iso_3166_2_codes(gazetteer):
    bc = next(c for c in gazetteer.candidates("British Columbia") if c.feature == "region")
    assert gazetteer.admin1_iso_code(bc.country_code, bc.admin1_code) == "BC"
    kharkiv = gazetteer.region_of("UA", "07")
    assert gazetteer.admin1_iso_code("UA", "07") == "63" and kharkiv is not None  # ISO UA-63
