"""Reading articles from files. One bad file or line is reported by name; the rest still load.

Formats (see README "Article format"):
- `.jsonl`: one JSON object a line: {"id", "published", "title"?, "source"?, "url"?, "text"};
  unknown keys are ignored (so evaluation files with gold answers load without them).
- `.json`: one such object, or a list of them.
- `.txt` / `.md`: the article text; metadata in a sidecar `NAME.meta.json` beside it with the
  same keys (minus text). Without a sidecar: id = file name, title = first line, published =
  a YYYY-MM-DD found in the file name.
- `.html` / `.htm`: a saved web page; its main text is extracted with trafilatura (scripts,
  navigation and boilerplate dropped), title and date from the page's metadata.
"""
from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ..errors import ArticleError
from ..model import Article


@dataclass
class LoadResult:
    """Articles that loaded, and one message per file or line that did not."""

    articles: list[Article] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # loaded, but not as written (e.g. bad UTF-8)


def parse_date(value, where: str) -> date | None:
    """ISO date (or datetime) string -> date; None stays None; anything else is an ArticleError."""
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError as exc:
        raise ArticleError(f"{where}: 'published' is not an ISO date: {value!r}") from exc


def article_from_dict(d: dict, where: str) -> Article:
    """Validate one article record (unknown keys ignored)."""
    if not isinstance(d, dict):
        raise ArticleError(f"{where}: expected a JSON object, got {type(d).__name__}")
    text = d.get("text")
    if not isinstance(text, str) or not text.strip():
        raise ArticleError(f"{where}: missing or empty 'text'")
    art_id = d.get("id")
    if art_id in (None, ""):
        raise ArticleError(f"{where}: missing 'id'")
    opt = {k: (str(d[k]) if d.get(k) not in (None, "") else None) for k in ("title", "source", "url")}
    return Article(id=str(art_id), text=text, published=parse_date(d.get("published"), where), origin=where, **opt)


def max_file_bytes() -> int:
    """Size limit per input file (setting EVENT_ATLAS_MAX_FILE_MB)."""
    from .. import settings

    try:
        return int(float(settings.get("max_file_mb")) * 1_000_000)
    except ValueError as exc:
        raise ArticleError(f"EVENT_ATLAS_MAX_FILE_MB is not a number: {settings.get('max_file_mb')!r}") from exc


def read_text_file(path: Path, warnings: list[str] | None = None) -> str:
    """Decode a text file; refuses binary and oversized files; bad UTF-8 is replaced and reported."""
    try:
        size = path.stat().st_size
        limit = max_file_bytes()
        if size > limit:
            raise ArticleError(f"{path}: file is {size:,} bytes, over the {limit:,}-byte limit (EVENT_ATLAS_MAX_FILE_MB)")
        raw = path.read_bytes()
    except OSError as exc:
        raise ArticleError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    if b"\x00" in raw[:8192]:
        raise ArticleError(f"{path}: binary file, not text")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if warnings is not None:
            warnings.append(f"{path}: invalid UTF-8 at byte {exc.start}; undecodable bytes replaced with U+FFFD")
        return raw.decode("utf-8", errors="replace")


def jsonl_lines(text: str) -> list[str]:
    """The records of a JSON-lines text: split at line feeds only.

    `str.splitlines` also breaks at U+0085, U+2028, U+2029 (and \\v, \\f, \\x1c-\\x1e), which JSON
    allows unescaped inside strings and scraped text often holds; splitting there would cut an
    article in two. A trailing carriage return (CRLF files) is JSON whitespace and harmless.
    """
    return text.split("\n")


def _load_jsonl(path: Path, out: LoadResult) -> None:
    for lineno, line in enumerate(jsonl_lines(read_text_file(path, out.warnings)), start=1):
        if not line.strip():
            continue
        where = f"{path}:{lineno}"
        try:
            out.articles.append(article_from_dict(json.loads(line), where))
        except json.JSONDecodeError as exc:
            out.problems.append(f"{where}: malformed JSON ({exc.msg})")
        except RecursionError:
            out.problems.append(f"{where}: JSON nested too deeply")
        except ArticleError as exc:
            out.problems.append(str(exc))


def _load_json(path: Path, out: LoadResult) -> None:
    try:
        data = json.loads(read_text_file(path, out.warnings))
    except json.JSONDecodeError as exc:
        raise ArticleError(f"{path}: malformed JSON at line {exc.lineno} ({exc.msg})") from exc
    except RecursionError:
        raise ArticleError(f"{path}: JSON nested too deeply") from None
    items = data if isinstance(data, list) else [data]
    for i, d in enumerate(items):
        try:
            out.articles.append(article_from_dict(d, f"{path}[{i}]" if isinstance(data, list) else str(path)))
        except ArticleError as exc:
            out.problems.append(str(exc))


