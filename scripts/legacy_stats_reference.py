#!/usr/bin/env python3
"""Reference implementation of the legacy tau2 stats analyzer, written from DESIGN.md
("The legacy system this replaces"). Used once to produce the golden files in test/fixtures/legacy/.

usage: legacy_stats_reference.py <log file or dir> <out_stats.json> <out_console.txt> [--glob G] [--bins N]
                                  [--all-fields]

--all-fields also reads the later logger generation: an llm_call line WITHOUT `toolorchestra_vllm_infer_ms=`
but WITH the whole key `vllm_infer_ms=` (at the line start or after a space) feeds the five vLLM metrics
from the whole keys vllm_infer_ms, prefill_ms, decode_ms, input_tokens, output_tokens (first match of
`(?:^| )<key>=([0-9]+(?:\.[0-9]+)?)` each). Lines with `toolorchestra_vllm_infer_ms=` and expert_call lines
are read as without the flag.
"""
import argparse
import glob
import json
import os
import re

import numpy as np

# (name, key, unit, source, console header)
METRICS = [
    ("tool_call", "duration_ms", "ms", "tool_call"),
    ("expert_call", "duration_ms", "ms", "expert_call"),
    ("toolorchestra_vllm_infer", "toolorchestra_vllm_infer_ms", "ms", "llm_call"),
    ("toolorchestra_vllm_prefill", "toolorchestra_vllm_prefill_ms", "ms", "llm_call"),
    ("toolorchestra_vllm_decode", "toolorchestra_vllm_decode_ms", "ms", "llm_call"),
    ("toolorchestra_vllm_prefill_len", "toolorchestra_vllm_prefill_len", "tok", "llm_call"),
    ("toolorchestra_vllm_decode_len", "toolorchestra_vllm_decode_len", "tok", "llm_call"),
]


# Later logger generation: metric name -> its key on llm_call lines (read with --all-fields only).
LATER_KEYS = {
    "toolorchestra_vllm_infer": "vllm_infer_ms",
    "toolorchestra_vllm_prefill": "prefill_ms",
    "toolorchestra_vllm_decode": "decode_ms",
    "toolorchestra_vllm_prefill_len": "input_tokens",
    "toolorchestra_vllm_decode_len": "output_tokens",
}


def whole_key(key, value=True):
    """A key matched only at the line start or after a space, optionally with its value group."""
    tail = r"=([0-9]+(?:\.[0-9]+)?)" if value else "="
    return re.compile(r"(?:^| )" + re.escape(key) + tail)


def header(name, key, source):
    # Assumption (not stated in DESIGN beyond the tool_call example): vLLM blocks are headed by their log key.
    return key if source == "llm_call" else f"{name}.{key}"


def lines_of(path):
    with open(path, "rb") as f:
        for raw in f:
            if raw.endswith(b"\n"):
                raw = raw[:-1]
            if raw.endswith(b"\r"):
                raw = raw[:-1]
            yield raw.decode("utf-8", errors="replace")


def collect(paths, all_fields=False):
    values = {name: [] for name, _, _, _ in METRICS}
    pats = {key: re.compile(re.escape(key) + r"=([0-9]+(?:\.[0-9]+)?)") for _, key, _, _ in METRICS}
    later_pats = {name: whole_key(key) for name, key in LATER_KEYS.items()}
    later_marker = whole_key("vllm_infer_ms", value=False)
    for path in paths:
        for line in lines_of(path):
            is_tool = "type=tool_call" in line
            is_expert = "type=expert_call" in line
            is_llm = "type=llm_call" in line
            is_vllm = is_llm and "toolorchestra_vllm_infer_ms=" in line
            is_later = all_fields and is_llm and not is_vllm and later_marker.search(line) is not None
            for name, key, _, source in METRICS:
                on = {"tool_call": is_tool, "expert_call": is_expert, "llm_call": is_vllm or is_later}[source]
                if not on:
                    continue
                pat = later_pats[name] if is_later and source == "llm_call" else pats[key]
                m = pat.search(line)
                if m:
                    values[name].append(float(m.group(1)))
    return values


def summarize(vals, bins):
    if not vals:
        return None, None
    arr = np.asarray(vals, dtype=np.float64)
    n = int(arr.size)
    mean = float(np.mean(arr))
    std = float(np.std(arr, ddof=1)) if n > 1 else 0.0
    mn = float(np.min(arr))
    mx = float(np.max(arr))
    top = mn + 1e-9 if mx == mn else mx
    edges = np.linspace(mn, top, bins + 1)
    counts, _ = np.histogram(arr, bins=edges)
    percent = counts / n * 100
    stats = {"n": n, "mean_ms": mean, "std_ms": std, "min_ms": mn, "max_ms": mx}
    hist = {"edges": edges.tolist(), "counts": counts.tolist(), "percent": percent.tolist()}
    return stats, hist


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("path")
    ap.add_argument("out_json")
    ap.add_argument("out_console")
    ap.add_argument("--glob", default="tau2_*.log")
    ap.add_argument("--bins", type=int, default=10)
    ap.add_argument("--all-fields", action="store_true")
    a = ap.parse_args()
    paths = sorted(glob.glob(os.path.join(a.path, a.glob))) if os.path.isdir(a.path) else [a.path]
    values = collect(paths, a.all_fields)
    summary = {}
    out = []
    for name, key, unit, source in METRICS:
        stats, hist = summarize(values[name], a.bins)
        summary[name] = {"unit": unit, "stats": stats, "hist": hist}
        out.append(f"=== {header(name, key, source)} ===")
        if stats is None:
            out.append("no data")
            continue
        s = stats
        out.append(
            f"n={s['n']} mean={s['mean_ms']:.2f}ms std={s['std_ms']:.2f}ms "
            f"min={s['min_ms']:.2f}ms max={s['max_ms']:.2f}ms"
        )
        e = hist["edges"]
        for lo, hi, p in zip(e[:-1], e[1:], hist["percent"]):
            if unit == "tok":
                out.append(f"[{lo:.0f}, {hi:.0f}]: {p:5.1f}%")
            else:
                out.append(f"[{lo:.2f}, {hi:.2f}]: {p:5.1f}%")
    with open(a.out_json, "w") as f:
        json.dump(summary, f, indent=2)
    with open(a.out_console, "w", newline="\n") as f:
        f.write("".join(line + "\n" for line in out))


if __name__ == "__main__":
    main()
