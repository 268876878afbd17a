//! Criterion benches: one group per pipeline stage, plus the end-to-end scan, on the articles
//! of `corpus/`. Throughput is in bytes of original text, so figures read as MB/s.
//!
//! Each bench checks its result inside the timed closure, so a broken optimisation cannot look
//! fast. Run: `cargo bench` (or `cargo bench -- minhash` for one group).

use std::hint::black_box;
use std::path::Path;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use neardup::align::{self, Shingled};
use neardup::lsh::Lsh;
use neardup::{Config, Document, Index, MinHasher, input, normalize, passage, rewrite, shingle};

/// The articles of `corpus/`, read once, outside every timed closure.
fn corpus() -> Vec<Document> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    let batch = input::read_all(&[dir], &[], &input::Options::default(), &|| {});
    assert!(batch.skipped.is_empty(), "{:?}", batch.skipped);
    assert!(!batch.documents.is_empty(), "corpus/ holds articles");
    batch.documents
}

fn bytes(docs: &[Document]) -> u64 {
    docs.iter().map(|d| d.text.len() as u64).sum()
}

fn stages(c: &mut Criterion) {
    let docs = corpus();
    let total = bytes(&docs);
    let config = Config::default();
    let k = config.shingle_size;
    let tokens: Vec<_> = docs.iter().map(|d| normalize::tokens(&d.text)).collect();
    let shingles: Vec<Vec<u64>> = tokens.iter().map(|t| shingle::hashes(t, k)).collect();
    let sets: Vec<Vec<u64>> = shingles.iter().map(|s| shingle::set(s)).collect();
    let hasher = MinHasher::new(config.num_hashes, config.seed);
    let signatures: Vec<_> = sets.iter().map(|s| hasher.signature(s)).collect();
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
            assert!(n > 3000);
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
            assert!(n > 3000);
        })
    });
    group.finish();

    let mut group = c.benchmark_group("minhash");
    group.throughput(Throughput::Bytes(total));
    group.bench_function("signature", |b| {
        b.iter(|| {
            for (set, want) in sets.iter().zip(&signatures) {
                assert_eq!(&hasher.signature(black_box(set)), want);
            }
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
    let split: Vec<Vec<passage::Passage>> =
        docs.iter().map(|d| passage::passages(&d.text)).collect();
    let mut stats = rewrite::Stats::new();
    for p in &split {
        stats.add(p);
    }
    let weighted: Vec<Vec<rewrite::Weighted>> = split
        .iter()
        .map(|p| rewrite::weigh(p, &stats, config.boilerplate_min_docs))
        .collect();
    let mut group = c.benchmark_group("rewrite");
    group.throughput(Throughput::Bytes(total));
    group.bench_function("align_all_pairs", |b| {
        b.iter(|| {
            let mut links = 0;
            for (i, a) in weighted.iter().enumerate() {
                for other in &weighted[i + 1..] {
                    links += rewrite::align(black_box(a), other, config.passage_threshold)
                        .links
                        .len();
                }
            }
            assert!(links >= 4, "000 and 001 align four sentences");
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
            assert_eq!(index.duplicates().len(), 1);
        })
    });
    group.finish();
}

criterion_group!(benches, stages, end_to_end);
criterion_main!(benches);
