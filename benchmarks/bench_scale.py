"""Scale-out ingest (issue #16): articles/s of a local ingest and of 1 and 2 local Dask workers.

Input: `synth-articles N` (default 2000) wire-copy articles. Every run ingests the same file
into a fresh store through `ingest_files` (reading, extraction, border distances, one store
transaction per article), timed after warm-up (model, gazetteer and border atlas loaded: in
this process for the local run, in every worker for Dask), so start-up is reported apart.
Also measured: the store's write rate alone (the client's ceiling) and the distribution
overhead per article (1 Dask worker vs local, same single core of extraction).

    .venv/bin/python benchmarks/bench_scale.py [--n 2000] [--workers 1 2] [--partition 64]
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from geo.dask_ingest import connect, ingest_articles_on, worker_stats  # noqa: E402
from geo.ingest import ingest_files  # noqa: E402
from geo.nlp.extraction import EXTRACTOR_VERSION  # noqa: E402
from geo.pipeline import default_extractor, extract_events  # noqa: E402
from geo.store.store import EventStore  # noqa: E402
from geo.synth import generate_articles, sample_places  # noqa: E402


def timed_ingest(src: Path, db: Path, **hook) -> tuple[float, object]:
    with EventStore(db) as store:
        t = time.perf_counter()
        report = ingest_files([src], store, **hook)
        return time.perf_counter() - t, report


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=2000)
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--partition", type=int, default=64)
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-scale-"))
    extractor = default_extractor()
    arts = generate_articles(a.n, sample_places(extractor.recognizer.gazetteer, limit=800), seed=a.seed)
    src = tmp / "articles.jsonl"
    src.write_text("".join(json.dumps({k: v for k, v in x.to_dict().items() if v is not None}) + "\n" for x in arts),
                   encoding="utf-8")
    words = sum(len(x.text.split()) for x in arts)
    print(f"input: synth-articles {a.n} --seed {a.seed}: {a.n} articles, {words:,} words")

    extract_events(arts[:20])  # warm-up: model, gazetteer index, border geometry
    local, report = timed_ingest(src, tmp / "local.db")
    print(f"local ingest (1 process):        {local:7.1f} s = {a.n / local:6.1f} articles/s   [{report.summary()}]")

    pairs = []
    extract_events(arts, on_article=lambda art, evs: pairs.append((art, evs)))
    with EventStore(tmp / "write.db") as store:
        t = time.perf_counter()
        for art, evs in pairs:
            store.add_article_with_events(art, evs, EXTRACTOR_VERSION)
        write = time.perf_counter() - t
    print(f"store writes alone (client):     {write:7.1f} s = {a.n / write:6.0f} articles/s "
          f"({sum(len(e) for _, e in pairs) / write:,.0f} events/s; one transaction per article)")

    rates = {}
    for w in a.workers:
        t0 = time.perf_counter()
        with connect("local", workers=w) as client:
            with EventStore(tmp / f"warm{w}.db") as warm:  # every worker warm before timing
                ingest_articles_on(client, warm, arts[:w * 4], partition=4)
            while any(s["loads"] == 0 for s in client.run(worker_stats).values()):
                time.sleep(0.2)
            startup = time.perf_counter() - t0
            busy0 = sum(s["seconds"] for s in client.run(worker_stats).values())
            secs, report = timed_ingest(src, tmp / f"dask{w}.db", articles_into=lambda s, arts_, progress: (
                ingest_articles_on(client, s, arts_, progress=progress, partition=a.partition)))
            busy = sum(s["seconds"] for s in client.run(worker_stats).values()) - busy0
        rates[w] = a.n / secs
        print(f"Dask LocalCluster, {w} worker(s) x 1 thread: {secs:7.1f} s = {rates[w]:6.1f} articles/s "
              f"(cluster start + warm-up {startup:.1f} s, partitions of {a.partition})   [{report.summary()}]")
        print(f"    workers extracting {busy:.1f} s = {a.n / busy * w:.1f} articles/s per worker while busy; "
              f"idle worker time (distribution overhead) {(secs * w - busy) / a.n * 1000:.1f} ms/article")
    if 1 in rates:
        over = (a.n / rates[1] - local) / a.n * 1000
        print(f"end-to-end difference 1 worker vs local: {over:+.2f} ms/article "
              f"({over / (local / a.n * 1000) * 100:+.0f}% of the local per-article time)")
    print(f"stores: {tmp}")


if __name__ == "__main__":
    main()
