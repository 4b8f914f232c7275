#!/usr/bin/env python3
"""Browser weight for scripts/bench.sh: raw, gzip -9 and brotli (quality 11) sizes of what a payer downloads.

  sizes.py weights DIST_ASSETS OUT_JSON
      Sizes of the loader, the widget wasm, its JS glue, boot.js, the iframe shell and CSS, and the budgets.
  sizes.py crates TWIGGY_JSON OUT_JSON
      `twiggy top --format json` of the names-kept wasm, summed by Rust crate (approximate: an item counts for the
      first non-std crate in its name), so a size regression points at a dependency.
  sizes.py sections WASM OUT_JSON
      Fallback when twiggy fails: the size of each section of the wasm.

Brotli comes from the `brotli` package of the .venv-bench virtualenv; without it, Debian's `brotli` CLI.
"""
import gzip
import json
import os
import re
import shutil
import subprocess
import sys

KB = 1024
# DESIGN.md "Performance budgets" (KB = 1024 bytes).
LOADER_BUDGET_GZ = 2 * KB
WIDGET_BUDGET_GZ = 100 * KB


def gzip_size(data):
    # Level 9, no file name or time stamp in the header: what `gzip -9n` and a static pre-compressor send.
    return len(gzip.compress(data, compresslevel=9, mtime=0))


def brotli_size(path, data):
    try:
        import brotli  # type: ignore

        return len(brotli.compress(data, quality=11)), "python brotli " + getattr(brotli, "__version__", "?")
    except ImportError:
        pass
    cli = shutil.which("brotli")
    if cli:
        out = subprocess.run([cli, "-c", "-q", "11", path], check=True, capture_output=True).stdout
        return len(out), "brotli CLI"
    return None, "unavailable"


def weights(dist, out):
    files = [
        ("loader", "checkout.js", "script-tag loader on the merchant page"),
        ("wasm", "pkg/hsrc_widget_bg.wasm", "widget (Leptos) wasm"),
        ("glue", "pkg/hsrc_widget.js", "wasm-bindgen JS glue"),
        ("boot", "boot.js", "iframe boot module"),
        ("shell", "checkout.html", "iframe HTML shell"),
        ("css", "checkout.css", "checkout CSS"),
        ("challenge_wasm", "pkg/hsrc_challenge_bg.wasm", "3DS challenge page wasm (only when 3DS runs)"),
        ("challenge_glue", "pkg/hsrc_challenge.js", "3DS challenge page JS glue"),
    ]
    rows = []
    tool = "unavailable"
    for key, rel, what in files:
        path = os.path.join(dist, rel)
        if not os.path.exists(path):
            if not key.startswith("challenge"):
                rows.append({"key": key, "file": "dist/assets/" + rel, "what": what, "missing": True})
            continue
        data = open(path, "rb").read()
        br, tool = brotli_size(path, data)
        rows.append({"key": key, "file": "dist/assets/" + rel, "what": what, "raw": len(data), "gzip": gzip_size(data), "brotli": br})
    by = {r["key"]: r for r in rows if not r.get("missing")}

    def total(keys, field):
        vals = [by[k][field] for k in keys if k in by]
        return None if any(v is None for v in vals) else sum(vals)

    widget_keys = ["wasm", "glue", "boot"]
    iframe_keys = ["shell", "css", "boot", "glue", "wasm"]
    budgets = [
        {
            "name": "loader gzipped",
            "limit_bytes": LOADER_BUDGET_GZ,
            "measured_bytes": by["loader"]["gzip"] if "loader" in by else None,
        },
        {
            "name": "widget wasm + JS gzipped",
            "limit_bytes": WIDGET_BUDGET_GZ,
            "measured_bytes": total(widget_keys, "gzip"),
        },
    ]
    for b in budgets:
        b["pass"] = b["measured_bytes"] is not None and b["measured_bytes"] <= b["limit_bytes"]
    result = {
        "files": rows,
        "totals": {
            "widget_wasm_js": {k: total(widget_keys, k) for k in ("raw", "gzip", "brotli")},
            "iframe_critical_path": {k: total(iframe_keys, k) for k in ("raw", "gzip", "brotli")},
        },
        "budgets": budgets,
        "brotli_tool": tool,
        "gzip": "gzip level 9 (python zlib), no header name/time",
    }
    json.dump(result, open(out, "w"), indent=2)
    for r in rows:
        if r.get("missing"):
            print(f"  {r['file']:<34} missing")
        else:
            print(f"  {r['file']:<34} raw {r['raw']:>8}  gzip {r['gzip']:>7}  brotli {r['brotli'] if r['brotli'] is not None else '-':>7}")
    for b in budgets:
        print(f"  budget {b['name']}: {b['measured_bytes']} B <= {b['limit_bytes']} B: {'PASS' if b['pass'] else 'FAIL'}")


