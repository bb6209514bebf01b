"""Reading articles from files. One bad file or line is reported by name; the rest still load.

Formats (see README "Article format"):
- `.jsonl`: one JSON object a line: {"id", "published", "title"?, "source"?, "url"?, "text"};
  unknown keys are ignored (so evaluation files with gold answers load without them).
- `.json`: one such object, or a list of them.
- `.txt` / `.md`: the article text; metadata in a sidecar `NAME.meta.json` beside it with the
  same keys (minus text). Without a sidecar: id = file name, title = first line, published =
  a YYYY-MM-DD found in the file name.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from .errors import ArticleError
from .model import Article

ARTICLE_SUFFIXES = (".jsonl", ".json", ".txt", ".md")
MAX_ARTICLE_BYTES = 5_000_000


@dataclass
class LoadResult:
    """Articles that loaded, and one message per file or line that did not."""

    articles: list[Article] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


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


def _read_text(path: Path) -> str:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ArticleError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    if len(raw) > MAX_ARTICLE_BYTES:
        raise ArticleError(f"{path}: file is {len(raw):,} bytes, over the {MAX_ARTICLE_BYTES:,}-byte limit")
    if b"\x00" in raw[:4096]:
        raise ArticleError(f"{path}: binary file, not text")
    return raw.decode("utf-8", errors="replace")


def _load_jsonl(path: Path, out: LoadResult) -> None:
    for lineno, line in enumerate(_read_text(path).splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{path}:{lineno}"
        try:
            out.articles.append(article_from_dict(json.loads(line), where))
        except json.JSONDecodeError as exc:
            out.problems.append(f"{where}: malformed JSON ({exc.msg})")
        except ArticleError as exc:
            out.problems.append(str(exc))


def _load_json(path: Path, out: LoadResult) -> None:
    try:
        data = json.loads(_read_text(path))
    except json.JSONDecodeError as exc:
        raise ArticleError(f"{path}: malformed JSON at line {exc.lineno} ({exc.msg})") from exc
    items = data if isinstance(data, list) else [data]
    for i, d in enumerate(items):
        try:
            out.articles.append(article_from_dict(d, f"{path}[{i}]" if isinstance(data, list) else str(path)))
        except ArticleError as exc:
            out.problems.append(str(exc))


def _load_text(path: Path, out: LoadResult) -> None:
    text = _read_text(path)
    if not text.strip():
        raise ArticleError(f"{path}: empty file")
    meta_path = path.with_name(path.stem + ".meta.json")
    meta: dict = {}
    if meta_path.exists():
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise ArticleError(f"{meta_path}: unreadable metadata ({exc})") from exc
    if "published" not in meta:
        m = re.search(r"(\d{4}-\d{2}-\d{2})", path.name)
        meta["published"] = m.group(1) if m else None
    meta.setdefault("id", path.stem)
    meta.setdefault("title", text.strip().splitlines()[0][:200])
    out.articles.append(article_from_dict({**meta, "text": text}, str(path)))


def iter_article_files(paths) -> list[Path]:
    """Expand folders into the article files they contain (sorted, recursive)."""
    files = []
    for p in map(Path, paths):
        if p.is_dir():
            files.extend(sorted(f for f in p.rglob("*") if f.suffix.lower() in ARTICLE_SUFFIXES
                                and not f.name.endswith(".meta.json")))
        else:
            files.append(p)
    return files


def load_articles(paths) -> LoadResult:
    """Load every article under `paths`; problems are collected, never raised."""
    out = LoadResult()
    for path in iter_article_files(paths):
        try:
            if not path.exists():
                raise ArticleError(f"{path}: no such file")
            suffix = path.suffix.lower()
            if suffix == ".jsonl":
                _load_jsonl(path, out)
            elif suffix == ".json":
                _load_json(path, out)
            elif suffix in (".txt", ".md"):
                _load_text(path, out)
            else:
                raise ArticleError(f"{path}: unsupported file type {suffix!r} (expected one of {', '.join(ARTICLE_SUFFIXES)})")
        except ArticleError as exc:
            out.problems.append(str(exc))
    return out
