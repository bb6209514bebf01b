"""Dashboard view state: filters <-> URL query parameters, and filtering/aggregating events.

No Streamlit here: app.py reads ``st.query_params`` into a :class:`ViewState` with
:meth:`ViewState.from_query`, builds widgets from it, and writes :meth:`ViewState.to_query`
back, so a copied URL reproduces the view. Every function takes plain values and pandas
frames, so they are unit-tested without a browser and cacheable with ``st.cache_data``.
"""
from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Mapping

import numpy as np
import pandas as pd

from ..model import DEFAULT_BORDER as DEFAULT_PAIR
from ..model import EVENT_TYPES

#: Distance bands offered by the dashboard, km (0 = any distance).
DISTANCE_BANDS = (0, 10, 25, 50, 100, 200)
SIDES = ("any", "a", "b", "other")  # side of the chosen border: country a, country b, elsewhere
VERIFIED = ("any", "verified", "unverified")
WINDOW_MODES = ("moving", "cumulative")

_LIST_SPLIT = re.compile(r"[,|]")


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
    line_max_km: int = 0  # distance band to an uploaded reference line (column line_km): 0 = any
    claimed_by: tuple[str, ...] = ()
    verified: str = "any"
    q: str = ""
    event: int | None = None  # selected event id
    heat: bool = False
    rings: bool = False

    # ----------------------------------------------------------------- URL
    def to_query(self) -> dict[str, str]:
        """Query parameters for this state; defaults are left out, so short URLs stay short."""
        out: dict[str, str] = {}
        if self.start:
            out["from"] = self.start.isoformat()
        if self.end:
            out["to"] = self.end.isoformat()
        if self.types:
            out["type"] = ",".join(self.types)
        if self.countries:
            out["country"] = ",".join(self.countries)
        if self.pair != DEFAULT_PAIR:
            out["pair"] = "-".join(self.pair)
        if self.side != "any":
            out["side"] = self.side
        if self.max_km:
            out["km"] = str(self.max_km)
        if self.line_max_km:
            out["lkm"] = str(self.line_max_km)
        if self.claimed_by:
            out["claim"] = "|".join(self.claimed_by)
        if self.verified != "any":
            out["verified"] = self.verified
        if self.q:
            out["q"] = self.q
        if self.event is not None:
            out["event"] = str(self.event)
        if self.heat:
            out["heat"] = "1"
        if self.rings:
            out["rings"] = "1"
        return out

    @classmethod
    def from_query(cls, params: Mapping[str, Any]) -> "ViewState":
        """Parse query parameters leniently: a malformed value falls back to its default."""

        def one(key: str) -> str:
            value = params.get(key)
            if isinstance(value, (list, tuple)):
                value = value[-1] if value else None
            return str(value).strip() if value is not None else ""

        def many(key: str, sep=_LIST_SPLIT) -> tuple[str, ...]:
            raw = one(key)
            return tuple(dict.fromkeys(p.strip() for p in sep.split(raw) if p.strip())) if raw else ()

        kw: dict[str, Any] = {}
        for key, name in (("from", "start"), ("to", "end")):
            try:
                kw[name] = date.fromisoformat(one(key)) if one(key) else None
            except ValueError:
                pass
        kw["types"] = tuple(t for t in many("type") if t in EVENT_TYPES)
        kw["countries"] = tuple(c.upper() for c in many("country") if re.fullmatch(r"[A-Za-z]{2}", c))
        pair = [p.upper() for p in one("pair").split("-")]
        if len(pair) == 2 and all(re.fullmatch(r"[A-Z]{2}", p) for p in pair) and pair[0] != pair[1]:
            kw["pair"] = (pair[0], pair[1])
        if one("side") in SIDES:
            kw["side"] = one("side")
        if re.fullmatch(r"[0-9]{1,6}", one("km")) and int(one("km")) in DISTANCE_BANDS:
            kw["max_km"] = int(one("km"))
        if re.fullmatch(r"[0-9]{1,6}", one("lkm")) and int(one("lkm")) in DISTANCE_BANDS:
            kw["line_max_km"] = int(one("lkm"))
        kw["claimed_by"] = many("claim", re.compile(r"\|"))
        if one("verified") in VERIFIED:
            kw["verified"] = one("verified")
        kw["q"] = one("q")[:200]
        if re.fullmatch(r"[0-9]{1,12}", one("event")):
            kw["event"] = int(one("event"))
        kw["heat"] = one("heat") == "1"
        kw["rings"] = one("rings") == "1"
        return cls(**kw)

    def replace(self, **changes) -> "ViewState":
        return dataclasses.replace(self, **changes)


# --------------------------------------------------------------------------- frames


