//! End-to-end criterion benches: index a generated corpus and find every pair, at 10,000 and
//! 100,000 documents, duplicates only and with rewrites. Throughput is in bytes of text.
//!
//! The corpora come from the `gencorpus` generator (seeded, so every run times the same
//! documents; sources from `../shared/data/bbc-news/docs` when present, else `corpus/seeds`)
//! and are built once, outside the timed closures. Each timed run checks its result against
//! the generator's truth, so a broken optimisation cannot look fast: the intended pairs whose
//! exact Jaccard reaches the threshold at recall >= 0.99 (a near-duplicate with 30% of its
//! words edited is below it, and only the rewrite layer finds it), and, with rewrites, every
//! intended pair at recall >= 0.98 and rewrites at >= 0.95 (measured: 0.999 and 0.996). Run
//! `cargo bench --bench scan` (several minutes: the 100k runs with rewrites take about 30 s
//! each), or `cargo bench --bench scan -- scan_10k` for the small corpus only.

#[path = "../examples/gencorpus/generate.rs"]
#[allow(dead_code)]
mod generate;

use std::collections::HashSet;
use std::hint::black_box;
use std::time::Duration;

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use neardup::{Config, Document, Index, Kind, Match, normalize, shingle, verify};

/// A generated corpus as documents (ids are output positions) and its intended pairs.
struct Generated {
    docs: Vec<Document>,
    truth: Vec<generate::Truth>,
    /// The intended pairs whose exact Jaccard reaches the default threshold.
    above: Vec<generate::Truth>,
    bytes: u64,
}

fn generated(n: usize) -> Generated {
    let sources = generate::read_sources(&generate::default_sources()).expect("sources");
    let options = generate::Options {
        docs: n,
        ..generate::Options::default()
    };
    let corpus = generate::generate(&sources, &options);
    let bytes = corpus.docs.iter().map(|d| d.len() as u64).sum();
    let config = Config::default();
    let set = |text: &str| {
        let tokens = normalize::tokens(text);
        shingle::set(&shingle::hashes(&tokens, config.shingle_size))
    };
    let above = corpus
        .truth
        .iter()
        .filter(|t| {
            let (a, b) = (set(&corpus.docs[t.source]), set(&corpus.docs[t.suspect]));
            verify::scores(&a, &b).jaccard >= config.threshold
        })
        .cloned()
        .collect();
    let docs = corpus
        .docs
        .into_iter()
        .enumerate()
        .map(|(i, text)| Document::new(i.to_string(), text))
        .collect();
    Generated {
        docs,
        truth: corpus.truth,
        above,
        bytes,
    }
}

/// Recall of the intended pairs of the given kinds among `found` (any kind of match counts:
/// a near-duplicate found as a rewrite is still found).
fn recall(found: &[Match], truth: &[generate::Truth], kinds: &[&str]) -> f64 {
    let pairs: HashSet<(usize, usize)> = found
        .iter()
        .map(|m| {
            let (a, b): (usize, usize) = (m.a.parse().unwrap(), m.b.parse().unwrap());
            (a.min(b), a.max(b))
        })
        .collect();
    let wanted: Vec<&generate::Truth> = truth.iter().filter(|t| kinds.contains(&t.kind)).collect();
    let hit = wanted
        .iter()
        .filter(|t| pairs.contains(&(t.source.min(t.suspect), t.source.max(t.suspect))))
        .count();
    hit as f64 / wanted.len().max(1) as f64
}

fn scan(c: &mut Criterion) {
    for (name, n) in [("scan_10k", 10_000), ("scan_100k", 100_000)] {
        let corpus = generated(n);
        let mut group = c.benchmark_group(name);
        group.throughput(Throughput::Bytes(corpus.bytes));
        group.sample_size(10);
        group.measurement_time(Duration::from_secs(if n > 10_000 { 60 } else { 20 }));
        for rewrites in [false, true] {
            // Bands and rows are derived once per index (about 2 ms): built outside the
            // timed closure, cloned inside.
            let empty = Index::new(Config::default().rewrites(rewrites)).unwrap();
            let label = if rewrites {
                "with_rewrites"
            } else {
                "duplicates_only"
            };
            group.bench_function(label, |b| {
                b.iter_batched(
                    || corpus.docs.clone(),
                    |docs| {
                        let mut index = empty.clone();
                        index.insert_batch(black_box(docs)).unwrap();
                        let found = index.pairs();
                        let kinds = ["exact-duplicate", "near-duplicate", "rewrite"];
                        let dup = recall(&found, &corpus.above, &kinds);
                        assert!(dup >= 0.99, "recall above the threshold {dup}");
                        if rewrites {
                            let all = recall(&found, &corpus.truth, &kinds);
                            assert!(all >= 0.98, "recall {all}");
                            let rw = recall(&found, &corpus.truth, &["rewrite"]);
                            assert!(rw >= 0.95, "rewrite recall {rw}");
                        } else {
                            assert!(found.iter().all(|m| m.kind != Kind::Rewrite));
                        }
                        found.len()
                    },
                    BatchSize::LargeInput,
                )
            });
        }
        group.finish();
    }
}

criterion_group!(benches, scan);
criterion_main!(benches);
