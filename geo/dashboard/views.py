"""What the dashboard shows: events prepared and filtered by a ViewState (see `state`), border
pair distances, facets, daily counts, playback windows, table rows and session events.

No Streamlit here: every function takes plain values and pandas frames, so they are
unit-tested without a browser and cacheable with ``st.cache_data``.
"""
from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any, Mapping

import numpy as np
import pandas as pd

from ..model import EVENT_TYPES
from .cards import safe_http_url
from .claimants import claimant_columns
from .state import DEFAULT_PAIR, DISTANCE_BANDS, FIELDS, SIDES, VERIFIED, WINDOW_MODES, ViewState, below_confidence

__all__ = ["DEFAULT_PAIR", "DISTANCE_BANDS", "SIDES", "VERIFIED", "WINDOW_MODES", "ViewState",  # from .state
           "below_confidence", "dateline_date",
           "prepare_events", "pair_columns", "filter_events", "facets", "daily_counts", "playback_window",
           "next_play_day", "table_rows", "SESSION_ID_BASE", "is_session_event", "session_events_frame"]


# --------------------------------------------------------------------------- frames


def prepare_events(df: pd.DataFrame) -> pd.DataFrame:
    """Add the columns filtering needs: ``day`` (datetime64, NaT if unknown), ``search``
    (lower-case text searched by the free-text box), categorical event types. Returns a copy."""
    out = df.copy()
    out["day"] = pd.to_datetime(out["date"], errors="coerce", format="%Y-%m-%d")
    claimants = claimant_columns(out["claimed_by"])
    out["claimant"], out["claimant_side"] = claimants["claimant"], claimants["claimant_side"]
    searched = ("evidence", "place", "title", "claimed_by", "claimant", "sub_type")
    parts = [out[c].fillna("").astype(str) for c in searched if c in out]
    search = parts[0]
    for p in parts[1:]:
        search = search + "\n" + p
    out["search"] = search.str.lower()
    return out


def pair_columns(df: pd.DataFrame, pair: tuple[str, str], distance_fn=None, side_fn=None) -> pd.DataFrame:
    """``pair_km`` and ``pair_side`` (a / b / other) for `pair`, computed per distinct location.

    For the default pair the stored ``border_distance_km``/``border_side`` are used; other
    pairs call `distance_fn(lats, lons, a, b)` (default geo.geometry.borders.distance_to_border_km)
    and `side_fn(lats, lons)` (default geo.geometry.borders.country_at).
    """
    a, b = pair
    lat = pd.to_numeric(df["lat"], errors="coerce").to_numpy(dtype=float)
    lon = pd.to_numeric(df["lon"], errors="coerce").to_numpy(dtype=float)
    if tuple(pair) == DEFAULT_PAIR and "border_distance_km" in df:
        km = pd.to_numeric(df["border_distance_km"], errors="coerce").to_numpy(dtype=float)
        owner = df["border_side"].fillna("").astype(str).to_numpy()
        # Stored before sides had a tolerance at coasts and rivers: only those points are looked up again.
        ashore = (owner == "") & ~(np.isnan(lat) | np.isnan(lon))
        if ashore.any() and df["country_code"].isin((a, b)).to_numpy(na_value=False)[ashore].any():
            owner = owner.copy()
            owner[ashore] = np.asarray(_side_fn(side_fn)(lat[ashore], lon[ashore]), dtype=object)
    else:
        if distance_fn is None:
            from ..geometry import borders

            distance_fn = borders.distance_to_border_km
        side_fn = _side_fn(side_fn)
        ok = ~(np.isnan(lat) | np.isnan(lon))
        km = np.full(len(df), np.nan)
        owner = np.full(len(df), "", dtype=object)
        if ok.any():
            pts = np.round(np.column_stack([lat[ok], lon[ok]]), 5)
            uniq, inverse = np.unique(pts, axis=0, return_inverse=True)
            inverse = inverse.reshape(-1)
            km[ok] = np.asarray(distance_fn(uniq[:, 0], uniq[:, 1], a, b), dtype=float)[inverse]
            owner[ok] = np.asarray(side_fn(uniq[:, 0], uniq[:, 1]), dtype=object)[inverse]
    side = np.where(owner == a, "a", np.where(owner == b, "b", "other"))
    return pd.DataFrame({"pair_km": km, "pair_side": side}, index=df.index)


def _side_fn(side_fn):
    """`side_fn`, or the country at each point with the tolerance at coasts and rivers."""
    if side_fn is not None:
        return side_fn
    from ..geometry import borders

    return lambda lats, lons: borders.country_at(lats, lons, tolerance_km=borders.SIDE_TOLERANCE_KM)


def filter_events(df: pd.DataFrame, state: ViewState, *, ignore_dates: bool = False) -> pd.DataFrame:
    """Rows of `df` (from :func:`prepare_events`, plus :func:`pair_columns`) matching `state`.

    The reference-line band (``line_max_km``) applies only when `df` has a ``line_km`` column.
    Every filter is a row of state.FIELDS; `ignore_dates` skips the date range (the chart)."""
    mask = np.ones(len(df), dtype=bool)
    if "hidden" in df:  # hidden by an editor (#17 item 3): in the store and its audit trail, never shown
        mask &= ~df["hidden"].fillna(False).to_numpy(dtype=bool)
    for field in FIELDS:
        value = getattr(state, field.name)
        if field.keeps is None or (ignore_dates and field.dates) or not (field.always or field.is_set(value)):
            continue
        kept = field.keeps(df, value, state) if field.with_state else field.keeps(df, value)
        if kept is not None:
            mask &= kept
    return df[mask]


