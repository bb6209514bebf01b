"""Articles -> events with places, dates, claims and border distances; ingest into the store."""
from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import numpy as np

from .nlp.extraction import EXTRACTOR_VERSION, EventExtractor
from .places.gazetteer import Gazetteer
from .model import DEFAULT_BORDER, Article, Event
from .nlp.spacy_model import load_nlp
from .nlp.resolution import Resolver
from .nlp.toponyms import ToponymRecognizer
from .errors import ConfigurationError
from .places.geocoding import make_layered_geocoder

log = logging.getLogger(__name__)


def make_recognizer(gazetteer: Gazetteer, geocoder=None) -> ToponymRecognizer:
    """A recognizer with its Resolver; `geocoder` None: the layered geocoder the settings ask for
    (online only if allowed). A bad online setting must not take the dashboard down: it is
    logged and the offline answers still work."""
    if geocoder is None:
        try:
            geocoder = make_layered_geocoder(gazetteer)
        except ConfigurationError as error:
            log.error("online geocoding disabled: %s", error)
    return ToponymRecognizer(gazetteer, Resolver(gazetteer), geocoder)


@functools.lru_cache(maxsize=1)
def default_extractor() -> EventExtractor:
    """The extractor over the bundled gazetteer, built once per process."""
    return EventExtractor(make_recognizer(Gazetteer()))


def add_border_distances(events: list[Event], border: tuple[str, str] = DEFAULT_BORDER) -> list[Event]:
    """Fill `border_distance_km` (geodesic, to the land border of `border`) and `border_side`."""
    from .geometry import borders  # heavy geometry: loaded only when distances are needed

    placed = [e for e in events if e.lat is not None and e.lon is not None]
    if not placed:
        return events
    lats = np.array([e.lat for e in placed], dtype=float)
    lons = np.array([e.lon for e in placed], dtype=float)
    dist = borders.distance_to_border_km(lats, lons, *border)
    side = borders.country_at(lats, lons)
    for e, d, s in zip(placed, dist, side):
        e.border_distance_km = None if np.isnan(d) else round(float(d), 1)
        e.border_side = s or None
        e.country_code = e.country_code or e.border_side  # imported tables may not name it
    return events


def _docs(nlp, articles: list[Article], batch_size: int, n_process: int, fail: Callable[[Article, BaseException], None]):
    """(article, doc) pairs from `nlp.pipe`; if the pipe raises, the rest is parsed one by one,
    so the article that cannot be parsed is named and the others still come through."""
    done = 0
    try:
        for doc in nlp.pipe((a.text for a in articles), batch_size=batch_size, n_process=n_process):
            yield articles[done], doc
            done += 1
    except Exception as exc:  # noqa: BLE001 - which article of the batch? parse them singly
        log.warning("batch parsing failed (%s); parsing the rest one by one", exc)
        for article in articles[done:]:
            try:
                doc = nlp(article.text)
            except Exception as error:  # noqa: BLE001
                fail(article, error)
                continue
            yield article, doc


def extract_events(
    articles: Iterable[Article],
    *,
    extractor: EventExtractor | None = None,
    batch_size: int = 64,
    n_process: int = 1,
    on_article: Callable[[Article, list[Event]], None] | None = None,
    on_error: Callable[[Article, str], None] | None = None,
) -> list[Event]:
    """Extract events of many articles with `nlp.pipe` (batched); border distances included.

    `n_process` > 1 parses in worker processes (spaCy's own multiprocessing); rules, gazetteer
    lookups (LRU-cached) and border distances run in this process, batched per chunk.
    An article that cannot be extracted (longer than spaCy's `nlp.max_length`, or any error in
    parsing or the rules) is a named problem passed to `on_error` (logged when None); the other
    articles are extracted as usual.
    """
    extractor = extractor or default_extractor()
    nlp = load_nlp()
    out: list[Event] = []
    pending: list[tuple[Article, list[Event]]] = []

    def fail(article: Article, error) -> None:
        message = f"{article.origin or article.id}: not extracted: {error}"
        if on_error is None:
            log.error("%s", message)
        else:
            on_error(article, message)

    parsable = []
    for a in articles:
        if len(a.text) > nlp.max_length:
            fail(a, f"{len(a.text):,} characters, over the parser's limit of {nlp.max_length:,}")
        else:
            parsable.append(a)

    def flush() -> None:
        # One vectorised border-distance call per chunk instead of one per article.
        add_border_distances([e for _, evs in pending for e in evs])
        for article, events in pending:
            if on_article is not None:
                on_article(article, events)
            out.extend(events)
        pending.clear()

    for article, doc in _docs(nlp, parsable, batch_size, n_process, fail):
        try:
            pending.append((article, extractor.extract(article, doc)))
        except Exception as error:  # noqa: BLE001 - one poison article must not abort the batch
            log.exception("extraction of %s failed", article.id)
            fail(article, f"{type(error).__name__}: {error}")
            continue
        if len(pending) >= batch_size:
            flush()
    flush()
    return out


@dataclass
class IngestReport:
    """Summary of one ingest run: counts, failures (each names its file or line) and warnings."""

    files: int = 0
    articles: int = 0  # new articles stored
    known: int = 0  # already stored (same id or text): nothing added
    events: int = 0
    failures: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (f"{self.files} files, {self.articles} new articles, {self.known} already stored, "
                f"{self.events} events, {len(self.failures)} failures")


def ingest_articles(store, articles: list[Article], *, progress: Callable[[int, int], None] | None = None) -> IngestReport:
    """Extract and store articles not yet in `store` (idempotent; one transaction per article)."""
    summary = IngestReport()
    known = store.article_ids()
    todo = [a for a in articles if a.id not in known]
    summary.known = len(articles) - len(todo)
    done = 0

    def save(article: Article, events: list[Event]) -> None:
        nonlocal done
        if store.add_article_with_events(article, events, EXTRACTOR_VERSION):
            summary.articles += 1
            summary.events += len(events)
        else:
            summary.known += 1
        done += 1
        if progress:
            progress(done, len(todo))

    extract_events(todo, on_article=save, on_error=lambda article, message: summary.failures.append(message))
    return summary


def reextract(store, *, everything: bool = False, extractor_version: str = EXTRACTOR_VERSION,
              mentioning: list[str] | None = None) -> int:
    """Re-run extraction on stored articles (those of an older extractor, or all); returns how many.

    `mentioning`: only articles whose text contains one of these names (ignoring case), e.g. the
    places an online geocoder has just found. Events are replaced per article in one
    transaction; analyst corrections live in their own table keyed by a stable event key, so
    they re-attach to the new events.
    """
    articles = store.extractable_articles(None if everything else extractor_version)
    if mentioning is not None:
        names = [n.casefold() for n in mentioning]
        articles = [a for a in articles if any(n in a.text.casefold() for n in names)]

    def save(article: Article, events: list[Event]) -> None:
        store.replace_events(article.id, events, extractor_version)

    extract_events(articles, on_article=save, on_error=lambda article, message: log.error("%s", message))
    return len(articles)
