//! Fits the sentence-pair model of `neardup::semantic::sentence` on MSRP train and reports
//! its 10-fold cross-validated accuracy, then how it scores Clough–Stevenson answers.
//!
//! ```text
//! cargo run --release --example fit_sentence -- ../shared/data/msrp/pairs.tsv \
//!     ../shared/data/clough-stevenson
//! ```
//!
//! Model: logistic regression on the signals of `sentence::features`, each standardised on the
//! training folds, with an L2 penalty `LAMBDA` on the weights (not the intercept), fitted by
//! Newton's method; the coefficients are printed back on the raw signals, as Rust code to paste
//! into `src/semantic/sentence.rs`. Folds: pair `i` of the file (from 0) is in fold `i mod 10`.
//! `--drop NAME,NAME` leaves signals out (their weight is 0), for ablations; `--lambda X`
//! sets the penalty (default 1).

use std::collections::BTreeMap;
use std::path::Path;

use neardup::passage;
use neardup::semantic::sentence::{self, FEATURE_NAMES, FEATURES};

/// L2 penalty on the standardised weights (the sum of squares times this is added to the
/// negative log-likelihood, which sums over pairs); `--lambda X` changes it.
const LAMBDA: f64 = 1.0;
const FOLDS: usize = 10;

type Row = [f64; FEATURES];

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut drop = Vec::new();
    let mut paths = Vec::new();
    let mut lambda = LAMBDA;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        if a == "--drop" {
            let names = it.next().expect("--drop NAME,NAME");
            for n in names.split(',') {
                let i = FEATURE_NAMES.iter().position(|f| f == &n);
                drop.push(i.unwrap_or_else(|| panic!("no signal named {n}")));
            }
        } else if a == "--lambda" {
            lambda = it
                .next()
                .and_then(|x| x.parse().ok())
                .expect("--lambda NUMBER");
        } else {
            paths.push(a.clone());
        }
    }
    let msrp = paths
        .first()
        .expect("usage: fit_sentence MSRP_PAIRS_TSV [CLOUGH_DIR] [--drop NAME,...]");
    let text = std::fs::read_to_string(msrp).expect("read the MSRP pairs");
    let mut rows = Vec::new();
    let mut labels = Vec::new();
    // Load the vectors before timing the signals.
    neardup::semantic::Embeddings::builtin();
    let started = std::time::Instant::now();
    for line in text.lines().skip(1) {
        let f: Vec<&str> = line.split('\t').collect();
        assert!(f.len() >= 5, "five columns: {line}");
        let mut row = sentence::features(f[3], f[4]);
        for &i in &drop {
            row[i] = 0.0;
        }
        rows.push(row);
        labels.push(f[0] == "equivalent");
    }
    let n = rows.len();
    let per_pair = started.elapsed().as_secs_f64() * 1e6 / n as f64;
    let positives = labels.iter().filter(|&&y| y).count();
    println!(
        "MSRP train: {n} pairs, {positives} equivalent (majority baseline {:.4})",
        positives.max(n - positives) as f64 / n as f64
    );
    println!("signals: {per_pair:.1} us per pair (one thread)");

    let mut correct = 0;
    for k in 0..FOLDS {
        let train: Vec<usize> = (0..n).filter(|i| i % FOLDS != k).collect();
        let test: Vec<usize> = (0..n).filter(|i| i % FOLDS == k).collect();
        let (bias, weights) = fit(&rows, &labels, &train, lambda);
        let c = accuracy_count(&rows, &labels, &test, bias, &weights);
        println!(
            "fold {k}: accuracy {:.4} ({c}/{})",
            c as f64 / test.len() as f64,
            test.len()
        );
        correct += c;
    }
    let cv = correct as f64 / n as f64;
    let all: Vec<usize> = (0..n).collect();
    let (bias, weights) = fit(&rows, &labels, &all, lambda);
    let train = accuracy_count(&rows, &labels, &all, bias, &weights) as f64 / n as f64;
    println!(
        "10-fold CV accuracy {cv:.4}; training accuracy (all pairs) {train:.4} (lambda {lambda})"
    );
    println!("\n// Fitted coefficients (paste into src/semantic/sentence.rs):");
    println!("pub const BIAS: f64 = {bias:.4};");
    println!("pub const WEIGHTS: [f64; FEATURES] = [");
    for (w, name) in weights.iter().zip(FEATURE_NAMES) {
        println!("    {w:.4}, // {name}");
    }
    println!("];");

    if let Some(dir) = paths.get(1) {
        clough(Path::new(dir), bias, &weights);
    }
}

/// Correct predictions at the cut among `rows[i]`, `i` in `which`.
fn accuracy_count(rows: &[Row], labels: &[bool], which: &[usize], bias: f64, w: &Row) -> usize {
    which
        .iter()
        .filter(|&&i| (sentence::score_features(&rows[i], bias, w) >= sentence::CUT) == labels[i])
        .count()
}

