//! [`Store`]: an index that lives in a file, for a job that checks documents as they come
//! and adds them.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, RwLock};

use rayon::prelude::*;

use super::log::{self, Entry, Log, Record};
use crate::config::{Config, NORMALIZE_VERSION};
use crate::detect::{Detector, PASSAGE_BANDS, PASSAGE_ROWS, Profile, Side};
use crate::document::{DocId, Document, Timestamp};
use crate::error::{Error, InputProblem, Result, StoreProblem};
use crate::lsh::{self, Lsh};
use crate::report::Match;
use crate::rewrite::Stats;
use crate::search::{self, Searched};

/// Passage buckets larger than this are skipped, as in [`Index`](crate::Index).
const PASSAGE_MAX_BUCKET: usize = 30;
/// Documents analysed at a time when an index is opened.
const OPEN_CHUNK: usize = 4096;

/// An index in a file: documents are checked against it and added to it one at a time, and
/// it is opened again after a restart with everything that was added (see the
/// [module docs](super) for the file and its guarantees).
///
/// It finds what [`Index`](crate::Index) finds, with the same code: [`Store::check`] of a
/// document gives the matches [`Index::query`](crate::Index::query) gives for it against the
/// same documents. Texts stay on disk: a candidate's text is read back when it is verified.
///
/// `Store` is `Send + Sync`. Checks share a read lock on the in-memory tables; an insert
/// analyses its document and writes its record without that lock, and takes it for writing
/// only to add the document's table entries. Inserts are serialised among themselves, so
/// [`Store::check_and_insert`] is atomic: it flags what a sequential run in the same order
/// would.
///
/// # Example
///
/// ```
/// use neardup::{Config, Document, Kind, Store};
///
/// let dir = std::env::temp_dir().join(format!("neardup-store-doc-{}", std::process::id()));
/// std::fs::create_dir_all(&dir).unwrap();
/// let path = dir.join("news.ndx");
/// # let _ = std::fs::remove_file(&path);
/// let text = "The council approved the new budget on Monday night after a long debate.";
/// {
///     let store = Store::create(&path, Config::default())?;
///     assert!(store.check_and_insert(Document::new("a", text))?.is_empty());
/// }
/// // After a restart, the document is still there.
/// let store = Store::open(&path, Config::default())?;
/// let found = store.check(&Document::new("b", text))?;
/// assert_eq!(found.len(), 1);
/// assert_eq!(found[0].kind, Kind::ExactDuplicate);
/// # drop(store); std::fs::remove_dir_all(&dir).unwrap();
/// # Ok::<(), neardup::Error>(())
/// ```
#[derive(Debug)]
pub struct Store {
    detector: Detector,
    /// Band keys of signatures (its tables stay empty).
    shape: Lsh,
    path: PathBuf,
    /// Appends; held through a whole insert, so inserts happen one at a time.
    writer: Mutex<Log>,
    reader: log::Reader,
    state: RwLock<State>,
}

/// The in-memory part: tables, statistics and where each document's record is.
#[derive(Debug)]
struct State {
    lsh: Lsh,
    passage_lsh: Lsh,
    stats: Stats,
    /// By [`DocId`]; `None` once removed.
    slots: Vec<Option<Slot>>,
    ids: HashMap<String, DocId, ahash::RandomState>,
    by_text: HashMap<u64, Vec<DocId>, ahash::RandomState>,
    /// The document and sentence of each passage entry.
    entries: Vec<(DocId, u32)>,
    /// The fingerprint of each passage entry's sentence (for boilerplate).
    prints: Vec<u64>,
}

/// What the index keeps in memory of one document.
#[derive(Clone, Copy, Debug)]
struct Slot {
    /// Where its record starts in the file.
    offset: u64,
    text_hash: u64,
    /// Its passage entries.
    entries: (u32, u32),
}

/// A document analysed for insertion: its profile and table keys.
struct Analysed {
    profile: Profile,
    keys: Vec<u64>,
    passage_keys: Vec<(usize, Vec<u64>)>,
}

