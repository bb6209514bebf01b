"""Online fallback against a local Nominatim stub, with geopy's real Nominatim class.

Nominatim requires >= 1 s between requests, so every test that sends two requests
takes about a second; retries use the smallest allowed error wait (1 s).
"""
from __future__ import annotations

import logging
import sqlite3
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from geopy.geocoders import options as geopy_options

from geo.errors import ConfigurationError, EventAtlasError
from geo.places.online import (
    GeocodeCache,
    OnlineGeocoder,
    PoliteRateLimiter,
    make_online_geocoder,
    normalize_query,
)
from tests.nominatim_stub import MALFORMED, NominatimStub, http_error, rate_limited, slow

AGENT = "event-atlas-tests/1.0 (tests@example.invalid)"
KYIV = (50.4500336, 30.5241361)


@pytest.fixture
def stub():
    with NominatimStub() as running:
        yield running


@pytest.fixture
def geocode_cache(tmp_path):  # not `cache`: that is pytest's own fixture
    return GeocodeCache(tmp_path / "geocode.sqlite")


def build(stub, geocode_cache, **overrides) -> OnlineGeocoder:
    settings = dict(
        user_agent=AGENT, domain=stub.domain, scheme="http", timeout=5,
        min_delay_seconds=1.0, max_retries=1, error_wait_seconds=1.0,
        proxies={},  # a proxy set in the environment must not capture 127.0.0.1
    )
    settings.update(overrides)
    return OnlineGeocoder(make_online_geocoder("nominatim", **settings), geocode_cache)


def gaps(requests) -> list[float]:
    return [later.at - earlier.at for earlier, later in zip(requests, requests[1:])]


# ------------------------------------------------------------------ answers


def test_found_place_comes_back_as_location_from_nominatim(stub, geocode_cache):
    location = build(stub, geocode_cache).geocode("Kyiv")

    assert location.latitude == pytest.approx(KYIV[0])
    assert location.longitude == pytest.approx(KYIV[1])
    assert location.address == "Київ, Україна"
    assert location.raw["source"] == "nominatim"
    assert location.raw["osm_type"] == "relation"
    [request] = stub.requests
    assert request.path == "/search"
    assert request.params == {"q": "Kyiv", "format": "json", "limit": "1"}
    assert geocode_cache.get("kyiv", "nominatim").status == "ok"


def test_user_agent_sent_is_ours(stub, geocode_cache):
    build(stub, geocode_cache).geocode("Kharkiv")

    assert [r.user_agent for r in stub.requests] == [AGENT]


def test_unknown_place_is_none_and_cached_as_not_found(stub, geocode_cache):
    online = build(stub, geocode_cache)

    assert online.geocode("Atlantis") is None
    assert online.geocode("atlantis") is None

    assert len(stub.requests) == 1
    assert geocode_cache.get("Atlantis", "nominatim").status == "not_found"


def test_cache_hit_sends_no_second_request_even_from_another_process(
    stub, geocode_cache, tmp_path
):
    build(stub, geocode_cache).geocode("Odesa")
    again = build(stub, geocode_cache).geocode("  ODESA ")
    reopened = build(stub, GeocodeCache(tmp_path / "geocode.sqlite")).geocode("odesa")

    assert len(stub.requests) == 1
    for location in (again, reopened):
        assert location.raw["source"] == "cache"
        assert location.raw["licence"].startswith("Data © OpenStreetMap")
        assert location.latitude == pytest.approx(46.4843023)


def test_concurrent_threads_asking_the_same_query_send_one_request(stub, geocode_cache):
    online = build(stub, geocode_cache)

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(online.geocode, ["Kyiv"] * 8))

    assert len(stub.requests) == 1
    assert {(r.latitude, r.longitude) for r in results} == {KYIV}


# ------------------------------------------------------------------ usage policy


def test_requests_are_at_least_a_second_apart(stub, geocode_cache):
    online = build(stub, geocode_cache)

    online.geocode("Kyiv")
    online.geocode("Kharkiv")

    assert len(stub.requests) == 2
    assert gaps(stub.requests)[0] >= 0.9  # no upper bound: the machine may be loaded


def test_two_sessions_share_one_rate_limit(stub, tmp_path):
    # Each Streamlit session builds its own geocoder; Nominatim counts the app as one.
    sessions = [build(stub, GeocodeCache(tmp_path / f"s{i}.sqlite")) for i in range(2)]

    threads = [threading.Thread(target=s.geocode, args=(q,))
               for s, q in zip(sessions, ["Kyiv", "Kharkiv"])]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(stub.requests) == 2
    assert gaps(stub.requests)[0] >= 0.9


