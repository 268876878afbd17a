//! [`Store`]: an index that lives in a file, for a job that checks documents as they come
//! and adds them.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, RwLock};

use rayon::prelude::*;

use super::log::{self, Entry, Log, Record};
use super::settings::Settings;
use crate::config::Config;
use crate::detect::{Detector, PASSAGE_BANDS, Profile, Side};
use crate::document::{DocId, Document, Timestamp};
use crate::error::{Error, InputProblem, Result, StoreProblem};
use crate::lsh::{self, Lsh, SortedLsh};
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
///     assert!(store.check_and_insert(&Document::new("a", text))?.is_empty());
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
    state: RwLock<State>,
    /// What the open found past the last committed record.
    tail: Option<log::Tail>,
}

/// The in-memory part: tables, statistics and where each document's record is.
#[derive(Debug)]
struct State {
    lsh: SortedLsh,
    /// Sorted arrays: the sentence tables are most of the index's memory.
    passage_lsh: SortedLsh,
    stats: Stats,
    /// By [`DocId`]; `None` once removed.
    slots: Vec<Option<Slot>>,
    ids: HashMap<String, DocId, ahash::RandomState>,
    by_text: HashMap<u64, Vec<DocId>, ahash::RandomState>,
    /// The first passage entry of each document (by [`DocId`]): its sentences are the
    /// entries from there on, in order, so an entry names its document (by a binary search
    /// here) and its sentence (by its distance from the start) without a table of its own.
    starts: Vec<u32>,
    /// The fingerprint of each passage entry's sentence (for boilerplate).
    prints: Vec<u64>,
    /// Outlet names, each once.
    outlets: HashMap<String, u32, ahash::RandomState>,
    /// The newest document time: the window counts back from it.
    clock: Option<Timestamp>,
    /// Reads records back: replaced with the file when the index is compacted.
    reader: log::Reader,
    /// Documents in the file left out when it was opened, being outside the window.
    expired: usize,
}

