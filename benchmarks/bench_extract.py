"""Extraction throughput (issue #4): articles/s and words/s on >= 2,000 articles, 2 cores.

Corpus: the bundled articles repeated with varied ids (and a varied publication date) until
N articles. Compared in the same run with a naive loop that calls nlp() once per article.

    .venv/bin/python benchmarks/bench_extract.py [--n 2000] [--naive-sample 200]
"""
from __future__ import annotations

import argparse
import dataclasses
import os
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from geo.formats.articles import load_articles  # noqa: E402
from geo.nlp.spacy_model import load_nlp  # noqa: E402
from geo.pipeline import default_extractor, extract_events  # noqa: E402


def corpus(n: int):
    base = load_articles(["data/articles"]).articles
    out = []
    for i in range(n):
        a = base[i % len(base)]
        pub = a.published + timedelta(days=i // len(base)) if a.published else None
        out.append(dataclasses.replace(a, id=f"{a.id}#{i}", published=pub))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=2000)
    ap.add_argument("--naive-sample", type=int, default=200, help="articles timed in the naive loop")
    ap.add_argument("--processes", type=int, default=min(2, os.cpu_count() or 1))
    a = ap.parse_args()
    arts = corpus(a.n)
    words = sum(len(x.text.split()) for x in arts)
    extractor, nlp = default_extractor(), load_nlp()
    extract_events(arts[:20])  # warm-up: model, gazetteer index, border geometry

    t = time.perf_counter()
    events = extract_events(arts, n_process=a.processes)
    fast = time.perf_counter() - t

    sample = arts[: a.naive_sample]
    t = time.perf_counter()
    for art in sample:
        extractor.extract(art, nlp(art.text))
    naive = (time.perf_counter() - t) / len(sample) * len(arts)

    print(f"corpus: {len(arts)} articles, {words:,} words, {len(events)} events")
    print(f"pipeline (nlp.pipe, batches, {a.processes} processes, cached lookups): "
          f"{fast:.1f} s = {len(arts) / fast:.1f} articles/s, {words / fast:,.0f} words/s")
    print(f"naive loop (one nlp() per article, 1 process; {len(sample)} timed, extrapolated): "
          f"{naive:.1f} s = {len(arts) / naive:.1f} articles/s, {words / naive:,.0f} words/s")
    print(f"speed-up: {naive / fast:.1f}x")


if __name__ == "__main__":
    main()
