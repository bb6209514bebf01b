"""Articles -> events with places, dates, claims and border distances; ingest into the store."""
from __future__ import annotations

import atexit
import functools
import logging
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import numpy as np

from .errors import ConfigurationError
from .model import DEFAULT_BORDER, Article, Event
from .nlp import EXTRACTOR_VERSION, EventExtractor, Resolver, ToponymRecognizer, load_nlp
from .places import Gazetteer, LayeredGeocoder, for_visitor, make_layered_geocoder

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
    side = borders.country_at(lats, lons, tolerance_km=borders.SIDE_TOLERANCE_KM)
    for e, d, s in zip(placed, dist, side):
        e.border_distance_km = None if np.isnan(d) else round(float(d), 1)
        e.border_side = s or None
        e.country_code = e.country_code or e.border_side  # imported tables may not name it
    return events


#: Fields that locate an event; correcting one recomputes DERIVED_FIELDS (#17 item 2).
PLACE_FIELDS = ("lat", "lon", "place")


def place_facts(lat: float, lon: float, gazetteer: Gazetteer | None = None,
                border: tuple[str, str] = DEFAULT_BORDER) -> dict:
    """What follows from a point: distance to the border and the side (with the tolerance at coasts
    and rivers), the country, and the first-level division of the nearest gazetteer place of that
    country (within about 50 km; None beyond)."""
    from .geometry import borders, great_circle_km

    km = float(borders.distance_to_border_km([lat], [lon], *border)[0])
    side = str(borders.country_at([lat], [lon], tolerance_km=borders.SIDE_TOLERANCE_KM)[0]) or None
    admin1 = None
    if side:
        gazetteer = gazetteer or Gazetteer()
        near = gazetteer.largest_cities(side, (lat - 0.5, lat + 0.5, lon - 0.75, lon + 0.75), 500)
        best = min(near, key=lambda p: great_circle_km(lat, lon, p.lat, p.lon), default=None)
        if best is not None and great_circle_km(lat, lon, best.lat, best.lon) <= 50:
            admin1 = best.admin1_name
    return {"border_distance_km": None if np.isnan(km) else round(km, 1), "border_side": side,
            "country_code": side, "admin1": admin1}


def correct_event(store, event_key: str, changes: dict, author: str, note: str | None = None,
                  gazetteer: Gazetteer | None = None) -> dict:
    """Record the corrections `changes` (field -> value) of one stored event; when its point or
    place changes, every field derived from it (border distance, side, country, admin1) is recorded
    too, noted as derived, so the store, the card and the distance filters follow the correction.
    Returns everything recorded."""
    recorded = dict(changes)
    if set(changes) & set(PLACE_FIELDS):
        row = store.events_frame().set_index("event_key").loc[event_key]
        lat = changes.get("lat", row["lat"])
        lon = changes.get("lon", row["lon"])
        if lat is not None and lon is not None and lat == lat and lon == lon:
            recorded.update(place_facts(float(lat), float(lon), gazetteer))
    for name, value in recorded.items():
        derived = name not in changes
        store.add_correction(event_key, name, value, author,
                             note="derived from the corrected place" if derived else note)
    return recorded


def _docs(nlp, articles: list[Article], batch_size: int, n_process: int,
          fail: Callable[[Article, BaseException], None]):
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


def article_saver(store, summary: IngestReport, total: int,
                  progress: Callable[[int, int], None] | None) -> Callable[[Article, list[Event]], None]:
    """`save(article, events)`: one article with its events in one transaction, counted."""
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
            progress(done, total)

    return save


def ingest_articles(store, articles: list[Article], *,
                    progress: Callable[[int, int], None] | None = None) -> IngestReport:
    """Extract and store articles not yet in `store` (idempotent; one transaction per article)."""
    summary = IngestReport()
    known = store.article_ids()
    todo = [a for a in articles if a.id not in known]
    summary.known = len(articles) - len(todo)
    save = article_saver(store, summary, len(todo), progress)
    extract_events(todo, on_article=save, on_error=lambda article, message: summary.failures.append(message))
    return summary