/// L2-penalised logistic regression on `rows[i]`, `i` in `which`, by Newton's method on
/// standardised signals; returns the raw-scale intercept and weights.
fn fit(rows: &[Row], labels: &[bool], which: &[usize], lambda: f64) -> (f64, Row) {
    let m = which.len() as f64;
    let mut mean = [0.0; FEATURES];
    let mut sd = [0.0; FEATURES];
    for &i in which {
        for j in 0..FEATURES {
            mean[j] += rows[i][j] / m;
        }
    }
    for &i in which {
        for j in 0..FEATURES {
            sd[j] += (rows[i][j] - mean[j]).powi(2) / m;
        }
    }
    for s in &mut sd {
        // A constant (dropped) signal gets weight 0.
        *s = if *s > 1e-12 { s.sqrt() } else { f64::INFINITY };
    }
    let d = FEATURES + 1;
    let x = |i: usize, j: usize| -> f64 {
        if j == 0 {
            1.0
        } else {
            (rows[i][j - 1] - mean[j - 1]) / sd[j - 1]
        }
    };
    let mut beta = vec![0.0; d];
    for _ in 0..50 {
        let mut grad = vec![0.0; d];
        let mut hess = vec![vec![0.0; d]; d];
        for &i in which {
            let xi: Vec<f64> = (0..d).map(|j| x(i, j)).collect();
            let z: f64 = beta.iter().zip(&xi).map(|(b, v)| b * v).sum();
            let p = 1.0 / (1.0 + (-z).exp());
            let y = if labels[i] { 1.0 } else { 0.0 };
            for ((g, h), &xj) in grad.iter_mut().zip(&mut hess).zip(&xi) {
                *g += (p - y) * xj;
                for (hk, &xk) in h.iter_mut().zip(&xi) {
                    *hk += p * (1.0 - p) * xj * xk;
                }
            }
        }
        for j in 1..d {
            grad[j] += 2.0 * lambda * beta[j];
            hess[j][j] += 2.0 * lambda;
        }
        let step = solve(hess, grad);
        let mut largest = 0f64;
        for j in 0..d {
            beta[j] -= step[j];
            largest = largest.max(step[j].abs());
        }
        if largest < 1e-10 {
            break;
        }
    }
    let mut weights = [0.0; FEATURES];
    let mut bias = beta[0];
    for j in 0..FEATURES {
        weights[j] = beta[j + 1] / sd[j];
        bias -= weights[j] * mean[j];
    }
    (bias, weights)
}

/// Solves `a x = b` by Gaussian elimination with partial pivoting (`a` is positive definite).
fn solve(mut a: Vec<Vec<f64>>, mut b: Vec<f64>) -> Vec<f64> {
    let n = b.len();
    for c in 0..n {
        let p = (c..n)
            .max_by(|&i, &j| a[i][c].abs().total_cmp(&a[j][c].abs()))
            .expect("a row");
        a.swap(c, p);
        b.swap(c, p);
        let (top, below) = a.split_at_mut(c + 1);
        let pivot = &top[c];
        for (r, row) in below.iter_mut().enumerate() {
            let f = row[c] / pivot[c];
            for (x, p) in row[c..].iter_mut().zip(&pivot[c..]) {
                *x -= f * p;
            }
            b[c + 1 + r] -= f * b[c];
        }
    }
    let mut x = vec![0.0; n];
    for r in (0..n).rev() {
        let s: f64 = (r + 1..n).map(|k| a[r][k] * x[k]).sum();
        x[r] = (b[r] - s) / a[r][r];
    }
    x
}

/// For each answer of `dir/pairs.tsv`, each of its sentences' best score against its task's
/// source sentences; the distribution per label.
fn clough(dir: &Path, bias: f64, weights: &Row) {
    let pairs = std::fs::read_to_string(dir.join("pairs.tsv")).expect("read Clough pairs");
    let read = |name: &str| {
        std::fs::read_to_string(dir.join("docs").join(format!("{name}.txt")))
            .unwrap_or_else(|e| panic!("{name}: {e}"))
    };
    let sentences = |text: &str| -> Vec<String> {
        let found = passage::passages(text);
        found
            .iter()
            .map(|p| text[p.span.start..p.span.end].to_string())
            .collect()
    };
    let mut by_label: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    let mut sources: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for line in pairs.lines().skip(1) {
        let f: Vec<&str> = line.split('\t').collect();
        let (source, suspect, label) = (f[0], f[1], f[2]);
        let src = sources
            .entry(source.to_string())
            .or_insert_with(|| sentences(&read(source)));
        for s in sentences(&read(suspect)) {
            let best = src
                .iter()
                .map(|t| sentence::score_features(&sentence::features(&s, t), bias, weights))
                .fold(0f64, f64::max);
            by_label.entry(label.to_string()).or_default().push(best);
        }
    }
    println!(
        "\nClough-Stevenson: each answer sentence's best score against its source's sentences"
    );
    println!(
        "label  sentences  median  p90     max     share >= {}",
        sentence::CUT
    );
    for (label, mut v) in by_label {
        v.sort_by(f64::total_cmp);
        let q = |p: f64| v[((v.len() - 1) as f64 * p).round() as usize];
        let over = v.iter().filter(|&&s| s >= sentence::CUT).count();
        println!(
            "{label:<6} {:>9}  {:.3}   {:.3}   {:.3}   {:.3} ({over})",
            v.len(),
            q(0.5),
            q(0.9),
            q(1.0),
            over as f64 / v.len() as f64
        );
    }
}
