"""Layered geocoder with geopy's interface: persistent cache -> gazetteer -> supplement -> online.

`geocode(query)` returns a `geopy.location.Location` (raw["source"] says which layer answered:
"cache", "gazetteer", "supplement" or the online service's name) or None. The online layer is
`online.OnlineGeocoder` (rate limited to >= 1 request/s for Nominatim, retries with backoff,
timeouts, every unique query sent at most once and cached); it is used only when the settings
allow it (EVENT_ATLAS_ONLINE=1). Offline, or when the service fails, the offline answer (or
None) stands: this module never raises for network trouble.
"""
from __future__ import annotations

import logging
from pathlib import Path
from urllib.parse import urlsplit

from geopy.geocoders.base import Geocoder
from geopy.location import Location

from .. import settings
from ..errors import ConfigurationError
from .gazetteer import Gazetteer, OfflineGeocoder, Place

log = logging.getLogger(__name__)


class LayeredGeocoder(Geocoder):
    """geopy-compatible geocoder asking each layer in turn until one knows the query."""

    def __init__(self, gazetteer: Gazetteer | None = None, online=None):
        """`online` is an `online.OnlineGeocoder` (or None for offline use)."""
        super().__init__(user_agent="event-atlas-layered")
        self.offline = OfflineGeocoder(gazetteer)
        self.gazetteer = self.offline.gazetteer
        self.online = online

    def geocode(self, query: str, *, exactly_one: bool = True, country_codes=None, feature=None):
        """Best Location for `query` (a list of one with exactly_one=False), or None.

        `country_codes`/`feature` restrict the offline layers (the online answer is not filtered).
        """
        if not isinstance(query, str):
            raise TypeError(f"query must be a string, got {query!r}")
        found = self._lookup(query.strip(), country_codes, feature) if query.strip() else None
        if found is None:
            return None
        return found if exactly_one else [found]

    def _lookup(self, query: str, country_codes, feature) -> Location | None:
        cached = self._cached(query)
        if cached is not None:
            return cached
        offline = self.offline.geocode(query, exactly_one=False, country_codes=country_codes, feature=feature) or []
        # GeoNames entries first, the curated supplement second (it fills GeoNames' gaps).
        for source in ("gazetteer", "supplement"):
            for loc in offline:
                if loc.raw.get("source") == source:
                    return loc
        if self.online is None:
            return None
        try:
            return self.online.geocode(query)
        except Exception as error:  # noqa: BLE001 - OnlineGeocoder should not raise; never crash here
            log.warning("online geocoding of %r failed: %s", query, error)
            return None

    def _cached(self, query: str) -> Location | None:
        if self.online is None:
            return None
        try:
            entry = self.online.cache.get(query, self.online.service)
        except Exception as error:  # noqa: BLE001 - an unreadable cache must not stop geocoding
            log.warning("geocode cache unreadable: %s", error)
            return None
        return entry.location if entry is not None else None


def place_from_location(location: Location, name: str) -> Place:
    """A gazetteer-like Place for an answer of any layer (online answers have no GeoNames id)."""
    raw = location.raw if isinstance(location.raw, dict) else {}
    if "geonameid" in raw and "feature" in raw:
        return Place(raw["geonameid"], raw["name"], location.latitude, location.longitude, raw["country_code"],
                     raw.get("admin1_code") or "", raw["feature"], raw.get("population") or 0, raw["source"],
                     raw.get("admin1"))
    address = raw.get("address") if isinstance(raw.get("address"), dict) else {}
    cc = (address.get("country_code") or "").upper()
    kind = raw.get("addresstype") or raw.get("type") or "place"
    feature = {"country": "country", "state": "region", "county": "district"}.get(kind, "city")
    return Place(0, raw.get("name") or name, location.latitude, location.longitude, cc, "", feature, 0,
                 raw.get("source") or "online")


def _cache_days() -> float | None:
    """EVENT_ATLAS_GEOCODE_CACHE_DAYS: how long an online answer is reused (0: forever)."""
    days = settings.number("geocode_cache_days")
    return days if days > 0 else None


def make_layered_geocoder(gazetteer: Gazetteer | None = None, *,
                          cache_path: str | Path | None = None) -> LayeredGeocoder:
    """The layered geocoder the settings ask for: online layer only with EVENT_ATLAS_ONLINE=1.

    Raises geo.errors.ConfigurationError for an unusable online configuration (unknown
    EVENT_ATLAS_GEOCODER service, default or empty EVENT_ATLAS_USER_AGENT) rather than
    silently sending requests Nominatim would block.
    """
    online = None
    if settings.is_on(settings.get("online")):
        from .online import GeocodeCache, OnlineGeocoder, make_online_geocoder

        # The cache lives in the event store, so what to retry travels with the store.
        path = Path(cache_path) if cache_path else settings.geocode_cache_path()
        service = settings.get("geocoder")
        url = settings.get("geocoder_url").strip()
        where = {}
        if url:
            parts = urlsplit(url)
            if parts.scheme not in ("http", "https") or not parts.netloc:
                raise ConfigurationError(f"EVENT_ATLAS_GEOCODER_URL must be an http(s) URL, got {url!r}")
            where = {"scheme": parts.scheme, "domain": parts.netloc + parts.path.rstrip("/")}
        timeout = settings.number("geocoder_timeout")
        online = OnlineGeocoder(make_online_geocoder(service, user_agent=settings.get("user_agent"), timeout=timeout,
                                                     error_wait_seconds=max(1.0, min(5.0, timeout)), **where),
                                GeocodeCache(path, max_age_days=_cache_days()), service=service.casefold())
    return LayeredGeocoder(gazetteer, online)
