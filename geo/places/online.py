"""Online fallback of the layered geocoder (Nominatim by default) with a persistent cache.

The offline gazetteer answers first; only what it cannot resolve comes here.
Nominatim's usage policy (https://operations.osmfoundation.org/policies/nominatim/)
shapes the design: an identifying User-Agent, at most one request per second for the
whole application (all threads and Streamlit sessions together), and every answer
cached so that a query is not sent again. Failures never reach the caller: they are
logged, cached as 'failed' for a later `retry_failed()`, and the offline answer stands.

Typical use::

    geocode = make_online_geocoder(user_agent="event-atlas/1.0 (you@example.org)")
    online = OnlineGeocoder(geocode, GeocodeCache("data/cache/geocode.sqlite"))
    location = online.geocode("Kharkiv")   # geopy Location or None
"""
from __future__ import annotations

import inspect
import json
import logging
import sqlite3
import threading
import time
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterator

from geopy.adapters import RequestsAdapter
from geopy.exc import ConfigurationError as GeopyConfigurationError
from geopy.exc import (
    GeocoderNotFound,
    GeocoderRateLimited,
    GeocoderServiceError,
    GeocoderTimedOut,
    GeocoderUnavailable,
    GeopyError,
)
from geopy.extra.rate_limiter import RateLimiter
from geopy.geocoders import Nominatim, get_geocoder_for_service
from geopy.geocoders import options as geopy_options
from geopy.location import Location

from .._files import utc_now as _now  # one copy for the store and the geocode cache
from ..errors import ConfigurationError

log = logging.getLogger(__name__)

STATUS_OK = "ok"
STATUS_NOT_FOUND = "not_found"
STATUS_FAILED = "failed"
STATUSES = (STATUS_OK, STATUS_NOT_FOUND, STATUS_FAILED)

SOURCE_CACHE = "cache"

# Keys of a Nominatim record worth keeping; the rest (geojson, extratags...) can be large.
# `licence` is kept because ODbL requires attribution wherever the data is shown.
_RAW_KEYS = (
    "place_id", "licence", "osm_type", "osm_id", "class", "type", "addresstype",
    "name", "display_name", "place_rank", "importance", "boundingbox", "address",
)

# Sample agents from geopy's docs: Nominatim blocks them like the default one.
_SAMPLE_USER_AGENTS = frozenset(
    {"my-application", "my_app/1", "my_user_agent/1.0", "specify_your_app_name_here"}
)


def normalize_query(query: str) -> str:
    """Cache key of a query: case-folded, inner whitespace collapsed, ends stripped."""
    return " ".join(query.split()).casefold()


# --------------------------------------------------------------------------- cache


_SCHEMA = """
CREATE TABLE IF NOT EXISTS geocode_cache (
    query       TEXT NOT NULL,
    service     TEXT NOT NULL,
    result_json TEXT NULL,
    status      TEXT NOT NULL CHECK (status IN ('ok', 'not_found', 'failed')),
    error       TEXT,
    updated_at  TEXT NOT NULL,
    PRIMARY KEY (query, service)
)
"""


@dataclass(frozen=True)
class CacheEntry:
    """One cached answer. `location` is set only for status 'ok' (raw["source"] == "cache")."""

    query: str
    service: str
    status: str
    location: Location | None
    error: str | None
    updated_at: str


