#!/usr/bin/env python3
"""Reference implementation of the legacy tau2 stats analyzer, written from DESIGN.md
("The legacy system this replaces"). Used once to produce the golden files in test/fixtures/legacy/.

usage: legacy_stats_reference.py <log file or dir> <out_stats.json> <out_console.txt> [--glob G] [--bins N]
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


def collect(paths):
    values = {name: [] for name, _, _, _ in METRICS}
    pats = {key: re.compile(re.escape(key) + r"=([0-9]+(?:\.[0-9]+)?)") for _, key, _, _ in METRICS}
    for path in paths:
        for line in lines_of(path):
            is_tool = "type=tool_call" in line
            is_expert = "type=expert_call" in line
            is_vllm = "type=llm_call" in line and "toolorchestra_vllm_infer_ms=" in line
            for name, key, _, source in METRICS:
                on = {"tool_call": is_tool, "expert_call": is_expert, "llm_call": is_vllm}[source]
                if not on:
                    continue
                m = pats[key].search(line)
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
    a = ap.parse_args()
    paths = sorted(glob.glob(os.path.join(a.path, a.glob))) if os.path.isdir(a.path) else [a.path]
    values = collect(paths)
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
