#!/usr/bin/env python3
"""CPU time of the local Worker's processes, so a run can say where the time goes per request; CPU time per request
is also far less sensitive to other load on the machine than requests per second.

  cpu.py snapshot PGID OUT_JSON
      user+system CPU ticks of every process in the process group (wrangler's Node, its two workerd processes)
  cpu.py diff BEFORE_JSON AFTER_JSON REQUESTS OUT_JSON
      CPU milliseconds per request for each role: the user Worker's workerd (the Worker, D1, KV), the dev proxy's
      workerd (the entry socket), and wrangler's Node process
"""
import json
import os
import sys

TICK_MS = 1000.0 / os.sysconf("SC_CLK_TCK")


def role(args):
    if "workerd" in args:
        return "workerd (Worker, D1, KV)" if "--inspector-addr" in args else "workerd (dev proxy)"
    if "node" in args and "wrangler" in args:
        return "wrangler (Node)"
    return None


def snapshot(pgid, out):
    procs = {}
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            stat = open(f"/proc/{pid}/stat").read()
            args = open(f"/proc/{pid}/cmdline", "rb").read().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        if int(fields[2]) != pgid:  # field 5 of stat: pgrp
            continue
        r = role(args)
        if r:
            procs[pid] = {"role": r, "ticks": int(fields[11]) + int(fields[12])}  # utime + stime
    json.dump(procs, open(out, "w"))


def diff(before, after, requests, out):
    a, b = json.load(open(before)), json.load(open(after))
    per_role = {}
    for pid, p in b.items():
        start = a.get(pid, {"ticks": 0})["ticks"]
        per_role[p["role"]] = per_role.get(p["role"], 0) + (p["ticks"] - start) * TICK_MS
    n = max(1, int(requests))
    result = {r: round(ms / n, 3) for r, ms in sorted(per_role.items())}
    result["total"] = round(sum(per_role.values()) / n, 3)
    json.dump(result, open(out, "w"))


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "snapshot":
        snapshot(int(sys.argv[2]), sys.argv[3])
    elif len(sys.argv) == 6 and sys.argv[1] == "diff":
        diff(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5])
    else:
        sys.exit(__doc__)
