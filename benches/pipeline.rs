//! Criterion benches: one group per pipeline stage (normalize, shingle, minhash, lsh, verify,
//! align, passage, rewrite) on 2,000 generated articles (about 5.6 MB; see `benches/scan.rs`
//! for the end-to-end scans at 10,000 and 100,000), plus the end-to-end scan of `corpus/`.
//! Throughput is in bytes of original text, so figures read as MB/s.
//!
//! The `minhash` group also times `bare_xxh3_shingles`, the harness' bare pass done in
//! process (lower-case the words into one buffer, xxh3 every word 5-gram): signing's
//! throughput reads as a share of it in one run. Each bench checks its result inside the
//! timed closure, so a broken optimisation cannot look fast. Run: `cargo bench --bench
//! pipeline` (or `cargo bench --bench pipeline -- minhash` for one group).

#[path = "../examples/gencorpus/generate.rs"]
#[allow(dead_code)]
mod generate;

use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use neardup::align::{self, Shingled};
use neardup::lsh::Lsh;
use neardup::{
    Config, Document, Index, MinHasher, OnePermutation, input, normalize, passage, rewrite,
    shingle, verify,
};
use xxhash_rust::xxh3::xxh3_64;

/// Documents in the stage benches.
const STAGE_DOCS: usize = 2_000;

/// The articles of `corpus/`, read once, outside every timed closure.
fn corpus() -> Vec<Document> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    let batch = input::read_all(&[dir], &[], &input::Options::default(), &|| {});
    assert!(batch.skipped.is_empty(), "{:?}", batch.skipped);
    assert!(!batch.documents.is_empty(), "corpus/ holds articles");
    batch.documents
}

/// `STAGE_DOCS` generated articles (seeded: the same every run).
fn generated() -> Vec<Document> {
    let sources = generate::read_sources(&generate::default_sources()).expect("sources");
    let options = generate::Options {
        docs: STAGE_DOCS,
        ..generate::Options::default()
    };
    generate::generate(&sources, &options)
        .docs
        .into_iter()
        .enumerate()
        .map(|(i, text)| Document::new(i.to_string(), text))
        .collect()
}

fn bytes(docs: &[Document]) -> u64 {
    docs.iter().map(|d| d.text.len() as u64).sum()
}

/// The bare pass of `../shared/bench` (mode `hash`), in process: words lower-cased and joined
/// by single spaces in one buffer, xxh3 of every word 5-gram. Returns the number of shingles.
fn bare_xxh3_shingles(text: &str, buf: &mut Vec<u8>, starts: &mut Vec<usize>) -> (u64, usize) {
    buf.clear();
    starts.clear();
    let mut in_word = false;
    for &c in text.as_bytes() {
        if c.is_ascii_alphanumeric() || c == b'_' || c >= 0x80 {
            if !in_word {
                if !buf.is_empty() {
                    buf.push(b' ');
                }
                starts.push(buf.len());
                in_word = true;
            }
            buf.push(c.to_ascii_lowercase());
        } else {
            in_word = false;
        }
    }
    let (k, n) = (5, starts.len());
    let mut acc = 0u64;
    for i in 0..n.saturating_sub(k - 1) {
        let end = if i + k < n {
            starts[i + k] - 1
        } else {
            buf.len()
        };
        acc = acc.wrapping_add(xxh3_64(&buf[starts[i]..end]));
    }
    (acc, n.saturating_sub(k - 1))
}

