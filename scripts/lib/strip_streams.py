#!/usr/bin/env python3
"""Cuts the unused `wasm-streams` code out of a Leptos bundle's text form (wasm-dis output), before wasm-opt.

Leptos always builds `server_fn` with its `browser` feature, whose `wasm-streams` dependency exports JS stream
adapters (`IntoUnderlyingSource/Sink/ByteSource`). Our apps have no server functions and never create one.
1. Their exports go (exports survive LTO; wasm-opt can then remove the code only they call).
2. The futures those adapters hand to JS (`js_sys::futures::future_to_promise::<…wasm_streams…>` closures and their
   drop glue) sit in the function table through their vtables, so wasm-opt keeps them however unreachable: their
   table slots point to one trapping stub instead, which frees their code (≈ 4 KB gzipped of the form's wasm). Only
   `future_to_promise` instances over `wasm_streams` types are touched; the apps never call `future_to_promise`
   (they spawn with `spawn_local`), so nothing else can share those functions.

usage: strip_streams.py IN.wat OUT.wat   (prints how many exports and table slots it cut)
"""
import re
import sys

STUB = "$hsrc_streams_cut"
EXPORT = re.compile(r'^ \(export "(__wbg_)?intounderlying')
SLOT = re.compile(r'\$"[^"]*"')


def main(src, dst):
    exports = slots = 0
    stub = False
    out = []
    for line in open(src, encoding="utf-8"):
        if EXPORT.match(line):
            exports += 1
            continue
        if line.startswith(" (elem "):
            def cut(m):
                nonlocal slots
                name = m.group(0)
                if "future_to_promise" in name and "wasm_streams" in name:
                    slots += 1
                    return STUB
                return name
            line = SLOT.sub(cut, line)
            if slots and not stub:
                out.append(f" (func {STUB}\n  (unreachable)\n )\n")
                stub = True
        out.append(line)
    open(dst, "w", encoding="utf-8").writelines(out)
    print(f"{exports} exports, {slots} table slots cut")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
