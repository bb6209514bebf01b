"""Online geocoding for anonymous visitors of a shared app: a lookup budget per session and a
read-only view of the shared cache, so anonymous text can neither hold the process-wide
1 request/s geocoder for long nor fill, poison or re-date the shared cache."""
from __future__ import annotations

from typing import Callable

from geopy.location import Location

from .._files import utc_now as _now
from .online import CacheEntry, GeocodeCache, OnlineGeocoder, normalize_query


class VisitorCache:
    """A visitor's view of the shared cache: reads it, but keeps its own answers to itself (in
    memory), so anonymous text cannot fill, poison or re-date the shared cache."""

    def __init__(self, shared: GeocodeCache) -> None:
        self.shared = shared
        self._own: dict[tuple[str, str], CacheEntry] = {}

    def get(self, query: str, service: str) -> CacheEntry | None:
        key = normalize_query(query)
        return self._own.get((key, service)) or self.shared.get(key, service)

    def put(self, query: str, service: str, location: Location | None, status: str,
            error: str | None = None) -> None:
        key = normalize_query(query)
        self._own[(key, service)] = CacheEntry(key, service, status, location, error, _now())

    def failed(self, service: str) -> list[str]:
        return []  # a visitor's failures are not retried for everyone


class LookupBudget:
    """Wraps an online geocode callable: at most `lookups` requests, then None (the offline
    answer stands). Keeps the wrapped callable's rate-limit attributes."""

    def __init__(self, geocode: Callable[[str], Location | None], lookups: int) -> None:
        self._geocode = geocode
        self.left = max(0, int(lookups))
        self.used = 0
        for name in ("service", "min_delay_seconds", "geocoder"):
            if hasattr(geocode, name):
                setattr(self, name, getattr(geocode, name))

    def __call__(self, query: str, *args, **kwargs) -> Location | None:
        if self.left <= 0:
            return None
        self.left -= 1
        self.used += 1
        return self._geocode(query, *args, **kwargs)


def for_visitor(online: OnlineGeocoder, lookups: int) -> OnlineGeocoder:
    """`online` as an anonymous visitor may use it: `lookups` requests at most (through the
    same process-wide rate limiter), the shared cache read but never written."""
    budget = LookupBudget(online._geocode, lookups)
    return OnlineGeocoder(budget, VisitorCache(online.cache), service=online.service)