/// What the index keeps in memory of one document.
#[derive(Clone, Copy, Debug)]
struct Slot {
    /// Where its record starts in the file.
    offset: u64,
    text_hash: u64,
    /// Its `published` time, else the time it was added.
    time: Timestamp,
    /// Its outlet, as an index into [`State::outlets`].
    outlet: Option<u32>,
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
        let log = Log::create(path, &Settings::of(&config).to_json())?;
        let state = State::new(&config, log.reader()?);
        Ok(Store::with(path, config, log, state))
    }

    /// Opens the index file at `path`, checking that it was made with the same analysis
    /// settings as `config` (shingle size, hashes, seed, threshold, normalisation), and
    /// rebuilds its tables from the documents it holds (those within [`Config::window`]).
    ///
    /// # Errors
    ///
    /// [`StoreProblem::Settings`] if a setting differs; the errors of
    /// [`Log::open`](log::Log::open) for a missing, foreign, newer, damaged, busy or
    /// read-only file.
    pub fn open(path: impl AsRef<Path>, config: Config) -> Result<Store> {
        Store::open_with_progress(path, config, false, &|_, _| {})
    }

    /// Opens the index file at `path` as [`Store::open`] does, but only to check documents
    /// against it: it takes no lock, so it opens a file that a writer has open (and sees the
    /// documents added when it opened it), a read-only file, or one on a read-only file
    /// system, and it never changes the file. Inserting, removing and compacting fail with
    /// [`StoreProblem::ReadOnly`].
    ///
    /// # Errors
    ///
    /// As [`Store::open`], except [`StoreProblem::Locked`] and [`StoreProblem::ReadOnly`].
    pub fn open_read_only(path: impl AsRef<Path>, config: Config) -> Result<Store> {
        Store::open_with_progress(path, config, true, &|_, _| {})
    }

    /// [`Store::open`], or [`Store::open_read_only`] when `read_only` is set, calling
    /// `progress` with the number of documents analysed so far and the number to analyse as
    /// the tables are rebuilt (a few thousand documents at a time): opening analyses every
    /// text again, about 80 seconds per million articles on two cores.
    ///
    /// # Errors
    ///
    /// As [`Store::open`] or [`Store::open_read_only`].
    pub fn open_with_progress(
        path: impl AsRef<Path>,
        config: Config,
        read_only: bool,
        progress: &dyn Fn(usize, usize),
    ) -> Result<Store> {
        let (path, writable) = (path.as_ref(), !read_only);
        config.validate()?;
        // First the documents that are still in, and where their records are.
        let mut live: Vec<(u64, String, Timestamp)> = Vec::new();
        let mut at: HashMap<String, usize, ahash::RandomState> = HashMap::default();
        let each = |offset, record| {
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
                    let time = entry.published.unwrap_or(entry.inserted);
                    live.push((offset, entry.id, time));
                }
                Record::Remove { id } => match at.remove(&id) {
                    Some(i) => live[i].1.clear(),
                    None => return inconsistent("removal of a document not in the index"),
                },
            }
            Ok(())
        };
        let (log, stored) = if writable {
            Log::open(path, each)?
        } else {
            Log::open_read_only(path, each)?
        };
        Settings::parse(path, &stored)?.check(path, &config)?;
        drop(at);
        live.retain(|(_, id, _)| !id.is_empty());
        let times: Vec<(u64, Timestamp)> = live.into_iter().map(|(o, _, t)| (o, t)).collect();
        let offsets = in_window(&times, config.window);
        let mut state = State::new(&config, log.reader()?);
        state.expired = times.len() - offsets.len();
        let store = Store::with(path, config, log, state);
        store.load(&offsets, progress)?;
        Ok(store)
    }

    /// Opens the index file at `path` as [`Store::open`] does, or creates it if there is
    /// none.
    ///
    /// # Errors
    ///
    /// As [`Store::open`] and [`Store::create`].
    pub fn open_or_create(path: impl AsRef<Path>, config: Config) -> Result<Store> {
        let path = path.as_ref();
        match Store::create(path, config.clone()) {
            Err(Error::Store {
                problem: StoreProblem::Exists,
                ..
            }) => Store::open(path, config),
            other => other,
        }
    }

    /// Repairs a damaged index file (one that opening refuses as
    /// [`StoreProblem::Truncated`] or [`StoreProblem::Corrupt`]): keeps every whole record
    /// before the first damage, and saves every byte it cuts in a file beside it. A file
    /// without damage is left as it is. See [`log::Log::repair`].
    ///
    /// # Errors
    ///
    /// As [`log::Log::repair`]: a damaged header, a file in use or read-only, an I/O error.
    pub fn repair(path: impl AsRef<Path>) -> Result<log::Repair> {
        Log::repair(path.as_ref())
    }

    /// What opening the file found past its last committed record: the start of a write
    /// that was interrupted (a crash while adding documents, never acknowledged), which a
    /// writable open cuts off ([`log::Tail::cut`]) and a read-only open leaves out. `None`
    /// if there was nothing, or the index was just created.
    pub fn interrupted_write(&self) -> Option<log::Tail> {
        self.tail
    }

    fn with(path: &Path, config: Config, log: Log, state: State) -> Store {
        let (bands, rows) = lsh::shape(
            config.threshold,
            config.num_hashes,
            config.false_negative_weight,
        );
        Store {
            detector: Detector::new(config),
            shape: Lsh::new(bands, rows),
            path: path.to_path_buf(),
            tail: log.tail(),
            writer: Mutex::new(log),
            state: RwLock::new(state),
        }
    }

    /// Reads back the documents whose records start at `offsets` and adds them to the
    /// tables, analysed in parallel a chunk at a time, in order; `progress` is told after
    /// each chunk.
    fn load(&self, offsets: &[u64], progress: &dyn Fn(usize, usize)) -> Result<()> {
        progress(0, offsets.len());
        for (i, chunk) in offsets.chunks(OPEN_CHUNK).enumerate() {
            let read: Vec<(u64, Entry, Analysed)> = {
                let state = self.read();
                chunk
                    .par_iter()
                    .map(|&offset| {
                        let entry = state.entry_at(&self.path, offset)?;
                        let analysed = self.analyse(&entry.text);
                        Ok((offset, entry, analysed))
                    })
                    .collect::<Result<_>>()?
            };
            let (entries, docs): (Vec<(u64, Entry)>, Vec<Analysed>) = read
                .into_iter()
                .map(|(offset, entry, analysed)| ((offset, entry), analysed))
                .unzip();
            let docs = entries
                .iter()
                .zip(docs)
                .map(|((offset, entry), analysed)| (entry, *offset, analysed))
                .collect();
            let mut state = self.state.write().expect("no panic while writing");
            state.add_all(docs, true);
            progress(
                (i * OPEN_CHUNK + chunk.len()).min(offsets.len()),
                offsets.len(),
            );
        }
        // Everything into the sorted arrays (the additions' hash tables cost more per entry),
        // and no room kept for growth that may never come.
        let mut state = self.state.write().expect("no panic while writing");
        state.lsh.merge();
        state.passage_lsh.merge();
        state.stats.settle();
        state.slots.shrink_to_fit();
        state.starts.shrink_to_fit();
        state.prints.shrink_to_fit();
        Ok(())
    }

    /// The index file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The config the index was opened with.
    pub fn config(&self) -> &Config {
        &self.detector.config
    }

    /// The number of documents in the index. Those that left the window since it was
    /// opened count until the next [`Store::compact`].
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

    /// An estimate of the memory the index holds, from the capacities of its structures
    /// (hash tables counted slot by slot; the allocator's own overhead is not counted).
    pub fn memory(&self) -> Memory {
        let state = self.read();
        let ids: usize = state.ids.keys().map(String::capacity).sum();
        let same: usize = state.by_text.values().map(|v| v.capacity() * 4).sum();
        let outlets: usize = state.outlets.keys().map(String::capacity).sum();
        let documents = state.slots.capacity() * std::mem::size_of::<Option<Slot>>()
            + lsh::heap_bytes(&state.ids)
            + ids
            + lsh::heap_bytes(&state.by_text)
            + same
            + lsh::heap_bytes(&state.outlets)
            + outlets
            + state.stats.heap_bytes()
            + state.starts.capacity() * 4
            + state.prints.capacity() * 8;
        Memory {
            document_tables: state.lsh.heap_bytes() as u64,
            sentence_tables: state.passage_lsh.heap_bytes() as u64,
            documents: documents as u64,
        }
    }

    /// The indexed documents that are exact duplicates, near-duplicates or rewrites of `doc`,
    /// as [`Index::query`](crate::Index::query) gives them. `doc` is not added; if a document
    /// with its id is indexed, it is not compared with itself. Documents outside
    /// [`Config::window`] (counting back from the newest of the index's and `doc`'s times),
    /// and with [`Config::ignore_same_outlet`] those of `doc`'s outlet, are not matched.
    ///
    /// # Errors
    ///
    /// If a candidate's record cannot be read back (a damaged file, an I/O error).
    pub fn check(&self, doc: &Document) -> Result<Vec<Match>> {
        let probe = self.detector.profile(&doc.text);
        let state = self.read();
        let skip = state.skip(&self.detector.config, doc, now());
        let counted = state.ids.contains_key(&doc.id);
        let view = View {
            store: self,
            state: &state,
        };
        search::query(&self.detector, &view, doc, &probe, &skip, counted)
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
    pub fn check_and_insert(&self, doc: &Document) -> Result<Vec<Match>> {
        self.add(doc.clone(), true)
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
        let analysed: Vec<Analysed> = docs.par_iter().map(|d| self.analyse(&d.text)).collect();
        let mut log = self.writer.lock().expect("no panic while appending");
        {
            let state = self.read();
            let mut seen = std::collections::HashSet::new();
            for doc in &docs {
                if state.ids.contains_key(&doc.id) || !seen.insert(doc.id.as_str()) {
                    let problem = InputProblem::DuplicateId {
                        id: doc.id.clone(),
                        line: None,
                        earlier: None,
                    };
                    return Err(Error::input(&doc.id, problem));
                }
            }
        }
        let inserted = now();
        let records: Vec<Record> = docs
            .into_iter()
            .map(|doc| Record::Insert(entry(doc, inserted)))
            .collect();
        let offsets = log.append_batch(&records)?;
        let docs = records
            .iter()
            .zip(offsets)
            .zip(analysed)
            .map(|((record, offset), analysed)| {
                let Record::Insert(entry) = record else {
                    unreachable!("only inserts")
                };
                (entry, offset, analysed)
            })
            .collect();
        self.state
            .write()
            .expect("no panic while writing")
            .add_all(docs, false);
        Ok(())
    }

    /// The text of the indexed document with this id, read back from disk.
    ///
    /// # Errors
    ///
    /// If its record cannot be read back.
    pub fn text(&self, id: &str) -> Result<Option<String>> {
        let state = self.read();
        let Some((_, slot)) = state.find(id) else {
            return Ok(None);
        };
        Ok(Some(state.entry_at(&self.path, slot.offset)?.text))
    }

    fn add(&self, doc: Document, check: bool) -> Result<Vec<Match>> {
        let analysed = self.analyse(&doc.text);
        let mut log = self.writer.lock().expect("no panic while appending");
        let inserted = now();
        let found = {
            let state = self.read();
            if state.ids.contains_key(&doc.id) {
                let problem = InputProblem::DuplicateId {
                    id: doc.id.clone(),
                    line: None,
                    earlier: None,
                };
                return Err(Error::input(&doc.id, problem));
            }
            if check {
                let skip = state.skip(&self.detector.config, &doc, inserted);
                let view = View {
                    store: self,
                    state: &state,
                };
                search::query(&self.detector, &view, &doc, &analysed.profile, &skip, false)?
            } else {
                Vec::new()
            }
        };
        let entry = entry(doc, inserted);
        let offset = log.append(&Record::Insert(entry.clone()))?;
        self.state
            .write()
            .expect("no panic while writing")
            .add(&entry, offset, analysed);
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
        let (doc, slot, text) = {
            let state = self.read();
            let Some((doc, slot)) = state.find(id) else {
                return Ok(false);
            };
            (doc, slot, state.entry_at(&self.path, slot.offset)?.text)
        };
        // What it added to the tables, derived again from its text.
        let analysed = self.analyse(&text);
        log.append(&Record::Remove { id: id.into() })?;
        let mut state = self.state.write().expect("no panic while writing");
        state.take(id, doc, slot, &analysed);
        Ok(true)
    }

    /// Rewrites the index file with only the documents still in (not removed, within
    /// [`Config::window`]), and rebuilds the tables from it: the disk and memory that
    /// removed and expired documents held are given back. The new file replaces the old one
    /// by an atomic rename, so a crash leaves one or the other, whole. Checks and inserts
    /// wait while it runs.
    ///
    /// # Errors
    ///
    /// If a record cannot be read back or the new file cannot be written: the file is then
    /// left as it was (reopen the index to go on). An error after the new file has replaced
    /// the old one (reading it back) leaves the file compacted and the tables empty.
    pub fn compact(&self) -> Result<Compaction> {
        let mut log = self.writer.lock().expect("no panic while appending");
        if !log.is_writable() {
            return Err(Error::store(&self.path, StoreProblem::ReadOnly));
        }
        let bytes_before = log.len();
        let mut temporary = self.path.as_os_str().to_owned();
        temporary.push(".compact");
        let temporary = PathBuf::from(temporary);
        let _ = std::fs::remove_file(&temporary); // left by an earlier crash
        let mut state = self.state.write().expect("no panic while writing");
        let live: Vec<(u64, Timestamp)> = state
            .slots
            .iter()
            .flatten()
            .map(|slot| (slot.offset, slot.time))
            .collect();
        let offsets = in_window(&live, self.detector.config.window);
        let copy = || -> Result<(Log, Vec<u64>)> {
            let mut fresh =
                Log::create(&temporary, &Settings::of(&self.detector.config).to_json())?;
            let mut new_offsets = Vec::with_capacity(offsets.len());
            for chunk in offsets.chunks(OPEN_CHUNK) {
                let records: Vec<Record> = chunk
                    .iter()
                    .map(|&at| state.entry_at(&self.path, at).map(Record::Insert))
                    .collect::<Result<_>>()?;
                new_offsets.extend(fresh.append_batch(&records)?);
            }
            std::fs::rename(&temporary, &self.path).map_err(|e| Error::io(&self.path, e))?;
            Ok((fresh, new_offsets))
        };
        let (mut fresh, new_offsets) = copy().inspect_err(|_| {
            // A full disk, say: the old file stays, and the partial copy goes.
            let _ = std::fs::remove_file(&temporary);
        })?;
        log::sync_parent(&self.path)?;
        fresh.moved_to(&self.path);
        let done = Compaction {
            kept: offsets.len(),
            dropped: state.expired + state.ids.len() - offsets.len(),
            bytes_before,
            bytes_after: fresh.len(),
        };
        *state = State::new(&self.detector.config, fresh.reader()?);
        *log = fresh;
        drop(state);
        self.load(&new_offsets, &|_, _| {})?;
        Ok(done)
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, State> {
        self.state.read().expect("no panic while writing")
    }

    fn analyse(&self, text: &str) -> Analysed {
        let profile = self.detector.profile(text);
        let keys = self.shape.keys(&profile.signature);
        let passage_keys = self.detector.passage_keys(&profile.passages);
        Analysed {
            profile,
            keys,
            passage_keys,
        }
    }
}

/// The memory an index holds (see [`Store::memory`]), in bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Memory {
    /// The band tables of the documents' signatures.
    pub document_tables: u64,
    /// The band tables of the sentences' signatures (none without rewrites).
    pub sentence_tables: u64,
    /// Everything else: per document its slot, id and text hash; per sentence its
    /// fingerprint, and the boilerplate counts.
    pub documents: u64,
}

