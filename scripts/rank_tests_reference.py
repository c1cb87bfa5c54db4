#!/usr/bin/env python3
"""Reference for `tau2-trace compare`'s rank tests (src/analyze/rank-test.ts): scipy.stats computes them on
seeded samples, and the samples and scipy's answers are written to test/fixtures/analyze/rank-tests.json.

- Mann-Whitney U: scipy.stats.mannwhitneyu(x, y, alternative='two-sided', method='asymptotic',
  use_continuity=True); the golden keeps its statistic (U of x) and p-value.
- Wilcoxon signed-rank: scipy.stats.wilcoxon(d, alternative='two-sided', method='approx',
  zero_method='wilcox', correction=False); its statistic is min(W+, W-) and the golden keeps it and the p-value.

Samples: continuous (no ties), rounded (many ties, like token counts), shifted, tiny and large, and paired
differences with zeros. Needs numpy and scipy (`pip install scipy`).

usage: rank_tests_reference.py [OUT]   (default: test/fixtures/analyze/rank-tests.json)
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import scipy
from scipy import stats

ROOT = Path(__file__).resolve().parent.parent


def two_sample_cases(rng: np.random.Generator) -> list[dict]:
    cases = []
    specs = [
        ("continuous, same distribution", 40, 50, 0.0, None),
        ("continuous, shifted", 60, 45, 0.6, None),
        ("rounded, many ties", 80, 70, 0.3, 0),
        ("tiny", 3, 4, 1.0, 1),
        ("large lognormal", 600, 500, 0.1, None),
        ("all tied", 5, 6, 0.0, -3),
    ]
    for name, n1, n2, shift, decimals in specs:
        x = rng.lognormal(5.0, 0.5, n1)
        y = rng.lognormal(5.0 + shift, 0.5, n2)
        if decimals is not None:
            x, y = np.round(x, decimals), np.round(y, decimals)
        res = stats.mannwhitneyu(x, y, alternative="two-sided", method="asymptotic", use_continuity=True)
        cases.append({"name": name, "x": x.tolist(), "y": y.tolist(),
                      "statistic": float(res.statistic), "p": float(res.pvalue)})
    return cases


def paired_cases(rng: np.random.Generator) -> list[dict]:
    cases = []
    specs = [("continuous", 30, 0.0, None), ("shifted", 50, 0.4, None), ("rounded with zeros", 60, 0.1, 0)]
    for name, n, shift, decimals in specs:
        d = rng.normal(shift, 1.0, n) * 3
        if decimals is not None:
            d = np.round(d, decimals)
        res = stats.wilcoxon(d, alternative="two-sided", method="approx", zero_method="wilcox", correction=False)
        cases.append({"name": name, "d": d.tolist(), "statistic": float(res.statistic), "p": float(res.pvalue)})
    return cases


def main() -> None:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "test/fixtures/analyze/rank-tests.json"
    rng = np.random.default_rng(20261203)
    golden = {
        "generator": f"scripts/rank_tests_reference.py (scipy {scipy.__version__}, numpy {np.__version__})",
        "mannwhitneyu": two_sample_cases(rng),
        "wilcoxon": paired_cases(rng),
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(golden, indent=1) + "\n")
    print(f"Wrote {out}")


if __name__ == "__main__":
    main()