STD = {"core", "alloc", "std", "compiler_builtins"}
NAMES = "(name section: debug names, not shipped)"


def crate_of(name):
    if "subsection" in name or name.startswith('"'):
        return NAMES
    if name.startswith("data segment") or name.startswith("data["):
        return "(data segments: strings, tables, constants)"
    if re.match(r"^code\[\d+\]$", name):
        return "(unnamed code)"
    if re.match(r"^(elem|table|type|import|export|global|memory|func)\b", name):
        return "(wasm structure: types, imports, exports, tables)"
    name = re.sub(r"\[[0-9a-f]{16}\]", "", name)  # rustc's crate disambiguators: core[c5930c85a12de822]
    crates = re.findall(r"(?<![A-Za-z0-9_:])([a-z_][a-z0-9_]*)::", name)
    for c in crates:
        if c not in STD:
            return c
    return (crates[0] + " (std, incl. generic code instantiated for other crates)") if crates else "(other)"


def crates(twiggy_json, out):
    items = json.load(open(twiggy_json))
    if isinstance(items, dict):
        items = items.get("items", [])
    sums = {}
    for it in items:
        c = crate_of(it.get("name", ""))
        sums[c] = sums.get(c, 0) + it.get("shallow_size", 0)
    names = sums.pop(NAMES, 0)
    total = sum(sums.values())
    rows = sorted(({"crate": c, "bytes": s, "percent": round(100.0 * s / total, 2) if total else 0} for c, s in sums.items()), key=lambda r: -r["bytes"])
    json.dump({"total_bytes_without_names": total, "name_section_bytes": names, "crates": rows}, open(out, "w"), indent=2)
    print(f"  (code + data without the name section: {total} B; the name section, {names} B, is not shipped)")
    for r in rows[:15]:
        print(f"  {r['crate']:<60} {r['bytes']:>9} B  {r['percent']:>6.2f} %")


def sections(wasm, out):
    """Fallback when twiggy is unavailable: the size of each wasm section (custom sections by name)."""
    b = open(wasm, "rb").read()
    names = {0: "custom", 1: "type", 2: "import", 3: "function", 4: "table", 5: "memory", 6: "global", 7: "export",
             8: "start", 9: "element", 10: "code", 11: "data", 12: "datacount"}

    def leb(i):
        r = s = 0
        while True:
            x = b[i]
            i += 1
            r |= (x & 0x7F) << s
            s += 7
            if x < 0x80:
                return r, i

    i, rows = 8, []
    while i < len(b):
        sid = b[i]
        n, j = leb(i + 1)
        name = names.get(sid, str(sid))
        if sid == 0:
            ln, k = leb(j)
            name = "custom: " + b[k:k + ln].decode(errors="replace")
        rows.append({"section": name, "bytes": n})
        i = j + n
    json.dump({"sections": rows}, open(out, "w"), indent=2)
    for r in sorted(rows, key=lambda r: -r["bytes"]):
        print(f"  {r['section']:<40} {r['bytes']:>9} B")


def main(argv):
    if len(argv) == 4 and argv[1] == "sections":
        sections(argv[2], argv[3])
    elif len(argv) == 4 and argv[1] == "weights":
        weights(argv[2], argv[3])
    elif len(argv) == 4 and argv[1] == "crates":
        crates(argv[2], argv[3])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
