"""Scale-out ingest on Dask distributed: `python -m geo ingest PATH... --dask ADDRESS`.

The client reads the files (as a local ingest does), skips articles already stored, splits the
rest into partitions and submits them to a Dask cluster; each worker process builds the spaCy
pipeline, the offline gazetteer and the border atlas ONCE (a per-process cache, warmed by a
worker plugin as soon as the worker joins) and returns the events of a partition. The client
writes the results through the same store path as a local ingest (`add_article_with_events`, one
transaction per article, in input order), so the store ends up with the same event set, and the
run has the same progress, summary and exit codes. Workers never touch the store: a SQLite file
has one writer machine, and results in input order keep "same text, first id wins" exact.

Fault tolerance is the engine's: a worker that dies (even SIGKILL) loses its running and held
partitions, the scheduler recomputes them elsewhere, and the client only writes what it has
received, so nothing is lost or written twice.

Workers extract offline (gazetteer + supplement): the online geocoder needs one rate limit for a
whole deployment and its cache lives in the client's store, so it is not used on workers.

Dask and distributed are imported here only (tests/test_layers.py).
"""
from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from . import settings
from .errors import ConfigurationError
from .model import Article, Event
from .nlp import EventExtractor
from .pipeline import IngestReport, article_saver, extract_events, make_recognizer

log = logging.getLogger(__name__)

LOCAL = "local"
PARTITION_ARTICLES = 64  # articles per task: big enough to amortise nlp.pipe batching and task overhead
IN_FLIGHT_PER_THREAD = 3  # partitions submitted but not yet written, per worker thread (bounds memory)

# ----------------------------------------------------------------------------- worker side

_LOCK = threading.Lock()
_STATE: dict[str, object] = {"extractor": None, "loads": 0, "partitions": 0, "articles": 0, "seconds": 0.0}