impl Store {
    /// Creates an index file at `path` for documents analysed under `config`.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] if the config is not valid; [`StoreProblem::Exists`] if the path
    /// exists; [`Error::Io`] if it cannot be written.
    pub fn create(path: impl AsRef<Path>, config: Config) -> Result<Store> {
        config.validate()?;
        let path = path.as_ref();
        let log = Log::create(path, &settings(&config).to_string())?;
        Store::with_log(path, config, log)
    }

    /// Opens the index file at `path`, checking that it was made with the same analysis
    /// settings as `config` (shingle size, hashes, seed, threshold, normalisation), and
    /// rebuilds its tables from the documents it holds.
    ///
    /// # Errors
    ///
    /// [`StoreProblem::Settings`] if a setting differs; the errors of
    /// [`Log::open`](log::Log::open) for a missing, foreign, newer, damaged or busy file.
    pub fn open(path: impl AsRef<Path>, config: Config) -> Result<Store> {
        config.validate()?;
        let path = path.as_ref();
        // First the ids that are still in, and where their records are.
        let mut live: Vec<(u64, String)> = Vec::new();
        let mut at: HashMap<String, usize, ahash::RandomState> = HashMap::default();
        let (log, stored) = Log::open(path, |offset, record| {
            let inconsistent = |reason: &str| {
                let problem = StoreProblem::Corrupt {
                    offset,
                    reason: reason.into(),
                };
                Err(Error::store(path, problem))
            };
            match record {
                Record::Insert(entry) => {
                    if at.contains_key(&entry.id) {
                        return inconsistent("a document added twice");
                    }
                    at.insert(entry.id.clone(), live.len());
                    live.push((offset, entry.id));
                }
                Record::Remove { id } => match at.remove(&id) {
                    Some(i) => live[i].1.clear(),
                    None => return inconsistent("removal of a document not in the index"),
                },
            }
            Ok(())
        })?;
        check_settings(path, &stored, &config)?;
        let store = Store::with_log(path, config, log)?;
        live.retain(|(_, id)| !id.is_empty());
        drop(at);
        // Then the documents, analysed in parallel a chunk at a time, added in order.
        for chunk in live.chunks(OPEN_CHUNK) {
            let read: Vec<(u64, Document, Analysed)> = chunk
                .par_iter()
                .map(|&(offset, _)| {
                    let doc = store.document_at(offset)?;
                    let analysed = store.analyse(&doc);
                    Ok((offset, doc, analysed))
                })
                .collect::<Result<_>>()?;
            let mut state = store.state.write().expect("no panic while writing");
            for (offset, doc, analysed) in read {
                state.add(doc.id, offset, analysed);
            }
        }
        Ok(store)
    }

    fn with_log(path: &Path, config: Config, log: Log) -> Result<Store> {
        let (bands, rows) = lsh::shape(
            config.threshold,
            config.num_hashes,
            config.false_negative_weight,
        );
        let state = State {
            lsh: Lsh::new(bands, rows),
            passage_lsh: Lsh::with_max_bucket(PASSAGE_BANDS, PASSAGE_ROWS, PASSAGE_MAX_BUCKET),
            stats: Stats::new(),
            slots: Vec::new(),
            ids: HashMap::default(),
            by_text: HashMap::default(),
            entries: Vec::new(),
            prints: Vec::new(),
        };
        Ok(Store {
            detector: Detector::new(config),
            shape: Lsh::new(bands, rows),
            path: path.to_path_buf(),
            reader: log.reader()?,
            writer: Mutex::new(log),
            state: RwLock::new(state),
        })
    }

    /// The index file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The config the index was opened with.
    pub fn config(&self) -> &Config {
        &self.detector.config
    }

    /// The number of documents in the index.
    pub fn len(&self) -> usize {
        self.read().ids.len()
    }