def prepare_events(df: pd.DataFrame) -> pd.DataFrame:
    """Add the columns filtering needs: ``day`` (datetime64, NaT if unknown), ``search``
    (lower-case text searched by the free-text box), categorical event types. Returns a copy."""
    out = df.copy()
    out["day"] = pd.to_datetime(out["date"], errors="coerce", format="%Y-%m-%d")
    parts = [out[c].fillna("").astype(str) for c in ("evidence", "place", "title", "claimed_by", "sub_type") if c in out]
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
    if tuple(pair) == DEFAULT_PAIR and "border_distance_km" in df:
        km = pd.to_numeric(df["border_distance_km"], errors="coerce").to_numpy(dtype=float)
        owner = df["border_side"].fillna("").astype(str).to_numpy()
    else:
        if distance_fn is None or side_fn is None:
            from ..geometry import borders

            distance_fn = distance_fn or borders.distance_to_border_km
            side_fn = side_fn or borders.country_at
        lat = pd.to_numeric(df["lat"], errors="coerce").to_numpy(dtype=float)
        lon = pd.to_numeric(df["lon"], errors="coerce").to_numpy(dtype=float)
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


def filter_events(df: pd.DataFrame, state: ViewState, *, ignore_dates: bool = False) -> pd.DataFrame:
    """Rows of `df` (from :func:`prepare_events`, plus :func:`pair_columns`) matching `state`.

    The reference-line band (``line_max_km``) applies only when `df` has a ``line_km`` column."""
    mask = np.ones(len(df), dtype=bool)
    if not ignore_dates and (state.start or state.end):
        day = df["day"]
        known = day.notna().to_numpy()
        mask &= known
        if state.start:
            mask &= (day >= pd.Timestamp(state.start)).to_numpy(na_value=False)
        if state.end:
            mask &= (day <= pd.Timestamp(state.end)).to_numpy(na_value=False)
    if state.types:
        mask &= df["event_type"].isin(state.types).to_numpy()
    if state.countries:
        mask &= df["country_code"].isin(state.countries).to_numpy(na_value=False)
    if state.side != "any" and "pair_side" in df:
        mask &= (df["pair_side"] == state.side).to_numpy()
    if state.max_km and "pair_km" in df:
        mask &= (df["pair_km"] <= state.max_km).to_numpy(na_value=False)
    if state.line_max_km and "line_km" in df:  # only while a reference line is uploaded
        mask &= (pd.to_numeric(df["line_km"], errors="coerce") <= state.line_max_km).to_numpy(na_value=False)
    if state.claimed_by:
        mask &= df["claimed_by"].isin(state.claimed_by).to_numpy(na_value=False)
    if state.verified != "any":
        want = state.verified == "verified"
        mask &= (df["verified"] == want).fillna(False).to_numpy(dtype=bool)
    if state.q.strip():
        for word in state.q.lower().split():
            mask &= df["search"].str.contains(word, regex=False).to_numpy(na_value=False)
    return df[mask]


def facets(df: pd.DataFrame) -> dict[str, list]:
    """Choices for the filter widgets: event types, countries, top 50 claimants."""
    present = set(df["event_type"].unique())
    return {
        "types": [t for t in EVENT_TYPES if t in present],
        "countries": sorted(str(c) for c in df["country_code"].dropna().unique()),
        "claims": [str(c) for c in df["claimed_by"].dropna().value_counts().index[:50]],
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
        from .map.mapping import safe_http_url

        rows = rows.assign(url=[safe_http_url(u) for u in rows["url"]])
    return rows


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&=])")


def markdown_literal(text: object) -> str:
    """`text` shown as written by st.warning/st.error/st.success (which render Markdown): every
    Markdown character backslash-escaped, so an uploaded value cannot add links, images or HTML."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", str(text))


def highlight_spans(text: str, start: int | None, end: int | None) -> tuple[str, str, str]:
    """(before, evidence, after) of an article text, for showing the evidence highlighted."""
    if start is None or end is None or not (0 <= start <= end <= len(text)):
        return text, "", ""
    return text[:start], text[start:end], text[end:]


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
    frame = pd.DataFrame.from_records(records, columns=[c for c in stored.columns if c not in ("day", "search")])
    frame = prepare_events(frame)
    if previous is not None:
        frame = pd.concat([previous, frame], ignore_index=True)
    return frame


def event_card_html(event: Mapping[str, Any], article=None, context_chars: int = 1500,
                    km_column: str = "border_distance_km") -> str:
    """The selected event's card plus its article text with the evidence sentence marked.

    `km_column` holds the distance the card shows (the dashboard's border pair: "pair_km").
    Every piece of article text is HTML-escaped; only our own tags remain.
    """
    import html as _html

    from .map.mapping import event_popup_html

    out = event_popup_html(event, km_column)
    if article is None:
        return out
    text = article.text
    start, end = event.get("evidence_start"), event.get("evidence_end")
    try:
        start, end = int(start), int(end)
    except (TypeError, ValueError):
        start = end = None
    before, evidence, after = highlight_spans(text, start, end)
    if evidence:
        cut = max(0, len(before) - min(context_chars, 400))  # the mark near the top of the box
        before = ("…" if cut else "") + before[cut:]
        after = after[:context_chars] + ("…" if len(after) > context_chars else "")
    else:
        before = before[: 2 * context_chars]
    title = _html.escape(article.title or article.id)
    out += (
        f'<div style="margin-top:8px;font:600 13px sans-serif">{title}</div>'
        '<div style="max-height:340px;overflow:auto;white-space:pre-wrap;font:13px/1.5 sans-serif;'
        'border:1px solid #ddd;padding:6px;border-radius:4px">'
        f"{_html.escape(before)}<mark>{_html.escape(evidence)}</mark>{_html.escape(after)}</div>"
    )
    return out
