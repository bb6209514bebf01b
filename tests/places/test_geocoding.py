"""Layered geocoder: cache -> gazetteer -> supplement -> online (a local Nominatim stub, no network)."""
from __future__ import annotations

import pytest

from geo.errors import ConfigurationError
from geo.pipeline import make_recognizer
from geo.places.geocoding import LayeredGeocoder, make_layered_geocoder, place_from_location
from geo.places.online import GeocodeCache, OnlineGeocoder, make_online_geocoder
from tests.nominatim_stub import NominatimStub, default_places, http_error, place

AGENT = "event-atlas-tests/1.0 (tests@example.invalid)"
# A query no offline layer knows, answered only by the stub (a made-up name, not a real place).
UNKNOWN = "Krasnozlotavsk"


@pytest.fixture
def stub():
    places = {**default_places(), UNKNOWN.casefold(): place(f"{UNKNOWN}, Test Oblast, Ukraine", 48.5, 37.5,
                                                            osm_id=1, place_id=1, addresstype="village")}
    with NominatimStub(places) as running:
        yield running


def layered(gazetteer, stub, tmp_path, **overrides) -> LayeredGeocoder:
    options = dict(user_agent=AGENT, domain=stub.domain, scheme="http", timeout=2, min_delay_seconds=1.0,
                   max_retries=0, error_wait_seconds=1.0, proxies={})
    options.update(overrides)
    online = OnlineGeocoder(make_online_geocoder("nominatim", **options), GeocodeCache(tmp_path / "geocode.sqlite"))
    return LayeredGeocoder(gazetteer, online)


def test_offline_layers_answer_with_their_source(gazetteer):
    geocoder = LayeredGeocoder(gazetteer)
    kharkiv = geocoder.geocode("Kharkiv")
    assert kharkiv.raw["source"] == "gazetteer" and abs(kharkiv.latitude - 50.0) < 0.1
    assert geocoder.geocode("Kotluban").raw["source"] == "supplement"
    assert geocoder.geocode("Nowhere-at-all-ville") is None
    assert geocoder.geocode("Kharkiv", exactly_one=False)[0].raw["feature"] in ("city", "region")


def test_query_must_be_a_string(gazetteer):
    with pytest.raises(TypeError):
        LayeredGeocoder(gazetteer).geocode(None)


def test_known_places_never_go_online(gazetteer, stub, tmp_path):
    geocoder = layered(gazetteer, stub, tmp_path)
    assert geocoder.geocode("Kyiv").raw["source"] == "gazetteer"
    assert stub.requests == []


def test_unknown_place_goes_online_once_then_comes_from_the_cache(gazetteer, stub, tmp_path):
    geocoder = layered(gazetteer, stub, tmp_path)
    first = geocoder.geocode(UNKNOWN)
    assert first.raw["source"] == "nominatim" and first.latitude == pytest.approx(48.5)
    again = geocoder.geocode(UNKNOWN.upper())
    assert again.raw["source"] == "cache" and again.latitude == pytest.approx(48.5)
    assert len(stub.requests) == 1
    assert stub.requests[0].user_agent == AGENT


def test_failing_service_gives_the_offline_answer_or_none(gazetteer, stub, tmp_path):
    stub.always(http_error(503))
    geocoder = layered(gazetteer, stub, tmp_path)
    assert geocoder.geocode(UNKNOWN) is None           # no crash
    assert geocoder.geocode("Odesa").raw["source"] == "gazetteer"


def test_unreachable_service_gives_none(gazetteer, tmp_path):
    with NominatimStub() as gone:
        domain = gone.domain
    online = OnlineGeocoder(make_online_geocoder("nominatim", user_agent=AGENT, domain=domain, scheme="http",
                                                 timeout=1, max_retries=0, proxies={}),
                            GeocodeCache(tmp_path / "geocode.sqlite"))
    assert LayeredGeocoder(gazetteer, online).geocode(UNKNOWN) is None


def test_settings_keep_it_offline_by_default(gazetteer, monkeypatch):
    monkeypatch.delenv("EVENT_ATLAS_ONLINE", raising=False)
    assert make_layered_geocoder(gazetteer).online is None


def test_settings_switch_the_online_layer_on(gazetteer, monkeypatch, tmp_path):
    monkeypatch.setenv("EVENT_ATLAS_ONLINE", "1")
    monkeypatch.setenv("EVENT_ATLAS_GEOCODER", "nominatim")
    monkeypatch.setenv("EVENT_ATLAS_USER_AGENT", AGENT)
    geocoder = make_layered_geocoder(gazetteer, cache_path=tmp_path / "c.sqlite")
    assert geocoder.online is not None and geocoder.online.service == "nominatim"


def test_unknown_service_is_a_configuration_error(gazetteer, monkeypatch, tmp_path):
    monkeypatch.setenv("EVENT_ATLAS_ONLINE", "1")
    monkeypatch.setenv("EVENT_ATLAS_GEOCODER", "no-such-service")
    monkeypatch.setenv("EVENT_ATLAS_USER_AGENT", AGENT)
    with pytest.raises(ConfigurationError):
        make_layered_geocoder(gazetteer, cache_path=tmp_path / "c.sqlite")


def test_place_from_an_online_answer_keeps_its_source(gazetteer, stub, tmp_path):
    loc = layered(gazetteer, stub, tmp_path).geocode(UNKNOWN)
    p = place_from_location(loc, UNKNOWN)
    assert p.source == "nominatim" and p.geonameid == 0 and p.lat == pytest.approx(48.5)


def test_recognizer_resolves_entities_missing_offline_through_the_online_layer(gazetteer, nlp, stub, tmp_path):
    rec = make_recognizer(gazetteer, geocoder=layered(gazetteer, stub, tmp_path))
    text = f"Shelling was reported in {UNKNOWN}, Ukraine, on Monday."
    doc = nlp(text)
    if not any(e.text == UNKNOWN and e.label_ in ("GPE", "LOC") for e in doc.ents):
        pytest.skip("spaCy did not tag the made-up name as a place")
    names = {t.name: t.place for t in rec.resolve(doc, rec.recognize(doc))}
    assert names[UNKNOWN].source == "nominatim"
