//! Criterion benches of the index file (`Store`): the latency of `check` against an index of
//! 10,000 and 100,000 generated articles, and the throughput of `insert_batch`.
//!
//! The articles come from the `gencorpus` generator (seeded; sources from
//! `../shared/data/bbc-news/docs` when present, else `corpus/seeds`). The derived article of
//! each of the first 200 intended pairs is held out as a probe; every other article is
//! indexed once, outside the timed code. Before timing, each probe is checked once: the
//! probes that find their base article then must find it in every timed check, so a broken
//! optimisation cannot look fast. Besides criterion's per-check time, the bench prints the
//! median and 99th percentile of one pass over the probes. Run `cargo bench --bench store`
//! (the 100k index takes about a minute to build), or `-- store_10k` for the small one.
//!
//! The group `store_1m` (1,000,000 articles: about 10 minutes and 12 GB of memory to build)
//! runs only when `NEARDUP_BENCH_1M` names a folder: the index is built there once, kept,
//! and opened by later runs (`NEARDUP_BENCH_1M=/tmp/bench1m cargo bench --bench store --
//! store_1m`). Its build time and the opening time are printed.

#[path = "../examples/gencorpus/generate.rs"]
#[allow(dead_code)]
mod generate;

use std::collections::HashSet;
use std::time::{Duration, Instant};

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use neardup::{Config, Document, Store};

/// Probes held out of the index.
const PROBES: usize = 200;

/// An index of `n` generated articles (minus the probes) in `dir`, and the probes, each with
/// the id of its base article. An index file already there is opened, not built again.
fn built(n: usize, dir: &std::path::Path) -> (Store, Vec<(Document, String)>) {
    let sources = generate::read_sources(&generate::default_sources()).expect("sources");
    let options = generate::Options {
        docs: n,
        ..generate::Options::default()
    };
    let corpus = generate::generate(&sources, &options);
    let mut held = HashSet::new();
    let mut probes = Vec::new();
    for t in &corpus.truth {
        if probes.len() == PROBES {
            break;
        }
        if held.contains(&t.source) || !held.insert(t.suspect) {
            continue;
        }
        let probe = Document::new(
            format!("probe-{}", t.suspect),
            corpus.docs[t.suspect].clone(),
        );
        probes.push((probe, t.source.to_string()));
    }
    let path = dir.join(format!("bench-{n}.ndx"));
    if path.exists() {
        let start = Instant::now();
        let store = Store::open(&path, Config::default()).unwrap();
        println!(
            "opened {} ({} articles) in {:?}",
            path.display(),
            store.len(),
            start.elapsed()
        );
        assert_eq!(
            store.len(),
            n - probes.len(),
            "{} holds another corpus",
            path.display()
        );
        return (store, probes);
    }
    let start = Instant::now();
    let store = Store::create(&path, Config::default()).unwrap();
    let docs: Vec<Document> = corpus
        .docs
        .into_iter()
        .enumerate()
        .filter(|(i, _)| !held.contains(i))
        .map(|(i, text)| Document::new(i.to_string(), text))
        .collect();
    for chunk in docs.chunks(5000) {
        store.insert_batch(chunk.to_vec()).unwrap();
    }
    println!("built {} articles in {:?}", store.len(), start.elapsed());
    (store, probes)
}

/// Whether checking `probe` finds `source`.
fn finds(store: &Store, probe: &Document, source: &str) -> bool {
    let found = store.check(probe).unwrap();
    found.iter().any(|m| m.a == source || m.b == source)
}

/// An index of `n` articles with its probes, which of them find their source, and where it
/// lives (removed at the end).
struct Prepared {
    _dir: Option<tempfile::TempDir>,
    store: Store,
    probes: Vec<(Document, String)>,
    expected: Vec<bool>,
}

fn prepared(n: usize, keep_in: Option<&std::path::Path>) -> Prepared {
    let dir = match keep_in {
        Some(_) => None,
        None => Some(tempfile::tempdir().unwrap()),
    };
    let (store, probes) = built(n, keep_in.unwrap_or_else(|| dir.as_ref().unwrap().path()));
    // The probes that find their base article now must find it in every timed check.
    let expected: Vec<bool> = probes.iter().map(|(p, s)| finds(&store, p, s)).collect();
    let found = expected.iter().filter(|&&e| e).count();
    assert!(
        found * 10 >= probes.len() * 9,
        "only {found} of {} probes find their source",
        probes.len()
    );
    let mut times: Vec<Duration> = probes
        .iter()
        .map(|(probe, _)| {
            let start = Instant::now();
            store.check(probe).unwrap();
            start.elapsed()
        })
        .collect();
    times.sort();
    let at = |q: f64| times[((times.len() - 1) as f64 * q).round() as usize];
    println!(
        "store_{n} check: median {:?}, p99 {:?} over {} probes ({found} find their source)",
        at(0.5),
        at(0.99),
        times.len()
    );
    Prepared {
        _dir: dir,
        store,
        probes,
        expected,
    }
}

fn bench_check(c: &mut Criterion, n: usize, keep_in: Option<&std::path::Path>) {
    let name = if n >= 1_000_000 {
        format!("store_{}m", n / 1_000_000)
    } else {
        format!("store_{}k", n / 1000)
    };
    let mut group = c.benchmark_group(name);
    group.sample_size(20);
    // Built on first use: a filter that leaves this group out does not build its index.
    let mut ready: Option<Prepared> = None;
    let mut next = 0;
    group.bench_function("check", |b| {
        let p = ready.get_or_insert_with(|| prepared(n, keep_in));
        b.iter(|| {
            let i = next % p.probes.len();
            let (probe, source) = &p.probes[i];
            if p.expected[i] {
                assert!(
                    finds(&p.store, probe, source),
                    "{} lost its source",
                    probe.id
                );
            } else {
                p.store.check(probe).unwrap();
            }
            next += 1;
        })
    });
    group.finish();
}

fn bench_insert(c: &mut Criterion) {
    let sources = generate::read_sources(&generate::default_sources()).expect("sources");
    let options = generate::Options {
        docs: 1000,
        ..generate::Options::default()
    };
    let corpus = generate::generate(&sources, &options);
    let bytes: u64 = corpus.docs.iter().map(|d| d.len() as u64).sum();
    let docs: Vec<Document> = corpus
        .docs
        .into_iter()
        .enumerate()
        .map(|(i, text)| Document::new(i.to_string(), text))
        .collect();
    let mut group = c.benchmark_group("store_insert");
    group.sample_size(10);
    group.throughput(Throughput::Bytes(bytes));
    group.bench_function("insert_batch_1000", |b| {
        b.iter_batched(
            || {
                let dir = tempfile::tempdir().unwrap();
                let store = Store::create(dir.path().join("i.ndx"), Config::default()).unwrap();
                (dir, store, docs.clone())
            },
            |(dir, store, docs)| {
                store.insert_batch(docs).unwrap();
                assert_eq!(store.len(), 1000);
                (dir, store)
            },
            BatchSize::PerIteration,
        )
    });
    group.finish();
}

fn benches(c: &mut Criterion) {
    bench_insert(c);
    bench_check(c, 10_000, None);
    bench_check(c, 100_000, None);
    match std::env::var_os("NEARDUP_BENCH_1M") {
        Some(dir) => {
            let dir = std::path::PathBuf::from(dir);
            std::fs::create_dir_all(&dir).unwrap();
            bench_check(c, 1_000_000, Some(&dir));
        }
        None => println!("store_1m: skipped (set NEARDUP_BENCH_1M to a folder to run it)"),
    }
}

criterion_group!(store, benches);
criterion_main!(store);
