#!/usr/bin/env python3
"""Measures `recourse serve` on one scenario: load, event + risk, a stream of events
(events per second, the worker's peak memory), and a re-solve after an event against a cold
`recourse solve` of the same state. The README's worker table comes from this.

    python3 examples/serve_bench.py --recourse target/release/recourse medium.json --events 10000

Timings are wall-clock from this client, so they include the pipe and JSON both ways.
"""

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from client import Worker  # noqa: E402


def status_kb(pid, field):
    """A memory figure of the worker from /proc (VmHWM: peak resident, VmRSS: now), in kB."""
    with open(f"/proc/{pid}/status", encoding="ascii") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return -1


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("scenario")
    ap.add_argument("--recourse", default="recourse")
    ap.add_argument("--events", type=int, default=10000)
    ap.add_argument("--time-limit", type=float, default=30.0)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--solve", action="store_true", help="also time event + solve against a cold solve")
    args = ap.parse_args()
    rng = random.Random(args.seed)

    with open(args.scenario, encoding="utf-8") as f:
        scenario = json.load(f)
    lanes = [l["id"] for l in scenario["lanes"]]
    w = Worker([args.recourse, "serve"])
    pid = w.proc.pid
    w.request("initialize", {})
    t = time.perf_counter()
    w.request("load", {"scenario": scenario})
    print(f"load: {time.perf_counter() - t:.3f} s", flush=True)

    def event():
        return {"kind": "lane_delay", "lane": rng.choice(lanes), "extra_days": 0}

    samples = []
    for _ in range(20):
        t = time.perf_counter()
        w.request("event", {"disruptions": [event()]})
        w.request("risk", {})
        samples.append(time.perf_counter() - t)
    samples.sort()
    print(f"event + risk: median {1000 * samples[len(samples) // 2]:.1f} ms, max {1000 * samples[-1]:.1f} ms (20 pairs)", flush=True)

    chunk = max(1, args.events // 10)
    t = time.perf_counter()
    t_chunk = t
    for k in range(1, args.events + 1):
        w.request("event", {"disruptions": [event()]})
        if k % chunk == 0:
            now = time.perf_counter()
            print(f"  events {k - chunk + 1}-{k}: {chunk / (now - t_chunk):.1f} events/s, RSS {status_kb(pid, 'VmRSS') // 1024} MB", flush=True)
            t_chunk = now
    dt = time.perf_counter() - t
    print(f"{args.events} events: {dt:.1f} s, {args.events / dt:.1f} events/s; peak {status_kb(pid, 'VmHWM') // 1024} MB")

    if args.solve:
        t = time.perf_counter()
        w.request("solve", {"time_limit": args.time_limit})
        first = time.perf_counter() - t
        w.request("event", {"disruptions": [event()]})
        t = time.perf_counter()
        warm = w.request("solve", {"time_limit": args.time_limit})
        again = time.perf_counter() - t
        state = w.request("state", {})
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "state.json")
            with open(path, "w", encoding="utf-8") as f:
                json.dump(state, f)
            t = time.perf_counter()
            cold = subprocess.run([args.recourse, "solve", path, "--time-limit", str(args.time_limit),
                                   "-o", os.path.join(d, "p.json")], capture_output=True)
            cold_s = time.perf_counter() - t
            with open(os.path.join(d, "p.json"), encoding="utf-8") as f:
                cold_doc = json.load(f)
        print(f"solve in the worker: {first:.1f} s; after one event: {again:.1f} s "
              f"(cost {warm['solve']['objective']:.2f}, gap {warm['solve'].get('gap')}); "
              f"cold recourse solve of that state: {cold_s:.1f} s (cost {cold_doc['solve']['objective']:.2f}, exit {cold.returncode})")
    w.request("shutdown", {})
    w.close()


if __name__ == "__main__":
    main()
