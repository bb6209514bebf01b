"""The dashboard's view state and its one table of filters: URL key, parse, serialise, predicate.

No Streamlit here: ui/session.py reads ``st.query_params`` into a :class:`ViewState` with
:meth:`ViewState.from_query`, seeds the widgets from it, and writes :meth:`ViewState.to_query`
back, so a copied URL reproduces the view. Adding a filter: a ViewState field, one `Field` line
in FIELDS (its predicate, if it filters rows), and its widget in ui/.
"""
from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from ..model import DEFAULT_BORDER as DEFAULT_PAIR
from ..model import EVENT_TYPES

#: Distance bands offered by the dashboard, km (0 = any distance).
DISTANCE_BANDS = (0, 10, 25, 50, 100, 200)
SIDES = ("any", "a", "b", "other")  # side of the chosen border: country a, country b, elsewhere
VERIFIED = ("any", "verified", "unverified")
PRECISIONS = ("place", "region", "country")  # how exactly an event's point is known (Event.precision)
#: Default confidence threshold (#11): chosen on real-dev, where events at or above it had precision >= 0.85.
DEFAULT_MIN_CONFIDENCE = 0.60
WINDOW_MODES = ("moving", "cumulative")


@dataclass(frozen=True)
class ViewState:
    """Everything that defines what the dashboard shows; defaults mean "no filter"."""

    start: date | None = None
    end: date | None = None
    types: tuple[str, ...] = ()  # empty: every type
    countries: tuple[str, ...] = ()  # ISO alpha-2 of the event's place; empty: all
    pair: tuple[str, str] = DEFAULT_PAIR
    side: str = "any"
    max_km: int = 0  # distance band: 0 = any
    coarse_km: bool = False  # region/country-precision events take part in distance bands too
    line_max_km: int = 0  # distance band to an uploaded reference line (column line_km): 0 = any
    claimed_by: tuple[str, ...] = ()
    verified: str = "any"
    q: str = ""
    precision: tuple[str, ...] = ()  # empty: every precision
    min_confidence: float = DEFAULT_MIN_CONFIDENCE  # events below it are hidden (None: always shown)
    less_certain: bool = False  # show events below min_confidence too (drawn lighter, marked)
    event: int | None = None  # selected event id
    heat: bool = False
    rings: bool = False
    viewport: tuple[float, float, int] | None = None  # the map's centre (lat, lon) and zoom; None: fit the events

    def to_query(self) -> dict[str, str]:
        """Query parameters for this state; defaults are left out, so short URLs stay short."""
        return {f.url_key: f.serialise(getattr(self, f.name)) for f in FIELDS if f.is_set(getattr(self, f.name))}

    @classmethod
    def from_query(cls, params: Mapping[str, Any]) -> "ViewState":
        """Parse query parameters leniently: a malformed value falls back to its default."""
        kw: dict[str, Any] = {}
        for f in FIELDS:
            value = params.get(f.url_key)
            if isinstance(value, (list, tuple)):
                value = value[-1] if value else None
            try:
                kw[f.name] = f.parse(str(value).strip() if value is not None else "")
            except ValueError:
                pass
        return cls(**kw)

    def replace(self, **changes) -> "ViewState":
        return dataclasses.replace(self, **changes)


_DEFAULTS = {f.name: f.default for f in dataclasses.fields(ViewState)}


# --------------------------------------------------------------------------- parsing helpers

def _many(raw: str, sep: str = r"[,|]") -> tuple[str, ...]:
    """Distinct non-empty items of a list parameter, in order."""
    return tuple(dict.fromkeys(p.strip() for p in re.split(sep, raw) if p.strip())) if raw else ()


def _choice(options) -> Callable[[str], str]:
    def parse(raw: str) -> str:
        if raw not in options:
            raise ValueError(raw)
        return raw
    return parse


def _band(raw: str) -> int:
    if not (re.fullmatch(r"[0-9]{1,6}", raw) and int(raw) in DISTANCE_BANDS):
        raise ValueError(raw)
    return int(raw)


def _day(raw: str) -> date | None:
    return date.fromisoformat(raw) if raw else None  # ValueError: the default


def _pair(raw: str) -> tuple[str, str]:
    pair = [p.upper() for p in raw.split("-")]
    if len(pair) == 2 and all(re.fullmatch(r"[A-Z]{2}", p) for p in pair) and pair[0] != pair[1]:
        return pair[0], pair[1]
    raise ValueError(raw)


def _confidence(raw: str) -> float:
    if not re.fullmatch(r"(0(\.[0-9]{1,2})?|1(\.0{1,2})?)", raw):
        raise ValueError(raw)
    return float(raw)


def _viewport(raw: str) -> tuple[float, float, int] | None:
    """"lat,lon,zoom" (the map's centre and zoom) -> (lat, lon, zoom); "" -> None."""
    if not raw:
        return None
    m = re.fullmatch(r"(-?[0-9]{1,2}(?:\.[0-9]{1,6})?),(-?[0-9]{1,3}(?:\.[0-9]{1,6})?),([0-9]{1,2})", raw)
    if m is None:
        raise ValueError(raw)
    lat, lon, zoom = float(m.group(1)), float(m.group(2)), int(m.group(3))
    if not (-90 <= lat <= 90 and -180 <= lon <= 180 and 1 <= zoom <= 18):
        raise ValueError(raw)
    return lat, lon, zoom


def _viewport_text(v: tuple[float, float, int]) -> str:
    return f"{v[0]:.4f},{v[1]:.4f},{int(v[2])}"


