//! The index in a file (`Store`): the same matches as `Index`, across restarts, removals and
//! threads, and clear errors for files it cannot use.

use std::collections::BTreeSet;

use neardup::{Config, Document, Error, Index, Kind, Match, Store, StoreProblem};

use crate::util::{Scratch, seeds, shared_docs, synthetic_corpus};

/// Matches as comparable values: every field, in order.
fn shown(found: &[Match]) -> Vec<String> {
    found.iter().map(|m| format!("{m:?}")).collect()
}

/// `Index::query` of a document the index holds, without its match with itself.
fn others(index: &Index, doc: &Document) -> Vec<Match> {
    let found = index.query(doc).unwrap();
    found
        .into_iter()
        .filter(|m| !(m.a == doc.id && m.b == doc.id))
        .collect()
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
            let got = store.check_and_insert(doc).unwrap();
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
        let want = others(&index, doc);
        let got = store.check(doc).unwrap();
        assert_eq!(shown(&got), shown(&want), "checking {}", doc.id);
    }
}

/// A match as a reader names it: its kind and, when the direction is known, which document
/// is the source; the two documents in either order when it is not.
fn named(m: &Match) -> (Kind, String, String, &'static str) {
    let (mut a, mut b) = (m.a.clone(), m.b.clone());
    if !m.direction.is_known() && b < a {
        std::mem::swap(&mut a, &mut b);
    }
    (m.kind, a, b, m.direction.as_str())
}

/// The 2,225 BBC articles inserted one at a time with `check_and_insert` flag exactly what a
/// scan of the whole set flags (`Index::pairs`): the same pairs with the same kinds,
/// directions, scores and passages, although each article was checked when the index held
/// only the articles before it. After a restart, `check` of each article finds each of those
/// pairs again, from both sides, and nothing else.
#[test]
#[cfg_attr(
    not(shared_data),
    ignore = "../shared/data not found: set NEARDUP_DATA to the corpora folder to run it"
)]
fn bbc_one_at_a_time_flags_what_a_scan_of_the_whole_set_flags() {
    let docs = shared_docs("bbc-news/docs");
    assert_eq!(docs.len(), 2225);
    let mut index = Index::new(Config::default()).unwrap();
    index.insert_batch(docs.clone()).unwrap();
    let scanned = index.pairs();
    for kind in [
        Kind::ExactDuplicate,
        Kind::NearDuplicate,
        Kind::Rewrite,
        Kind::PartialCopy,
    ] {
        let n = scanned.iter().filter(|m| m.kind == kind).count();
        assert!(n >= 50, "the set has {kind:?} pairs to find ({n})");
    }
    let scratch = Scratch::new();
    let path = scratch.path().join("bbc.ndx");
    let mut streamed = Vec::new();
    {
        let store = Store::create(&path, Config::default()).unwrap();
        for doc in &docs {
            streamed.extend(store.check_and_insert(doc).unwrap());
        }
    }
    let as_set = |found: &[Match]| -> BTreeSet<String> { shown(found).into_iter().collect() };
    let (want, got) = (as_set(&scanned), as_set(&streamed));
    assert_eq!(got.len(), streamed.len(), "each pair flagged once");
    let missed: Vec<_> = want.difference(&got).collect();
    let extra: Vec<_> = got.difference(&want).collect();
    assert!(
        missed.is_empty() && extra.is_empty(),
        "{} of the scan's {} pairs not flagged one at a time: {missed:#?}\n{} flagged only one at a time: {extra:#?}",
        missed.len(),
        want.len(),
        extra.len()
    );

    let store = Store::open(&path, Config::default()).unwrap();
    let mut rechecked: Vec<_> = Vec::new();
    for doc in &docs {
        rechecked.extend(store.check(doc).unwrap().iter().map(named));
    }
    rechecked.sort();
    let mut twice: Vec<_> = scanned.iter().flat_map(|m| [named(m), named(m)]).collect();
    twice.sort();
    assert_eq!(rechecked, twice);
}

/// Opening with progress reports the documents analysed, from none to all, and opens the
/// same index as `Store::open` (read-only here).
#[test]
fn opening_reports_its_progress() {
    let scratch = Scratch::new();
    let path = scratch.path().join("news.ndx");
    let docs = mixed();
    Store::create(&path, Config::default())
        .unwrap()
        .insert_batch(docs.clone())
        .unwrap();
    let seen = std::cell::RefCell::new(Vec::new());
    let store = Store::open_with_progress(&path, Config::default(), true, &|done, total| {
        seen.borrow_mut().push((done, total))
    })
    .unwrap();
    let seen = seen.into_inner();
    let n = docs.len();
    assert_eq!(seen.first(), Some(&(0, n)));
    assert_eq!(seen.last(), Some(&(n, n)));
    assert!(seen.windows(2).all(|w| w[0].0 <= w[1].0), "{seen:?}");
    assert_eq!(store.len(), n);
    let fresh = Document::new("fresh", "A new article about the harbour and its ferries.");
    assert!(matches!(
        store.insert(fresh),
        Err(Error::Store {
            problem: StoreProblem::ReadOnly,
            ..
        })
    ));
}