impl Memory {
    /// The sum of the parts.
    pub fn total(&self) -> u64 {
        self.document_tables + self.sentence_tables + self.documents
    }
}

/// What [`Store::compact`] did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Compaction {
    /// Documents kept.
    pub kept: usize,
    /// Documents dropped because they were outside the window.
    pub dropped: usize,
    /// The file's size before, in bytes.
    pub bytes_before: u64,
    /// The file's size after, in bytes.
    pub bytes_after: u64,
}

/// The offsets of the documents within `window` of the newest one, in order.
fn in_window(live: &[(u64, Timestamp)], window: Option<std::time::Duration>) -> Vec<u64> {
    let newest = live.iter().map(|(_, t)| *t).max();
    let cutoff = cutoff(newest, window);
    live.iter()
        .filter(|(_, t)| cutoff.is_none_or(|c| *t >= c))
        .map(|(offset, _)| *offset)
        .collect()
}

/// The oldest time still within `window` of `newest`.
fn cutoff(newest: Option<Timestamp>, window: Option<std::time::Duration>) -> Option<Timestamp> {
    let (newest, window) = (newest?, window?);
    let seconds = i64::try_from(window.as_secs()).unwrap_or(i64::MAX);
    let mut cut = Timestamp {
        seconds: newest.seconds.saturating_sub(seconds),
        nanos: newest.nanos,
    };
    let nanos = window.subsec_nanos();
    if cut.nanos >= nanos {
        cut.nanos -= nanos;
    } else {
        cut.seconds = cut.seconds.saturating_sub(1);
        cut.nanos = cut.nanos + 1_000_000_000 - nanos;
    }
    Some(cut)
}

