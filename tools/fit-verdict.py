#!/usr/bin/env python3
"""Fits the verdict model of neardup (src/verdict.rs) on the developers' data and reports
its cross-validated figures; with --write, writes src/verdict/fitted.rs.

    cargo build --release
    python3 tools/fit-verdict.py [--write] [--data ../shared/data] [--bin target/release/neardup]

What it does:

1. Runs `neardup eval --pairwise --features` on three labelled sets of ../shared/data:
   PAN 2013 text alignment training pairs (every obfuscation class is a positive,
   no-plagiarism the negative; summary-obfuscation-nocase, pairs without a case, is left
   out), Clough-Stevenson (cut, light and heavy positive; non negative) and SemEval 2022
   news pairs rated 3 or 4 (different stories: negatives; pairs rated 1-2 report one story
   and may or may not copy, so they are left out). Duplicates (which the verdict does not
   judge) are left out.
2. Fits a logistic regression on the signals (src/verdict.rs NAMES): each set's classes
   weigh equally (positive and negative halves), each set weighs by the square root of its
   size, an L2 penalty (L2 below) keeps weights small, and a weight that comes out negative
   is fixed at 0 and the rest refitted (more reused text must never lower a score).
3. Cross-validates: PAN in 10 folds by suspect document (crc32 of its id), Clough leave one
   task out (fitted on two tasks and all other sets, scored on the third), SemEval in 5
   folds; reports the accuracy at cut 0.5 per fold and label.

Pure Python 3 (no numpy): the data are a few thousand rows of 10 signals.

For trying other models, environment variables:
  L2=X           the penalty (default 0.001)
  USE=a,b,...    fit on these signals only
  EXTRA="..."    more options for `neardup eval` (e.g. "--passage-threshold 0.27")
  CUTS=1         also print the cross-validated flagged share at cuts 0.3 .. 0.95
  PRODUCTS=a*b,c*d   add products of signals (interactions) to the model; --write is refused,
                 since src/verdict.rs computes no products
"""

import argparse
import math
import os
import subprocess
import sys
import tempfile
import zlib

L2 = float(os.environ.get("L2", "0.001"))
CUT = 0.5


def run_eval(binary, docs, pairs, positives, out):
    cmd = [binary, "eval", docs, pairs, "--pairwise", "-q", "--format", "json", "--features", out]
    cmd += os.environ.get("EXTRA", "").split()  # e.g. EXTRA="--passage-threshold 0.3"
    for p in positives:
        cmd += ["--positive", p]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    with open(out) as f:
        header = f.readline().rstrip("\n").split("\t")
        rows = [line.rstrip("\n").split("\t") for line in f]
    names = header[6:]
    return names, rows


def load(binary, data):
    sets = {}
    tmp = tempfile.mkdtemp()
    pan = os.path.join(data, "pan13-text-alignment-train")
    positives = ["no-obfuscation", "random-obfuscation", "translation-obfuscation", "summary-obfuscation"]
    names, rows = run_eval(binary, os.path.join(pan, "docs"), os.path.join(pan, "pairs.tsv"), positives,
                           os.path.join(tmp, "pan.tsv"))
    sets["pan"] = [(r, r[2] in positives) for r in rows if r[2] != "summary-obfuscation-nocase"]
    clough = os.path.join(data, "clough-stevenson")
    positives = ["cut", "light", "heavy"]
    _, rows = run_eval(binary, os.path.join(clough, "docs"), os.path.join(clough, "pairs.tsv"), positives,
                       os.path.join(tmp, "clough.tsv"))
    sets["clough"] = [(r, r[2] in positives) for r in rows if r[2] in positives + ["non"]]
    semeval = os.path.join(data, "semeval22-news-similarity")
    _, rows = run_eval(binary, os.path.join(semeval, "docs"), os.path.join(semeval, "pairs.tsv"), ["1"],
                       os.path.join(tmp, "semeval.tsv"))
    sets["semeval"] = [(r, False) for r in rows if r[2] in ("3", "4")]
    out = {}
    for name, rows in sets.items():
        judged = []
        for r, positive in rows:
            if r[6] == "":
                continue  # a duplicate: flagged whatever the model says
            judged.append({"source": r[0], "suspect": r[1], "label": r[2], "y": 1.0 if positive else 0.0,
                           "x": [float(v) for v in r[6:]]})
        out[name] = judged
    return names, out