    /// Whether the index holds no document.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether a document with this id is in the index.
    pub fn contains(&self, id: &str) -> bool {
        self.read().ids.contains_key(id)
    }

    /// The indexed documents that are exact duplicates, near-duplicates or rewrites of `doc`,
    /// as [`Index::query`](crate::Index::query) gives them. `doc` is not added; if a document
    /// with its id is indexed, it is not compared with itself.
    ///
    /// # Errors
    ///
    /// If a candidate's record cannot be read back (a damaged file, an I/O error).
    pub fn check(&self, doc: &Document) -> Result<Vec<Match>> {
        let probe = self.detector.profile(&doc.text);
        let state = self.read();
        let own = state.ids.get(&doc.id).copied();
        let view = View {
            store: self,
            state: &state,
        };
        search::query(&self.detector, &view, doc, &probe, &|id| Some(id) == own)
    }

    /// Checks `doc` against the index, then adds it, as one step: the matches are those of
    /// [`Store::check`] just before the insert. When this returns `Ok`, the document is on
    /// disk.
    ///
    /// # Errors
    ///
    /// [`Error::Input`] with [`InputProblem::DuplicateId`] if its id is already indexed (then
    /// nothing is added); the errors of [`Store::check`]; [`Error::Io`] if the record cannot
    /// be written (then nothing is added).
    pub fn check_and_insert(&self, doc: Document) -> Result<Vec<Match>> {
        self.add(doc, true)
    }

    /// Adds `doc` without checking it.
    ///
    /// # Errors
    ///
    /// As [`Store::check_and_insert`].
    pub fn insert(&self, doc: Document) -> Result<()> {
        self.add(doc, false).map(drop)
    }

    /// Adds documents without checking them, with one flush to disk for all: the bulk load
    /// of an archive. All or none: when this returns `Ok`, every one is on disk.
    ///
    /// # Errors
    ///
    /// [`Error::Input`] with [`InputProblem::DuplicateId`] if an id is already indexed or
    /// comes twice (then nothing is added); [`Error::Io`] if the records cannot be written.
    pub fn insert_batch(&self, docs: Vec<Document>) -> Result<()> {
        let analysed: Vec<Analysed> = docs.par_iter().map(|d| self.analyse(d)).collect();
        let mut log = self.writer.lock().expect("no panic while appending");
        {
            let state = self.read();
            let mut seen = std::collections::HashSet::new();
            for doc in &docs {
                if state.ids.contains_key(&doc.id) || !seen.insert(doc.id.as_str()) {
                    let problem = InputProblem::DuplicateId { id: doc.id.clone() };
                    return Err(Error::input(&doc.id, problem));
                }
            }
        }
        let inserted = now();
        let records: Vec<Record> = docs
            .into_iter()
            .map(|doc| {
                Record::Insert(Entry {
                    id: doc.id,
                    text: doc.text,
                    published: doc.published,
                    outlet: doc.outlet,
                    inserted,
                })
            })
            .collect();
        let offsets = log.append_batch(&records)?;
        let mut state = self.state.write().expect("no panic while writing");
        for ((record, offset), analysed) in records.into_iter().zip(offsets).zip(analysed) {
            let Record::Insert(entry) = record else {
                unreachable!("only inserts")
            };
            state.add(entry.id, offset, analysed);
        }
        Ok(())
    }

    /// The text of the indexed document with this id, read back from disk.
    ///
    /// # Errors
    ///
    /// If its record cannot be read back.
    pub fn text(&self, id: &str) -> Result<Option<String>> {
        let Some((_, slot)) = self.read().find(id) else {
            return Ok(None);
        };
        Ok(Some(self.document_at(slot.offset)?.text))
    }

