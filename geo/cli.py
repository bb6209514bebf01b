"""Command line: `python -m geo {extract,toponyms,ingest,export,reextract,correct,geocode,synth,synth-articles,
feeds,copy-store} ...` (see README)."""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from . import settings
from .errors import EventAtlasError
from .formats import EXPORTERS, load_articles


def printable(text: str) -> str:
    """`text` with control and other unprintable characters (ESC, CR, bidi overrides from a
    file name, ...) written as escapes, so a message cannot rewrite the terminal or forge lines."""
    return "".join(c if c.isprintable() or c == " " else c.encode("unicode_escape").decode("ascii") for c in str(text))


def _err(message: str) -> None:
    print(printable(message), file=sys.stderr)


def _write_jsonl(path: str, rows) -> int:
    n = 0
    out = sys.stdout if path == "-" else open(path, "w", encoding="utf-8")
    try:
        for r in rows:
            out.write(json.dumps(r, ensure_ascii=False) + "\n")
            n += 1
    finally:
        if out is not sys.stdout:
            out.close()
    return n


def _load(paths) -> tuple[list, list[str]]:
    res = load_articles(paths)
    for p in res.problems:
        _err(f"error: {p}")
    return res.articles, res.problems


def cmd_extract(a) -> int:
    import pandas as pd

    from .nlp import group_frame
    from .pipeline import extract_events

    articles, problems = _load(a.articles)
    if not articles and problems:
        return 2
    rows = [e.to_dict() for e in extract_events(articles, n_process=a.processes)]
    if rows:
        # Mentions of one occurrence in several articles share a group (raw mentions are all kept).
        grouped = group_frame(pd.DataFrame(rows))
        for r, g, src in zip(rows, grouped["group_id"], grouped["group_sources"]):
            r["group_id"], r["group_sources"] = int(g), src
    n = _write_jsonl(a.out, rows)
    _err(f"{len(articles)} articles -> {n} events in {a.out}")
    return 1 if problems else 0


def cmd_toponyms(a) -> int:
    from .nlp import load_nlp
    from .pipeline import default_extractor

    articles, problems = _load(a.articles)
    rec = default_extractor().recognizer
    rows = []
    for art, doc in zip(articles, load_nlp().pipe(x.text for x in articles)):
        rows.extend(t.to_dict(art.id) for t in rec.toponyms(doc))
    n = _write_jsonl(a.out, rows)
    _err(f"{len(articles)} articles -> {n} toponyms in {a.out}")
    return 1 if problems else 0


def _shown(db) -> str:
    """A store location for messages (a URL's password masked)."""
    from .store import display_location

    return display_location(db)


def cmd_ingest(a) -> int:
    from .ingest import ingest_files
    from .store import EventStore

    db = settings.db_location(a.db)
    with EventStore(db) as store:
        run = store.start_run()
        bar = None

        def progress(done: int, total: int) -> None:
            nonlocal bar
            if bar is None:
                from tqdm import tqdm

                # disable=None: a bar on a terminal, silence in logs and pipes.
                bar = tqdm(total=total, unit="article", file=sys.stderr, disable=None)
            bar.update(1)

        hook = {}
        if a.dask:
            from .dask_ingest import articles_into

            hook["articles_into"] = articles_into(a.dask, workers=a.dask_workers, partition=a.partition)
        report = ingest_files(a.paths, store, progress=progress, **hook)
        if bar is not None:
            bar.close()
        store.finish_run(run, files=report.files, articles=report.articles, events=report.events,
                         failures=report.failures)
    for w in report.warnings:
        _err(f"warning: {w}")
    for f in report.failures:
        _err(f"failed: {f}")
    _err(f"{_shown(db)}: {report.summary()}")
    return 1 if report.failures else 0


def cmd_reextract(a) -> int:
    from .pipeline import reextract
    from .store import EventStore

    db = settings.db_location(a.db)
    with EventStore(db) as store:
        n = reextract(store, everything=a.all)
    _err(f"{_shown(db)}: re-extracted {n} articles (analyst corrections kept)")
    return 0


def cmd_correct(a) -> int:
    from .pipeline import correct_event
    from .store import EventStore

    value = json.loads(a.value) if a.json else a.value
    with EventStore(settings.db_location(a.db)) as store:  # a new place: its border distance, side, … follow
        correct_event(store, a.event_key, {a.field: value}, a.author, note=a.note)
    _err(f"corrected {a.field} of {a.event_key}")
    return 0


def cmd_geocode(a) -> int:
    from .pipeline import reextract
    from .places import make_layered_geocoder
    from .store import EventStore

    geocoder = make_layered_geocoder()
    if geocoder.online is None:
        _err("error: online geocoding is off; set EVENT_ATLAS_ONLINE=1 to retry failed lookups")
        return 2
    found: list[str] = []
    answered, failing = geocoder.online.retry_failed(found)
    _err(f"retried failed lookups: {answered} answered, {failing} still failing")
    if found:
        # New answers are in the cache; re-extracting the articles that name them picks them up
        # (cache hits, no new requests).
        with EventStore(settings.db_location()) as store:
            n = reextract(store, everything=True, mentioning=found)
        _err(f"re-extracted {n} articles with the new places")
    return 1 if failing else 0


