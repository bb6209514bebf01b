"""Store figures for issue #14 on both backends: write throughput (one transaction per article,
as ingest writes) and `events_frame` load time at N synthetic events.

    .venv/bin/python benchmarks/bench_store_backends.py --pg postgresql://user@host/db [--events 100000]

The PostgreSQL database given must be empty (it is filled). Without --pg a throwaway server is
started as the tests do (tests/pg_server.py, Debian's postgresql binaries).
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
from geo.store import EventStore  # noqa: E402
from geo.synth import write_synthetic  # noqa: E402
from tests.store.test_store import make_article, make_events  # noqa: E402


def measure(location, events: int, articles: int) -> dict:
    with EventStore(location) as store:
        t = time.perf_counter()
        for i in range(articles):
            aid = f"w-{i}"
            store.add_article_with_events(make_article(aid, f"report {i}. " + aid), make_events(aid), "v1")
        per_article = articles / (time.perf_counter() - t)
        write_synthetic(store, events)
        loads = []
        for _ in range(3):
            t = time.perf_counter()
            frame = store.events_frame()
            loads.append(time.perf_counter() - t)
    return {"articles_per_s": per_article, "frame_s": min(loads), "rows": len(frame)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pg")
    ap.add_argument("--events", type=int, default=100_000)
    ap.add_argument("--articles", type=int, default=1000, help="articles written one transaction each")
    a = ap.parse_args()
    server = None
    if a.pg is None:
        from tests.pg_server import PgServer

        server = PgServer().start()
        a.pg = server.new_database()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            for name, location in (("sqlite", Path(tmp) / "bench.db"), ("postgresql", a.pg)):
                r = measure(location, a.events, a.articles)
                print(f"{name}: {r['articles_per_s']:.0f} articles/s written (2 events each, one transaction per"
                      f" article); events_frame of {r['rows']} events in {r['frame_s']:.2f} s")
    finally:
        if server is not None:
            server.stop()


if __name__ == "__main__":
    main()
