//! The index in a file (`Store`): the same matches as `Index`, across restarts, removals and
//! threads, and clear errors for files it cannot use.

use std::collections::BTreeSet;

use neardup::{Config, Document, Error, Index, Kind, Match, Store, StoreProblem};

use crate::util::{Scratch, seeds, synthetic_corpus};

/// Matches as comparable values: every field, in order.
fn shown(found: &[Match]) -> Vec<String> {
    found.iter().map(|m| format!("{m:?}")).collect()
}

/// A corpus with duplicates and rewrites: the seeds and synthetic near-duplicates.
fn mixed() -> Vec<Document> {
    let mut docs = seeds();
    docs.extend(synthetic_corpus(7, 24));
    docs
}

/// Checking and inserting one document at a time flags, for each, exactly what
/// `Index::query` flags against the documents before it; after a restart, checking each
/// document gives what `Index::query` gives against all the others.
#[test]
fn check_and_insert_agrees_with_the_index_before_and_after_a_restart() {
    let scratch = Scratch::new();
    let path = scratch.path().join("news.ndx");
    let docs = mixed();
    let mut index = Index::new(Config::default()).unwrap();
    let mut flagged = 0;
    {
        let store = Store::create(&path, Config::default()).unwrap();
        for doc in &docs {
            let want = index.query(doc).unwrap();
            let got = store.check_and_insert(doc.clone()).unwrap();
            assert_eq!(shown(&got), shown(&want), "inserting {}", doc.id);
            flagged += got.len();
            index.insert(doc.clone()).unwrap();
        }
        assert_eq!(store.len(), docs.len());
    }
    assert!(flagged >= 10, "the corpus has pairs to find ({flagged})");
    let store = Store::open(&path, Config::default()).unwrap();
    assert_eq!(store.len(), docs.len());
    for doc in &docs {
        let want: Vec<Match> = index
            .query(doc)
            .unwrap()
            .into_iter()
            .filter(|m| !(m.a == doc.id && m.b == doc.id))
            .collect();
        let got = store.check(doc).unwrap();
        assert_eq!(shown(&got), shown(&want), "checking {}", doc.id);
    }
}

/// The seed articles streamed in order: only 001 is flagged, as a rewrite of 000.
#[test]
fn streamed_seeds_flag_only_the_rewrite() {
    let scratch = Scratch::new();
    let store = Store::create(scratch.path().join("seeds.ndx"), Config::default()).unwrap();
    let mut flagged = Vec::new();
    for doc in seeds() {
        for m in store.check_and_insert(doc.clone()).unwrap() {
            flagged.push((doc.id.clone(), m.kind, m.a.clone(), m.b.clone()));
        }
    }
    assert_eq!(flagged.len(), 1, "{flagged:?}");
    let (probe, kind, a, b) = &flagged[0];
    assert!(probe.starts_with("seeds/001"), "{probe}");
    assert_eq!(*kind, Kind::Rewrite);
    let mut pair = [&a[..9], &b[..9]];
    pair.sort();
    assert_eq!(pair, ["seeds/000", "seeds/001"]);
}

/// A removed document is neither matched nor kept, also after a restart; its id can be
/// used again. A second insert of an id is refused and adds nothing.
#[test]
fn removal_and_duplicate_ids() {
    let scratch = Scratch::new();
    let path = scratch.path().join("news.ndx");
    let docs = synthetic_corpus(3, 8);
    let copy = docs
        .iter()
        .find(|d| d.id.starts_with("copy-"))
        .unwrap()
        .clone();
    let original = docs
        .iter()
        .find(|d| d.id == copy.id.replace("copy-", "orig-"))
        .unwrap()
        .clone();
    let probe = Document::new("probe", copy.text.clone());
    {
        let store = Store::create(&path, Config::default()).unwrap();
        for d in &docs {
            store.insert(d.clone()).unwrap();
        }
        let err = store.insert(docs[0].clone()).unwrap_err();
        assert!(err.to_string().contains("already used"), "{err}");
        assert_eq!(store.len(), docs.len());
        let before: BTreeSet<String> = ids(&store.check(&probe).unwrap());
        assert_eq!(before, [copy.id.clone(), original.id.clone()].into());
        assert!(store.remove(&copy.id).unwrap());
        assert!(!store.remove(&copy.id).unwrap(), "already gone");
        assert_eq!(
            ids(&store.check(&probe).unwrap()),
            [original.id.clone()].into()
        );
    }
    let store = Store::open(&path, Config::default()).unwrap();
    assert_eq!(store.len(), docs.len() - 1);
    assert!(!store.contains(&copy.id));
    assert_eq!(
        ids(&store.check(&probe).unwrap()),
        [original.id.clone()].into()
    );
    store.insert(copy.clone()).unwrap();
    let store = {
        drop(store);
        Store::open(&path, Config::default()).unwrap()
    };
    assert_eq!(
        ids(&store.check(&probe).unwrap()),
        [copy.id, original.id].into()
    );
}

