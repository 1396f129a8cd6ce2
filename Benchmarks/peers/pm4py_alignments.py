"""pm4py alignment baseline for `touchstone check`.

pm4py cannot read Touchstone's YAML journey maps, so this script stands in a model of
similar size: it discovers a Petri net from the log itself with the inductive miner
(noise threshold 0.2 by default) and then times pm4py's optimal alignments of every
trace against that net (`pm4py.conformance_diagnostics_alignments`; pm4py aligns one
trace per variant internally and copies the result to the other traces of the variant).
Optionally it also times token-based replay, pm4py's faster but non-optimal check.

Usage:

    python3 pm4py_alignments.py LOG.csv CASE_COL ACTIVITY_COL TIMESTAMP_COL \
        [--sep ,] [--timestamp-format '%Y-%m-%d %H:%M:%S'] [--noise 0.2] \
        [--cases N] [--token-replay] [--json]

    # the sample logs
    python3 pm4py_alignments.py SampleLogs/b2b-software-purchase/b2b-software-purchase.csv \
        customer_id touchpoint timestamp --token-replay
    python3 pm4py_alignments.py SampleLogs/retail-bank-onboarding/retail-bank-onboarding.csv \
        contact_id event event_time --timestamp-format '%Y-%m-%d %H:%M:%S' --token-replay

Timestamps are parsed with `pandas.to_datetime(..., utc=True)`, with the given format or
ISO 8601 (offsets allowed) when none is given. `--cases N` keeps the first N cases in
order of first appearance in the file (a prefix of the log, for logs pm4py can't finish).

Deterministic: the script re-executes itself with PYTHONHASHSEED=0 so the inductive
miner's set iteration, and hence the net, is the same on every run; pm4py's default
single-process, single-thread alignment variant (state-equation A*) is used and its
progress bar is turned off. Only the CASE/ACTIVITY/TIMESTAMP columns are read.

Prints one line of `key=value` pairs (or a JSON object with --json) to stdout:
cases, variants, events, net size (places/transitions), seconds to load and format
the log, seconds for discovery, seconds for alignments (wall and process CPU), mean per-trace alignment
fitness, and (with --token-replay) seconds and mean fitness of token-based replay.
Wall time and peak RSS of the whole process: run under hyperfine / `/usr/bin/time -v`.
"""
import os
import sys

if os.environ.get("PYTHONHASHSEED") != "0":
    env = dict(os.environ, PYTHONHASHSEED="0", PM4PY_SHOW_PROGRESS_BAR="False")
    os.execve(sys.executable, [sys.executable] + sys.argv, env)

import argparse
import json
import time

import pandas as pd
import pm4py


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("path")
    p.add_argument("case")
    p.add_argument("activity")
    p.add_argument("timestamp")
    p.add_argument("--sep", default=",")
    p.add_argument("--timestamp-format", default=None,
                   help="strptime format; default ISO 8601 with offsets")
    p.add_argument("--noise", type=float, default=0.2,
                   help="inductive miner noise threshold (default 0.2)")
    p.add_argument("--cases", type=int, default=None,
                   help="keep only the first N cases (by first appearance)")
    p.add_argument("--token-replay", action="store_true",
                   help="also time token-based replay")
    p.add_argument("--json", action="store_true")
    a = p.parse_args()

    t0 = time.perf_counter()
    df = pd.read_csv(a.path, sep=a.sep, usecols=[a.case, a.activity, a.timestamp],
                     dtype={a.case: str, a.activity: str, a.timestamp: str})
    if a.cases is not None:
        keep = pd.unique(df[a.case])[: a.cases]
        df = df[df[a.case].isin(set(keep))].copy()
    df[a.timestamp] = pd.to_datetime(df[a.timestamp], utc=True,
                                     format=a.timestamp_format or "ISO8601")
    df = pm4py.format_dataframe(df, case_id=a.case, activity_key=a.activity,
                                timestamp_key=a.timestamp)
    t_load = time.perf_counter() - t0

    variants = pm4py.get_variants(df)

    t0 = time.perf_counter()
    net, im, fm = pm4py.discover_petri_net_inductive(df, noise_threshold=a.noise)
    t_disc = time.perf_counter() - t0

    t0, c0 = time.perf_counter(), time.process_time()
    aligned = pm4py.conformance_diagnostics_alignments(df, net, im, fm,
                                                       show_progress_bar=False)
    t_align, c_align = time.perf_counter() - t0, time.process_time() - c0
    fitness = [r["fitness"] for r in aligned if r is not None]

    out = {
        "cases": int(df["case:concept:name"].nunique()),
        "variants": len(variants),
        "events": len(df),
        "places": len(net.places),
        "transitions": len(net.transitions),
        "visible_transitions": sum(1 for t in net.transitions if t.label is not None),
        "load_s": round(t_load, 3),
        "discovery_s": round(t_disc, 3),
        "alignments_s": round(t_align, 3),
        "alignments_cpu_s": round(c_align, 3),
        "aligned_traces": len(fitness),
        "mean_fitness": round(sum(fitness) / len(fitness), 6) if fitness else None,
        "perfectly_fitting": sum(1 for r in aligned if r is not None and r["fitness"] == 1.0),
    }
    if a.token_replay:
        t0 = time.perf_counter()
        replay = pm4py.conformance_diagnostics_token_based_replay(df, net, im, fm)
        out["token_replay_s"] = round(time.perf_counter() - t0, 3)
        out["token_replay_mean_fitness"] = round(
            sum(r["trace_fitness"] for r in replay) / len(replay), 6)
    out["pm4py"] = pm4py.__version__
    out["python"] = sys.version.split()[0]

    if a.json:
        print(json.dumps(out))
    else:
        print(" ".join(f"{k}={v}" for k, v in out.items()))


if __name__ == "__main__":
    main()