def html_main_text(html: str, where: str) -> tuple[str, dict]:
    """A web page's main text and its metadata (published, title, url, source: those found).

    Main text only: scripts, styles, navigation and comments never reach the article text.
    Shared by HTML files (ingest) and fetched pages (feeds). Raises ArticleError naming `where`.
    """
    import trafilatura

    text = trafilatura.extract(html, include_comments=False, include_tables=False, favor_recall=True)
    if not text or not text.strip():
        raise ArticleError(f"{where}: no article text found in the HTML")
    meta = trafilatura.extract_metadata(html)
    found = {"published": meta.date, "title": meta.title, "url": meta.url, "source": meta.sitename} if meta else {}
    return text, {k: v for k, v in found.items() if v}


def _load_html(path: Path, out: LoadResult) -> None:
    text, meta = html_main_text(read_text_file(path, out.warnings), str(path))
    _add_article(path, text, meta, out)


def _load_text(path: Path, out: LoadResult) -> None:
    text = read_text_file(path, out.warnings)
    if not text.strip():
        raise ArticleError(f"{path}: empty file")
    meta_path = path.with_name(path.stem + ".meta.json")
    meta: dict = {}
    if meta_path.exists():
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise ArticleError(f"{meta_path}: unreadable metadata ({exc})") from exc
        except RecursionError:
            raise ArticleError(f"{meta_path}: unreadable metadata (JSON nested too deeply)") from None
        if not isinstance(meta, dict):
            raise ArticleError(f"{meta_path}: metadata must be a JSON object, got {type(meta).__name__}")
    _add_article(path, text, meta, out)


def _add_article(path: Path, text: str, meta: dict, out: LoadResult) -> None:
    """One article from a file: what `meta` lacks comes from the file itself (id from its name,
    date from a YYYY-MM-DD in the name, title from the first line)."""
    if "published" not in meta:
        m = re.search(r"(\d{4}-\d{2}-\d{2})", path.name)
        meta = {**meta, "published": m.group(1) if m else None}
    meta = {"id": path.stem, "title": text.strip().splitlines()[0][:200], **meta}
    out.articles.append(article_from_dict({**meta, "text": text}, str(path)))


#: Article file formats: suffix -> loader. ingest, the CLI and the dashboard's upload widget use
#: this table; adding a format is one entry here (and its test).
ARTICLE_LOADERS: dict[str, Callable[[Path, LoadResult], None]] = {
    ".jsonl": _load_jsonl,
    ".json": _load_json,
    ".txt": _load_text,
    ".md": _load_text,
    ".html": _load_html,
    ".htm": _load_html,
}
ARTICLE_SUFFIXES = tuple(ARTICLE_LOADERS)


def iter_article_files(paths, suffixes=ARTICLE_SUFFIXES, skipped: list[str] | None = None) -> list[Path]:
    """Expand folders into the files with `suffixes` they contain (sorted, recursive; sidecar
    .meta.json files left out); other paths are kept as given. Inside a folder, symbolic links
    are not followed out of it (a link to a file or folder elsewhere is left out and named in
    `skipped`), so ingesting a folder reads only that folder."""
    files = []
    for p in map(Path, paths):
        if p.is_dir():
            root = p.resolve()
            found = []
            for dirpath, dirnames, filenames in os.walk(p):  # followlinks=False: linked folders not entered
                for name in sorted(dirnames + filenames):
                    f = Path(dirpath) / name
                    if not f.is_symlink():
                        continue
                    if not f.resolve().is_relative_to(root):
                        if skipped is not None:
                            skipped.append(f"{f}: symbolic link out of {p}, not followed")
                        if name in dirnames:
                            dirnames.remove(name)
                        else:
                            filenames.remove(name)
                for name in filenames:
                    f = Path(dirpath) / name
                    if f.is_file() and f.suffix.lower() in suffixes and not f.name.endswith(".meta.json"):
                        found.append(f)
            files.extend(sorted(found))
        else:
            files.append(p)
    return files


def load_articles(paths) -> LoadResult:
    """Load every article under `paths`; problems are collected, never raised."""
    out = LoadResult()
    for path in iter_article_files(paths, skipped=out.warnings):
        try:
            if not path.exists():
                raise ArticleError(f"{path}: no such file")
            suffix = path.suffix.lower()
            if suffix in ARTICLE_LOADERS:
                ARTICLE_LOADERS[suffix](path, out)
            else:
                raise ArticleError(f"{path}: unsupported file type {suffix!r} (expected one of {', '.join(ARTICLE_SUFFIXES)})")
        except ArticleError as exc:
            out.problems.append(str(exc))
    return out