def cmd_export(a) -> int:
    from .store import EventStore

    db = settings.db_location(a.db)
    if isinstance(db, Path) and not db.exists():
        _err(f"error: no event store at {db} (run `python -m geo ingest` first)")
        return 2
    with EventStore(db) as store:
        df = store.events_frame()
    df = df[~df["hidden"]]  # hidden by an editor: kept in the store, not exported
    data = EXPORTERS[a.format].write(df)
    if a.out == "-":
        sys.stdout.buffer.write(data)
    else:
        Path(a.out).write_bytes(data)
    _err(f"{len(df)} events -> {a.out} ({a.format})")
    return 0


def cmd_synth(a) -> int:
    from .store import EventStore
    from .synth import write_synthetic

    db = settings.db_location(a.db)
    with EventStore(db) as store:
        n = write_synthetic(store, a.n, seed=a.seed)
    _err(f"{_shown(db)}: {n} synthetic events written (seed {a.seed})")
    return 0


def cmd_synth_articles(a) -> int:
    from .places import Gazetteer
    from .synth import generate_articles, sample_places

    articles = generate_articles(a.n, sample_places(Gazetteer(), limit=800), seed=a.seed)
    n = _write_jsonl(a.out, ({k: v for k, v in art.to_dict().items() if v is not None} for art in articles))
    print(f"{n} synthetic articles -> {a.out} (seed {a.seed})", file=sys.stderr)
    return 0


def cmd_feeds(a) -> int:
    """Issue #15: read RSS/Atom feeds into the store, once or every `--every` minutes until
    SIGTERM/SIGINT (which end the round after the current article: nothing fetched is lost)."""
    import signal
    import threading
    from datetime import datetime, timezone

    from tqdm import tqdm

    from .feeds import FeedReader, make_client, read_sources
    from .store import EventStore

    urls, problems = read_sources(a.sources)
    for p in problems:
        print(f"failed: {p}", file=sys.stderr)
    if not urls:
        print("error: no feed URL to read", file=sys.stderr)
        return 2
    stop = threading.Event()

    def on_signal(signum, _frame) -> None:
        if stop.is_set():
            raise KeyboardInterrupt  # a second signal: stop at once (stored articles are committed)
        stop.set()
        print(f"{signal.Signals(signum).name}: stopping after the current article", file=sys.stderr)

    previous = {s: signal.signal(s, on_signal) for s in (signal.SIGTERM, signal.SIGINT)}
    db = settings.db_location(a.db)
    status = 0
    try:
        with EventStore(db) as store:
            client = make_client(a.timeout, stop)
            while True:
                # disable=None: a bar on a terminal, silence in logs and pipes.
                with tqdm(total=0, unit="article", file=sys.stderr, disable=None) as bar:
                    def queued(n: int) -> None:
                        bar.total += n
                        bar.refresh()

                    report = FeedReader(store, client, progress=bar.update, queued=queued).run(urls)
                for w in report.warnings:
                    print(f"warning: {w}", file=sys.stderr)
                for s in report.skipped:
                    print(f"skipped: {s}", file=sys.stderr)
                for f in report.failures:
                    print(f"failed: {f}", file=sys.stderr)
                when = datetime.now(timezone.utc).isoformat(timespec="seconds")
                print(f"{when} {_shown(db)}: {report.summary()}", file=sys.stderr, flush=True)
                status = max(report.exit_status(), 1 if problems else 0)
                if a.every is None or stop.wait(a.every * 60):
                    break
    except KeyboardInterrupt:
        print("stopped at once (articles stored so far are kept)", file=sys.stderr)
        return 130
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
    return status


def cmd_copy_store(a) -> int:
    """Issue #14: copy a store to another (e.g. a local SQLite file to the shared PostgreSQL)."""
    from .store import EventStore, copy_store

    source, target = settings.db_location(a.source), settings.db_location(a.target)
    with EventStore(source, create=False) as src, EventStore(target) as dst:
        report = copy_store(src, dst)
    for f in report.failures:
        _err(f"failed: {f}")
    _err(f"{_shown(source)} -> {_shown(target)}: {report.summary()}")
    return 1 if report.failures else 0


