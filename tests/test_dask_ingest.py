"""Scale-out ingest on Dask (issue #16): the same events, summary and exit code as a local ingest,
on a LocalCluster and on separately started `dask scheduler` + `dask worker` processes; the
extractor is loaded once per worker; a worker SIGKILLed mid-run loses nothing.

Kept lean for a loaded 2-core machine: two workers of one thread, small inputs, generous timeouts.
"""
from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from geo.cli import main
from geo.ingest import ingest_files
from geo.store.store import EventStore
from geo.synth import SynthPlace, generate_articles, sample_places

REPO = Path(__file__).resolve().parent.parent
BUNDLED = REPO / "data" / "articles"
ENV = {**os.environ, "PYTHONPATH": str(REPO), "EVENT_ATLAS_ONLINE": "0"}
TIMEOUT = 600


def cli(*args, **kw):
    return subprocess.run([sys.executable, "-m", "geo", *map(str, args)], cwd=REPO, capture_output=True, text=True,
                          env=ENV, timeout=TIMEOUT, **kw)


def event_rows(db: Path) -> list[str]:
    """Every stored event, order- and row-id-independent (NaN compares equal through repr)."""
    with EventStore(db) as store:
        df = store.events_frame().drop(columns=["event_id"])
    return sorted(map(repr, df.to_dict("records")))


def summary_line(stderr: str) -> str:
    line = [x for x in stderr.splitlines() if "new articles" in x][-1]
    return line.split(": ", 1)[1]  # without the store path


def write_articles(path: Path, n: int, seed: int, gazetteer) -> Path:
    arts = generate_articles(n, sample_places(gazetteer, limit=400), seed=seed)
    with path.open("w", encoding="utf-8") as fh:
        for a in arts:
            fh.write(json.dumps({k: v for k, v in a.to_dict().items() if v is not None}) + "\n")
    return path


@pytest.fixture(scope="module")
def inputs(tmp_path_factory, gazetteer):
    """Bundled articles + synthetic wire copy + a bad line (exit 1) + a duplicate text (known)."""
    d = tmp_path_factory.mktemp("dask-in")
    synth = write_articles(d / "synth.jsonl", 24, seed=16, gazetteer=gazetteer)
    first = json.loads(synth.read_text(encoding="utf-8").splitlines()[0])
    (d / "extra.jsonl").write_text("{broken\n" + json.dumps({**first, "id": "same-text-other-id"}) + "\n",
                                   encoding="utf-8")
    return [BUNDLED, synth, d / "extra.jsonl"]


