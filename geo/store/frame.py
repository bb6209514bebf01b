"""Reading the events as the dashboard's frame: one query, column-wise decoding, explicit dtypes."""
from __future__ import annotations

import json
import typing

import pandas as pd

from ..model import Event
from .corrections import apply_corrections
from .schema import ARTICLE_COLUMNS, EVENT_FIELDS, JSON_FIELDS

#: Columns of :meth:`EventStore.events_frame`, in order.
FRAME_COLUMNS = (
    ("event_id", "event_key")
    + EVENT_FIELDS
    + ("notes", "corrected_fields", "hidden", "extractor_version")
    + ARTICLE_COLUMNS
)


def _frame_dtypes() -> dict[str, str | type]:
    """pandas dtypes for the frame, derived from the Event annotations.

    Explicit dtypes keep an empty frame and a full one interchangeable (same dtypes), and keep
    integer columns that may be missing (geonameid) from silently turning into floats.
    """
    by_type = {
        str: "str",
        float: "float64",
        int: "int64",
        bool: "boolean",
        str | None: "str",
        float | None: "float64",
        int | None: "Int64",
        bool | None: "boolean",
    }
    hints = typing.get_type_hints(Event)
    dtypes: dict[str, str | type] = {name: by_type.get(hints[name], object) for name in EVENT_FIELDS}
    dtypes.update(
        event_id="int64",
        event_key="str",
        notes="str",
        corrected_fields="str",
        hidden="bool",
        extractor_version="str",
        title="str",
        url="str",
        source="str",
        published="str",
    )
    return dtypes


_FRAME_DTYPES = _frame_dtypes()


def read_frame(conn, query_frame=pd.read_sql_query) -> tuple[pd.DataFrame, list]:
    """The raw events (joined with their articles' columns) and the corrections, from one
    read transaction the caller holds, so both come from the same snapshot. `query_frame(sql,
    conn)` runs a query into a DataFrame (the backend's; see dialect)."""
    cols = ", ".join(f"e.{c}" for c in ("event_id", "event_key", "extractor_version", *EVENT_FIELDS))
    df = query_frame(
        f"SELECT {cols}, {', '.join('a.' + c for c in ARTICLE_COLUMNS)} "
        "FROM events e JOIN articles a ON a.id = e.article_id ORDER BY e.event_id",
        conn,
    )
    corrections = conn.execute("SELECT event_key, field, value_json FROM corrections ORDER BY id").fetchall()
    return df, corrections


def decode_frame(df: pd.DataFrame, corrections: list) -> pd.DataFrame:
    """JSON columns decoded, ``verified`` as booleans, corrections applied, FRAME_COLUMNS with their dtypes."""
    # Column-wise decoding: at 100k events a per-row loop dominated the dashboard's first render.
    for name in JSON_FIELDS:
        default, empty = ("[]", list) if name == "actors" else ("{}", dict)
        df[name] = [empty() if v in (None, default) else json.loads(v) for v in df[name]]
    df["verified"] = df["verified"].map(lambda v: None if v is None or v != v else bool(v))
    df["notes"] = None
    df["corrected_fields"] = ""
    df["hidden"] = False
    df = apply_corrections(df, corrections)
    df["hidden"] = df["hidden"].fillna(False).astype(bool)  # a correction of None un-hides
    return df.reindex(columns=list(FRAME_COLUMNS)).astype(_FRAME_DTYPES)