def facets(df: pd.DataFrame) -> dict[str, list]:
    """Choices for the filter widgets: event types, countries, top 50 claimants."""
    present = set(df["event_type"].unique())
    return {
        "types": [t for t in EVENT_TYPES if t in present],
        "countries": sorted(str(c) for c in df["country_code"].dropna().unique()),
        "claims": [str(c) for c in df["claimant" if "claimant" in df else "claimed_by"].dropna()
                   .value_counts().index[:50]],
    }


def daily_counts(df: pd.DataFrame) -> pd.DataFrame:
    """Events per day and type (columns day, event_type, events), for the stacked bar chart."""
    known = df[df["day"].notna()]
    if known.empty:
        return pd.DataFrame({"day": pd.Series(dtype="datetime64[ns]"), "event_type": pd.Series(dtype=str),
                             "events": pd.Series(dtype=int)})
    out = known.groupby([known["day"], known["event_type"].astype(str)], observed=True).size()
    return out.rename("events").reset_index()


def playback_window(lo: date, hi: date, current: date, mode: str, width_days: int) -> tuple[date, date]:
    """Date range shown at playback day `current`: the `width_days` ending there (moving),
    or everything from `lo` (cumulative); clipped to [lo, hi]."""
    current = min(max(current, lo), hi)
    if mode == "cumulative":
        return lo, current
    return max(lo, current - timedelta(days=max(width_days, 1) - 1)), current


def next_play_day(lo: date, hi: date, current: date | None, step_days: int = 1) -> date:
    """The next playback day; wraps to the first day after the last."""
    if current is None or current >= hi:
        return lo
    return min(hi, current + timedelta(days=step_days))


def table_rows(df: pd.DataFrame, selected: int | None, limit: int) -> pd.DataFrame:
    """At most `limit` rows for the table, newest first, the selected event (if any) on top."""
    # Order on two numeric columns, then take only `limit` rows (sorting the whole frame
    # would move every text column of 100k rows).
    day = df["day"].to_numpy(dtype="datetime64[ns]").astype("int64")
    day = np.where(df["day"].isna().to_numpy(), np.iinfo("int64").min, day)
    ids = pd.to_numeric(df["event_id"], errors="coerce").fillna(-1).to_numpy()
    order = np.lexsort((-ids, -day.astype(float)))
    if selected is not None:
        first = np.flatnonzero(ids[order] == selected)
        order = np.concatenate([order[first], np.delete(order, first)])
    rows = df.iloc[order[:limit]]
    if "url" in rows:  # the table renders it as a link: only http(s), never javascript: or data:
        rows = rows.assign(url=[safe_http_url(u) for u in rows["url"]])
    return rows


_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
           "november", "december")
_MONTH = r"(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_DATELINE = (
    re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b"),
    re.compile(rf"\b{_MONTH}\s+(\d{{1,2}}),?\s+(\d{{4}})\b", re.IGNORECASE),  # May 14, 2024
    re.compile(rf"\b(\d{{1,2}})\s+{_MONTH}\s+(\d{{4}})\b", re.IGNORECASE),  # 14 May 2024
)


def dateline_date(text: str, head: int = 300) -> date | None:
    """The date of a wire-copy dateline at the top of `text` ("KYIV, May 14, 2024 (Reuters) -",
    "14 May 2024", "2024-05-14"); None when its first `head` characters name no full date."""
    top = text[:head]
    found = []
    for k, rx in enumerate(_DATELINE):
        for m in rx.finditer(top):
            g = m.groups()
            try:
                if k == 0:
                    day = date(int(g[0]), int(g[1]), int(g[2]))
                else:
                    month_name, dd, yyyy = (g[0], g[1], g[2]) if k == 1 else (g[1], g[0], g[2])
                    month = next(i for i, n in enumerate(_MONTHS, 1) if n.startswith(month_name.lower()[:3]))
                    day = date(int(yyyy), month, int(dd))
            except (ValueError, StopIteration):
                continue
            found.append((m.start(), day))
    return min(found)[1] if found else None


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&=])")


def markdown_literal(text: object) -> str:
    """`text` shown as written by st.warning/st.error/st.success (which render Markdown): every
    Markdown character backslash-escaped, so an uploaded value cannot add links, images or HTML."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", str(text))


SESSION_ID_BASE = 10**12  # ids of events kept in a visitor's session (never in the store)


def is_session_event(event_id) -> bool:
    """Whether an event lives only in a visitor's session (it cannot be corrected in the store)."""
    return int(event_id) >= SESSION_ID_BASE


def session_events_frame(new_events, articles: Mapping[str, Any], stored: pd.DataFrame,
                         previous: pd.DataFrame | None) -> pd.DataFrame:
    """Events extracted in a visitor's session as a frame shaped like the store's (prepared),
    appended to `previous`; ids start at SESSION_ID_BASE so they never clash with stored ones."""
    start = SESSION_ID_BASE + (0 if previous is None else len(previous))
    records = []
    for k, e in enumerate(new_events):
        art = articles.get(e.article_id)
        rec = e.to_dict()
        rec.update(event_id=start + k, event_key=f"session:{start + k}", notes=None, corrected_fields="",
                   extractor_version="session", title=getattr(art, "title", None), url=getattr(art, "url", None),
                   source=getattr(art, "source", None),
                   published=art.published.isoformat() if getattr(art, "published", None) else None)
        records.append(rec)
    derived = ("day", "search", "claimant", "claimant_side")
    frame = pd.DataFrame.from_records(records, columns=[c for c in stored.columns if c not in derived])
    frame = prepare_events(frame)
    if previous is not None:
        frame = pd.concat([previous, frame], ignore_index=True)
    return frame