# ------------------------------------------------------------------ failures


def test_rate_limited_then_success_is_retried(stub, geocode_cache):
    stub.queue("Kyiv", rate_limited(retry_after=1))

    location = build(stub, geocode_cache).geocode("Kyiv")

    assert location.latitude == pytest.approx(KYIV[0])
    assert len(stub.requests) == 2
    assert gaps(stub.requests)[0] >= 0.9
    assert geocode_cache.get("Kyiv", "nominatim").status == "ok"


def test_retry_after_longer_than_allowed_gives_up_at_once(stub, geocode_cache):
    stub.queue("Kyiv", rate_limited(retry_after=3600))

    assert build(stub, geocode_cache, max_wait_seconds=30).geocode("Kyiv") is None

    assert len(stub.requests) == 1
    assert "GeocoderRateLimited" in geocode_cache.get("Kyiv", "nominatim").error


def test_persistent_server_error_is_recorded_and_retried_later(stub, geocode_cache, caplog):
    stub.always(http_error(500))
    online = build(stub, geocode_cache)

    with caplog.at_level(logging.WARNING, logger="geo.places.online"):
        assert online.geocode("Kyiv") is None
    assert online.geocode("Kyiv") is None  # failures wait for retry_failed()

    assert len(stub.requests) == 2  # first try + max_retries=1
    entry = geocode_cache.get("Kyiv", "nominatim")
    assert entry.status == "failed"
    assert "500" in entry.error
    assert geocode_cache.failed("nominatim") == ["kyiv"]
    assert "failed" in caplog.text

    stub.heal()
    assert online.retry_failed() == (1, 0)
    assert geocode_cache.failed("nominatim") == []
    assert online.geocode("Kyiv").raw["source"] == "cache"
    assert len(stub.requests) == 3


def test_retry_failed_counts_queries_still_failing(stub, geocode_cache):
    stub.always(http_error(503))
    online = build(stub, geocode_cache, max_retries=0)
    online.geocode("Kyiv")

    assert online.retry_failed() == (0, 1)
    assert len(stub.requests) == 2


def test_blocked_agent_is_not_retried(stub, geocode_cache):
    stub.always(http_error(403))

    assert build(stub, geocode_cache).geocode("Kyiv") is None

    assert len(stub.requests) == 1
    assert geocode_cache.get("Kyiv", "nominatim").status == "failed"


def test_slow_reply_times_out_without_crashing(stub, geocode_cache):
    stub.always(slow(3))
    online = build(stub, geocode_cache, timeout=1, max_retries=0)

    started = time.monotonic()
    assert online.geocode("Kyiv") is None
    elapsed = time.monotonic() - started

    assert elapsed < 3  # gave up at the client timeout, not after the reply
    assert len(stub.requests) == 1  # no hidden transport-level resend
    assert "GeocoderTimedOut" in geocode_cache.get("Kyiv", "nominatim").error


def test_malformed_json_is_none_without_crashing(stub, geocode_cache):
    stub.always(MALFORMED)

    assert build(stub, geocode_cache).geocode("Kyiv") is None

    assert len(stub.requests) == 1  # the same bytes would come back: no retry
    assert "GeocoderParseError" in geocode_cache.get("Kyiv", "nominatim").error


def test_unexpected_reply_shape_is_none_without_crashing(geocode_cache):
    def broken(query):
        raise KeyError("lat")  # what a parser does with a record missing a field

    online = OnlineGeocoder(broken, geocode_cache, service="nominatim")

    assert online.geocode("Kyiv") is None
    assert geocode_cache.get("Kyiv", "nominatim").status == "failed"


# ------------------------------------------------------------------ configuration


@pytest.mark.parametrize("user_agent", ["", "   ", None, geopy_options.default_user_agent,
                                        "geopy/2.5.0", "my-application"])
def test_missing_or_default_user_agent_is_refused(user_agent):
    with pytest.raises(ConfigurationError, match="user_agent"):
        make_online_geocoder(user_agent=user_agent)


def test_unknown_service_is_refused_and_named():
    with pytest.raises(ConfigurationError, match="'nominatimm'"):
        make_online_geocoder("nominatimm", user_agent=AGENT)


