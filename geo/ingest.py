"""Ingest files and folders into the store: articles are extracted, event tables imported.

Every file is handled on its own: one that cannot be read is reported by name with the reason
and the rest of the run goes on. Each article is stored together with its events in one
transaction, so a run killed half-way leaves a consistent store and re-running completes it
(already stored articles are skipped by id and content hash).
"""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from .errors import ArticleError
from .formats import (
    ARTICLE_SUFFIXES,
    is_gdelt,
    iter_article_files,
    load_articles,
    read_acled,
    read_gdelt,
    read_text_file,
)
from .nlp import EXTRACTOR_VERSION
from .pipeline import IngestReport, add_border_distances, ingest_articles
from .store import TABLE_TAG

TABLE_SUFFIXES = (".csv", ".tsv")
TABLE_BATCH = 500  # rows per transaction: bulk speed, and a kill loses at most one batch (re-run adds it)
INGEST_SUFFIXES = ARTICLE_SUFFIXES + TABLE_SUFFIXES


def ingest_files(paths, store, *, progress: Callable[[int, int], None] | None = None,
                 articles_into: Callable[..., IngestReport] = ingest_articles) -> IngestReport:
    """Ingest every supported file under `paths` into `store`; `articles_into(store, articles,
    progress=...)` extracts and stores the articles (e.g. on a cluster: geo.dask_ingest)."""
    skipped: list[str] = []
    files = iter_article_files(paths, INGEST_SUFFIXES, skipped=skipped)
    report = IngestReport(files=len(files), warnings=skipped)
    article_files, table_files = [], []
    for f in files:
        if f.suffix.lower() in ARTICLE_SUFFIXES or not f.exists():  # load_articles reports a missing file
            article_files.append(f)
        elif f.suffix.lower() in TABLE_SUFFIXES:
            table_files.append(f)
        else:
            report.failures.append(
                f"{f}: unsupported file type {f.suffix!r} (expected one of {', '.join(INGEST_SUFFIXES)})")

    loaded = load_articles(article_files)
    report.failures.extend(loaded.problems)
    report.warnings.extend(loaded.warnings)
    summary = articles_into(store, loaded.articles, progress=progress)
    report.articles += summary.articles
    report.known += summary.known
    report.events += summary.events
    report.failures.extend(summary.failures)

    for f in table_files:
        _ingest_table(f, store, report)
    return report


def _ingest_table(path: Path, store, report: IngestReport) -> None:
    try:
        text = read_text_file(path, report.warnings)
        if not text.strip():
            raise ArticleError(f"{path}: empty file")
        first = text.split("\n", 1)[0]
        result = read_gdelt(path, text) if is_gdelt(first) else read_acled(path, text)
    except ArticleError as exc:
        report.failures.append(str(exc))
        return
    report.failures.extend(result.problems)
    for kind, n in sorted(result.skipped.items()):
        report.warnings.append(f"{path}: {n} row(s) of {kind} not imported (no matching event type)")
    add_border_distances([e for _, evs in result.items for e in evs])
    for start in range(0, len(result.items), TABLE_BATCH):
        batch = result.items[start:start + TABLE_BATCH]
        new = store.add_many(batch, f"{TABLE_TAG}{EXTRACTOR_VERSION}")
        report.articles += new
        report.known += len(batch) - new
        report.events += new  # one event per imported row
