"""Corrections: which fields a reviewer may override, checking a value, replaying them over events.

Corrections live in their own table keyed by the stable ``event_key`` (see ``store.event_key``),
so they survive re-extraction; the events frame applies them every time it is read.
"""
from __future__ import annotations

import json
import math
from datetime import date

import pandas as pd

from ..errors import ConfigurationError
from ..model import EVENT_TYPES

#: Event fields a reviewer may override, plus the free-text ``notes`` and ``hidden`` (taken off the map,
#: table and exports, never deleted: the event and every correction stay) that only exist as corrections.
CORRECTABLE_FIELDS = ("lat", "lon", "place", "event_type", "verified", "date", "claimed_by", "notes", "hidden")
#: Fields that follow a corrected place (geo.pipeline.correct_event records them with the correction).
DERIVED_FIELDS = ("border_distance_km", "border_side", "country_code", "admin1")


def apply_corrections(df: pd.DataFrame, rows) -> pd.DataFrame:
    """`df` (events with ``event_key``, ``corrected_fields``) with the correction `rows`
    (``event_key, field, value_json``, oldest first) applied."""
    # Replayed in insertion order so the latest correction of a field wins; only the
    # (few) corrected rows are touched.
    overrides: dict[str, dict[str, object]] = {}
    for c in rows:
        overrides.setdefault(c["event_key"], {})[c["field"]] = json.loads(c["value_json"])
    if overrides:
        fields = {f for fixes in overrides.values() for f in fixes} | {"corrected_fields"}
        df = df.astype({f: object for f in fields})  # a corrected value may not fit the column's dtype
        positions = {k: i for i, k in enumerate(df["event_key"])}
        for key, fixes in overrides.items():
            i = positions.get(key)
            if i is None:
                continue
            for field_name, value in fixes.items():
                df.iat[i, df.columns.get_loc(field_name)] = value
            df.iat[i, df.columns.get_loc("corrected_fields")] = ",".join(sorted(fixes))
    return df


def validate_correction(field: str, value: object) -> object:
    """Return ``value`` normalised for ``field`` or raise ConfigurationError."""
    if field in DERIVED_FIELDS:
        return _derived(field, value)
    if field not in CORRECTABLE_FIELDS:
        raise ConfigurationError(
            f"cannot correct field {field!r}; correctable fields are {', '.join(CORRECTABLE_FIELDS)}"
        )
    if field == "event_type":
        if value not in EVENT_TYPES:
            raise ConfigurationError(
                f"unknown event type {value!r}; expected one of {', '.join(EVENT_TYPES)}"
            )
        return value
    if value is None:
        return None
    if field in ("lat", "lon"):
        limit = 90.0 if field == "lat" else 180.0
        # bool is an int subclass; True as a latitude is a bug, not 1 degree.
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise ConfigurationError(f"{field} must be a number, got {value!r}")
        if not -limit <= value <= limit:
            raise ConfigurationError(f"{field} must be between {-limit:g} and {limit:g}, got {value!r}")
        return float(value)
    if field in ("verified", "hidden"):
        if not isinstance(value, bool):
            raise ConfigurationError(f"{field} must be True, False or None, got {value!r}")
        return value
    if field == "date":
        try:
            if not isinstance(value, str) or len(value) != 10:
                raise ValueError
            date.fromisoformat(value)
        except ValueError:
            raise ConfigurationError(f"date must be an ISO date YYYY-MM-DD, got {value!r}") from None
        return value
    if not isinstance(value, str):  # place, claimed_by, notes
        raise ConfigurationError(f"{field} must be a string or None, got {value!r}")
    return value


def _derived(field: str, value: object) -> object:
    if value is None:
        return None
    if field == "border_distance_km":
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
            raise ConfigurationError(f"border_distance_km must be a distance in km, got {value!r}")
        return float(value)
    if not isinstance(value, str):
        raise ConfigurationError(f"{field} must be a string or None, got {value!r}")
    return value