def with_products(names, sets, products):
    """Appends to every row the products of pairs of signals named `a*b` (e.g.
    PRODUCTS=ln_longest*overlap): for trying models with interactions. Returns the names."""
    pairs = []
    for p in products:
        factors = p.split("*")
        unknown = [f for f in factors if f not in names]
        if len(factors) != 2 or unknown:
            sys.exit(f"PRODUCTS: {p!r} is not two signals joined by '*' (signals: {', '.join(names)})")
        pairs.append((names.index(factors[0]), names.index(factors[1])))
    for data in sets.values():
        for d in data:
            d["x"] = d["x"] + [d["x"][i] * d["x"][j] for i, j in pairs]
    return names + products


def weights_of(sets):
    """Per-row weights: classes balanced within a set, sets by sqrt(size). Pairs without a
    reused passage are left out: the verdict scores them 0 whatever the model."""
    rows = []
    for name, data in sets.items():
        data = [d for d in data if d["x"][0] > 0.0]
        if not data:
            continue
        pos = sum(1 for d in data if d["y"] == 1.0)
        neg = len(data) - pos
        classes = (1 if pos else 0) + (1 if neg else 0)
        total = math.sqrt(len(data))
        for d in data:
            n = pos if d["y"] == 1.0 else neg
            rows.append((d["x"], d["y"], total / classes / n))
    s = sum(w for _, _, w in rows)
    return [(x, y, w * len(rows) / s) for x, y, w in rows]


def solve(a, b):
    n = len(b)
    m = [row[:] + [b[i]] for i, row in enumerate(a)]
    for c in range(n):
        p = max(range(c, n), key=lambda r: abs(m[r][c]))
        m[c], m[p] = m[p], m[c]
        if abs(m[c][c]) < 1e-12:
            continue
        for r in range(n):
            if r != c:
                f = m[r][c] / m[c][c]
                for k in range(c, n + 1):
                    m[r][k] -= f * m[c][k]
    return [m[i][n] / m[i][i] if abs(m[i][i]) > 1e-12 else 0.0 for i in range(n)]


def fit_free(rows, active, l2):
    """Newton's method for weighted, L2-penalised logistic regression on the active signals."""
    k = len(active) + 1
    beta = [0.0] * k
    total = sum(w for _, _, w in rows)
    for _ in range(50):
        grad = [0.0] * k
        hess = [[0.0] * k for _ in range(k)]
        for x, y, w in rows:
            v = [1.0] + [x[i] for i in active]
            z = sum(b * xi for b, xi in zip(beta, v))
            p = 1.0 / (1.0 + math.exp(-max(-40.0, min(40.0, z))))
            g = w * (p - y)
            h = w * p * (1 - p)
            for i in range(k):
                grad[i] += g * v[i]
                for j in range(i, k):
                    hess[i][j] += h * v[i] * v[j]
        for i in range(k):
            for j in range(i):
                hess[i][j] = hess[j][i]
        for i in range(1, k):  # no penalty on the bias
            grad[i] += l2 * total * beta[i]
            hess[i][i] += l2 * total
        step = solve(hess, grad)
        beta = [b - s for b, s in zip(beta, step)]
        if max(abs(s) for s in step) < 1e-9:
            break
    return beta


def fit(sets, n, l2=L2, allowed=None):
    rows = weights_of(sets)
    active = list(range(n)) if allowed is None else list(allowed)
    while True:
        beta = fit_free(rows, active, l2)
        worst = min(range(len(active)), key=lambda i: beta[i + 1], default=None)
        if worst is None or beta[worst + 1] >= 0:
            break
        del active[worst]
    weights = [0.0] * n
    for i, a in enumerate(active):
        weights[a] = beta[i + 1]
    return beta[0], weights


def score(model, x):
    if x[0] == 0.0:
        return 0.0  # no reused passage: the verdict scores 0 (src/verdict.rs)
    bias, w = model
    z = bias + sum(a * b for a, b in zip(w, x))
    return 1.0 / (1.0 + math.exp(-max(-40.0, min(40.0, z))))


def folds(name, d):
    if name == "pan":
        return zlib.crc32(d["suspect"].encode()) % 10
    if name == "clough":
        return d["suspect"].rsplit("_", 1)[-1].split(".")[0]  # taska, taskb, ...
    return zlib.crc32((d["source"] + d["suspect"]).encode()) % 5


