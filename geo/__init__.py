"""Event Atlas library: articles -> events -> places -> border distances (no Streamlit here)."""

__version__ = "0.1.0"
