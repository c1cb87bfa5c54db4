#!/usr/bin/env python3
"""Reference for `tau2-trace stats`: the legacy analyzer's behaviour, rewritten from its public source
(Weili-0234/ToolOrchestra, evaluation/tau2-bench/analyze_timing_from_tau2_log.py) so that the goldens in
test/fixtures/legacy/ come from the original's arithmetic and text, not from a description of it.

What is the original's, on purpose unchanged: the flags (--log-path | --log-dir, --log-glob, --out-dir,
--out-prefix, --bins), reading each file with read_text(errors="replace").splitlines(), the line tests and
re.search value patterns, numpy for every number (asarray(float) -> mean(), std(ddof=1), min(), max(),
linspace, histogram with the edges, counts / size * 100), json.dumps(indent=2) into <prefix>_stats.json,
the console text (print), one matplotlib PNG per metric and the `Wrote` lines.

Added here, off unless asked:
- `--all-fields` (tau2-trace's extension, not in the original): an llm_call line WITHOUT
  `toolorchestra_vllm_infer_ms=` but WITH the whole key `vllm_infer_ms=` (at the line start or after a
  space) feeds the five vLLM metrics from the whole keys vllm_infer_ms, prefill_ms, decode_ms, input_tokens,
  output_tokens.
- `--golden NAME INPUT [--bins N] [--all-fields]`: runs the analyzer on INPUT (a file or a directory) into a
  temporary directory and writes test/fixtures/legacy/NAME_stats.json and NAME_console.txt, the console text
  with that directory written as `<OUT>` (the only part that depends on where it ran).

usage: legacy_stats_reference.py (--log-path F | --log-dir D) [--log-glob G] [--out-dir O] [--out-prefix P]
                                 [--bins N] [--all-fields]
       legacy_stats_reference.py --golden NAME INPUT [--bins N] [--all-fields]
"""
from __future__ import annotations

import argparse
import contextlib
import io
import json
import re
import sys
import tempfile
from pathlib import Path
from typing import Any, Optional

import numpy as np
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

NUM = r"=([0-9]+(?:\.[0-9]+)?)"

# (summary key, console label, chart title, unit, log key on the line)
METRICS = [
    ("tool_call", "tool_call.duration_ms", "Local python tool calls (type=tool_call) duration_ms", "ms",
     "duration_ms"),
    ("expert_call", "expert_call.duration_ms", "Expert LLM-as-tool calls (type=expert_call) duration_ms", "ms",
     "duration_ms"),
    ("toolorchestra_vllm_infer", "llm_call.toolorchestra_vllm_infer_ms", "ToolOrchestra vLLM infer_ms", "ms",
     "toolorchestra_vllm_infer_ms"),
    ("toolorchestra_vllm_prefill", "llm_call.toolorchestra_vllm_prefill_ms", "ToolOrchestra vLLM prefill_ms (TTFT)",
     "ms", "toolorchestra_vllm_prefill_ms"),
    ("toolorchestra_vllm_decode", "llm_call.toolorchestra_vllm_decode_ms", "ToolOrchestra vLLM decode_ms", "ms",
     "toolorchestra_vllm_decode_ms"),
    ("toolorchestra_vllm_prefill_len", "llm_call.toolorchestra_vllm_prefill_len",
     "ToolOrchestra vLLM prefill_len (prompt tokens)", "tok", "toolorchestra_vllm_prefill_len"),
    ("toolorchestra_vllm_decode_len", "llm_call.toolorchestra_vllm_decode_len",
     "ToolOrchestra vLLM decode_len (completion tokens)", "tok", "toolorchestra_vllm_decode_len"),
]
VLLM = METRICS[2:]

# --all-fields only: the later logger generation's whole keys, in the order of VLLM.
LATER_KEYS = ["vllm_infer_ms", "prefill_ms", "decode_ms", "input_tokens", "output_tokens"]
LATER_MARK = re.compile(r"(?:^| )vllm_infer_ms=")


