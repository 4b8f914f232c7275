#!/usr/bin/env python3
"""Discrete-event simulation of confirm traffic over D1 databases, for docs/SCALING.md.

  scale_sim.py OUT.json [--query-ms 1.0] [--rtt-ms 2.0] [--worker-ms 5.0] [--seed 7]

Model (each piece from the code or from Cloudflare's documentation, none tuned to a result):
- A D1 database runs one query at a time (D1 docs, "Limits": a database is single-threaded; at 1 ms per query it
  serves about 1,000 queries/s). Every query of a confirm waits in that database's FIFO queue and holds it for
  `query_ms` (exponentially distributed around the mean: some are index reads, some are write batches).
- A confirm is a chain of sequential round trips to D1 (`cargo run -p hsrc-edge --example confirm_round_trips`):
  3 with or without an Idempotency-Key since round 8 — one read trip (the key, session, merchant, payment, charges,
  card-testing counts in one batch), the claim batch and the outcome batch; the acquirer's HTTP call between the two
  batches holds no database (locally the sandbox ledger's write stands in for it: 4 there). Each round trip holds the
  database for `query_ms` (D1's 1 ms per query; the native profile measures 0.3-0.6 ms of SQLite per trip, so
  1 ms is the conservative side). Rounds 1-7 modelled 13 round trips (`--queries 13 --primary-queries 10`).
  Between two queries the request spends `rtt_ms` on the network between the Worker and the database's primary;
  `worker_ms` of its own CPU.
- Arrivals are Poisson. Traffic comes from 1,000 merchants with Zipf(1.1) popularity (a few large shops, a long
  tail), as a payments platform sees it.
- Layouts: one database for everything; N databases with merchants placed by a directory (a merchant lives in one
  shard; the directory lookup is cached at the edge, so it adds no query); and N shards with read replication.
  Replicas take the payer's token view and, since round 8, confirm's one read trip: read with the payer's bookmark
  (D1 Sessions API) it sees the payer's own writes, and the claim batch's compare-and-set on the versions it read
  stops a confirm whose read was stale from another writer (a 409 the widget retries), so 2 of 3 round trips stay
  on the primary (`--primary-queries 2`).
Output: per layout and offered rate, confirms/s served, p50 and p99 latency, and the busiest database's
utilisation. The knee (p99 more than double the idle p99) is the layout's ceiling.
"""
import argparse
import bisect
import heapq
import json
import math
import random


def zipf_cdf(n, s):
    w = [1 / (k ** s) for k in range(1, n + 1)]
    total = sum(w)
    acc, out = 0.0, []
    for x in w:
        acc += x / total
        out.append(acc)
    return out


def simulate(rate, shards, queries, primary_queries, args, rng, cdf, n_requests):
    """Returns (served/s, p50, p99, busiest utilisation) for `n_requests` confirms at `rate` per second."""
    free_at = [0.0] * shards  # when each database's single writer is next idle
    busy = [0.0] * shards
    latencies = []
    # (time, seq, request index, queries left, shard, started)
    events = []
    t = 0.0
    seq = 0
    for i in range(n_requests):
        t += rng.expovariate(rate) * 1000.0  # ms
        merchant = bisect.bisect_left(cdf, rng.random())
        shard = (merchant * 2654435761) % shards  # the directory: a fixed placement per merchant
        heapq.heappush(events, (t + args.worker_ms, seq, i, primary_queries, shard, t))
        seq += 1
    replica_queries = queries - primary_queries
    last = 0.0
    while events:
        now, _, i, left, shard, started = heapq.heappop(events)
        if left == 0:
            # Reads served by a replica: no queueing on the primary, one round trip each.
            done = now + replica_queries * (args.rtt_ms + args.query_ms)
            latencies.append(done - started)
            last = max(last, done)
            continue
        service = rng.expovariate(1.0 / args.query_ms)
        begin = max(now + args.rtt_ms / 2, free_at[shard])
        free_at[shard] = begin + service
        busy[shard] += service
        heapq.heappush(events, (begin + service + args.rtt_ms / 2, seq, i, left - 1, shard, started))
        seq += 1
    latencies.sort()
    span_s = max(last, 1.0) / 1000.0
    pick = lambda p: latencies[min(len(latencies) - 1, int(p * len(latencies)))]
    return {
        "offered_per_s": rate,
        "served_per_s": round(len(latencies) / span_s, 1),
        "p50_ms": round(pick(0.50), 1),
        "p99_ms": round(pick(0.99), 1),
        "busiest_utilisation": round(max(busy) / (max(last, 1.0)), 3),
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--query-ms", type=float, default=1.0)
    ap.add_argument("--rtt-ms", type=float, default=2.0)
    ap.add_argument("--worker-ms", type=float, default=5.0)
    ap.add_argument("--queries", type=int, default=3)
    ap.add_argument("--primary-queries", type=int, default=2)
    ap.add_argument("--merchants", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    cdf = zipf_cdf(args.merchants, 1.1)
    ceiling_one = 1000.0 / (args.queries * args.query_ms)
    layouts = [
        ("one database", 1, args.queries),
        ("2 shards (directory)", 2, args.queries),
        ("4 shards (directory)", 4, args.queries),
        ("4 shards + read replicas", 4, args.primary_queries),
    ]
    rates = [round(ceiling_one * f) for f in (0.25, 0.5, 0.7, 0.85, 0.95, 1.2, 1.6, 2.4, 3.2)]
    result = {"params": vars(args), "ceiling_one_db_per_s": round(ceiling_one, 1), "layouts": []}
    for name, shards, primary in layouts:
        rng = random.Random(args.seed)
        rows = []
        idle_p99 = None
        for rate in rates:
            n = max(4000, min(40000, int(rate * 20)))
            r = simulate(rate, shards, args.queries, primary, args, rng, cdf, n)
            idle_p99 = idle_p99 or r["p99_ms"]
            r["bent"] = r["p99_ms"] > 2 * idle_p99 or r["served_per_s"] < 0.95 * rate
            rows.append(r)
        knee = next((r["offered_per_s"] for r in rows if r["bent"]), None)
        result["layouts"].append({"layout": name, "databases": shards, "primary_queries_per_confirm": primary,
                                  "knee_per_s": knee, "rows": rows})
        print(f"   {name:<28} knee at ≈ {knee} confirms/s offered  " +
              "  ".join(f"{r['offered_per_s']}:{r['p99_ms']}ms" for r in rows))
    with open(args.out, "w") as f:
        json.dump(result, f, indent=2)


if __name__ == "__main__":
    main()