/// The seed articles streamed in order: only 001 is flagged, as a rewrite of 000.
#[test]
fn streamed_seeds_flag_only_the_rewrite() {
    let scratch = Scratch::new();
    let store = Store::create(scratch.path().join("seeds.ndx"), Config::default()).unwrap();
    let mut flagged = Vec::new();
    for doc in seeds() {
        for m in store.check_and_insert(&doc).unwrap() {
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
/// afterwards every document's matches are those of `Index::query` over the whole set, bit
/// for bit (terms get their ids in the order documents arrive, but weights are multiples of
/// 2^-32, so sums do not depend on the order of their terms).
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
                    store.check_and_insert(d).unwrap();
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
            let want = others(&index, doc);
            assert_eq!(
                shown(&store.check(doc).unwrap()),
                shown(&want),
                "{}",
                doc.id
            );
        }
    };
    check_all(&store);
    drop(store);
    check_all(&Store::open(&path, Config::default()).unwrap());
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
    let looser = Config::default().passage_threshold(0.4);
    assert_eq!(Store::open(&path, looser).unwrap().len(), 1);
}

/// A read-only open takes no lock: it opens a file that a writer holds and sees the
/// documents added before it opened, matching as `Index::query` over those does. Inserting, removing and
/// compacting through it fail with `ReadOnly` and change neither the file nor its documents.
#[test]
fn a_read_only_store_checks_beside_a_writer_and_writes_nothing() {
    let scratch = Scratch::new();
    let path = scratch.path().join("news.ndx");
    let docs = mixed();
    let (first, later) = docs.split_at(docs.len() / 2);
    let writer = Store::create(&path, Config::default()).unwrap();
    writer.insert_batch(first.to_vec()).unwrap();
    let reader = Store::open_read_only(&path, Config::default()).unwrap();
    writer.insert_batch(later.to_vec()).unwrap();
    assert_eq!(reader.len(), first.len(), "what was there when it opened");
    let mut index = Index::new(Config::default()).unwrap();
    index.insert_batch(first.to_vec()).unwrap();
    let mut flagged = 0;
    for doc in later {
        let want = index.query(doc).unwrap();
        let got = reader.check(doc).unwrap();
        assert_eq!(shown(&got), shown(&want), "checking {}", doc.id);
        flagged += got.len();
    }
    assert!(flagged > 0, "the later half has matches in the first");
    let before = std::fs::read(&path).unwrap();
    let read_only = |result: Result<(), Error>| match result {
        Err(Error::Store {
            problem: StoreProblem::ReadOnly,
            path: named,
        }) => assert_eq!(named, path),
        other => panic!("expected ReadOnly, got {other:?}"),
    };
    read_only(reader.insert(later[0].clone()).map(drop));
    read_only(reader.check_and_insert(&later[0]).map(drop));
    read_only(reader.remove(&first[0].id).map(drop));
    read_only(reader.compact().map(drop));
    assert_eq!(reader.len(), first.len());
    assert!(reader.contains(&first[0].id) && !reader.contains(&later[0].id));
    assert_eq!(std::fs::read(&path).unwrap(), before);
}