def _positive(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be > 0, got {text!r}")
    return value


def _add_feeds_parser(sub) -> None:
    f = sub.add_parser("feeds", help="fetch RSS/Atom feeds and their articles into the store")
    f.add_argument("sources", nargs="+", metavar="SOURCE",
                   help="feed URL (RSS 2.0, RSS 1.0/RDF, Atom) or text file of feed URLs (one a line, # comments)")
    f.add_argument("--db", help="store: SQLite path or postgresql:// URL (default: $EVENT_ATLAS_DB or data/events.db)")
    f.add_argument("--timeout", type=_positive, default=20.0, help="seconds per request (default 20)")
    f.add_argument("--every", type=_positive, metavar="MINUTES",
                   help="repeat every MINUTES until SIGTERM/SIGINT (default: run once)")
    f.set_defaults(func=cmd_feeds)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m geo", description="Event Atlas command line")
    sub = p.add_subparsers(dest="command", required=True)
    e = sub.add_parser("extract", help="extract events from article files into JSON lines")
    e.add_argument("articles", nargs="+", help="article files or folders (.jsonl, .json, .txt, .md)")
    e.add_argument("--out", required=True, help="output JSONL file ('-' for stdout)")
    e.add_argument("--processes", type=int, default=1, help="spaCy parser processes (2 on a 2-core machine)")
    e.set_defaults(func=cmd_extract)
    t = sub.add_parser("toponyms", help="recognise and resolve place names into JSON lines")
    t.add_argument("articles", nargs="+")
    t.add_argument("--out", required=True)
    t.set_defaults(func=cmd_toponyms)
    i = sub.add_parser("ingest", help="extract and store articles in the event store")
    i.add_argument("paths", nargs="+", help="files or folders: .txt .md .html .json .jsonl articles, "
                                             "ACLED .csv exports, GDELT 2.0 .CSV/.tsv event exports")
    i.add_argument("--db", help="store: SQLite path or postgresql:// URL"
                                f" (default: ${settings.setting('db').env} or data/events.db)")
    i.add_argument("--dask", metavar="ADDRESS",
                   help="extract on a Dask cluster: a scheduler address (tcp://host:8786) or 'local' "
                        "(a LocalCluster on this machine); the store is written here")
    i.add_argument("--dask-workers", type=int, metavar="N",
                   help="with --dask local: worker processes (one thread each; default: one per core)")
    i.add_argument("--partition", type=int, default=64, metavar="ARTICLES",
                   help="with --dask: articles per task (default 64)")
    i.set_defaults(func=cmd_ingest)
    r = sub.add_parser("reextract", help="re-run extraction on stored articles, keeping corrections")
    r.add_argument("--all", action="store_true", help="every article, not only those of an older extractor")
    r.add_argument("--db")
    r.set_defaults(func=cmd_reextract)
    c = sub.add_parser("correct", help="record an analyst correction of one event field")
    c.add_argument("event_key", help="the event's stable key (event_key column)")
    c.add_argument("field", help="lat, lon, place, event_type, verified, date, claimed_by or notes")
    c.add_argument("value", help="new value (with --json: a JSON value, e.g. 50.1, true, null)")
    c.add_argument("--json", action="store_true")
    c.add_argument("--author", required=True)
    c.add_argument("--note")
    c.add_argument("--db")
    c.set_defaults(func=cmd_correct)
    g = sub.add_parser("geocode", help="online geocoding maintenance")
    g.add_argument("--retry", action="store_true", required=True,
                   help="ask the online geocoder again for lookups that failed (down, slow, 429)")
    g.add_argument("--db")
    g.set_defaults(func=cmd_geocode)
    x = sub.add_parser("export", help="write all events of the store as CSV, GeoJSON or KML")
    x.add_argument("--format", choices=list(EXPORTERS), required=True)
    x.add_argument("--db", help="store: SQLite path or postgresql:// URL (default: $EVENT_ATLAS_DB or data/events.db)")
    x.add_argument("--out", required=True, help="output file ('-' for stdout)")
    x.set_defaults(func=cmd_export)
    sy = sub.add_parser("synth", help="write N synthetic events into the store (benchmarks)")
    sy.add_argument("n", type=int, help="number of events")
    sy.add_argument("--db", help="store: SQLite path or postgresql:// URL (default: $EVENT_ATLAS_DB or data/events.db)")
    sy.add_argument("--seed", type=int, default=0, help="random seed (same seed, same events)")
    sy.set_defaults(func=cmd_synth)
    sa = sub.add_parser("synth-articles",
                        help="write N synthetic wire-copy articles as JSON lines (throughput tests)")
    sa.add_argument("n", type=int, help="number of articles")
    sa.add_argument("--out", required=True, help="output JSONL file ('-' for stdout)")
    sa.add_argument("--seed", type=int, default=0, help="random seed (same seed, same articles)")
    sa.set_defaults(func=cmd_synth_articles)
    _add_feeds_parser(sub)
    cs = sub.add_parser("copy-store", help="copy a store (articles, events, corrections, runs, feed state) "
                                           "into another, e.g. SQLite -> PostgreSQL; idempotent")
    cs.add_argument("source", metavar="FROM", help="store to read: a SQLite file or a postgresql:// URL")
    cs.add_argument("target", metavar="TO", help="store to write (created/migrated if needed)")
    cs.set_defaults(func=cmd_copy_store)
    return p


def main(argv=None) -> int:
    """Entry point; returns the exit status (0 ok, 1 some inputs failed, 2 nothing usable)."""
    a = build_parser().parse_args(argv)
    if getattr(a, "db", None):
        # One store for every component of this run (events, geocode cache, retries).
        location = settings.db_location(a.db)
        os.environ["EVENT_ATLAS_DB"] = location if isinstance(location, str) else str(location.resolve())
    try:
        return a.func(a)
    except EventAtlasError as exc:
        _err(f"error: {exc}")
        return 2
    except BrokenPipeError:
        return 0
