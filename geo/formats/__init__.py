"""Files in and out: article files, ACLED/GDELT event tables, CSV/GeoJSON/KML exports."""
from .articles import (
    ARTICLE_LOADERS,
    ARTICLE_SUFFIXES,
    LoadResult,
    html_main_text,
    iter_article_files,
    jsonl_lines,
    load_articles,
    max_file_bytes,
    read_text_file,
)
from .export import EXPORTERS, Exporter, to_csv, to_geojson, to_kml
from .tables import is_gdelt, read_acled, read_gdelt

__all__ = ["ARTICLE_LOADERS", "ARTICLE_SUFFIXES", "LoadResult", "html_main_text", "iter_article_files",
           "jsonl_lines", "load_articles",
           "max_file_bytes", "read_text_file", "EXPORTERS", "Exporter", "to_csv", "to_geojson",
           "to_kml", "is_gdelt", "read_acled", "read_gdelt"]