def first_float(pattern: str, line: str) -> Optional[float]:
    m = re.search(pattern, line)
    return float(m.group(1)) if m else None


def stats_of(values: list[float]) -> Optional[dict[str, Any]]:
    a = np.asarray(values, dtype=float)
    if a.size == 0:
        return None
    return {
        "n": int(a.size),
        "mean_ms": float(a.mean()),
        "std_ms": float(a.std(ddof=1)) if a.size > 1 else 0.0,
        "min_ms": float(a.min()),
        "max_ms": float(a.max()),
    }


def hist_of(values: list[float], bins: int) -> Optional[dict[str, Any]]:
    a = np.asarray(values, dtype=float)
    if a.size == 0:
        return None
    lo = float(a.min())
    hi = float(a.max())
    if hi == lo:
        hi = lo + 1e-9
    edges = np.linspace(lo, hi, int(bins) + 1)
    counts, _ = np.histogram(a, bins=edges)
    return {"edges": edges.tolist(), "counts": counts.tolist(), "percent": ((counts / a.size) * 100.0).tolist()}


def collect(lines: list[str], all_fields: bool) -> dict[str, list[float]]:
    values: dict[str, list[float]] = {m[0]: [] for m in METRICS}
    for line in lines:
        if "type=tool_call" in line:
            v = first_float(r"duration_ms" + NUM, line)
            if v is not None:
                values["tool_call"].append(v)
        if "type=expert_call" in line:
            v = first_float(r"duration_ms" + NUM, line)
            if v is not None:
                values["expert_call"].append(v)
        if "type=llm_call" in line and "toolorchestra_vllm_infer_ms=" in line:
            for key, _, _, _, log_key in VLLM:
                v = first_float(log_key + NUM, line)
                if v is not None:
                    values[key].append(v)
        elif all_fields and "type=llm_call" in line and LATER_MARK.search(line):
            for (key, _, _, _, _), later in zip(VLLM, LATER_KEYS):
                v = first_float(r"(?:^| )" + later + NUM, line)
                if v is not None:
                    values[key].append(v)
    return values


def draw(out_png: Path, title: str, unit: str, s: Optional[dict], h: Optional[dict]) -> None:
    fig, ax = plt.subplots(1, 1, figsize=(10, 4), constrained_layout=True)
    if not h or not s:
        ax.set_title(title)
        ax.text(0.5, 0.5, "no data", ha="center", va="center")
        ax.set_axis_off()
    else:
        edges = np.asarray(h["edges"], dtype=float)
        perc = np.asarray(h["percent"], dtype=float)
        centers = (edges[:-1] + edges[1:]) / 2.0
        bars = ax.bar(centers, perc, width=(edges[1] - edges[0]) * 0.9, align="center")
        for bar, pct in zip(bars, perc):
            if bar.get_height() > 0:
                ax.text(bar.get_x() + bar.get_width() / 2.0, bar.get_height(), f"{pct:.1f}%",
                        ha="center", va="bottom", fontsize=8)
        ax.set_title(f"{title} (n={s['n']}, mean={s['mean_ms']:.2f}{unit}, std={s['std_ms']:.2f}{unit})")
        ax.set_xlabel(unit)
        ax.set_ylabel("%")
    fig.savefig(out_png, dpi=200)
    plt.close(fig)