/// A writer (`neardup index add --acks`) killed with SIGKILL at random moments, 200 times:
/// the index always opens; it holds every document whose insert was acknowledged, and the
/// documents of each run that it holds are the first ones of that run's input, each whole
/// (no half-written one). A fresh file every 25 runs keeps the replays short. The window in
/// which kills land adapts to the machine's speed; the test checks that at least 20 runs
/// were cut in the middle, so it cannot pass by killing only idle writers.
#[test]
#[cfg(unix)]
fn killed_writers_never_lose_or_corrupt_the_index() {
    use std::io::{BufRead, Write};
    use std::process::{Command, Stdio};

    let scratch = Scratch::new();
    let texts: Vec<String> = synthetic_corpus(11, 12)
        .into_iter()
        .map(|d| d.text)
        .collect();
    let mut rng = crate::util::Rng::new(5);
    let (mut partial, mut acked_total) = (0, 0);
    // Kills land at a random moment within `window` microseconds of the start; the window
    // follows the machine's speed, so that most kills fall while the writer is adding.
    let mut window = 60_000;
    for round in 0..200 {
        let path = scratch.path().join(format!("crash-{}.ndx", round / 25));
        let input: Vec<(String, &str)> = texts
            .iter()
            .cycle()
            .take(3 * texts.len())
            .enumerate()
            .map(|(i, t)| (format!("r{round}-{i:02}"), t.as_str()))
            .collect();
        let mut jsonl = String::new();
        for (id, text) in &input {
            let line = serde_json::json!({ "id": id, "text": text });
            jsonl.push_str(&format!("{line}\n"));
        }
        let batch = (1 + rng.below(3)).to_string();
        let mut child = Command::new(env!("CARGO_BIN_EXE_neardup"))
            .args(["index", "add", "--db"])
            .arg(&path)
            .args(["--jsonl", "-", "--acks", "-q", "--batch", &batch])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("the neardup binary runs");
        let mut stdin = child.stdin.take().unwrap();
        // The writer may be killed before it reads everything: ignore a broken pipe.
        let feeder = std::thread::spawn(move || {
            let _ = stdin.write_all(jsonl.as_bytes());
        });
        let stdout = child.stdout.take().unwrap();
        let reader = std::thread::spawn(move || {
            let mut acked = Vec::new();
            for line in std::io::BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                let record: serde_json::Value = serde_json::from_str(&line).unwrap();
                assert_eq!(record["type"], "added", "{line}");
                acked.push(record["id"].as_str().unwrap().to_string());
            }
            acked
        });
        std::thread::sleep(std::time::Duration::from_micros(rng.below(window) as u64));
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        feeder.join().unwrap();
        let acked = reader.join().unwrap();
        if !path.exists() {
            assert!(acked.is_empty(), "acknowledged without a file: {acked:?}");
            window += window / 4;
            continue;
        }
        let store = Store::open(&path, Config::default())
            .unwrap_or_else(|e| panic!("round {round}: the index does not open: {e}"));
        let held: Vec<bool> = input.iter().map(|(id, _)| store.contains(id)).collect();
        let prefix = held.iter().take_while(|&&h| h).count();
        assert!(
            held[prefix..].iter().all(|&h| !h),
            "round {round}: not a prefix: {held:?}"
        );
        assert!(
            acked.len() <= prefix,
            "round {round}: acknowledged but lost"
        );
        for (id, text) in &input[..prefix] {
            assert_eq!(store.text(id).unwrap().as_deref(), Some(*text), "{id}");
        }
        for (id, _) in &input[..acked.len()] {
            assert!(acked.contains(id), "acknowledgements come in input order");
        }
        partial += usize::from(prefix > 0 && prefix < input.len());
        if prefix == 0 {
            window += window / 4;
        } else if prefix == input.len() {
            window -= window / 5;
        }
        acked_total += acked.len();
    }
    // The kills must have landed in the middle of runs, not only before or after them.
    assert!(partial >= 20, "only {partial} runs were cut in the middle");
    assert!(
        acked_total >= 200,
        "only {acked_total} acknowledged inserts"
    );
}

/// With a window, documents older than it (counting back from the newest) are not matched;
/// compaction drops them from the file and from memory, and a restart keeps them out. With
/// `ignore_same_outlet`, an outlet's own copies are not flagged.
#[test]
fn the_window_and_the_outlet_rule() {
    use neardup::Timestamp;
    let day = |d: i64| Timestamp {
        seconds: 1_700_000_000 + d * 86_400,
        nanos: 0,
    };
    let docs = synthetic_corpus(21, 8);
    let base = docs.iter().find(|d| d.id.starts_with("copy-")).unwrap();
    let text = base.text.clone();
    let scratch = Scratch::new();
    let path = scratch.path().join("window.ndx");
    let config = Config::default()
        .window(Some(std::time::Duration::from_secs(30 * 86_400)))
        .ignore_same_outlet(true);
    let old = Document::new("old", text.clone())
        .published(day(0))
        .outlet("A");
    let recent = Document::new("recent", text.clone())
        .published(day(20))
        .outlet("A");
    let filler: Vec<Document> = docs
        .iter()
        .filter(|d| d.text != text)
        .map(|d| d.clone().published(day(45)))
        .collect();
    let store = Store::create(&path, config.clone()).unwrap();
    store.insert(old).unwrap();
    store.insert(recent).unwrap();
    // On day 40 the old copy is out of the window, the recent one is in.
    let probe = Document::new("probe", text.clone())
        .published(day(40))
        .outlet("B");
    assert_eq!(
        ids(&store.check(&probe).unwrap()),
        ["recent".to_string()].into()
    );
    // The same outlet's copy is not flagged.
    let own = Document::new("own", text.clone())
        .published(day(40))
        .outlet("A");
    assert!(store.check(&own).unwrap().is_empty());
    // Articles of day 45 move the window: "recent" (day 20) is still in, "old" is dropped.
    for d in &filler {
        store.insert(d.clone()).unwrap();
    }
    let before = std::fs::metadata(&path).unwrap().len();
    let done = store.compact().unwrap();
    assert_eq!(done.dropped, 1);
    assert_eq!(done.kept, filler.len() + 1);
    assert!(done.bytes_after < before, "{done:?}");
    assert_eq!(std::fs::metadata(&path).unwrap().len(), done.bytes_after);
    assert!(!store.contains("old") && store.contains("recent"));
    assert_eq!(
        ids(&store.check(&probe).unwrap()),
        ["recent".to_string()].into()
    );
    drop(store);
    let store = Store::open(&path, config).unwrap();
    assert_eq!(store.len(), filler.len() + 1);
    assert!(!store.contains("old"));
    // Without a window nothing expires.
    drop(store);
    let all = Store::open(&path, Config::default()).unwrap();
    assert_eq!(all.len(), filler.len() + 1);
}

