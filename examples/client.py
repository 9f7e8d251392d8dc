#!/usr/bin/env python3
"""A service driving `recourse serve`: the code to copy (Python standard library only).

Starts the worker, loads a scenario, streams two disruptions as they happen, solves with
progress, approves the most valuable response (with what it requires), reads the new state,
and shuts the worker down.

    python3 examples/client.py datasets/tiny/demo-eu.json
    python3 examples/client.py --recourse target/release/recourse --journal w.journal scenario.json

Exits 0 when every step answered as expected, 1 otherwise (the error is printed).
"""

import argparse
import json
import subprocess
import sys
import threading


class Worker:
    """One `recourse serve` process: requests in on stdin, one JSON message per line out."""

    def __init__(self, command):
        self.proc = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=sys.stderr,  # the worker's logs; stdout carries protocol messages only
            text=True,
            encoding="utf-8",
            bufsize=1,
        )
        self.next_id = 0
        self.last_id = None  # the id of the last request sent
        self.lock = threading.Lock()

    def send(self, message):
        self.proc.stdin.write(json.dumps(message, ensure_ascii=False) + "\n")
        self.proc.stdin.flush()

    def request(self, method, params=None, on_progress=None):
        """Sends a request and waits for its response; notifications go to on_progress."""
        with self.lock:
            self.next_id += 1
            rid = self.next_id
            self.last_id = rid
        message = {"jsonrpc": "2.0", "id": rid, "method": method}
        if params is not None:
            message["params"] = params
        self.send(message)
        while True:
            line = self.proc.stdout.readline()
            if not line:
                raise RuntimeError(f"the worker exited during {method}")
            reply = json.loads(line)
            if "id" not in reply:  # a notification, e.g. $/progress
                if reply.get("method") == "$/progress" and on_progress:
                    on_progress(reply["params"])
                continue
            if reply["id"] != rid:
                raise RuntimeError(f"answer to {reply['id']} while waiting for {rid}")
            if "error" in reply:
                e = reply["error"]
                raise RuntimeError(f"{method}: error {e['code']}: {e['message']}")
            return reply["result"]

    def cancel(self, rid):
        self.send({"jsonrpc": "2.0", "method": "$/cancelRequest", "params": {"id": rid}})

    def close(self):
        self.proc.stdin.close()
        return self.proc.wait(timeout=60)


def with_requirements(responses, first):
    """The response `first` and everything it requires: a set `decide` accepts."""
    by_id = {r["id"]: r for r in responses}
    chosen, stack = [], [first]
    while stack:
        rid = stack.pop()
        if rid not in chosen:
            chosen.append(rid)
            stack.extend(by_id[rid]["requires"])
    return sorted(chosen, key=lambda r: by_id[r]["rank"])


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("scenario")
    ap.add_argument("--recourse", default="recourse", help="the recourse binary")
    ap.add_argument("--journal", help="journal file for the worker")
    ap.add_argument("--time-limit", type=float, default=10.0)
    ap.add_argument("--proposals", help="also write the solve's proposals document here")
    args = ap.parse_args()

    command = [args.recourse, "serve"] + (["--journal", args.journal] if args.journal else [])
    worker = Worker(command)
    try:
        hello = worker.request("initialize", {})
        print(f"worker: {hello['name']} {hello['version']}, methods {', '.join(hello['methods'])}")

        with open(args.scenario, encoding="utf-8") as f:
            scenario = json.load(f)
        loaded = worker.request("load", {"scenario": scenario})
        print(f"loaded: {loaded['orders']} orders, {loaded['at_risk']} at risk")

        # Disruptions as they happen: a lane a day late, then a small stock loss.
        events = []
        if scenario.get("lanes"):
            events.append({"kind": "lane_delay", "lane": scenario["lanes"][0]["id"], "extra_days": 1})
        if scenario.get("stock"):
            s = scenario["stock"][0]
            events.append({"kind": "stock_loss", "node": s["node"], "sku": s["sku"], "quantity": 1})
        def progress(p):
            if p.get("incumbent") is not None:
                gap = f"{100 * p['gap']:.2f}%" if p.get('gap') is not None else '-'
                print(f"  solving: {p['elapsed']:.1f} s, incumbent {p['incumbent']:.2f}, gap {gap}")

        # Solve after each event: the first solve is cold, the next ones start from the last
        # plan and decide only what the new event reaches (warm; "warm": false for cold).
        proposals = None
        for k, e in enumerate(events):
            after = worker.request("event", {"disruptions": [e]})
            print(f"event {e['kind']}: {after['at_risk']} at risk, cost if nobody acts {after['kpis']['cost']['total']:.2f}")
            proposals = worker.request("solve", {"time_limit": args.time_limit}, on_progress=progress)
            solved_by = worker.last_id
            solve = proposals["solve"]
            print(f"{'re-solved' if k else 'solved'}: {solve['status']}, cost {solve['objective']:.2f}, "
                  f"{len(proposals['responses'])} responses, {solve['seconds']:.2f} s")
        if proposals is None:
            proposals = worker.request("solve", {"time_limit": args.time_limit}, on_progress=progress)
            solved_by = worker.last_id
        if args.proposals:
            with open(args.proposals, "w", encoding="utf-8") as f:
                json.dump(proposals, f)

        if proposals["responses"]:
            approve = with_requirements(proposals["responses"], proposals["responses"][0]["id"])
            # `solve` names the answer these ids come from: refused if another solve came since.
            decided = worker.request("decide", {"approve": approve, "reject": [], "solve": solved_by})
            print(f"approved {', '.join(approve)}: {decided['at_risk']} at risk now")

        state = worker.request("state", {})
        print(f"state: {len(state['orders'])} orders, {len(state['disruptions'])} disruptions")
        worker.request("shutdown", {})
        code = worker.close()
        if code != 0:
            raise RuntimeError(f"the worker exited with {code}")
    except Exception as e:  # noqa: BLE001 - a client reports and fails
        print(f"client: {e}", file=sys.stderr)
        worker.proc.kill()
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
