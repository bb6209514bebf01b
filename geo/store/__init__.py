"""The SQLite event store: articles, events, corrections, ingest runs, geocode cache."""
from .store import CORRECTABLE_FIELDS, SYNTH_TAG, TABLE_TAG, EventStore, content_hash, event_key

__all__ = ["CORRECTABLE_FIELDS", "SYNTH_TAG", "TABLE_TAG", "EventStore", "content_hash", "event_key"]