@pytest.mark.parametrize("settings", [
    dict(min_delay_seconds=0.5),
    dict(min_delay_seconds=1.0, error_wait_seconds=0.5),
    dict(max_retries=-1),
    dict(timeout=0),
    dict(scheme="gopher"),
])
def test_bad_settings_are_refused_at_construction(settings):
    with pytest.raises(ConfigurationError) as raised:
        make_online_geocoder(user_agent=AGENT, **settings)
    assert isinstance(raised.value, (EventAtlasError, ValueError))


def test_other_geopy_services_are_selectable_by_name():
    geocode = make_online_geocoder("photon", user_agent=AGENT, min_delay_seconds=0.5,
                                   error_wait_seconds=0.5)

    assert isinstance(geocode, PoliteRateLimiter)
    assert type(geocode.geocoder).__name__ == "Photon"
    assert geocode.service == "photon"


# ------------------------------------------------------------------ cache


def test_cache_round_trip_and_normalised_keys(geocode_cache):
    from geopy.location import Location

    place = Location("Kyiv, Ukraine", KYIV, {"osm_id": 421866, "geojson": {"big": 1}})
    geocode_cache.put("  Kyiv   City ", "nominatim", place, "ok")

    entry = geocode_cache.get("kyiv city", "nominatim")
    assert normalize_query(" Kyiv\tCITY ") == "kyiv city"
    assert entry.status == "ok"
    assert (entry.location.latitude, entry.location.longitude) == KYIV
    assert entry.location.raw == {"osm_id": 421866, "source": "cache"}
    assert geocode_cache.get("kyiv city", "photon") is None


def test_cache_rejects_inconsistent_entries(geocode_cache):
    with pytest.raises(ValueError):
        geocode_cache.put("Kyiv", "nominatim", None, "ok")
    with pytest.raises(ValueError):
        geocode_cache.put("Kyiv", "nominatim", None, "maybe")


def test_cache_uses_wal_and_survives_concurrent_writers(geocode_cache):
    def write(i):
        for j in range(20):
            geocode_cache.put(f"place {i}-{j}", "nominatim", None, "failed", "boom")

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(write, range(8)))

    assert len(geocode_cache.failed("nominatim")) == 160
    with sqlite3.connect(geocode_cache.path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


# ------------------------------------------------- #19 item 5: anonymous visitors, cache age


def test_a_visitor_gets_a_small_lookup_budget_and_never_writes_the_shared_cache(geocode_cache):
    from geopy.location import Location

    from geo.places.visitor import for_visitor

    asked = []

    def service(query):
        asked.append(query)
        return Location(query, (50.0, 30.0), {"name": query})

    online = OnlineGeocoder(service, geocode_cache, service="nominatim")
    assert online.geocode("Kyiv") is not None  # an editor's lookup fills the shared cache
    visitor = for_visitor(online, 2)
    assert visitor.geocode("Kyiv").raw["source"] == "cache"  # shared answers are read, for free
    found = [visitor.geocode(f"Village {i}") for i in range(5)]
    assert asked == ["Kyiv", "Village 0", "Village 1"]  # two requests, then the budget is spent
    assert [f is not None for f in found] == [True, True, False, False, False]
    assert visitor.geocode("Village 0") is not None and len(asked) == 3  # its own answers, kept in memory
    assert geocode_cache.get("Village 0", "nominatim") is None  # nothing written to the shared cache
    assert visitor.retry_failed() == (0, 0)


def test_cache_entries_expire(tmp_path):
    from geopy.location import Location

    cache = GeocodeCache(tmp_path / "g.sqlite", max_age_days=30)
    asked = []

    def service(query):
        asked.append(query)
        return Location(query, (50.0, 30.0), {"name": query})

    online = OnlineGeocoder(service, cache, service="nominatim")
    online.geocode("Kyiv")
    online.geocode("Kyiv")
    assert asked == ["Kyiv"]
    with sqlite3.connect(cache.path) as conn:
        conn.execute("UPDATE geocode_cache SET updated_at = '2020-01-01T00:00:00+00:00'")
    assert cache.get("Kyiv", "nominatim") is None
    online.geocode("Kyiv")
    assert asked == ["Kyiv", "Kyiv"]  # asked again once too old


def test_the_dashboard_cache_expires_by_the_setting(tmp_path, monkeypatch):
    from geo.places.geocoding import make_layered_geocoder

    monkeypatch.setenv("EVENT_ATLAS_ONLINE", "1")
    monkeypatch.setenv("EVENT_ATLAS_USER_AGENT", AGENT)
    monkeypatch.setenv("EVENT_ATLAS_GEOCODE_CACHE_DAYS", "7")
    assert make_layered_geocoder(cache_path=tmp_path / "g.sqlite").online.cache.max_age_days == 7