@contextlib.contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    """An exclusive lock shared by the worker processes of one machine (gazetteer first build)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def worker_extractor() -> EventExtractor:
    """This process's extractor: spaCy model, gazetteer and border atlas, built once per process.

    The gazetteer index is built on first use from the pinned GeoNames packages (or read from
    EVENT_ATLAS_GAZETTEER); a file lock keeps the worker processes of one machine from
    building it at the same time.
    """
    with _LOCK:
        if _STATE["extractor"] is None:
            from .geometry import distance_to_border_km
            from .nlp import load_nlp
            from .places import Gazetteer, LayeredGeocoder

            path = Path(settings.get("gazetteer"))
            with _file_lock(path.with_name(path.name + ".lock")):
                gazetteer = Gazetteer(path)
            load_nlp()
            distance_to_border_km([50.0], [36.0], "UA", "RU")  # derives/reads the border atlas now
            # Offline layers only (see the module docstring).
            _STATE["extractor"] = EventExtractor(make_recognizer(gazetteer, LayeredGeocoder(gazetteer, None)))
            _STATE["loads"] = int(_STATE["loads"]) + 1
            log.info("event extractor loaded in process %d", os.getpid())
        return _STATE["extractor"]  # type: ignore[return-value]


def extract_partition(articles: list[Article]) -> list[list[Event]]:
    """The events of each article of one partition (a Dask task; runs on a worker)."""
    extractor = worker_extractor()
    start = time.perf_counter()
    out: list[list[Event]] = []  # extract_events reports the articles in input order
    extract_events(articles, extractor=extractor, on_article=lambda _, events: out.append(events))
    with _LOCK:
        _STATE["partitions"] = int(_STATE["partitions"]) + 1
        _STATE["articles"] = int(_STATE["articles"]) + len(articles)
        _STATE["seconds"] = float(_STATE["seconds"]) + time.perf_counter() - start
    return out


def worker_stats() -> dict:
    """How often this process loaded the extractor, how many partitions and articles it extracted
    and the seconds that took (for tests and benchmarks)."""
    with _LOCK:
        return {"pid": os.getpid(), **{k: v for k, v in _STATE.items() if k != "extractor"}}


def _warm_up_plugin():
    from distributed.diagnostics.plugin import WorkerPlugin

    class WarmUp(WorkerPlugin):
        """Loads the extractor in the background as soon as a worker joins (or is restarted), so
        the first partition does not wait for it and the event loop is never blocked."""

        name = "event-atlas-warm-up"

        def setup(self, worker) -> None:
            threading.Thread(target=worker_extractor, name="event-atlas-warm-up", daemon=True).start()

    return WarmUp()


# ----------------------------------------------------------------------------- client side

@contextlib.contextmanager
def connect(address: str, *, workers: int | None = None) -> Iterator[object]:
    """A distributed Client for `address`: a scheduler (`tcp://host:8786`) or `local` (a
    LocalCluster of `workers` processes, one thread each; default: one per core). An unreachable
    or malformed address raises geo.errors.ConfigurationError (exit status 2 on the command line)."""
    from distributed import Client, LocalCluster

    if address == LOCAL:
        n = workers or os.cpu_count() or 1
        with LocalCluster(n_workers=n, threads_per_worker=1, processes=True, dashboard_address=None,
                          silence_logs=logging.ERROR) as cluster, Client(cluster) as client:
            yield client
    else:
        try:  # waits distributed.comm.timeouts.connect (default 30 s; DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT)
            client = Client(address)
        except (OSError, ValueError) as exc:  # TimeoutError is an OSError
            raise ConfigurationError(f"cannot reach the Dask scheduler at {address!r}: {exc}") from exc
        with client:
            yield client


def ingest_articles_on(client, store, articles: list[Article], *,
                       progress: Callable[[int, int], None] | None = None,
                       partition: int = PARTITION_ARTICLES) -> IngestReport:
    """`pipeline.ingest_articles` with extraction on the cluster behind `client` (same report)."""
    from distributed import as_completed

    client.register_plugin(_warm_up_plugin())
    summary = IngestReport()
    known = store.article_ids()
    todo = [a for a in articles if a.id not in known]
    summary.known = len(articles) - len(todo)
    parts = [todo[i:i + partition] for i in range(0, len(todo), max(1, partition))]
    threads = max(1, sum(client.nthreads().values()))
    window = max(2, IN_FLIGHT_PER_THREAD * threads)
    futures: dict[object, int] = {}
    results: dict[int, list[list[Event]]] = {}
    submitted = written = 0
    save = article_saver(store, summary, len(todo), progress)

    def submit() -> None:
        nonlocal submitted
        # Bounded: at most `window` partitions between submission and store (memory, fairness).
        while submitted < len(parts) and submitted - written < window:
            fut = client.submit(extract_partition, parts[submitted], pure=False)
            futures[fut] = submitted
            pending.add(fut)
            submitted += 1

    pending = as_completed()
    submit()
    for fut in pending:
        results[futures.pop(fut)] = fut.result()
        fut.release()
        # Written in input order, so duplicates (same normalised text) resolve as in a local ingest.
        while written in results:
            for article, events in zip(parts[written], results.pop(written)):
                save(article, events)
            written += 1
        submit()
    return summary


def articles_into(address: str, *, workers: int | None = None, partition: int = PARTITION_ARTICLES):
    """An `ingest_files(..., articles_into=...)` hook running extraction on Dask at `address`."""

    def run(store, articles, *, progress=None) -> IngestReport:
        known = store.article_ids()
        if all(a.id in known for a in articles):  # nothing to extract: no cluster needed
            return IngestReport(known=len(articles))
        if settings.is_on(settings.get("online")):
            log.warning("Dask workers geocode offline only; EVENT_ATLAS_ONLINE applies to local ingests")
        with connect(address, workers=workers) as client:
            return ingest_articles_on(client, store, articles, progress=progress, partition=partition)

    return run