class GeocodeCache:
    """Persistent SQLite cache of online answers, shared by threads and processes.

    Every call opens its own short-lived connection, so one instance may be used from
    any thread; WAL mode plus a busy timeout let several processes (dashboard, CLI)
    read and write the same file without "database is locked" errors.
    """

    def __init__(self, path: str | Path, *, busy_timeout_seconds: float = 30.0,
                 max_age_days: float | None = None) -> None:
        """Open (creating if needed) the cache file at `path`; answers older than `max_age_days`
        count as never asked (places and the service's data change; None: kept forever)."""
        self.path = Path(path)
        self._busy_timeout = busy_timeout_seconds
        self.max_age_days = max_age_days
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connection() as conn:
            # WAL is a property of the file, so setting it once here covers later connections.
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute(_SCHEMA)

    @contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        # sqlite3's `timeout` is SQLite's busy timeout: wait for a writer instead of failing.
        with closing(sqlite3.connect(self.path, timeout=self._busy_timeout)) as conn:
            with conn:  # commits, or rolls back on error
                yield conn

    def get(self, query: str, service: str) -> CacheEntry | None:
        """The cached answer for `query` from `service`, or None if never asked."""
        key = normalize_query(query)
        with self._connection() as conn:
            row = conn.execute(
                "SELECT status, result_json, error, updated_at FROM geocode_cache"
                " WHERE query = ? AND service = ?",
                (key, service),
            ).fetchone()
        if row is None:
            return None
        status, result_json, error, updated_at = row
        if self.max_age_days is not None and status != STATUS_FAILED:  # failed ones wait for retry_failed
            try:
                age = datetime.now(timezone.utc) - datetime.fromisoformat(updated_at)
            except (TypeError, ValueError):
                return None  # an unreadable time: ask again
            if age.total_seconds() > self.max_age_days * 86400:
                return None
        location = _location_from_json(result_json) if result_json else None
        return CacheEntry(key, service, status, location, error, updated_at)

    def put(
        self,
        query: str,
        service: str,
        location: Location | None,
        status: str,
        error: str | None = None,
    ) -> None:
        """Store (or replace) the answer for `query`; `location` is required for 'ok'."""
        if status not in STATUSES:
            raise ValueError(f"status must be one of {STATUSES}, got {status!r}")
        if (status == STATUS_OK) != (location is not None):
            raise ValueError(f"status {status!r}: a location goes with 'ok' and only with it")
        result_json = _location_to_json(location) if location is not None else None
        with self._connection() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO geocode_cache"
                " (query, service, result_json, status, error, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (normalize_query(query), service, result_json, status, error, _now()),
            )

    def failed(self, service: str) -> list[str]:
        """Queries (normalised) whose last online attempt with `service` failed, oldest first."""
        with self._connection() as conn:
            rows = conn.execute(
                "SELECT query FROM geocode_cache WHERE service = ? AND status = ?"
                " ORDER BY updated_at, query",
                (service, STATUS_FAILED),
            ).fetchall()
        return [query for (query,) in rows]


def _location_to_json(location: Location) -> str:
    raw = location.raw if isinstance(location.raw, dict) else {}
    subset = {key: raw[key] for key in _RAW_KEYS if key in raw}
    record = {
        "address": location.address,
        "lat": location.latitude,
        "lon": location.longitude,
        "raw": subset,
    }
    return json.dumps(record, ensure_ascii=False)


def _location_from_json(text: str) -> Location:
    record = json.loads(text)
    raw = {**record.get("raw", {}), "source": SOURCE_CACHE}
    return Location(record["address"], (record["lat"], record["lon"]), raw)


# ---------------------------------------------------------------- rate-limited geocoder


def _is_transient(error: GeocoderServiceError) -> bool:
    # Busy, slow or briefly unreachable servers may answer a retry. A plain
    # GeocoderServiceError is what geopy raises for 5xx codes it does not map.
    # Other 4xx (bad query, blocked agent) or an unparsable body will not change
    # seconds later: those wait for retry_failed() instead of hammering the server.
    if isinstance(error, (GeocoderRateLimited, GeocoderTimedOut, GeocoderUnavailable)):
        return True
    return type(error) is GeocoderServiceError


class PoliteRateLimiter(RateLimiter):
    """geopy's RateLimiter, plus exponential backoff that honours a 429's Retry-After.

    Only transient errors (429, 5xx, timeouts, unreachable) are retried; any error is
    re-raised after the last try (`swallow_exceptions` is always False).
    """

    def __init__(
        self,
        func: Callable[..., Location | None],
        *,
        service: str,
        max_wait_seconds: float = 60.0,
        **options,
    ) -> None:
        """Wrap `func` (a geocoder's bound `geocode`); `options` go to RateLimiter."""
        super().__init__(func, swallow_exceptions=False, **options)
        self.service = service
        self.max_wait_seconds = max_wait_seconds

    @property
    def geocoder(self):
        """The geopy geocoder whose `geocode` is wrapped (None for a plain function)."""
        return getattr(self.func, "__self__", None)

    def backoff_seconds(self, attempt: int, error: Exception) -> float | None:
        """Seconds to wait before retry number `attempt + 1`, or None to give up now."""
        retry_after = getattr(error, "retry_after", None)
        if retry_after is not None and retry_after > self.max_wait_seconds:
            # Retrying sooner than the server asked would break its policy: give up.
            return None
        wait = self.error_wait_seconds * 2**attempt
        return min(max(wait, retry_after or 0), self.max_wait_seconds)

    def __call__(self, *args, **kwargs):
        # Replaces RateLimiter.__call__ (geopy is pinned) only to choose the wait per error.
        for attempt in range(self.max_retries + 1):
            self._acquire_request_slot()
            try:
                return self.func(*args, **kwargs)
            except GeocoderServiceError as error:
                wait = self.backoff_seconds(attempt, error) if _is_transient(error) else None
                if attempt == self.max_retries or wait is None:
                    raise
                log.warning(
                    "%s: %s; retry %d/%d in %.1f s",
                    self.service, error, attempt + 1, self.max_retries, wait,
                )
                self._sleep(wait)
        raise AssertionError("unreachable")  # pragma: no cover