/// The log entry of a document added at `inserted`.
fn entry(doc: Document, inserted: Timestamp) -> Entry {
    Entry {
        id: doc.id,
        text: doc.text,
        published: doc.published,
        outlet: doc.outlet,
        inserted,
    }
}

impl State {
    fn new(config: &Config, reader: log::Reader) -> State {
        let (bands, _) = lsh::shape(
            config.threshold,
            config.num_hashes,
            config.false_negative_weight,
        );
        State {
            lsh: SortedLsh::new(bands, usize::MAX),
            passage_lsh: SortedLsh::new(PASSAGE_BANDS, PASSAGE_MAX_BUCKET),
            stats: Stats::new(),
            slots: Vec::new(),
            ids: HashMap::default(),
            by_text: HashMap::default(),
            starts: Vec::new(),
            prints: Vec::new(),
            outlets: HashMap::default(),
            clock: None,
            reader,
            expired: 0,
        }
    }

    /// The entry whose insert record starts at `offset`.
    fn entry_at(&self, path: &Path, offset: u64) -> Result<Entry> {
        match self.reader.read(offset)? {
            Record::Insert(e) => Ok(e),
            Record::Remove { .. } => {
                let problem = StoreProblem::Corrupt {
                    offset,
                    reason: "a removal where a document was expected".into(),
                };
                Err(Error::store(path, problem))
            }
        }
    }