def cross_validate(names, sets, allowed=None, cut_table=None):
    report = []
    for name, data in sets.items():
        keys = sorted({folds(name, d) for d in data}, key=str)
        right = {}
        for key in keys:
            train = {n: [d for d in ds if not (n == name and folds(n, d) == key)] for n, ds in sets.items()}
            model = fit(train, len(names), allowed=allowed)
            test = [d for d in data if folds(name, d) == key]
            for d in test:
                p = score(model, d["x"])
                if cut_table is not None:
                    cut_table.append((name, d["label"], p))
                ok = (p >= CUT) == (d["y"] == 1.0)
                r = right.setdefault((key, d["label"]), [0, 0])
                r[0] += ok
                r[1] += 1
        report.append((name, right))
    return report


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", default=os.path.join(os.path.dirname(__file__), "..", "..", "shared", "data"))
    ap.add_argument("--bin", default=os.path.join(os.path.dirname(__file__), "..", "target", "release", "neardup"))
    ap.add_argument("--write", action="store_true", help="write src/verdict/fitted.rs")
    args = ap.parse_args()
    products = [p for p in os.environ.get("PRODUCTS", "").split(",") if p]
    if products and args.write:
        sys.exit("PRODUCTS is for trying models: src/verdict.rs computes no products, so --write is refused")
    names, sets = load(args.bin, args.data)
    if products:
        names = with_products(names, sets, products)
    allowed = None
    if os.environ.get("USE"):
        allowed = [names.index(u) for u in os.environ["USE"].split(",")]
    lines = []
    for name, data in sets.items():
        pos = sum(1 for d in data if d["y"] == 1.0)
        lines.append(f"{name}: {len(data)} judged pairs ({pos} positive, {len(data) - pos} negative)")
    model = fit(sets, len(names), allowed=allowed)
    lines.append("fitted on all: bias %.6g; " % model[0] + ", ".join(f"{n} {w:.6g}" for n, w in zip(names, model[1])))
    table = []
    for name, right in cross_validate(names, sets, allowed, table):
        by_label = {}
        for (key, label), (ok, n) in sorted(right.items(), key=lambda kv: (str(kv[0][0]), kv[0][1])):
            b = by_label.setdefault(label, [0, 0])
            b[0] += ok
            b[1] += n
        total_ok = sum(ok for ok, _ in right.values())
        total = sum(n for _, n in right.values())
        lines.append(f"CV {name}: accuracy {total_ok / max(total, 1):.3f} ({total_ok}/{total}); " +
                     ", ".join(f"{l} {ok}/{n}" for l, (ok, n) in by_label.items()))
        if name == "clough":
            for key in sorted({k for k, _ in right}):
                cells = [(l, ok, n) for (k, l), (ok, n) in right.items() if k == key]
                lines.append(f"  fold {key}: " + ", ".join(f"{l} {ok}/{n} right" for l, ok, n in sorted(cells)))
    print("\n".join(lines))
    if os.environ.get("CUTS"):
        labels = sorted({(n, l) for n, l, _ in table})
        print("cross-validated flagged share by cut:")
        print("  cut  " + " ".join(f"{n[:3]}:{l[:8]:>8}" for n, l in labels))
        for cut in [0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95]:
            cells = []
            for n, l in labels:
                ps = [p for m, k, p in table if (m, k) == (n, l)]
                cells.append(f"{sum(p >= cut for p in ps) / len(ps):12.3f}")
            print(f"  {cut:.2f} " + " ".join(cells))
    if args.write:
        path = os.path.join(os.path.dirname(__file__), "..", "src", "verdict", "fitted.rs")
        with open(path, "w") as f:
            f.write("//! Coefficients of the verdict model (see [`verdict`](crate::verdict)). Written by\n")
            f.write("//! `python3 tools/fit-verdict.py --write` (after `cargo build --release`); do not edit by\n")
            f.write(f"//! hand. L2 = {L2}. What the script printed:\n//!\n")
            for line in lines:
                f.write(f"//! {line}\n".replace("//! \n", "//!\n"))
            f.write("\n/// The model's intercept.\n")
            f.write(f"pub const BIAS: f64 = {model[0]:.6f};\n\n")
            f.write("/// One weight per entry of [`Features::vector`](crate::verdict::Features::vector), in the\n")
            f.write("/// order of [`NAMES`](crate::verdict::NAMES).\n")
            f.write(f"pub const WEIGHTS: [f64; {len(names)}] = [" + ", ".join(f"{w:.6f}" for w in model[1]) + "];\n")
        # The one-line arrays as rustfmt lays them out (cargo fmt --check runs in CI).
        subprocess.run(["rustfmt", "--edition", "2024", path], check=True)
        print(f"wrote {os.path.normpath(path)}")


if __name__ == "__main__":
    sys.exit(main())
