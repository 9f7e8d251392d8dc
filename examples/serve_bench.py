#!/usr/bin/env python3
"""Measures `recourse serve` on one scenario: load, event + risk, a stream of events
(events per second, the worker's peak memory), and with --solve a solve followed by six
events, each re-solved warm in the worker and checked, against a cold `recourse solve` of
the same state. The README's worker table comes from this.

    python3 examples/serve_bench.py --recourse target/release/recourse medium.json --events 10000

Timings are wall-clock from this client, so they include the pipe and JSON both ways.
"""

import argparse
import datetime
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


def solve_events(scenario, rng):
    """Disruptions for the re-solves, none under a frozen order's plan (it must stand, or no
    plan exists): three small ones (half the stock of a random record, a random receipt
    three days later, a random lane down on days 1-2) and three large ones (all the stock
    of the largest record lost, the largest receipt cancelled, the busiest stock node shut
    on days 1-2, when some node carries no frozen plan)."""
    frozen = [e for o in scenario["orders"] if o.get("frozen") for e in o["plan"]]
    pairs = {(e["node"], e["sku"]) for e in frozen}
    used_nodes = {e["node"] for e in frozen}
    used_lanes = {e["lane"] for e in frozen}
    stock = [s for s in scenario["stock"] if s["on_hand"] > 0 and (s["node"], s["sku"]) not in pairs]
    inbound = [r for r in scenario["inbound"] if (r["node"], r["sku"]) not in pairs]
    lanes = [l for l in scenario["lanes"] if l["id"] not in used_lanes]
    as_of = datetime.date.fromisoformat(scenario["as_of"])
    day = lambda k: (as_of + datetime.timedelta(days=k)).isoformat()
    s = rng.choice(stock)
    r = rng.choice(inbound)
    eta = datetime.date.fromisoformat(r["eta"]) + datetime.timedelta(days=3)
    biggest = max(stock, key=lambda s: s["on_hand"])
    largest = max(inbound, key=lambda r: r["quantity"])
    load = {}
    for o in scenario["orders"]:
        for e in o["plan"]:
            load[e["node"]] = load.get(e["node"], 0) + e["quantity"]
    busiest = max((n for n in load if n not in used_nodes), key=lambda n: load[n], default=None)
    events = [
        ("small", {"kind": "stock_loss", "node": s["node"], "sku": s["sku"], "quantity": s["on_hand"] // 2}),
        ("small", {"kind": "inbound_delay", "inbound": r["id"], "eta": eta.isoformat()}),
        ("small", {"kind": "lane_outage", "lane": rng.choice(lanes)["id"], "from": day(1), "until": day(2)}),
        ("large", {"kind": "stock_loss", "node": biggest["node"], "sku": biggest["sku"], "quantity": biggest["on_hand"]}),
        ("large", {"kind": "inbound_cancel", "inbound": largest["id"]}),
    ]
    if busiest is not None:
        events.append(("large", {"kind": "node_outage", "node": busiest, "from": day(1), "until": day(2)}))
    return events


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("scenario")
    ap.add_argument("--recourse", default="recourse")
    ap.add_argument("--events", type=int, default=10000)
    ap.add_argument("--time-limit", type=float, default=30.0)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--solve", action="store_true",
                    help="also time a solve after each of six events (warm) against a cold solve of that state")
    ap.add_argument("--verbose", action="store_true", help="print the warm solves' model sizes and solver times")
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

    # The client's own share: reading the replies' JSON (the risk document holds the whole
    # do-nothing plan, 1.2 MB on medium), timed apart from the round trip.
    parsing = [0.0]
    loads = json.loads

    def timed_loads(text, *a, **k):
        t = time.perf_counter()
        value = loads(text, *a, **k)
        parsing[0] += time.perf_counter() - t
        return value

    json.loads = timed_loads
    samples = []
    for _ in range(20):
        parsing[0] = 0.0
        t = time.perf_counter()
        w.request("event", {"disruptions": [event()]})
        w.request("risk", {})
        total = time.perf_counter() - t
        samples.append((total, total - parsing[0]))
    json.loads = loads
    whole = sorted(s[0] for s in samples)
    worker = sorted(s[1] for s in samples)
    print(f"event + risk: median {1000 * whole[len(whole) // 2]:.1f} ms, max {1000 * whole[-1]:.1f} ms (20 pairs); "
          f"without the client's JSON parsing: median {1000 * worker[len(worker) // 2]:.1f} ms, max {1000 * worker[-1]:.1f} ms", flush=True)

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
        print(f"solve in the worker: {time.perf_counter() - t:.1f} s", flush=True)
        for size, disruption in solve_events(scenario, rng):
            w.request("event", {"disruptions": [disruption]})
            t = time.perf_counter()
            warm = w.request("solve", {"time_limit": args.time_limit})
            again = time.perf_counter() - t
            state = w.request("state", {})
            with tempfile.TemporaryDirectory() as d:
                path = os.path.join(d, "state.json")
                with open(path, "w", encoding="utf-8") as f:
                    json.dump(state, f)
                with open(os.path.join(d, "warm.json"), "w", encoding="utf-8") as f:
                    json.dump(warm, f)
                check = subprocess.run([args.recourse, "check", path, os.path.join(d, "warm.json")],
                                       capture_output=True)
                t = time.perf_counter()
                cold = subprocess.run([args.recourse, "solve", path, "--time-limit", str(args.time_limit),
                                       "-o", os.path.join(d, "p.json")], capture_output=True)
                cold_s = time.perf_counter() - t
                with open(os.path.join(d, "p.json"), encoding="utf-8") as f:
                    cold_doc = json.load(f)
            ws, cs = warm["solve"], cold_doc["solve"]
            if ws["objective"] is None or cs["objective"] is None:
                print(f"{disruption['kind']}: no plan: warm {ws}, cold {cs}", flush=True)
                continue
            print(f"{size} {disruption['kind']}: warm solve {again:.1f} s, {ws['objective']:.2f} "
                  f"(bound {ws.get('bound')}, {ws['status']} {ws.get('limit', '')}, check exit {check.returncode}); "
                  f"cold recourse solve {cold_s:.1f} s, {cs['objective']:.2f} (bound {cs.get('bound')}); "
                  f"warm/cold time {again / cold_s:.2f}, cost {ws['objective'] / cs['objective']:.4f}", flush=True)
            if args.verbose:
                print(f"  warm: solver {ws['seconds']:.2f} s, build {ws['build_seconds']:.2f} s, model {ws['model']}", flush=True)
    w.request("shutdown", {})
    w.close()


if __name__ == "__main__":
    main()