/// An index's stored settings can be read before it is opened and used to open it;
/// `open_or_create` creates a missing index and opens an existing one (checking settings).
#[test]
fn stored_settings_and_open_or_create() {
    let scratch = Scratch::new();
    let path = scratch.path().join("news.ndx");
    let built = Config::default().threshold(0.6).shingle_size(4);
    {
        let store = Store::open_or_create(&path, built.clone()).unwrap();
        store.insert(seeds().remove(0)).unwrap();
        assert!(store.interrupted_write().is_none());
    }
    let stored = neardup::store::Settings::read(&path).unwrap();
    assert_eq!(stored, neardup::store::Settings::of(&built));
    let store = Store::open(&path, stored.apply(Config::default())).unwrap();
    assert_eq!(store.len(), 1);
    drop(store);
    let reopened = Store::open_or_create(&path, built).unwrap();
    assert_eq!(reopened.len(), 1);
    drop(reopened);
    assert!(matches!(
        store_problem(Store::open_or_create(&path, Config::default())),
        StoreProblem::Settings {
            field: "shingle_size",
            ..
        }
    ));
}

/// A Store refuses a truncated file and one with junk after its last record, leaving both as
/// they are; `Store::repair` makes them usable with the whole records kept; the start of an
/// interrupted batch is cut off by a writable open and shown in `interrupted_write`.
#[test]
fn damaged_files_are_refused_until_repaired() {
    let scratch = Scratch::new();
    let path = scratch.path().join("news.ndx");
    let docs = seeds();
    {
        let store = Store::create(&path, Config::default()).unwrap();
        for doc in &docs[..4] {
            store.insert(doc.clone()).unwrap();
        }
    }
    let whole = std::fs::read(&path).unwrap();
    {
        let store = Store::open(&path, Config::default()).unwrap();
        store.insert(docs[4].clone()).unwrap();
    }
    let five = std::fs::read(&path).unwrap();

    std::fs::write(&path, &whole[..whole.len() / 2]).unwrap();
    for read_only in [false, true] {
        let opened = Store::open_with_progress(&path, Config::default(), read_only, &|_, _| {});
        assert!(
            matches!(store_problem(opened), StoreProblem::Truncated { committed, .. } if committed == whole.len() as u64)
        );
    }
    let repair = Store::repair(&path).unwrap();
    assert!(repair.changed() && repair.kept < 4, "{repair:?}");
    assert_eq!(
        Store::open(&path, Config::default()).unwrap().len(),
        repair.kept
    );

    let mut junk = whole.clone();
    junk.extend_from_slice(&[7u8; 16]);
    std::fs::write(&path, &junk).unwrap();
    assert!(matches!(
        store_problem(Store::open(&path, Config::default())),
        StoreProblem::Corrupt { offset, .. } if offset == whole.len() as u64
    ));
    assert_eq!(std::fs::read(&path).unwrap(), junk);
    let reader = Store::open_read_only(&path, Config::default()).unwrap();
    assert_eq!(reader.len(), 4);
    assert_eq!(reader.interrupted_write().map(|t| t.cut), Some(false));
    drop(reader);

    let mut torn = whole.clone();
    torn.extend_from_slice(&five[whole.len()..five.len() - 9]);
    std::fs::write(&path, &torn).unwrap();
    let store = Store::open(&path, Config::default()).unwrap();
    assert_eq!(store.len(), 4);
    let tail = store.interrupted_write().unwrap();
    assert!(tail.cut && tail.offset == whole.len() as u64, "{tail:?}");
    assert_eq!(std::fs::read(&path).unwrap(), whole);
}