@pytest.fixture(scope="module")
def local_run(inputs, tmp_path_factory):
    """The reference: a local ingest of the same files (same CLI, no --dask)."""
    db = tmp_path_factory.mktemp("dask-local") / "local.db"
    res = cli("ingest", *inputs, "--db", db)
    assert res.returncode == 1, res.stderr  # the broken line
    return event_rows(db), summary_line(res.stderr), res.returncode


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def dask_processes(workers: int):
    """`dask scheduler` and `dask worker` processes on 127.0.0.1 (free ports), torn down after;
    workers without a nanny, so a SIGKILL of one removes it for good."""
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    procs = [subprocess.Popen([sys.executable, "-m", "dask", "scheduler", "--host", "127.0.0.1", "--port", str(port),
                               "--no-dashboard"], cwd=REPO, env=ENV,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)]
    try:
        for _ in range(workers):
            procs.append(subprocess.Popen(
                [sys.executable, "-m", "dask", "worker", address, "--nthreads", "1", "--no-nanny", "--no-dashboard",
                 "--host", "127.0.0.1", "--memory-limit", "0", "--death-timeout", "120"],
                cwd=REPO, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        from distributed import Client

        with Client(address, timeout="120s") as client:
            client.wait_for_workers(workers, timeout=300)
        yield address, procs[1:]
    finally:
        for p in reversed(procs):
            if p.poll() is None:
                p.terminate()
        for p in procs:
            try:
                p.wait(timeout=60)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()


def test_synth_articles_are_realistic_and_deterministic(tmp_path, gazetteer):
    places = [SynthPlace("Kharkiv", 49.99, 36.23, "UA", "Kharkiv Oblast"),
              SynthPlace("Belgorod", 50.6, 36.6, "RU", None)]
    a, b = generate_articles(30, places, seed=5), generate_articles(30, places, seed=5)
    assert [x.to_dict() for x in a] == [x.to_dict() for x in b] and len({x.id for x in a}) == 30
    text = " ".join(x.text for x in a)
    assert "Kharkiv region" in text and "Belgorod" in text
    assert any(w in text for w in ("overnight", "yesterday", "on Monday", "on Tuesday", "early on"))
    assert "said" in text  # claims
    out = tmp_path / "a.jsonl"
    assert main(["synth-articles", "12", "--out", str(out), "--seed", "2"]) == 0
    rows = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == 12 and all(r["published"] and r["text"] for r in rows)
    # The extractor finds events of several types in them.
    with EventStore(tmp_path / "s.db") as store:
        report = ingest_files([out], store)
        types = set(store.events_frame()["event_type"])
    assert report.failures == [] and report.events >= 20 and len(types) >= 3


def test_local_cluster_gives_the_same_events_loading_the_extractor_once_per_worker(inputs, local_run, tmp_path):
    from geo.dask_ingest import connect, ingest_articles_on, worker_stats

    rows, summary, code = local_run
    done = []
    with connect("local", workers=2) as client, EventStore(tmp_path / "d.db") as store:
        report = ingest_files(inputs, store, progress=lambda d, t: done.append((d, t)),
                              articles_into=lambda s, arts, progress: ingest_articles_on(
                                  client, s, arts, progress=progress, partition=4))
        stats = list(client.run(worker_stats).values())
    assert report.summary() == summary and len(report.failures) == 1
    assert event_rows(tmp_path / "d.db") == rows
    assert done[-1][0] == done[-1][1] == len(done)  # progress: one step per article
    # Many partitions, each worker process loaded spaCy + gazetteer + borders exactly once.
    assert sum(s["partitions"] for s in stats) == -(-done[-1][1] // 4) > len(stats)
    assert [s["loads"] for s in stats] == [1] * len(stats)


def test_workers_build_a_missing_gazetteer_once_per_machine(tmp_path, monkeypatch, extractor, gazetteer):
    """A worker machine without the index builds it on first use from the pinned packages: one
    build under a file lock, every worker process loads it once, the events are the same."""
    from geo.dask_ingest import connect, ingest_articles_on, worker_stats
    from geo.pipeline import extract_events

    arts = generate_articles(6, sample_places(gazetteer, limit=400), seed=4)
    expected = [e.to_dict() for e in extract_events(arts, extractor=extractor)]
    index = tmp_path / "fresh" / "gazetteer.sqlite"
    monkeypatch.setenv("EVENT_ATLAS_GAZETTEER", str(index))  # inherited by the worker processes
    with connect("local", workers=2) as client, EventStore(tmp_path / "d.db") as store:
        report = ingest_articles_on(client, store, arts, partition=2)
        stats = list(client.run(worker_stats).values())
        got = [e.to_dict() for a in arts for e in store.article_events(a.id)]
    assert index.exists() and not index.with_suffix(".building").exists()
    assert [s["loads"] for s in stats] == [1, 1] and report.articles == 6
    key = lambda d: (d["article_id"], d["evidence_start"], d["event_type"])  # noqa: E731
    assert sorted(got, key=key) == sorted(expected, key=key)


@pytest.mark.slow
def test_separate_scheduler_and_workers_give_the_same_events_summary_and_exit_code(inputs, local_run, tmp_path):
    rows, summary, code = local_run
    with dask_processes(1) as (address, _):  # one worker: lean; two are shown by the SIGKILL test
        res = cli("ingest", *inputs, "--db", tmp_path / "d.db", "--dask", address, "--partition", "5")
        again = cli("ingest", *inputs, "--db", tmp_path / "d.db", "--dask", address)
    assert res.returncode == code, res.stderr
    assert summary_line(res.stderr) == summary
    assert event_rows(tmp_path / "d.db") == rows
    assert again.returncode == code and " 0 new articles" in summary_line(again.stderr)  # idempotent


def test_unreachable_scheduler_is_a_clear_error(tmp_path):
    src = tmp_path / "a.jsonl"
    src.write_text(json.dumps({"id": "a", "published": "2024-05-14", "text": "Drones struck Odesa."}) + "\n",
                   encoding="utf-8")
    res = subprocess.run([sys.executable, "-m", "geo", "ingest", src, "--db", tmp_path / "d.db", "--dask",
                          f"tcp://127.0.0.1:{free_port()}"], cwd=REPO, capture_output=True, text=True, timeout=TIMEOUT,
                         env={**ENV, "DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT": "2s"})
    assert res.returncode == 2 and "cannot reach the Dask scheduler" in res.stderr, res.stderr


@pytest.mark.slow
def test_worker_sigkilled_mid_run_loses_nothing(tmp_path, gazetteer):
    src = write_articles(tmp_path / "many.jsonl", 90, seed=7, gazetteer=gazetteer)
    ref = cli("ingest", src, "--db", tmp_path / "local.db")
    assert ref.returncode == 0, ref.stderr
    db = tmp_path / "d.db"
    with dask_processes(2) as (address, workers):
        run = subprocess.Popen([sys.executable, "-m", "geo", "ingest", str(src), "--db", str(db), "--dask", address,
                                "--partition", "3"], cwd=REPO, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True)
        stored = 0
        deadline = time.monotonic() + TIMEOUT
        while stored == 0 and run.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
            if db.exists():
                with contextlib.suppress(Exception), EventStore(db) as store:
                    stored = store.count_articles()
        workers[0].kill()  # SIGKILL, no nanny: gone for good; its partitions must be recomputed
        workers[0].wait()
        out, err = run.communicate(timeout=TIMEOUT)
    assert 0 < stored < 90, "the worker was not killed mid-run"
    assert run.returncode == 0, err
    assert summary_line(err) == summary_line(ref.stderr)
    assert event_rows(db) == event_rows(tmp_path / "local.db")


@pytest.mark.skipif(shutil.which("dask", path=str(Path(sys.executable).parent)) is None,
                    reason="dask console script not installed next to this interpreter")
def test_dask_console_script_is_the_one_the_readme_names():
    res = subprocess.run([str(Path(sys.executable).parent / "dask"), "worker", "--help"], capture_output=True,
                         text=True, timeout=120)
    assert res.returncode == 0 and "--nthreads" in res.stdout
