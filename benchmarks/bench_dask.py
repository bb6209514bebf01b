"""Alias of benchmarks/bench_scale.py (issue #16 names that one): local vs Dask LocalCluster articles/s.

    .venv/bin/python benchmarks/bench_dask.py [--n 2000] [--workers 1 2] [--partition 64]
"""
import runpy
from pathlib import Path

if __name__ == "__main__":
    runpy.run_path(str(Path(__file__).with_name("bench_scale.py")), run_name="__main__")