    fn add(&self, doc: Document, check: bool) -> Result<Vec<Match>> {
        let analysed = self.analyse(&doc);
        let mut log = self.writer.lock().expect("no panic while appending");
        let found = {
            let state = self.read();
            if state.ids.contains_key(&doc.id) {
                let problem = InputProblem::DuplicateId { id: doc.id.clone() };
                return Err(Error::input(&doc.id, problem));
            }
            if check {
                let view = View {
                    store: self,
                    state: &state,
                };
                search::query(&self.detector, &view, &doc, &analysed.profile, &|_| false)?
            } else {
                Vec::new()
            }
        };
        let entry = Entry {
            id: doc.id,
            text: doc.text,
            published: doc.published,
            outlet: doc.outlet,
            inserted: now(),
        };
        let offset = log.append(&Record::Insert(entry.clone()))?;
        self.state
            .write()
            .expect("no panic while writing")
            .add(entry.id, offset, analysed);
        Ok(found)
    }

    /// Removes the document with this id; `false` if there is none. When this returns
    /// `Ok(true)`, the removal is on disk.
    ///
    /// # Errors
    ///
    /// If its record cannot be read back, or the removal cannot be written.
    pub fn remove(&self, id: &str) -> Result<bool> {
        let mut log = self.writer.lock().expect("no panic while appending");
        let Some((doc, slot)) = self.read().find(id) else {
            return Ok(false);
        };
        // What it added to the tables, derived again from its text.
        let analysed = self.analyse(&self.document_at(slot.offset)?);
        log.append(&Record::Remove { id: id.into() })?;
        let mut state = self.state.write().expect("no panic while writing");
        state.take(id, doc, slot, &analysed);
        Ok(true)
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, State> {
        self.state.read().expect("no panic while writing")
    }

    /// The document whose insert record starts at `offset`.
    fn document_at(&self, offset: u64) -> Result<Document> {
        match self.reader.read(offset)? {
            Record::Insert(e) => Ok(Document {
                id: e.id,
                text: e.text,
                published: e.published,
                outlet: e.outlet,
            }),
            Record::Remove { .. } => {
                let problem = StoreProblem::Corrupt {
                    offset,
                    reason: "a removal where a document was expected".into(),
                };
                Err(Error::store(&self.path, problem))
            }
        }
    }

    fn analyse(&self, doc: &Document) -> Analysed {
        let profile = self.detector.profile(&doc.text);
        let keys = self.shape.keys(&profile.signature);
        let passage_keys = self.detector.passage_keys(&profile.passages);
        Analysed {
            profile,
            keys,
            passage_keys,
        }
    }
}

impl State {
    /// Adds an analysed document whose record is at `offset`.
    fn add(&mut self, id: String, offset: u64, analysed: Analysed) {
        let doc = DocId(u32::try_from(self.slots.len()).expect("fewer than 2^32 documents"));
        let first = self.entries.len() as u32;
        let profile = &analysed.profile;
        self.stats.add(&profile.passages);
        if !profile.is_empty() {
            self.by_text.entry(profile.text_hash).or_default().push(doc);
            self.lsh.insert_batch(&[(doc, analysed.keys)]);
            let mut rows = Vec::with_capacity(analysed.passage_keys.len());
            for (sentence, keys) in analysed.passage_keys {
                let entry = DocId(self.entries.len() as u32);
                self.entries.push((doc, sentence as u32));
                self.prints
                    .push(profile.passages.get(sentence).fingerprint());
                rows.push((entry, keys));
            }
            self.passage_lsh.insert_batch(&rows);
        }
        self.slots.push(Some(Slot {
            offset,
            text_hash: profile.text_hash,
            entries: (first, self.entries.len() as u32),
        }));
        self.ids.insert(id, doc);
    }

    /// The document with this id and its slot.
    fn find(&self, id: &str) -> Option<(DocId, Slot)> {
        let doc = *self.ids.get(id)?;
        Some((doc, self.slots[doc.as_usize()].expect("indexed")))
    }

