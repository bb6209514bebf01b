"""The event store (a SQLite file or a PostgreSQL database): articles, events, corrections,
ingest runs, feed state.

`store` holds EventStore (connection, transactions, writes, reads); `schema` the columns and
append-only migrations; `frame` the dashboard's events frame; `corrections` what a reviewer may
override and how corrections are replayed; `dialect` the two backends; `copy` copying a store
into another.
"""
from .copy import CopyReport, copy_store
from .corrections import CORRECTABLE_FIELDS
from .dialect import close_pool
from .dialect import display as display_location
from .frame import FRAME_COLUMNS
from .schema import SCHEMA_VERSION
from .store import (
    NOT_EXTRACTED_TAGS,
    SYNTH_TAG,
    TABLE_TAG,
    EventStore,
    content_hash,
    event_key,
    store_version,
)

__all__ = ["CORRECTABLE_FIELDS", "FRAME_COLUMNS", "SCHEMA_VERSION", "NOT_EXTRACTED_TAGS", "SYNTH_TAG", "TABLE_TAG",
           "CopyReport", "EventStore", "close_pool", "content_hash", "copy_store", "display_location", "event_key",
           "store_version"]
