"""Reliability of event `confidence` against gold events (issue #11), and the display threshold.

    python3 benchmarks/reliability.py GOLD.jsonl PRED.jsonl [GOLD2.jsonl PRED2.jsonl ...] [--target 0.85]

PRED: `python -m geo extract` output (one event a line, with `confidence`). Each prediction is
matched as the evaluation scorer does (same type, within the gold radius, within one day; see
`gold_match.py`) and counts as correct (matches a required gold event), optional (matches an
optional one: neither right nor wrong for precision) or wrong. Prints, per confidence bin, the
share correct, then precision/recall/F1 of the events at or above each threshold, and suggests
the dashboard's default: the lowest bin edge from which the events kept reach --target precision
and every bin kept is itself that reliable (so the default holds up on reports unlike these).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from gold_match import load_jsonl, outcomes, prf  # noqa: E402

BINS = [0.0, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0001]


def collect(pairs: list[tuple[str, str]]):
    """(confidence, status) of every prediction, and the number of required gold events."""
    scored, required = [], 0
    for gold, pred in pairs:
        for _, item, status in outcomes(load_jsonl(gold), load_jsonl(pred)):
            if status == "missed":
                required += 1
            else:
                conf = item.get("confidence")
                scored.append((1.0 if conf is None else float(conf), status))
                required += status == "correct"
    return scored, required


def bin_shares(scored) -> list[tuple[float, float, int]]:
    """(lower edge, share correct, events) of each non-empty bin."""
    out = []
    for lo, hi in zip(BINS, BINS[1:]):
        rows = [s for c, s in scored if lo <= c < hi]
        if rows:
            out.append((lo, sum(s != "wrong" for s in rows) / len(rows), len(rows)))
    return out


def suggest(scored, required: int, target: float) -> float | None:
    """Lowest bin edge whose kept events reach `target` precision with every kept bin reliable."""
    shares = bin_shares(scored)
    for k, (lo, _, _) in enumerate(shares):
        kept = [s for c, s in scored if c >= lo]
        tp, fp = kept.count("correct"), kept.count("wrong")
        if prf(tp, fp, required - tp)[0] >= target and all(share >= target for _, share, _ in shares[k:]):
            return lo
    return None


def table(scored) -> list[str]:
    lines = [f"{'confidence':>12s} {'events':>6s} {'correct':>7s} {'optional':>8s} {'wrong':>5s} {'share correct':>13s}"]
    for lo, hi in zip(BINS, BINS[1:]):
        rows = [s for c, s in scored if lo <= c < hi]
        if not rows:
            continue
        ok, opt, bad = (sum(s == k for s in rows) for k in ("correct", "optional", "wrong"))
        share = (ok + opt) / len(rows)
        lines.append(f"{lo:5.2f}-{min(hi, 1.0):5.2f} {len(rows):6d} {ok:7d} {opt:8d} {bad:5d} {share:13.2f}")
    return lines


def thresholds(scored, required: int):
    """(threshold, precision, recall, f1, events kept) on a 0.05 grid."""
    out = []
    for t in [k / 20 for k in range(0, 20)]:
        kept = [s for c, s in scored if c >= t]
        tp, fp = kept.count("correct"), kept.count("wrong")
        p, r, f = prf(tp, fp, required - tp)
        out.append((t, p, r, f, len(kept)))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("files", nargs="+", help="GOLD PRED pairs")
    ap.add_argument("--target", type=float, default=0.85, help="precision the default threshold must reach")
    a = ap.parse_args()
    if len(a.files) % 2:
        ap.error("give GOLD PRED pairs")
    scored, required = collect(list(zip(a.files[::2], a.files[1::2])))
    print("\n".join(table(scored)))
    rows = thresholds(scored, required)
    print(f"\n{'threshold':>9s} {'P':>6s} {'R':>6s} {'F1':>6s} {'events':>6s}")
    for t, p, r, f, n in rows:
        print(f"{t:9.3f} {p:6.3f} {r:6.3f} {f:6.3f} {n:6d}")
    t = suggest(scored, required, a.target)
    if t is None:
        print(f"\nno threshold reaches precision {a.target}")
        return
    kept = [s for c, s in scored if c >= t]
    p, r, f = prf(kept.count("correct"), kept.count("wrong"), required - kept.count("correct"))
    print(f"\nsuggested default threshold: {t:.2f} (precision {p:.3f}, recall {r:.3f}, F1 {f:.3f};"
          f" every bin from there at least {a.target:.2f} correct)")


if __name__ == "__main__":
    main()