def _event(raw: str) -> int:
    if not re.fullmatch(r"[0-9]{1,12}", raw):
        raise ValueError(raw)
    return int(raw)


# --------------------------------------------------------------------------- predicates
# Each returns the boolean mask of the rows a non-default value keeps, or None when the frame
# lacks the column it needs (e.g. no reference line uploaded).

def _known(mask: pd.Series) -> np.ndarray:
    return mask.to_numpy(na_value=False)


def _words(df: pd.DataFrame, q: str) -> np.ndarray:
    mask = np.ones(len(df), dtype=bool)
    for word in q.lower().split():
        mask &= _known(df["search"].str.contains(word, regex=False))
    return mask


def _coarse(df: pd.DataFrame) -> np.ndarray:
    """Rows whose point stands for a region or a whole country (precision region|country)."""
    return _known(df["precision"].isin(PRECISIONS[1:])) if "precision" in df else np.zeros(len(df), dtype=bool)


def _within_band(df: pd.DataFrame, km: int, state: "ViewState") -> np.ndarray | None:
    """Distance band: place-precision events within `km`; region/country events (a region's point
    says nothing about the distance) only when the view lets them in (`coarse_km`)."""
    if "pair_km" not in df:
        return None
    kept = _known(df["pair_km"] <= km)
    return kept if state.coarse_km else kept & ~_coarse(df)


def below_confidence(df: pd.DataFrame, threshold: float) -> np.ndarray:
    """Rows whose extractor confidence is below `threshold`; None (imported rows) never is."""
    if "confidence" not in df:
        return np.zeros(len(df), dtype=bool)
    conf = pd.to_numeric(df["confidence"], errors="coerce").to_numpy(dtype=float)
    return ~np.isnan(conf) & (conf < threshold - 1e-9)


def _confident(df: pd.DataFrame, threshold: float, state: "ViewState") -> np.ndarray | None:
    return None if state.less_certain else ~below_confidence(df, threshold)


@dataclass(frozen=True)
class Field:
    """One view setting: ViewState attribute, URL key, how it is read and written, what it filters."""

    name: str
    url_key: str
    parse: Callable[[str], Any]  # the URL's text -> value; ValueError keeps the default
    serialise: Callable[[Any], str] = str
    keeps: Callable[[pd.DataFrame, Any], np.ndarray | None] | None = None  # rows kept; None: no row filter
    dates: bool = False  # part of the date range (ignored for the chart over all dates)
    with_state: bool = False  # `keeps(df, value, state)`: the predicate also reads other settings
    always: bool = False  # filters at its default value too (a threshold, not "no filter")

    @property
    def default(self) -> Any:
        return _DEFAULTS[self.name]

    def is_set(self, value: Any) -> bool:
        """Whether `value` differs from "no filter" (empty lists and 0 count as unset, whatever their type)."""
        default = self.default
        if default is None:
            return value is not None
        return bool(value) if not default else value != default


#: Every view setting, in URL order (FIELD: by name).
FIELDS: tuple[Field, ...] = (
    Field("start", "from", _day, date.isoformat, lambda df, v: _known(df["day"] >= pd.Timestamp(v)), dates=True),
    Field("end", "to", _day, date.isoformat, lambda df, v: _known(df["day"] <= pd.Timestamp(v)), dates=True),
    Field("types", "type", lambda raw: tuple(t for t in _many(raw) if t in EVENT_TYPES), ",".join,
          lambda df, v: df["event_type"].isin(v).to_numpy()),
    Field("countries", "country", lambda raw: tuple(c.upper() for c in _many(raw) if re.fullmatch(r"[A-Za-z]{2}", c)),
          ",".join, lambda df, v: _known(df["country_code"].isin(v))),
    Field("pair", "pair", _pair, "-".join),  # chooses the distances (pair_km, pair_side), filters nothing
    Field("side", "side", _choice(SIDES), str,
          lambda df, v: (df["pair_side"] == v).to_numpy() if "pair_side" in df else None),
    Field("max_km", "km", _band, str, _within_band, with_state=True),
    Field("coarse_km", "coarse", lambda raw: raw == "1", lambda v: "1"),  # read by max_km's predicate
    Field("line_max_km", "lkm", _band, str,  # only while a reference line is uploaded
          lambda df, v: _known(pd.to_numeric(df["line_km"], errors="coerce") <= v) if "line_km" in df else None),
    Field("claimed_by", "claim", lambda raw: _many(raw, r"\|"), "|".join,
          lambda df, v: _known(df["claimant" if "claimant" in df else "claimed_by"].isin(v))),
    Field("verified", "verified", _choice(VERIFIED), str,
          lambda df, v: (df["verified"] == (v == "verified")).fillna(False).to_numpy(dtype=bool)),
    Field("q", "q", lambda raw: raw[:200], str, _words),
    Field("precision", "prec", lambda raw: tuple(p for p in _many(raw) if p in PRECISIONS), ",".join,
          lambda df, v: _known(df["precision"].isin(v))),
    Field("min_confidence", "conf", _confidence, lambda v: f"{v:.2f}", _confident, with_state=True, always=True),
    Field("less_certain", "lc", lambda raw: raw == "1", lambda v: "1"),  # read by min_confidence's predicate
    Field("event", "event", _event),  # the selected event: shown on top, filters nothing
    Field("heat", "heat", lambda raw: raw == "1", lambda v: "1"),
    Field("rings", "rings", lambda raw: raw == "1", lambda v: "1"),
    Field("viewport", "map", _viewport, _viewport_text),  # the map's centre and zoom (kept by the map's script)
)
FIELD: dict[str, Field] = {f.name: f for f in FIELDS}
