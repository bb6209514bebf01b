"""Event Atlas library: articles -> events -> places -> border distances (no Streamlit here).

The front door: the names most callers need, each imported on first use (see `geo._lazy`).
The layers, bottom to top (README › Architecture; tests/test_layers.py enforces them):
`model, errors, settings, _files` <- `formats, places, nlp, geometry, store` <-
`pipeline, ingest, synth, cli` <- `dashboard` <- the Streamlit page (`app.py`, `ui/`).
"""
from ._lazy import lazy_exports

__version__ = "0.1.0"

_EXPORTS = {
    "Article": "model", "Event": "model", "EVENT_TYPES": "model", "DEFAULT_BORDER": "model",
    "EventAtlasError": "errors",
    "load_articles": "formats", "EXPORTERS": "formats",
    "Gazetteer": "places",
    "EventExtractor": "nlp",
    "distance_to_border_km": "geometry",
    "EventStore": "store",
    "extract_events": "pipeline", "default_extractor": "pipeline",
    "ingest_files": "ingest",
}
__all__ = ["__version__", *_EXPORTS]
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
