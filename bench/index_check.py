#!/usr/bin/env python3
"""A hot query whose cost grows with data that the HTTP scenarios do not build up: after every request that writes
events (confirm, cancel, capture, …) the Worker reads "the pending deliveries of these new events"
(edge/src/services/webhooks/fanout.rs, enqueue_for_events). Pending deliveries pile up while a merchant's endpoint is
down (they wait days for retries), so this measures that query with 10^3..10^5 pending deliveries, on the real
migrations in Python's SQLite, without and with the index that migration 0005 ships.

  index_check.py MIGRATIONS_DIR OUT_JSON
"""
import glob
import json
import os
import sqlite3
import sys
import time

QUERY = ("SELECT d.id FROM webhook_deliveries d WHERE d.event_id IN (SELECT value FROM json_each(?1)) "
         "AND d.status = 'pending' ORDER BY d.created_at, d.rowid")
# Shipped in edge/migrations/0005_delivery_lookup.sql; the check compares the schema without it and with it.
PROPOSED = "CREATE INDEX IF NOT EXISTS webhook_deliveries_by_event ON webhook_deliveries (event_id, status)"


def run(migrations, with_index):
    db = sqlite3.connect(":memory:")
    for f in sorted(glob.glob(os.path.join(migrations, "*.sql"))):
        db.executescript(open(f).read())
    db.execute("DROP INDEX IF EXISTS webhook_deliveries_by_event")
    if with_index:
        db.execute(PROPOSED)
    ids = json.dumps(["evt_new1", "evt_new2", "evt_new3"])  # one request's events
    rows = []
    for n in (1_000, 10_000, 100_000):
        have = db.execute("SELECT COUNT(*) FROM webhook_deliveries").fetchone()[0]
        db.execute(
            f"WITH RECURSIVE k(i) AS (SELECT {have + 1} UNION ALL SELECT i + 1 FROM k WHERE i < {n}) "
            "INSERT INTO webhook_deliveries (id, event_id, endpoint_id, merchant_id, status, next_attempt_at, created_at, updated_at) "
            "SELECT 'dlv_' || i, 'evt_' || i, 'we_' || (i % 50), 'mer_' || (i % 50), 'pending', i, i, i FROM k"
        )
        plan = [r[3] for r in db.execute("EXPLAIN QUERY PLAN " + QUERY, [ids])]
        reps = 20
        t = time.perf_counter()
        for _ in range(reps):
            db.execute(QUERY, [ids]).fetchall()
        rows.append({"pending_deliveries": n, "ms_per_query": round((time.perf_counter() - t) / reps * 1000, 3), "plan": plan[0]})
    return rows


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    result = {"sqlite": sqlite3.sqlite_version, "query": QUERY, "proposed_index": PROPOSED,
              "as_is": run(sys.argv[1], False), "with_proposed_index": run(sys.argv[1], True)}
    json.dump(result, open(sys.argv[2], "w"), indent=2)
    for a, b in zip(result["as_is"], result["with_proposed_index"]):
        print(f"   {a['pending_deliveries']:>7} pending deliveries: {a['ms_per_query']:>8.3f} ms without the index, "
              f"{b['ms_per_query']:>6.3f} ms with the index", file=sys.stderr)


if __name__ == "__main__":
    main()
