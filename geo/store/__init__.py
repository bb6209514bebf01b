"""The SQLite event store: articles, events, corrections, ingest runs, geocode cache.

`store` holds EventStore (connection, transactions, writes, reads); `schema` the columns and
append-only migrations; `frame` the dashboard's events frame; `corrections` what a reviewer may
override and how corrections are replayed.
"""
from .corrections import CORRECTABLE_FIELDS
from .frame import FRAME_COLUMNS
from .schema import SCHEMA_VERSION
from .store import NOT_EXTRACTED_TAGS, SYNTH_TAG, TABLE_TAG, EventStore, content_hash, event_key

__all__ = ["CORRECTABLE_FIELDS", "FRAME_COLUMNS", "SCHEMA_VERSION", "NOT_EXTRACTED_TAGS", "SYNTH_TAG", "TABLE_TAG",
           "EventStore", "content_hash", "event_key"]