def _check_user_agent(user_agent: str) -> str:
    agent = user_agent.strip() if isinstance(user_agent, str) else ""
    if not agent:
        raise ConfigurationError(
            "user_agent must identify this application (Nominatim usage policy), "
            f"got {user_agent!r}"
        )
    folded = agent.casefold()
    if (
        folded.startswith("geopy/")
        or agent == geopy_options.default_user_agent
        or folded in _SAMPLE_USER_AGENTS
    ):
        raise ConfigurationError(
            f"user_agent {user_agent!r} is geopy's default or sample agent; name this "
            "application instead, e.g. 'event-atlas/1.0 (contact@example.org)'"
        )
    return agent


def _transport_without_retries(proxies, ssl_context):
    # geopy's default requests transport retries on its own: it resends a timed-out
    # GET twice with no delay, and sleeps through a 429's Retry-After however long
    # (3600 s would freeze the dashboard). Every retry must go through the rate limiter.
    return RequestsAdapter(proxies=proxies, ssl_context=ssl_context, max_retries=0)


def make_online_geocoder(
    service: str = "nominatim",
    *,
    user_agent: str,
    domain: str | None = None,
    scheme: str = "https",
    timeout: float = 10,
    min_delay_seconds: float = 1.0,
    max_retries: int = 2,
    error_wait_seconds: float = 5.0,
    max_wait_seconds: float = 60.0,
    **geocoder_options,
) -> PoliteRateLimiter:
    """Build geopy's geocoder for `service` and return its rate-limited `geocode`.

    `service` is a geopy service name ("nominatim", "photon", ...); `domain`/`scheme`
    point it at another server (a self-hosted Nominatim, or a test stub).
    `geocoder_options` go to the geopy class (api_key, proxies, ...).
    Retries (`max_retries`) wait `error_wait_seconds`, doubling each time, at least a
    429's Retry-After, at most `max_wait_seconds`.
    Raises ConfigurationError for an empty or default user agent, an unknown service,
    `min_delay_seconds` < 1 with Nominatim, or settings geopy rejects.
    """
    agent = _check_user_agent(user_agent)
    try:
        geocoder_class = get_geocoder_for_service(service)
    except (GeocoderNotFound, AttributeError):  # AttributeError: not a string
        raise ConfigurationError(
            f"unknown geocoding service {service!r}; use a geopy service name such as 'nominatim'"
        ) from None
    if issubclass(geocoder_class, Nominatim) and min_delay_seconds < 1:
        raise ConfigurationError(
            f"min_delay_seconds={min_delay_seconds!r}: "
            "Nominatim allows at most 1 request per second"
        )
    if not 0 <= min_delay_seconds <= error_wait_seconds <= max_wait_seconds:
        raise ConfigurationError(
            "need 0 <= min_delay_seconds <= error_wait_seconds <= max_wait_seconds, got "
            f"{min_delay_seconds!r}, {error_wait_seconds!r}, {max_wait_seconds!r}"
        )
    if not isinstance(max_retries, int) or max_retries < 0:
        raise ConfigurationError(f"max_retries must be an int >= 0, got {max_retries!r}")
    if not timeout or timeout <= 0:
        raise ConfigurationError(f"timeout must be > 0 seconds, got {timeout!r}")

    accepted = inspect.signature(geocoder_class.__init__).parameters
    options = {"user_agent": agent, "timeout": timeout, **geocoder_options}
    for name, value, default in (("domain", domain, None), ("scheme", scheme, "https")):
        if name in accepted:
            if value is not None:
                options[name] = value
        elif value != default:
            raise ConfigurationError(f"service {service!r} does not take a {name} (got {value!r})")
    if RequestsAdapter.is_available:
        options.setdefault("adapter_factory", _transport_without_retries)
    try:
        geocoder = geocoder_class(**options)
    except (GeopyConfigurationError, TypeError) as error:
        raise ConfigurationError(
            f"cannot configure geocoding service {service!r}: {error}"
        ) from error

    return PoliteRateLimiter(
        geocoder.geocode,
        service=service.casefold(),
        min_delay_seconds=min_delay_seconds,
        max_retries=max_retries,
        error_wait_seconds=error_wait_seconds,
        max_wait_seconds=max_wait_seconds,
    )


