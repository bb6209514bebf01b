"""Throughput of toponym recognition + resolution (the `python -m geo toponyms` path).

Run from the repo root:
    python benchmarks/bench_toponyms.py [ARTICLES.jsonl] [--workers 2] [--rebuild]

ARTICLES.jsonl defaults to ../shared/eval/geowebnews.jsonl (any article JSONL with "text" works).
Prints, after a warm-up (model and gazetteer loaded, not timed):
- articles/s and words/s in one process, and with --workers processes (each parses and
  resolves its share of the articles; 2 = the two cores Streamlit Community Cloud gives);
- the share of time in spaCy's parse vs. the gazetteer rules;
- peak resident memory of one process and the size of the SQLite gazetteer index;
- with --rebuild, the time to compile the gazetteer index from the packages.
"""
from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import resource
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from geo.formats import jsonl_lines  # noqa: E402
from geo.nlp import ToponymRecognizer  # noqa: E402
from geo.nlp.spacy_model import load_nlp  # noqa: E402
from geo.pipeline import make_recognizer  # noqa: E402
from geo.places.gazetteer import Gazetteer, build_index  # noqa: E402

_REC: ToponymRecognizer | None = None


def _load(path: Path) -> list[str]:
    return [json.loads(line)["text"] for line in jsonl_lines(path.read_text(encoding="utf-8")) if line.strip()]


def _run(texts: list[str]) -> tuple[int, float, float]:
    """(toponyms found, seconds parsing, seconds in rules) for `texts` in this process."""
    nlp = load_nlp()
    n = 0
    parse = rules = 0.0
    t0 = time.perf_counter()
    for doc in nlp.pipe(texts, batch_size=32):
        t1 = time.perf_counter()
        parse += t1 - t0
        n += len(_REC.toponyms(doc))
        t0 = time.perf_counter()
        rules += t0 - t1
    return n, parse, rules


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("articles", nargs="?", default=str(REPO.parent / "shared" / "eval" / "geowebnews.jsonl"))
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--rebuild", action="store_true", help="also time the gazetteer index build")
    a = ap.parse_args()
    global _REC
    if a.rebuild:
        path = REPO / "data" / "cache" / "bench-gazetteer.sqlite"
        t = time.perf_counter()
        build_index(path)
        print(f"index build: {time.perf_counter() - t:.1f} s, {path.stat().st_size / 1e6:.1f} MB")
        path.unlink()
    texts = _load(Path(a.articles))
    words = sum(len(t.split()) for t in texts)
    gaz = Gazetteer()
    _REC = make_recognizer(gaz)
    _run(texts[:5])  # warm-up: model, index pages, caches
    gaz.candidates.cache_clear()

    t = time.perf_counter()
    n, parse, rules = _run(texts)
    one = time.perf_counter() - t
    print(f"{len(texts)} articles, {words} words, {n} toponyms")
    print(f"1 process : {len(texts) / one:6.1f} articles/s {words / one:8.0f} words/s "
          f"(parse {parse / one:.0%}, rules {rules / one:.0%})")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    if a.workers > 1:
        chunks = [texts[i:: a.workers] for i in range(a.workers)]
        ctx = mp.get_context("fork")  # workers inherit the loaded model and gazetteer
        t = time.perf_counter()
        with ctx.Pool(a.workers) as pool:
            pool.map(_run, chunks)
        many = time.perf_counter() - t
        print(f"{a.workers} processes: {len(texts) / many:6.1f} articles/s {words / many:8.0f} words/s")
    print(f"peak RSS (one process): {peak:.0f} MB; gazetteer index {gaz.path.stat().st_size / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
