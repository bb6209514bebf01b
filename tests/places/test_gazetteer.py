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
    ("Kharkiv", "city", "UA"), ("Kent", "district", "GB"), ("America", "country", "US"),
    ("Latin America", "area", ""),
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


def test_countries_divisions_and_continents_stand_at_geonames_points(gazetteer):
    geocode = OfflineGeocoder(gazetteer).geocode
    japan = geocode("Japan")
    assert japan.raw["geonameid"] == 1861060
    assert (round(japan.latitude, 2), round(japan.longitude, 2)) == (35.69, 139.75)
    kharkiv = gazetteer.region_of("UA", "07")
    assert kharkiv.geonameid == 706482 and (kharkiv.lat, kharkiv.lon) == (49.5, 36.5)
    europe = geocode("Europe")
    assert europe.raw["geonameid"] == 6255148 and round(europe.latitude, 3) == 48.691


def test_seas_and_regions_carry_geonames_ids_and_keep_curated_names(gazetteer):
    geocode = OfflineGeocoder(gazetteer).geocode
    black_sea = geocode("Black Sea")
    assert black_sea.raw["geonameid"] == 630673 and black_sea.raw["source"] == "gazetteer"
    assert geocode("Arabian Gulf").raw["geonameid"] == 235616  # the supplement's alias, GeoNames' Persian Gulf
    assert geocode("Levant").raw["feature"] == "area"  # a GeoNames region no curated row had
    assert gazetteer.demonym("Middle Eastern").geonameid == 6269133


def test_theatre_villages_missing_from_cities500_come_with_their_geonameids(gazetteer):
    # Bobrytsia, Cherkasy oblast: in GeoNames' populated places but not in cities500.
    [village] = [c for c in gazetteer.candidates("Bobrytsia") if c.geonameid == 712006]
    assert (village.feature, village.country_code, village.admin1_code, village.population) == ("city", "UA", "01", 0)