fn stages(c: &mut Criterion) {
    let docs = generated();
    let total = bytes(&docs);
    let config = Config::default();
    let k = config.shingle_size;
    let tokens: Vec<_> = docs.iter().map(|d| normalize::tokens(&d.text)).collect();
    let shingles: Vec<Vec<u64>> = tokens.iter().map(|t| shingle::hashes(t, k)).collect();
    let sets: Vec<Vec<u64>> = shingles.iter().map(|s| shingle::set(s)).collect();
    let hasher = OnePermutation::new(config.num_hashes, config.seed);
    let signatures: Vec<_> = sets.iter().map(|s| hasher.signature(s)).collect();
    let k_functions = MinHasher::new(config.num_hashes, config.seed);
    let (bands, rows) = neardup::lsh::shape(
        config.threshold,
        config.num_hashes,
        config.false_negative_weight,
    );

    let mut group = c.benchmark_group("normalize");
    group.throughput(Throughput::Bytes(total));
    group.bench_function("tokens", |b| {
        b.iter(|| {
            let n: usize = docs
                .iter()
                .map(|d| normalize::tokens(black_box(&d.text)).len())
                .sum();
            assert!(n > 100 * STAGE_DOCS);
        })
    });
    group.finish();

    let mut group = c.benchmark_group("shingle");
    group.throughput(Throughput::Bytes(total));
    group.bench_function("hashes", |b| {
        b.iter(|| {
            let n: usize = tokens
                .iter()
                .map(|t| shingle::hashes(black_box(t), k).len())
                .sum();
            assert!(n > 100 * STAGE_DOCS);
        })
    });
    group.finish();

    // Signing from shingle hashes (one-permutation, as documents are signed; and the
    // 128-function MinHash sentences use), and from text (tokenise, shingle, sign in one
    // pass, as `Index` does), beside the bare pass that only hashes shingles.
    let mut group = c.benchmark_group("minhash");
    group.throughput(Throughput::Bytes(total));
    group.bench_function("one_permutation", |b| {
        b.iter(|| {
            for (set, want) in sets.iter().zip(&signatures) {
                assert_eq!(&hasher.signature(black_box(set)), want);
            }
        })
    });
    group.bench_function("k_functions", |b| {
        b.iter(|| {
            let same = sets
                .iter()
                .map(|set| k_functions.signature(black_box(set)))
                .zip(&signatures)
                .filter(|(x, y)| x.jaccard(y) > 0.0)
                .count();
            assert!(same <= sets.len());
        })
    });
    group.bench_function("sign_from_text", |b| {
        b.iter(|| {
            for (doc, want) in docs.iter().zip(&signatures) {
                let mut sketch = hasher.sketch();
                let mut roller = shingle::Shingler::new(k);
                normalize::for_each_word(black_box(&doc.text), |_, w| {
                    if let Some(h) = roller.push(w) {
                        sketch.add(h);
                    }
                });
                if let Some(h) = roller.finish() {
                    sketch.add(h);
                }
                assert_eq!(&sketch.finish(), want);
            }
        })
    });
    group.bench_function("bare_xxh3_shingles", |b| {
        let (mut buf, mut starts) = (Vec::new(), Vec::new());
        b.iter(|| {
            let n: usize = docs
                .iter()
                .map(|d| bare_xxh3_shingles(black_box(&d.text), &mut buf, &mut starts).1)
                .sum();
            assert!(n > 100 * STAGE_DOCS);
        })
    });
    group.finish();

    let keys: Vec<(neardup::DocId, Vec<u64>)> = {
        let lsh = Lsh::new(bands, rows);
        signatures
            .iter()
            .enumerate()
            .map(|(i, s)| (neardup::DocId(i as u32), lsh.keys(s)))
            .collect()
    };
    let mut group = c.benchmark_group("lsh");
    group.throughput(Throughput::Bytes(total));
    group.bench_function("insert", |b| {
        b.iter(|| {
            let mut lsh = Lsh::new(bands, rows);
            lsh.insert_batch(black_box(&keys));
            assert_eq!(lsh.query(&keys[0].1)[0], keys[0].0);
        })
    });
    let mut filled = Lsh::new(bands, rows);
    filled.insert_batch(&keys);
    group.bench_function("query", |b| {
        b.iter(|| {
            for (id, k) in &keys {
                assert!(filled.query(black_box(k)).contains(id));
            }
        })
    });
    group.finish();

    // Exact scores of every document with the next: the verification of a candidate.
    let mut group = c.benchmark_group("verify");
    group.throughput(Throughput::Bytes(total));
    group.bench_function("scores", |b| {
        b.iter(|| {
            let mut same = 0.0;
            for pair in sets.windows(2) {
                same += verify::scores(black_box(&pair[0]), &pair[1]).jaccard;
            }
            assert!(same >= 0.0 && same <= sets.len() as f64);
        })
    });
    group.finish();

    // Align each document with a copy of itself: the worst case (one passage, every shingle).
    let mut group = c.benchmark_group("align");
    group.throughput(Throughput::Bytes(total));
    group.bench_function("passages", |b| {
        b.iter(|| {
            for (t, s) in tokens.iter().zip(&shingles) {
                let side = Shingled {
                    tokens: t,
                    shingles: s,
                };
                let found = align::passages(black_box(side), side, k);
                assert_eq!(found.len(), 1);
            }
        })
    });
    group.finish();

    let mut group = c.benchmark_group("passage");
    group.throughput(Throughput::Bytes(total));
    group.bench_function("passages", |b| {
        b.iter(|| {
            let n: usize = docs
                .iter()
                .map(|d| passage::passages(black_box(&d.text)).len())
                .sum();
            assert!(n > 100);
        })
    });
    group.finish();

    // Align every document's sentences with every other's: the verification of a rewrite
    // candidate, over all pairs of the corpus.
    let split: Vec<passage::Passages> = docs.iter().map(|d| passage::passages(&d.text)).collect();
    let mut stats = rewrite::Stats::new();
    for p in &split {
        stats.add(p);
    }
    let min_docs = config.boilerplate_min_docs;
    let weighted: Vec<rewrite::WeightedPassages> = split
        .iter()
        .map(|p| rewrite::weigh(p, |s| stats.is_boilerplate(s, min_docs)))
        .collect();
    // Align each document's sentences with those of the next ten: the verification of
    // rewrite candidates (throughput counts each document once per comparison it leads).
    const NEIGHBOURS: usize = 10;
    let mut group = c.benchmark_group("rewrite");
    group.throughput(Throughput::Bytes(total * NEIGHBOURS as u64));
    group.bench_function("align_neighbours", |b| {
        b.iter(|| {
            let mut compared = 0;
            for (i, a) in weighted.iter().enumerate() {
                // As the index aligns: one document indexed, then aligned with each candidate.
                let aligner = rewrite::Aligner::new(black_box(a));
                for other in weighted.iter().skip(i + 1).take(NEIGHBOURS) {
                    let found = aligner.align(other, config.passage_threshold);
                    assert!(found.coverage_a <= 1.0 + 1e-9 && found.coverage_b <= 1.0 + 1e-9);
                    compared += 1;
                }
            }
            assert!(compared >= (weighted.len() - NEIGHBOURS) * NEIGHBOURS);
        })
    });
    group.finish();
}

fn end_to_end(c: &mut Criterion) {
    let docs = corpus();
    let mut group = c.benchmark_group("scan");
    group.throughput(Throughput::Bytes(bytes(&docs)));
    // Deriving bands and rows costs about 2 ms once per index: not per-corpus work, so the empty
    // index is built outside the timed closure and cloned inside it.
    let empty = Index::new(Config::default()).unwrap();
    group.bench_function("end_to_end", |b| {
        b.iter(|| {
            let mut index = empty.clone();
            index.insert_batch(black_box(docs.clone())).unwrap();
            // The seeds hold one rewrite (001 of 000) and nothing else.
            assert_eq!(index.pairs().len(), 1);
        })
    });
    group.finish();
}

criterion_group!(benches, stages, end_to_end);
criterion_main!(benches);