    /// Takes out a document, given what its analysis added.
    fn take(&mut self, id: &str, doc: DocId, slot: Slot, analysed: &Analysed) {
        let profile = &analysed.profile;
        self.stats.remove(&profile.passages);
        if !profile.is_empty() {
            self.lsh.remove(doc, &analysed.keys);
            if let Some(same) = self.by_text.get_mut(&slot.text_hash) {
                same.retain(|&d| d != doc);
                if same.is_empty() {
                    self.by_text.remove(&slot.text_hash);
                }
            }
            let entries = slot.entries.0..slot.entries.1;
            for (entry, (_, keys)) in entries.zip(&analysed.passage_keys) {
                self.passage_lsh.remove(DocId(entry), keys);
            }
        }
        self.slots[doc.as_usize()] = None;
        self.ids.remove(id);
    }
}

/// The index as a query searches it: its tables, and its documents read back from disk.
struct View<'a> {
    store: &'a Store,
    state: &'a State,
}

impl Searched for View<'_> {
    fn stats(&self) -> &Stats {
        &self.state.stats
    }

    fn candidates(&self, probe: &Profile) -> Vec<DocId> {
        let state = self.state;
        let mut candidates = state.lsh.query(&state.lsh.keys(&probe.signature));
        if let Some(same) = state.by_text.get(&probe.text_hash) {
            candidates.extend(same);
            candidates.sort_unstable();
            candidates.dedup();
        }
        candidates
    }

    fn passage_hits(&self, keys: &[u64]) -> Vec<DocId> {
        self.state.passage_lsh.hits(keys).collect()
    }

    fn entry(&self, entry: DocId) -> (DocId, u32) {
        self.state.entries[entry.as_usize()]
    }

    fn is_boilerplate_entry(&self, entry: DocId) -> bool {
        let print = self.state.prints[entry.as_usize()];
        let min_docs = self.store.detector.config.boilerplate_min_docs;
        self.state.stats.is_boilerplate_print(print, min_docs)
    }

    fn with_side<R>(&self, id: DocId, f: impl FnOnce(Side) -> R) -> Result<R> {
        let slot = self.state.slots[id.as_usize()].expect("candidates are indexed");
        let doc = self.store.document_at(slot.offset)?;
        let profile = self.store.detector.profile(&doc.text);
        Ok(f((&doc, &profile)))
    }
}

/// The settings that decide how documents are analysed and banded, as the file keeps them.
fn settings(config: &Config) -> serde_json::Value {
    serde_json::json!({
        "normalize_version": NORMALIZE_VERSION,
        "shingle_size": config.shingle_size,
        "num_hashes": config.num_hashes,
        "seed": config.seed,
        "threshold": config.threshold,
        "false_negative_weight": config.false_negative_weight,
        "passage_bands": PASSAGE_BANDS,
        "passage_rows": PASSAGE_ROWS,
    })
}

/// Checks the settings an index file holds against `config`'s.
fn check_settings(path: &Path, stored: &str, config: &Config) -> Result<()> {
    let unreadable = || {
        let problem = StoreProblem::Corrupt {
            offset: 16,
            reason: "unreadable settings".into(),
        };
        Error::store(path, problem)
    };
    let stored: serde_json::Value = serde_json::from_str(stored).map_err(|_| unreadable())?;
    let given = settings(config);
    let fields = given.as_object().expect("an object");
    for (field, value) in fields {
        let held = stored.get(field).ok_or_else(unreadable)?;
        if held != value {
            let field = SETTINGS
                .iter()
                .find(|f| *f == field)
                .expect("every setting is named");
            let problem = StoreProblem::Settings {
                field,
                stored: held.to_string(),
                given: value.to_string(),
            };
            return Err(Error::store(path, problem));
        }
    }
    Ok(())
}

/// The names of the settings in [`settings`].
const SETTINGS: &[&str] = &[
    "normalize_version",
    "shingle_size",
    "num_hashes",
    "seed",
    "threshold",
    "false_negative_weight",
    "passage_bands",
    "passage_rows",
];

/// The current time.
fn now() -> Timestamp {
    let since = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    Timestamp {
        seconds: since.as_secs() as i64,
        nanos: since.subsec_nanos(),
    }
}