def main(argv: Optional[list[str]] = None) -> int:
    p = argparse.ArgumentParser()
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--log-path", type=str)
    src.add_argument("--log-dir", type=str)
    p.add_argument("--log-glob", type=str, default="tau2_*.log")
    p.add_argument("--out-dir", type=str, default=None)
    p.add_argument("--out-prefix", type=str, default="timing")
    p.add_argument("--bins", type=int, default=10)
    p.add_argument("--all-fields", action="store_true")
    args = p.parse_args(argv)

    if args.log_path:
        lp = Path(args.log_path).expanduser().resolve()
        if not lp.exists():
            raise SystemExit(f"log path not found: {lp}")
        log_paths = [lp]
        default_out = lp.parent
    else:
        ld = Path(args.log_dir).expanduser().resolve()
        if not ld.exists():
            raise SystemExit(f"log dir not found: {ld}")
        log_paths = sorted([q for q in ld.glob(args.log_glob) if q.is_file()])
        if not log_paths:
            raise SystemExit(f"no logs matched in {ld} with glob={args.log_glob}")
        default_out = ld
    out_dir = Path(args.out_dir).expanduser().resolve() if args.out_dir else default_out
    out_dir.mkdir(parents=True, exist_ok=True)
    json_path = out_dir / f"{args.out_prefix}_stats.json"

    lines: list[str] = []
    for lp in log_paths:
        lines.extend(lp.read_text(encoding="utf-8", errors="replace").splitlines())
    values = collect(lines, args.all_fields)

    summary = {
        key: {"unit": unit, "stats": stats_of(values[key]), "hist": hist_of(values[key], args.bins)}
        for key, _, _, unit, _ in METRICS
    }
    json_path.write_text(json.dumps(summary, indent=2), encoding="utf-8")

    for key, label, _, _, _ in METRICS:
        s = summary[key]["stats"]
        unit = summary[key].get("unit", "")
        print(f"=== {label} ===")
        if not s:
            print("no data\n")
            continue
        print(
            f"n={s['n']} mean={s['mean_ms']:.2f}{unit} std={s['std_ms']:.2f}{unit} "
            f"min={s['min_ms']:.2f}{unit} max={s['max_ms']:.2f}{unit}"
        )
        edges = summary[key]["hist"]["edges"]
        perc = summary[key]["hist"]["percent"]
        for i in range(args.bins):
            if unit == "tok":
                print(f"[{edges[i]:.0f}, {edges[i+1]:.0f}]: {perc[i]:5.1f}%")
            else:
                print(f"[{edges[i]:.2f}, {edges[i+1]:.2f}]: {perc[i]:5.1f}%")
        print()

    png_paths: list[Path] = []
    for key, _, title, unit, _ in METRICS:
        out_png = out_dir / f"{args.out_prefix}_{key}.png"
        draw(out_png, title, unit, summary[key]["stats"], summary[key]["hist"])
        png_paths.append(out_png)

    print(f"Wrote {json_path}")
    for pth in png_paths:
        print(f"Wrote {pth}")
    return 0


def golden(argv: list[str]) -> int:
    """Runs main() on a fixture into a temporary directory and stores its JSON and console text."""
    p = argparse.ArgumentParser(prog="legacy_stats_reference.py --golden")
    p.add_argument("name")
    p.add_argument("input")
    p.add_argument("--bins", type=int, default=10)
    p.add_argument("--all-fields", action="store_true")
    p.add_argument("--fixtures", default=str(Path(__file__).resolve().parent.parent / "test/fixtures/legacy"))
    p.add_argument("--keep-pngs", default=None, help="copy the PNGs into this directory")
    a = p.parse_args(argv)
    fixtures = Path(a.fixtures)
    src = Path(a.input) if Path(a.input).is_absolute() else fixtures / a.input
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp).resolve()
        args = ["--log-dir" if src.is_dir() else "--log-path", str(src), "--out-dir", str(out),
                "--bins", str(a.bins)] + (["--all-fields"] if a.all_fields else [])
        buf = io.StringIO()
        with contextlib.redirect_stdout(buf):
            main(args)
        (fixtures / f"{a.name}_stats.json").write_bytes((out / "timing_stats.json").read_bytes())
        (fixtures / f"{a.name}_console.txt").write_text(buf.getvalue().replace(str(out), "<OUT>"), encoding="utf-8")
        if a.keep_pngs:
            keep = Path(a.keep_pngs)
            keep.mkdir(parents=True, exist_ok=True)
            for png in out.glob("*.png"):
                (keep / f"{a.name}_{png.name}").write_bytes(png.read_bytes())
    return 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["--golden"]:
        raise SystemExit(golden(sys.argv[2:]))
    raise SystemExit(main())