# ------------------------------------------------------------------- cached fallback


class _ServiceGate:
    """Serialises the requests of this process to one server and spaces them.

    Each Streamlit session builds its own geocoder, but Nominatim counts the whole
    application, so the lock and the clock live here, one per server, not per object.
    """

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self._last_done: float | None = None

    def wait_turn(self, min_delay_seconds: float) -> None:
        """Sleep until `min_delay_seconds` after the previous call ended (lock held)."""
        if self._last_done is not None:
            remaining = self._last_done + min_delay_seconds - time.monotonic()
            if remaining > 0:
                time.sleep(remaining)

    def done(self) -> None:
        # Measured from the end: retries inside a call were requests too.
        self._last_done = time.monotonic()


_GATES: dict[tuple, _ServiceGate] = {}
_GATES_LOCK = threading.Lock()


def _gate_for(key: tuple) -> _ServiceGate:
    with _GATES_LOCK:
        return _GATES.setdefault(key, _ServiceGate())


class OnlineGeocoder:
    """Cache-first online geocoding that never raises for service errors.

    `geocode(query)` returns a geopy Location (raw["source"] is the service name, or
    "cache") or None when the place is unknown or the service failed; failures are
    cached as 'failed' and asked again only by `retry_failed()`, so an outage cannot
    make every dashboard rerun wait on the network.
    """

    def __init__(
        self,
        geocode: Callable[[str], Location | None],
        cache: GeocodeCache,
        service: str | None = None,
    ) -> None:
        """`geocode` is usually `make_online_geocoder(...)`; `service` defaults to its name."""
        self._geocode = geocode
        self.cache = cache
        self.service = service or getattr(geocode, "service", None)
        if not self.service:
            raise ConfigurationError("service name required to key the cache")
        self._min_delay = getattr(geocode, "min_delay_seconds", 0.0)
        server = getattr(getattr(geocode, "geocoder", None), "domain", None)
        self._gate = _gate_for((self.service, server))

    def geocode(self, query: str) -> Location | None:
        """Location for `query` from the cache, else from the service (asked once)."""
        key = normalize_query(query)
        if not key:
            return None
        entry = self.cache.get(key, self.service)
        if entry is None:
            with self._gate.lock:
                # Another thread may have answered the same query while we waited.
                entry = self.cache.get(key, self.service)
                if entry is None:
                    return self._ask(" ".join(query.split()))[1]
        return entry.location  # None for 'not_found' and 'failed'

    def retry_failed(self, found: list[str] | None = None) -> tuple[int, int]:
        """Ask again every query cached as failed; returns (answered, still failing).

        "Answered" counts found and not-found alike: both are final cache entries. The queries
        that found a place are appended to `found` when given (they are what re-extraction needs).
        """
        answered = still_failing = 0
        for key in self.cache.failed(self.service):
            with self._gate.lock:
                status, _ = self._ask(key)
            if status == STATUS_FAILED:
                still_failing += 1
            else:
                answered += 1
                if status == STATUS_OK and found is not None:
                    found.append(key)
        return answered, still_failing

    def _ask(self, query: str) -> tuple[str, Location | None]:
        # Called with the gate's lock held, so one request at a time per server.
        self._gate.wait_turn(self._min_delay)
        try:
            location = self._geocode(query)
        except GeopyError as error:
            return self._record_failure(query, error, with_traceback=False)
        except Exception as error:  # noqa: BLE001
            # An unexpected reply shape can break geopy's parser (KeyError, TypeError...):
            # that is the service's fault and must not crash the dashboard either.
            return self._record_failure(query, error, with_traceback=True)
        finally:
            self._gate.done()
        if location is None:
            self.cache.put(query, self.service, None, STATUS_NOT_FOUND)
            return STATUS_NOT_FOUND, None
        self.cache.put(query, self.service, location, STATUS_OK)
        raw = {**(location.raw if isinstance(location.raw, dict) else {}), "source": self.service}
        return STATUS_OK, Location(location.address, location.point, raw)

    def _record_failure(
        self, query: str, error: Exception, *, with_traceback: bool
    ) -> tuple[str, None]:
        message = f"{type(error).__name__}: {error}"
        log.warning(
            "online geocoding of %r via %s failed (%s); keeping the offline answer",
            query, self.service, message, exc_info=with_traceback,
        )
        self.cache.put(query, self.service, None, STATUS_FAILED, message)
        return STATUS_FAILED, None