fn ids(found: &[Match]) -> BTreeSet<String> {
    found
        .iter()
        .flat_map(|m| [m.a.clone(), m.b.clone()])
        .filter(|id| id != "probe")
        .collect()
}

/// Several threads checking and inserting at once leave the index a sequential run would:
/// afterwards every document's matches are those of `Index::query` over the whole set.
/// Tolerance: scores agree to 1e-12, not bit for bit. Terms get their ids in the order
/// documents arrive, and a similarity sums shared weights in id order, so racing inserts
/// can change the last bits of a sum (pairs, kinds, directions and spans are exact).
#[test]
fn concurrent_writers_and_readers_leave_the_sequential_result() {
    let scratch = Scratch::new();
    let path = scratch.path().join("news.ndx");
    let docs = mixed();
    let store = Store::create(&path, Config::default()).unwrap();
    std::thread::scope(|s| {
        for part in docs.chunks(docs.len().div_ceil(4)) {
            let store = &store;
            s.spawn(move || {
                for d in part {
                    store.check_and_insert(d.clone()).unwrap();
                }
            });
        }
        // Readers while the writers run.
        for _ in 0..2 {
            let (store, docs) = (&store, &docs);
            s.spawn(move || {
                for d in docs.iter().rev() {
                    store.check(d).unwrap();
                }
            });
        }
    });
    assert_eq!(store.len(), docs.len());
    let mut index = Index::new(Config::default()).unwrap();
    index.insert_batch(docs.clone()).unwrap();
    let check_all = |store: &Store| {
        for doc in &docs {
            let want: Vec<Match> = index
                .query(doc)
                .unwrap()
                .into_iter()
                .filter(|m| !(m.a == doc.id && m.b == doc.id))
                .collect();
            let got = store.check(doc).unwrap();
            assert_eq!(got.len(), want.len(), "{}", doc.id);
            for (g, w) in got.iter().zip(&want) {
                assert_close(g, w);
            }
        }
    };
    check_all(&store);
    drop(store);
    check_all(&Store::open(&path, Config::default()).unwrap());
}

/// Two matches equal but for the last bits of their scores (see above).
fn assert_close(g: &Match, w: &Match) {
    let near = |x: f64, y: f64| (x - y).abs() <= 1e-12;
    assert_eq!(
        (&g.a, &g.b, g.kind, g.direction),
        (&w.a, &w.b, w.kind, w.direction)
    );
    assert!(near(g.jaccard, w.jaccard) && near(g.estimated_jaccard, w.estimated_jaccard));
    assert!(near(g.containment_a, w.containment_a) && near(g.containment_b, w.containment_b));
    let (gc, wc) = (
        g.coverage.unwrap_or_default(),
        w.coverage.unwrap_or_default(),
    );
    assert!(near(gc.0, wc.0) && near(gc.1, wc.1), "{g:?} {w:?}");
    assert_eq!(g.passages.len(), w.passages.len());
    for (p, q) in g.passages.iter().zip(&w.passages) {
        assert_eq!((p.a, p.b), (q.a, q.b));
        assert!(near(p.similarity, q.similarity), "{p:?} {q:?}");
    }
}

fn store_problem(result: Result<Store, Error>) -> StoreProblem {
    match result {
        Err(Error::Store { problem, .. }) => problem,
        other => panic!("expected a store error, got {other:?}"),
    }
}

/// Opening with other analysis settings, a foreign file, a file in use or a path that
/// exists: each is a clear error, and the file is left as it was.
#[test]
fn files_it_cannot_use_are_clear_errors() {
    let scratch = Scratch::new();
    let path = scratch.path().join("news.ndx");
    {
        let store = Store::create(&path, Config::default()).unwrap();
        store.insert(seeds().remove(0)).unwrap();
    }
    let before = std::fs::read(&path).unwrap();
    let other = Config::default().shingle_size(4);
    let problem = store_problem(Store::open(&path, other));
    assert_eq!(
        problem,
        StoreProblem::Settings {
            field: "shingle_size",
            stored: "5".into(),
            given: "4".into()
        }
    );
    let message = Store::open(&path, Config::default().seed(9))
        .unwrap_err()
        .to_string();
    assert!(
        message.starts_with(&path.display().to_string()),
        "{message}"
    );
    assert!(message.contains("seed"), "{message}");
    assert_eq!(
        store_problem(Store::create(&path, Config::default())),
        StoreProblem::Exists
    );
    let open = Store::open(&path, Config::default()).unwrap();
    assert_eq!(
        store_problem(Store::open(&path, Config::default())),
        StoreProblem::Locked
    );
    drop(open);
    assert_eq!(std::fs::read(&path).unwrap(), before);
    let foreign = scratch.path().join("notes.txt");
    std::fs::write(&foreign, "just some notes\n").unwrap();
    assert_eq!(
        store_problem(Store::open(&foreign, Config::default())),
        StoreProblem::Foreign
    );
    // A rewrite-threshold change is not an analysis setting: it may differ.
    let looser = Config::default().passage_threshold(0.3);
    assert_eq!(Store::open(&path, looser).unwrap().len(), 1);
}