    /// Which documents a query for `doc` (made at `now`) leaves out: `doc` itself if it is
    /// indexed, those outside the window, and those of its outlet if so configured.
    fn skip<'s>(
        &'s self,
        config: &Config,
        doc: &Document,
        now: Timestamp,
    ) -> impl Fn(DocId) -> bool + Sync + 's {
        let own = self.ids.get(&doc.id).copied();
        let newest = self
            .clock
            .into_iter()
            .chain([doc.published.unwrap_or(now)])
            .max();
        let cutoff = cutoff(newest, config.window);
        let outlet = match (&doc.outlet, config.ignore_same_outlet) {
            (Some(name), true) => self.outlets.get(name).copied(),
            _ => None,
        };
        move |id: DocId| {
            let slot = self.slots[id.as_usize()].as_ref().expect("indexed");
            Some(id) == own
                || cutoff.is_some_and(|c| slot.time < c)
                || (outlet.is_some() && slot.outlet == outlet)
        }
    }

    /// Adds an analysed document whose record is at `offset`.
    fn add(&mut self, entry: &Entry, offset: u64, analysed: Analysed) {
        self.add_all(vec![(entry, offset, analysed)], false);
    }

    /// Adds analysed documents in order, with one pass over the band tables for all. In
    /// `bulk` (opening a file), the sentence tables are not searchable until merged.
    fn add_all(&mut self, docs: Vec<(&Entry, u64, Analysed)>, bulk: bool) {
        let mut rows = Vec::with_capacity(docs.len());
        let mut passage_rows = Vec::new();
        let passages: Vec<_> = docs.iter().map(|d| &d.2.profile.passages).collect();
        self.stats.add_batch(&passages);
        for (entry, offset, analysed) in docs {
            let time = entry.published.unwrap_or(entry.inserted);
            self.clock = self.clock.max(Some(time));
            let outlet = entry.outlet.as_ref().map(|name| {
                let next = self.outlets.len() as u32;
                *self.outlets.entry(name.clone()).or_insert(next)
            });
            let doc = DocId(u32::try_from(self.slots.len()).expect("fewer than 2^32 documents"));
            let first = u32::try_from(self.prints.len()).expect("fewer than 2^32 sentences");
            self.starts.push(first);
            let profile = &analysed.profile;
            if !profile.is_empty() {
                self.by_text.entry(profile.text_hash).or_default().push(doc);
                rows.push((doc, analysed.keys));
                let prints = profile.passages.iter().map(|p| p.fingerprint());
                self.prints.extend(prints);
                for (sentence, keys) in analysed.passage_keys {
                    passage_rows.push((DocId(first + sentence as u32), keys));
                }
            }
            self.slots.push(Some(Slot {
                offset,
                text_hash: profile.text_hash,
                time,
                outlet,
            }));
            self.ids.insert(entry.id.clone(), doc);
        }
        if bulk {
            self.lsh.load_batch(&rows);
        } else {
            self.lsh.insert_batch(&rows);
        }
        if bulk {
            self.passage_lsh.load_batch(&passage_rows);
        } else {
            self.passage_lsh.insert_batch(&passage_rows);
        }
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
            let first = self.starts[doc.as_usize()];
            for (sentence, keys) in &analysed.passage_keys {
                self.passage_lsh
                    .remove(DocId(first + *sentence as u32), keys);
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
        let keys = self.store.shape.keys(&probe.signature);
        search::doc_candidates(state.lsh.hits(&keys), state.by_text.get(&probe.text_hash))
    }

    fn passage_hits(&self, keys: &[u64]) -> Vec<DocId> {
        self.state.passage_lsh.hits(keys).collect()
    }

    fn entry(&self, entry: DocId) -> (DocId, u32) {
        // The last document that starts at or before the entry (documents without sentences
        // start where the next one does).
        let starts = &self.state.starts;
        let doc = starts.partition_point(|&s| s <= entry.0) - 1;
        (DocId(doc as u32), entry.0 - starts[doc])
    }

    fn entry_print(&self, entry: DocId) -> u64 {
        self.state.prints[entry.as_usize()]
    }

    fn with_side<R>(&self, id: DocId, f: impl FnOnce(Side) -> R) -> Result<R> {
        let slot = self.state.slots[id.as_usize()].expect("candidates are indexed");
        let e = self.state.entry_at(&self.store.path, slot.offset)?;
        let doc = Document {
            id: e.id,
            text: e.text,
            published: e.published,
            outlet: e.outlet,
        };
        let profile = self.store.detector.profile(&doc.text);
        Ok(f((&doc, &profile)))
    }
}

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
