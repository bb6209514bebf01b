"""Every setting in one declarative table: name, environment variable, default, help.

README's "Settings" section documents each entry (a test checks it).
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from .errors import ConfigurationError

REPO_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Setting:
    name: str
    env: str
    default: str
    help: str


SETTINGS = (
    Setting("db", "EVENT_ATLAS_DB", str(REPO_ROOT / "data" / "events.db"),
            "Event store the app and every CLI use (overridden by --db): a SQLite file path, or a "
            "PostgreSQL URL postgresql://user:password@host:port/dbname (postgresql+psycopg:// too)."),
    Setting("gazetteer", "EVENT_ATLAS_GAZETTEER", str(REPO_ROOT / "data" / "cache" / "gazetteer.sqlite"),
            "Compiled offline gazetteer index; built on first use from the GeoNames packages."),
    Setting("articles", "EVENT_ATLAS_ARTICLES", str(REPO_ROOT / "data" / "articles"),
            "Folder of bundled articles the app ingests when the store is missing."),
    Setting("max_file_mb", "EVENT_ATLAS_MAX_FILE_MB", "20",
            "Largest input file ingest accepts, in MB; bigger files are refused by name."),
    Setting("local_editing", "EVENT_ATLAS_LOCAL_EDITING", "0",
            "1 lets the single user of an app without secrets edit the store even when the server "
            "is not bound to 127.0.0.1 only (make run binds it there)."),
    Setting("online", "EVENT_ATLAS_ONLINE", "0",
            "1 to let geopy's online geocoder fill gaps of the offline gazetteer (cached, 1 request/s)."),
    Setting("geocoder", "EVENT_ATLAS_GEOCODER", "nominatim",
            "geopy service name of the online geocoder (e.g. nominatim, photon)."),
    Setting("geocoder_url", "EVENT_ATLAS_GEOCODER_URL", "",
            "Base URL of the online geocoder (e.g. http://127.0.0.1:8080 for a local Nominatim);"
            " empty: the service's public one."),
    Setting("geocoder_timeout", "EVENT_ATLAS_GEOCODER_TIMEOUT", "10",
            "Seconds to wait for one online geocoder answer before giving up (the lookup is retried later)."),
    Setting("geocode_cache_days", "EVENT_ATLAS_GEOCODE_CACHE_DAYS", "90",
            "Days an online geocoder answer is reused before it is asked again (0: forever)."),
    Setting("visitor_lookups", "EVENT_ATLAS_VISITOR_LOOKUPS", "5",
            "Online geocoder requests an anonymous session may cause in all (its answers are not "
            "written to the shared cache)."),
    Setting("max_article_chars", "EVENT_ATLAS_MAX_ARTICLE_CHARS", "20000",
            "Longest article (characters) an anonymous visitor may extract; longer ones are refused by name."),
    Setting("max_session_chars", "EVENT_ATLAS_MAX_SESSION_CHARS", "100000",
            "Article text (characters) an anonymous session may extract in all."),
    Setting("editor_max_article_chars", "EVENT_ATLAS_EDITOR_MAX_ARTICLE_CHARS", "200000",
            "Longest article (characters) an editor may extract on the dashboard (spaCy's limit is 1,000,000)."),
    Setting("editor_max_session_chars", "EVENT_ATLAS_EDITOR_MAX_SESSION_CHARS", "2000000",
            "Article text (characters) an editor's session may extract in all."),
    Setting("max_line_kb", "EVENT_ATLAS_MAX_LINE_KB", "2000",
            "Largest reference-line upload (GeoJSON), in KB."),
    Setting("max_line_vertices", "EVENT_ATLAS_MAX_LINE_VERTICES", "50000",
            "Most vertices a reference line may have."),
    Setting("user_agent", "EVENT_ATLAS_USER_AGENT", "event-atlas/0.1 (+https://github.com/event-atlas)",
            "User agent sent to the online geocoder (Nominatim's policy requires an identifying one) "
            "and to news sites by `python -m geo feeds`."),
    Setting("feed_max_mb", "EVENT_ATLAS_FEED_MAX_MB", "5",
            "Largest feed or article page `python -m geo feeds` downloads, in MB (after gzip); "
            "bigger responses are refused by URL."),
)
_BY_NAME = {s.name: s for s in SETTINGS}


def setting(name: str) -> Setting:
    """The declaration of setting `name` (environment variable, default, meaning)."""
    try:
        return _BY_NAME[name]
    except KeyError:
        raise ConfigurationError(f"unknown setting {name!r}; known: {', '.join(_BY_NAME)}") from None


def get(name: str) -> str:
    """The value of setting `name`: its environment variable if set, else the default."""
    s = setting(name)
    return os.environ.get(s.env) or s.default


def number(name: str) -> float:
    """A numeric setting; ConfigurationError naming the variable and quoting the bad value."""
    raw = get(name)
    try:
        return float(raw)
    except ValueError:
        raise ConfigurationError(f"{setting(name).env} must be a number, got {raw!r}") from None


def is_on(value: str | None) -> bool:
    """Whether a flag setting's text means yes ("1", "true", "yes", "on", any case)."""
    return (value or "").strip().lower() in ("1", "true", "yes", "on")


_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*://")


def is_db_url(location: object) -> bool:
    """Whether a store location is a database URL (``scheme://…``), not a file path."""
    return isinstance(location, str) and bool(_URL.match(location))


def db_location(override: str | os.PathLike | None = None) -> str | Path:
    """The store: explicit override (--db), else EVENT_ATLAS_DB, else data/events.db. A database
    URL is returned as text (never turned into a file path), a file path as a Path."""
    value = override if override else get("db")
    return str(value) if is_db_url(str(value)) else Path(value)


def db_path(override: str | os.PathLike | None = None) -> Path:
    """The store's SQLite file (see db_location); ConfigurationError when the store is a URL."""
    location = db_location(override)
    if isinstance(location, str):
        raise ConfigurationError("the event store is a database URL, not a file")
    return location


def geocode_cache_path() -> Path:
    """Where the online geocoder's cache lives: in the store's SQLite file, or, when the store is
    a database server, in data/cache/geocode.sqlite next to the gazetteer index."""
    location = db_location()
    return Path(get("gazetteer")).with_name("geocode.sqlite") if isinstance(location, str) else location