def store_extracted(store, articles: list[Article], events: list[Event]) -> IngestReport:
    """Store articles extracted elsewhere (`extract_in_worker`) with their events, like
    `ingest_articles` does (already stored ones are counted as known)."""
    summary = IngestReport()
    by_article: dict[str, list[Event]] = {a.id: [] for a in articles}
    for e in events:
        by_article.setdefault(e.article_id, []).append(e)
    known = store.article_ids()
    save = article_saver(store, summary, len(articles), None)
    for a in articles:
        if a.id in known:
            summary.known += 1
        else:
            save(a, by_article[a.id])
    return summary


# ------------------------------------------------ extraction for the dashboard's sessions


@dataclass
class WorkerResult:
    """What one dashboard extraction job gave: events (with distances), articles extracted,
    one problem per article that was not, and the online lookups it spent."""

    events: list[Event] = field(default_factory=list)
    articles: list[Article] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    lookups: int = 0


_POOL = None
_POOL_LOCK = threading.Lock()
JOB_TIMEOUT = 600.0  # seconds one job may take before its worker is stopped


def _pool():
    """One extraction process for the whole server (spawned: forking a threaded server is
    unsafe), so parsing, which holds the GIL for seconds, never stalls the server's thread that
    answers every session. Jobs of several sessions queue there."""
    global _POOL
    with _POOL_LOCK:
        if _POOL is None:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            _POOL = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))
            atexit.register(_POOL.shutdown, wait=False, cancel_futures=True)
        return _POOL


def _reset_pool() -> None:
    global _POOL
    with _POOL_LOCK:
        pool, _POOL = _POOL, None
    if pool is not None:
        for proc in list(getattr(pool, "_processes", {}).values()):
            proc.kill()  # a job past its time: its process is the only way to stop it
        pool.shutdown(wait=False, cancel_futures=True)


def _visitor_extractor(lookups: int):
    """(extractor, budget) for an anonymous session: online lookups limited to `lookups` and the
    shared geocode cache only read (None budget: online geocoding is off)."""
    gazetteer = Gazetteer()
    try:
        geocoder = make_layered_geocoder(gazetteer)
    except ConfigurationError as error:
        log.error("online geocoding disabled: %s", error)
        return default_extractor(), None
    if geocoder.online is None:
        return default_extractor(), None
    online = for_visitor(geocoder.online, lookups)
    return EventExtractor(make_recognizer(gazetteer, LayeredGeocoder(gazetteer, online))), online._geocode


def _job(articles: list[Article], visitor_lookups: int | None, env: dict[str, str]) -> WorkerResult:
    """Runs in the extraction process: the caller's EVENT_ATLAS_* settings, then extraction."""
    import os

    for key in [k for k in os.environ if k.startswith("EVENT_ATLAS_")]:
        os.environ.pop(key)
    os.environ.update(env)
    result = WorkerResult()
    extractor, budget = (None, None) if visitor_lookups is None else _visitor_extractor(visitor_lookups)
    result.events = extract_events(articles, extractor=extractor,
                                   on_article=lambda article, events: result.articles.append(article),
                                   on_error=lambda article, message: result.problems.append(message))
    result.lookups = budget.used if budget is not None else 0
    return result


def extract_in_worker(articles: list[Article], *, visitor_lookups: int | None = None,
                      timeout: float = JOB_TIMEOUT) -> WorkerResult:
    """`extract_events` in the server's extraction process (see `_pool`); `visitor_lookups`:
    an anonymous session's remaining online lookups (its answers stay out of the shared cache).
    A job that dies or runs past `timeout` is reported as a problem of each of its articles."""
    import os
    from concurrent.futures import TimeoutError as FutureTimeout
    from concurrent.futures.process import BrokenProcessPool

    env = {k: v for k, v in os.environ.items() if k.startswith("EVENT_ATLAS_")}
    try:
        return _pool().submit(_job, list(articles), visitor_lookups, env).result(timeout=timeout)
    except (FutureTimeout, BrokenProcessPool) as error:
        _reset_pool()
        why = f"took longer than {timeout:g} s" if isinstance(error, FutureTimeout) else "the extraction process died"
        return WorkerResult(problems=[f"{a.origin or a.id}: not extracted: {why}" for a in articles])


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
