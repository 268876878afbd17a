//! Paths and JSONL streams → [`Document`]s, with every bad input reported, never dropped.
//!
//! * A **file** becomes a document if it is at most `max_file_bytes` long (checked before it is
//!   read), is not empty or only white space, holds no NUL byte among its first 8,000 bytes
//!   (binary, as git decides it) and is valid UTF-8. Each failed check is an [`InputProblem`]
//!   naming the offset where it applies. A NUL byte further on is a stray byte in a text: it
//!   is replaced by a space (so every other byte keeps its offset) and the document is listed
//!   in [`Batch::repaired`], so the CLI can warn. JSONL texts (which can hold `\u0000`) follow
//!   the same rule, on the decoded text.
//! * A **directory** is walked recursively in sorted order (by byte order of the names). Files
//!   whose extension is not in the list (default `txt`; `*` takes every file) are not read and
//!   are listed in [`Batch::ignored`], so nothing disappears without a word. Entries whose names
//!   start with `.` (such as `.git`) and links to directories are not followed.
//! * A **JSONL** stream holds one object per line: `{"id": "...", "text": "...",
//!   "published": "2023-03-21T09:30:00Z", "outlet": "..."}`; `published` (RFC 3339) and
//!   `outlet` are optional, other keys are ignored, blank lines are skipped. A line that cannot be
//!   used is reported with its line number (its message reads `feed.jsonl:3: …`, see
//!   [`Error::location`]) and the rest is still read.
//!
//! A document's **id** is
//!
//! * for a file found under a directory argument, its path relative to that directory, with
//!   `/` between components (`voa/` finds `voa/2023/x.txt` as `2023/x.txt`); but when
//!   [`read_all`] is given **more than one path**, the directory as given comes first
//!   (`voa/2023/x.txt`, `other/2023/x.txt`), so that two folders holding the same names
//!   (one copied from the other) give distinct ids. The rule depends on the arguments only,
//!   never on what the folders hold, so a file's id can be foreseen and stays the same from
//!   one run to the next;
//! * for a file named directly, the path as given;
//! * for a JSONL record, its `id`.
//!
//! A file reached more than once (the same file named twice, a folder and a file in it,
//! overlapping folders such as `a/` and `a/b/`, a link to a file also read) is the same file on
//! disk (same device and inode): it is read once, under the id it was first reached with, and
//! each later time is listed in [`Batch::repeated`]. A later input with an id already used
//! (a JSONL record named like a file, say) is a real conflict: it is skipped as
//! [`InputProblem::DuplicateId`], naming the input that used the id first.

use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet};
use std::fs;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::Deserialize;

use crate::document::{Document, Timestamp};
use crate::error::{Error, InputProblem, Result};

/// The path that stands for standard input among JSONL sources.
pub const STDIN: &str = "-";

/// How inputs are read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Options {
    /// Largest file or JSONL text read, in bytes.
    pub max_file_bytes: u64,
    /// Extensions (with or without the leading dot: `md` and `.md` are the same; compared
    /// case-insensitively) of the files read from directories; `*` takes every file; an empty
    /// one matches nothing. Default: `txt`.
    pub extensions: Vec<String>,
    /// Files read at once, at least (default [`READ_THREADS`]; at most one thread per file):
    /// reading waits on the disk more than it computes, so [`read_all`] reads with this many
    /// threads of its own when the current thread pool has fewer, and with the current pool's
    /// threads otherwise (0: always the current pool). The result does not depend on it.
    pub read_threads: usize,
}

/// Files [`read_all`] reads at once by default. Files that are not in the page cache are
/// read at the disk's pace, one request per file at a time and thread: on the 100,000-file
/// bench corpus (2 cores, a virtio disk), read from the disk, 2 at a time took 3.7 s, 8 took
/// 1.8 s, 32 took 1.4 s and 64 took 1.3 s; read from the page cache, each took 0.52-0.55 s
/// (`examples/read_files.rs`, 2026-12-07).
pub const READ_THREADS: usize = 32;

impl Default for Options {
    fn default() -> Options {
        Options {
            max_file_bytes: crate::Config::default().max_file_bytes,
            extensions: vec!["txt".into()],
            read_threads: READ_THREADS,
        }
    }
}

/// Everything read from a set of inputs.
#[derive(Debug, Default)]
pub struct Batch {
    /// The documents, in input order: paths in the order given (directories sorted), then JSONL
    /// records in stream order.
    pub documents: Vec<Document>,
    /// Inputs that could not be used, in input order.
    pub skipped: Vec<Error>,
    /// Files in directories that were not read because of their extension.
    pub ignored: Vec<PathBuf>,
    /// Files reached more than once (the same file named twice, a folder and a file in it,
    /// overlapping folders, a link to a file read anyway), each time after the first: a file
    /// is read once, under the id it was first reached with.
    pub repeated: Vec<PathBuf>,
    /// Documents whose text held NUL bytes after its first [`BINARY_SNIFF_BYTES`]: they were
    /// read with each NUL replaced by a space (see [`decode`]), in input order. Worth a
    /// warning: the text is not exactly the file's.
    pub repaired: Vec<Repaired>,
}

/// Reads files and directories (`paths`) and JSONL streams (`jsonl`, [`STDIN`] for standard
/// input). Files are read in parallel, [`Options::read_threads`] at once (in a thread pool of
/// their own when the current one is smaller); the result does not depend on the thread
/// count. `progress` is called once per file read or JSONL record seen, from any thread.
pub fn read_all(
    paths: &[PathBuf],
    jsonl: &[PathBuf],
    options: &Options,
    progress: &(dyn Fn() + Sync),
) -> Batch {
    let mut batch = Batch::default();
    let files = files_to_read(paths, &options.extensions, &mut batch);
    let read = || -> Vec<Item> {
        files
            .par_iter()
            .map(|(path, id)| {
                let (key, outcome) = read_identified(path, id, options.max_file_bytes);
                progress();
                Item {
                    origin: (path.clone(), None),
                    key,
                    outcome,
                }
            })
            .collect()
    };
    let threads = options.read_threads.min(files.len());
    let pool = (threads > rayon::current_num_threads()).then(|| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .thread_name(|i| format!("neardup-read-{i}"))
            .build()
    });
    let mut items = match pool {
        Some(Ok(pool)) => pool.install(read),
        // No threads to spare (the system refused them): the current pool reads, slower but
        // the same.
        Some(Err(_)) | None => read(),
    };
    for source in jsonl {
        read_source(source, options.max_file_bytes, progress, &mut items);
    }
    gather(items, &mut batch);
    batch
}

/// The files under every path argument, with their ids (see the module docs); listing
/// problems and files not read go to `batch`.
fn files_to_read(
    paths: &[PathBuf],
    extensions: &[String],
    batch: &mut Batch,
) -> Vec<(PathBuf, String)> {
    let mut files = Vec::new();
    // With several path arguments, ids relative to each would clash as soon as two folders
    // hold the same name (one copied from the other, say): the argument becomes part of the id.
    let prefixed = paths.len() > 1;
    for path in paths {
        match walk(path, extensions) {
            Ok(mut walked) => {
                if prefixed && walked.directory {
                    let prefix = path.to_string_lossy();
                    let prefix = prefix.trim_end_matches('/');
                    for (_, id) in &mut walked.files {
                        *id = format!("{prefix}/{id}");
                    }
                }
                files.extend(walked.files);
                batch.ignored.extend(walked.ignored);
                batch.skipped.extend(walked.errors);
            }
            Err(err) => batch.skipped.push(err),
        }
    }
    files
}

/// Reads one JSONL source ([`STDIN`] for standard input) into `items`.
fn read_source(
    source: &Path,
    max_file_bytes: u64,
    progress: &(dyn Fn() + Sync),
    items: &mut Vec<Item>,
) {
    let label = if source.as_os_str() == STDIN {
        PathBuf::from("<stdin>")
    } else {
        source.to_path_buf()
    };
    let mut sink = |line: u64, outcome: Outcome| {
        progress();
        items.push(Item {
            origin: (label.clone(), Some(line)),
            key: None,
            outcome,
        });
    };
    let read = if source.as_os_str() == STDIN {
        read_jsonl(std::io::stdin().lock(), &label, max_file_bytes, &mut sink)
    } else {
        match fs::File::open(source) {
            Ok(file) => read_jsonl(BufReader::new(file), &label, max_file_bytes, &mut sink),
            Err(err) => Err(open_error(source, err)),
        }
    };
    if let Err(err) = read {
        items.push(Item {
            origin: (label, None),
            key: None,
            outcome: Err(err),
        });
    }
}

/// Sorts what was read, in input order, into `batch`: a file reached before is dropped (and
/// listed as repeated), an id used before is a skip, a problem is a skip, the rest are
/// documents (listed as repaired if NUL bytes were replaced).
fn gather(items: Vec<Item>, batch: &mut Batch) {
    let (origins, outcomes): (Vec<Origin>, Vec<(Option<FileKey>, Outcome)>) = items
        .into_iter()
        .map(|item| (item.origin, (item.key, item.outcome)))
        .unzip();
    let mut files_seen = HashSet::with_hasher(ahash::RandomState::new());
    // Each id with the index of the input that used it first.
    let mut ids_seen = HashMap::with_hasher(ahash::RandomState::new());
    for (i, (key, outcome)) in outcomes.into_iter().enumerate() {
        let (path, line) = &origins[i];
        if let Some(key) = key
            && !files_seen.insert(key)
        {
            batch.repeated.push(path.clone());
            continue;
        }
        let (doc, nuls) = match outcome {
            Ok(read) => read,
            Err(err) => {
                batch.skipped.push(err);
                continue;
            }
        };
        match ids_seen.entry(doc.id) {
            Entry::Occupied(first) => {
                let problem = InputProblem::DuplicateId {
                    id: first.key().clone(),
                    line: *line,
                    earlier: Some(place(&origins[*first.get()])),
                };
                batch.skipped.push(Error::input(path, problem));
            }
            Entry::Vacant(vacant) => {
                let id = vacant.key().clone();
                vacant.insert(i);
                if let Some(nuls) = nuls {
                    batch.repaired.push(Repaired {
                        path: path.clone(),
                        line: *line,
                        id: id.clone(),
                        nuls,
                    });
                }
                batch.documents.push(Document { id, ..doc });
            }
        }
    }
}

/// Where an input came from: a file, or a JSONL stream and the record's line.
type Origin = (PathBuf, Option<u64>);

/// What reading one input gave: a document and the NUL bytes replaced in it, or the problem.
type Outcome = Result<(Document, Option<Nuls>)>;

/// One input read, in [`read_all`].
struct Item {
    origin: Origin,
    /// The file's identity on disk, for a file that could be opened.
    key: Option<FileKey>,
    outcome: Outcome,
}

/// What makes a file the same file however it is named: its device and inode.
#[cfg(unix)]
type FileKey = (u64, u64);

/// What makes a file the same file however it is named: its canonical path.
#[cfg(not(unix))]
type FileKey = PathBuf;

/// The identity of an open file and its size, when they can be known.
#[cfg(unix)]
fn file_key(file: &fs::File, _path: &Path) -> (Option<FileKey>, Option<u64>) {
    use std::os::unix::fs::MetadataExt;
    match file.metadata() {
        Ok(meta) => (Some((meta.dev(), meta.ino())), Some(meta.len())),
        Err(_) => (None, None),
    }
}

/// The identity of an open file and its size, when they can be known.
#[cfg(not(unix))]
fn file_key(file: &fs::File, path: &Path) -> (Option<FileKey>, Option<u64>) {
    let size = file.metadata().ok().map(|meta| meta.len());
    (fs::canonicalize(path).ok(), size)
}

/// An origin as messages name it: `PATH` or `PATH:LINE`.
fn place((path, line): &Origin) -> String {
    match line {
        Some(line) => format!("{}:{line}", path.display()),
        None => path.display().to_string(),
    }
}

/// The files found under one path argument.
#[derive(Debug, Default)]
pub struct Walk {
    /// Files to read with their document ids, in sorted order.
    pub files: Vec<(PathBuf, String)>,
    /// Files not read because of their extension.
    pub ignored: Vec<PathBuf>,
    /// Entries that could not be listed or inspected.
    pub errors: Vec<Error>,
    /// Whether the path is a directory (so the ids are relative to it).
    pub directory: bool,
}

/// The files to read under `path`: the path itself if it is a file, else the files below it
/// with an extension in `extensions` (see the module docs).
///
/// # Errors
///
/// [`InputProblem::Missing`] if `path` does not exist, [`Error::Io`] if it cannot be inspected.
/// Problems below a directory go to [`Walk::errors`] and the walk goes on.
pub fn walk(path: &Path, extensions: &[String]) -> Result<Walk> {
    let meta = fs::metadata(path).map_err(|err| open_error(path, err))?;
    let mut walk = Walk::default();
    if meta.is_dir() {
        walk.directory = true;
        walk_dir(path, path, extensions, &mut walk);
    } else {
        walk.files
            .push((path.to_path_buf(), path.to_string_lossy().into_owned()));
    }
    Ok(walk)
}

fn walk_dir(root: &Path, dir: &Path, extensions: &[String], walk: &mut Walk) {
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(err) => return walk.errors.push(Error::io(dir, err)),
    };
    let entries: Vec<fs::DirEntry> = match entries.collect() {
        Ok(entries) => entries,
        Err(err) => return walk.errors.push(Error::io(dir, err)),
    };
    // Names are fetched once each: a key function would allocate one per comparison.
    let mut entries: Vec<(std::ffi::OsString, fs::DirEntry)> =
        entries.into_iter().map(|e| (e.file_name(), e)).collect();
    entries.sort_unstable_by(|x, y| x.0.cmp(&y.0));
    for (name, entry) in entries {
        if name.as_encoded_bytes().starts_with(b".") {
            continue;
        }
        let path = entry.path();
        // The entry's type comes with the listing; only a link needs a `stat` to see what it
        // points to. Follows a link to a file, not one to a directory (no loops, no surprises).
        let kind = entry.file_type().and_then(|t| {
            if t.is_symlink() {
                fs::metadata(&path).map(|m| (m.is_dir(), true))
            } else {
                Ok((t.is_dir(), false))
            }
        });
        let (is_dir, is_link) = match kind {
            Ok(kind) => kind,
            Err(err) => {
                walk.errors.push(open_error(&path, err));
                continue;
            }
        };
        if is_dir {
            if is_link {
                walk.ignored.push(path);
            } else {
                walk_dir(root, &path, extensions, walk);
            }
        } else if has_extension(&path, extensions) {
            let id = if dir == root {
                name.to_string_lossy().into_owned()
            } else {
                let relative = path.strip_prefix(root).unwrap_or(&path);
                let parts: Vec<String> = relative
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect();
                parts.join("/")
            };
            walk.files.push((path, id));
        } else {
            walk.ignored.push(path);
        }
    }
}

/// Whether a file found in a directory is read: its extension is in the list (compared
/// case-insensitively, a leading dot in the list ignored: `.md` is `md`) or the list has `*`.
fn has_extension(path: &Path, extensions: &[String]) -> bool {
    extensions.iter().any(|e| e == "*")
        || path.extension().is_some_and(|ext| {
            let ext = ext.to_string_lossy();
            extensions.iter().any(|e| {
                let e = e.strip_prefix('.').unwrap_or(e);
                !e.is_empty() && e.eq_ignore_ascii_case(&ext)
            })
        })
}

/// [`InputProblem::Missing`] for a path that does not exist, else [`Error::Io`].
fn open_error(path: &Path, err: std::io::Error) -> Error {
    if err.kind() == std::io::ErrorKind::NotFound {
        Error::input(path, InputProblem::Missing)
    } else {
        Error::io(path, err)
    }
}

/// Reads one file as a document with the given id, and the NUL bytes replaced in its text
/// if there were any (see [`decode`]).
///
/// # Errors
///
/// [`Error::Input`] if the file is missing, too large, empty, binary or not UTF-8;
/// [`Error::Io`] if it cannot be read.
pub fn read_file(path: &Path, id: &str, max_file_bytes: u64) -> Result<(Document, Option<Nuls>)> {
    read_identified(path, id, max_file_bytes).1
}

/// [`read_file`], with the file's identity on disk when it could be opened.
fn read_identified(path: &Path, id: &str, max_file_bytes: u64) -> (Option<FileKey>, Outcome) {
    match fs::File::open(path) {
        Ok(file) => {
            let (key, size) = file_key(&file, path);
            (key, read_open(file, path, id, max_file_bytes, size))
        }
        Err(err) => (None, Err(open_error(path, err))),
    }
}

/// Reads an open file (see [`read_file`]) of `size` bytes as its `fstat` gave it, if known.
fn read_open(
    file: fs::File,
    path: &Path,
    id: &str,
    max_file_bytes: u64,
    size: Option<u64>,
) -> Outcome {
    // No `stat` of the path first: open, `fstat` (the file's identity and size), two reads
    // and close are all the system calls a file costs. A file over the limit by its size is
    // not read; else the buffer is the size `fstat` gave, and a byte for the read that finds
    // the end. `take` stops a file that grew past the limit since; one that grew less is
    // read whole all the same.
    if let Some(n) = size.filter(|&n| n > max_file_bytes) {
        let problem = InputProblem::TooLarge {
            size: n,
            limit: max_file_bytes,
        };
        return Err(Error::input(path, problem));
    }
    let first = size.map_or(FIRST_READ, |n| {
        usize::try_from(n).unwrap_or(usize::MAX).saturating_add(1)
    });
    let mut bytes = Vec::with_capacity(first.min(max_file_bytes as usize + 1));
    file.take(max_file_bytes + 1)
        .read_to_end(&mut bytes)
        .map_err(|err| Error::io(path, err))?;
    if bytes.len() as u64 > max_file_bytes {
        let size = match fs::metadata(path) {
            Ok(meta) => meta.len().max(bytes.len() as u64),
            Err(_) => bytes.len() as u64,
        };
        let problem = InputProblem::TooLarge {
            size,
            limit: max_file_bytes,
        };
        return Err(Error::input(path, problem));
    }
    // Kept as long as the document is indexed: no room to spare (a buffer sized by `fstat`
    // has one byte to spare, and is not copied for it).
    if bytes.capacity() > bytes.len() + 1 {
        bytes.shrink_to_fit();
    }
    let Text { text, nuls } = decode(bytes).map_err(|problem| Error::input(path, problem))?;
    Ok((Document::new(id, text), nuls))
}

/// The buffer a file is first read into when its size is not known, in bytes.
const FIRST_READ: usize = 32 * 1024;

/// How much of a file is looked at to tell binary from text, as git does: a file is binary
/// if these first bytes hold a NUL byte and more than [`BINARY_CONTROL_SHARE`] of them are
/// control bytes. A NUL there, among many control bytes, is a sign of an image, an
/// executable, a compressed or a UTF-16 file. A NUL in an otherwise clean text, early or
/// late, is a stray byte (seen in real corpora: 12 texts of the PAN 2013 training corpus
/// hold one or more) and is replaced, so the document is not lost (see [`decode`]).
pub const BINARY_SNIFF_BYTES: usize = 8000;

/// The share of control bytes (C0 controls but tab, line feed, vertical tab, form feed and
/// carriage return; NUL and DEL included) above which a sniffed start with a NUL byte is
/// binary. Random bytes (compressed or encrypted data) hold about 11% of them (28 of 256
/// values), executables and UTF-16 text more; text holds almost none (the PAN 2013 texts with
/// stray NULs: at most 0.4%; its two NUL-holding files of binary garbage: 12.7% and 13.9%).
/// 1% sits ten times below random data.
pub const BINARY_CONTROL_SHARE: f64 = 0.01;

/// The NUL bytes replaced by spaces in a text that was read anyway (see [`decode`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Nuls {
    /// How many NUL bytes were replaced.
    pub count: u64,
    /// Byte offset of the first one.
    pub first: u64,
}

impl std::fmt::Display for Nuls {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (count, first) = (self.count, self.first);
        let s = if count == 1 { "" } else { "s" };
        write!(
            f,
            "{count} NUL byte{s} replaced by space{s} (the first at byte {first}); the text was read"
        )
    }
}

/// A document read from a text with NUL bytes replaced: where it came from and how many.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Repaired {
    /// The file, or the JSONL stream.
    pub path: PathBuf,
    /// The 1-based line, for a JSONL record.
    pub line: Option<u64>,
    /// The document's id.
    pub id: String,
    /// The bytes replaced.
    pub nuls: Nuls,
}

impl std::fmt::Display for Repaired {
    /// `PATH: N NUL bytes replaced …` (`PATH:LINE: …` for a JSONL record), for a warning.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let place = place(&(self.path.clone(), self.line));
        write!(f, "{place}: {}", self.nuls)
    }
}

/// Replaces each NUL byte by a space (one byte for one, so every other byte keeps its
/// offset), unless the bytes are binary (see [`BINARY_SNIFF_BYTES`]).
///
/// # Errors
///
/// [`InputProblem::Binary`] with the offset of the first NUL byte if they are binary.
fn replace_nuls(bytes: &mut [u8]) -> std::result::Result<Option<Nuls>, InputProblem> {
    let Some(first) = bytes.iter().position(|&b| b == 0) else {
        return Ok(None);
    };
    if first < BINARY_SNIFF_BYTES && is_binary(&bytes[..bytes.len().min(BINARY_SNIFF_BYTES)]) {
        return Err(InputProblem::Binary {
            offset: first as u64,
        });
    }
    let mut count = 0;
    for b in &mut bytes[first..] {
        if *b == 0 {
            *b = b' ';
            count += 1;
        }
    }
    Ok(Some(Nuls {
        count,
        first: first as u64,
    }))
}

/// Whether more than [`BINARY_CONTROL_SHARE`] of `start` are control bytes.
fn is_binary(start: &[u8]) -> bool {
    let control = |b: &u8| matches!(b, 0..=8 | 14..=31 | 127);
    let n = start.iter().filter(|b| control(b)).count();
    n as f64 > BINARY_CONTROL_SHARE * start.len() as f64
}

/// A text decoded by [`decode`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Text {
    /// The text, with any NUL byte replaced by a space.
    pub text: String,
    /// The NUL bytes replaced, if there were any.
    pub nuls: Option<Nuls>,
}

/// Checks bytes for text: not binary (a NUL byte among the first [`BINARY_SNIFF_BYTES`],
/// with more than [`BINARY_CONTROL_SHARE`] of them control bytes), valid UTF-8, not empty or
/// blank. A NUL byte further on is replaced by a space, which keeps the
/// byte offsets of the rest (reported passages point into the original file), and is
/// reported in [`Text::nuls`].
///
/// # Errors
///
/// The first problem found, in that order.
pub fn decode(mut bytes: Vec<u8>) -> std::result::Result<Text, InputProblem> {
    let nuls = replace_nuls(&mut bytes)?;
    let text = String::from_utf8(bytes).map_err(|err| InputProblem::NotUtf8 {
        offset: err.utf8_error().valid_up_to() as u64,
    })?;
    if text.trim().is_empty() {
        return Err(InputProblem::Empty);
    }
    Ok(Text { text, nuls })
}

#[derive(Deserialize)]
struct Record {
    id: String,
    text: String,
    #[serde(default)]
    published: Option<String>,
    #[serde(default)]
    outlet: Option<String>,
}

/// Reads a JSONL stream, passing each record's line number (from 1) and its document (with
/// the NUL bytes replaced in its text, by the rule of [`decode`]) or problem to `sink`, in
/// order. A line
/// longer than `max_file_bytes` plus 64 KiB (room for the other keys and escapes) is skipped
/// without being held in memory.
///
/// # Errors
///
/// [`Error::Io`] if the stream cannot be read; records already passed to `sink` stay passed.
pub fn read_jsonl(
    mut reader: impl BufRead,
    path: &Path,
    max_file_bytes: u64,
    sink: &mut dyn FnMut(u64, Result<(Document, Option<Nuls>)>),
) -> Result<()> {
    let max_line = max_file_bytes.saturating_add(64 * 1024);
    let mut line = Vec::new();
    for number in 1u64.. {
        line.clear();
        let (read, complete) =
            read_line(&mut reader, &mut line, max_line).map_err(|err| Error::io(path, err))?;
        if read == 0 {
            return Ok(());
        }
        let bad = |reason: String| {
            let problem = InputProblem::BadRecord {
                line: number,
                reason,
            };
            Err(Error::input(path, problem))
        };
        if !complete {
            sink(
                number,
                bad(format!(
                    "line too long ({read} bytes; the limit is {max_line} bytes, see --max-file-bytes)"
                )),
            );
            continue;
        }
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        while line.last().is_some_and(|b| matches!(b, b'\n' | b'\r')) {
            line.pop();
        }
        let text = match std::str::from_utf8(&line) {
            Ok(text) => text,
            Err(err) => {
                sink(
                    number,
                    bad(format!(
                        "not valid UTF-8 at byte {} of the line",
                        err.valid_up_to()
                    )),
                );
                continue;
            }
        };
        let record: Record = match serde_json::from_str(text) {
            Ok(record) => record,
            Err(err) => {
                // serde_json ends its message with "at line 1 column N": the line is ours.
                let message = err.to_string();
                let message = message.split(" at line ").next().unwrap_or_default();
                let column = err.column();
                sink(
                    number,
                    bad(format!("not a valid record: {message} at column {column}")),
                );
                continue;
            }
        };
        sink(number, document(record, max_file_bytes).or_else(bad));
    }
    Ok(())
}

/// A JSONL record as a document, or the reason it cannot be one.
fn document(
    record: Record,
    max_file_bytes: u64,
) -> std::result::Result<(Document, Option<Nuls>), String> {
    let id = &record.id;
    if id.trim().is_empty() {
        return Err("\"id\" is empty".into());
    }
    if record.text.len() as u64 > max_file_bytes {
        return Err(format!(
            "id {id:?}: text too large ({} bytes; the limit is {max_file_bytes} bytes)",
            record.text.len()
        ));
    }
    // JSON can hold NUL (`\u0000`): the same rule as for files, on the decoded text.
    let mut bytes = record.text.into_bytes();
    let nuls = replace_nuls(&mut bytes).map_err(|problem| match problem {
        InputProblem::Binary { offset } => {
            format!("id {id:?}: text looks binary (NUL byte at byte {offset})")
        }
        other => format!("id {id:?}: {other}"),
    })?;
    let text = String::from_utf8(bytes).expect("a space for a NUL byte keeps the text UTF-8");
    if text.trim().is_empty() {
        return Err(format!("id {id:?}: text is empty"));
    }
    let published = match &record.published {
        None => None,
        Some(raw) => Some(
            Timestamp::parse_rfc3339(raw)
                .ok_or_else(|| format!("id {id:?}: \"published\" is not RFC 3339: {raw:?}"))?,
        ),
    };
    let doc = Document {
        id: record.id,
        text,
        published,
        outlet: record.outlet,
    };
    Ok((doc, nuls))
}

/// Reads one line (through `\n`) into `line`, keeping at most `max` bytes. Returns the number
/// of bytes consumed and whether the line fit.
fn read_line(
    reader: &mut impl BufRead,
    line: &mut Vec<u8>,
    max: u64,
) -> std::io::Result<(u64, bool)> {
    let mut consumed = 0u64;
    let mut fits = true;
    loop {
        let buf = reader.fill_buf()?;
        if buf.is_empty() {
            return Ok((consumed, fits));
        }
        let (chunk, done) = match buf.iter().position(|&b| b == b'\n') {
            Some(i) => (&buf[..=i], true),
            None => (buf, false),
        };
        let n = chunk.len();
        if fits && consumed + n as u64 <= max {
            line.extend_from_slice(chunk);
        } else {
            fits = false;
            line.clear();
        }
        consumed += n as u64;
        reader.consume(n);
        if done {
            return Ok((consumed, fits));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 12, point 9: `.md` is `md`; case does not matter; an empty extension matches
    /// nothing (not even `name.`).
    #[test]
    fn r12_extensions_match_with_or_without_their_dot() {
        let cases: &[(&str, &[&str], bool)] = &[
            ("a/x.md", &["md"], true),
            ("a/x.md", &[".md"], true),
            ("a/x.MD", &[".md"], true),
            ("a/x.md", &["txt"], false),
            ("a/x.md", &["..md"], false),
            ("a/x", &["*"], true),
            ("a/x.", &[""], false),
            ("a/x.", &["."], false),
        ];
        for (path, extensions, want) in cases {
            let extensions: Vec<String> = extensions.iter().map(|e| e.to_string()).collect();
            assert_eq!(
                has_extension(Path::new(path), &extensions),
                *want,
                "{path} {extensions:?}"
            );
        }
    }

    #[test]
    fn decode_table() {
        let cases: &[(&[u8], std::result::Result<&str, InputProblem>)] = &[
            (b"hello", Ok("hello")),
            (b"", Err(InputProblem::Empty)),
            (b" \n\t ", Err(InputProblem::Empty)),
            (b"ab\0cd", Err(InputProblem::Binary { offset: 2 })),
            (
                b"caf\xc3\xa9 \xff",
                Err(InputProblem::NotUtf8 { offset: 6 }),
            ),
        ];
        for (bytes, want) in cases {
            let got = decode(bytes.to_vec());
            assert_eq!(
                got.as_ref().map(|t| t.nuls).map_err(Clone::clone),
                want.clone().map(|_| None)
            );
            assert_eq!(
                got.as_ref().map(|t| t.text.as_str()).map_err(Clone::clone),
                want.clone(),
                "{bytes:?}"
            );
        }
    }

    /// Issue 12, point 15: a stray NUL deep in a long valid text (9,000 bytes in) is replaced
    /// by a space, every other byte keeping its offset, and reported; a NUL among the first
    /// 8,000 bytes (10 bytes in, as in an image or executable header) makes the file binary.
    #[test]
    fn r12_stray_nuls_are_replaced_and_binary_files_refused() {
        let text = "word ".repeat(2000); // 10,000 bytes
        let mut late = text.clone().into_bytes();
        late[9000] = 0;
        late[9500] = 0;
        let got = decode(late).unwrap();
        assert_eq!(
            got.nuls,
            Some(Nuls {
                count: 2,
                first: 9000
            })
        );
        // Each NUL became a space; no other byte changed or moved.
        let mut want = text.clone().into_bytes();
        want[9000] = b' ';
        want[9500] = b' ';
        assert_eq!(got.text.as_bytes(), want);

        // An early NUL in a clean text is a stray byte too.
        let mut early = text.clone().into_bytes();
        early[10] = 0;
        assert_eq!(
            decode(early).unwrap().nuls,
            Some(Nuls {
                count: 1,
                first: 10
            })
        );
        // Control bytes as binary data has them (a PNG signature, then bytes of every value):
        // binary, named by the offset of the first NUL.
        let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
        png.extend((0..2000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8));
        assert_eq!(decode(png), Err(InputProblem::Binary { offset: 8 }));
        // The share: one control byte in a hundred is text, two are binary.
        let with_controls = |n: usize| {
            let mut bytes = "x".repeat(200).into_bytes();
            for b in &mut bytes[..n] {
                *b = 0;
            }
            decode(bytes).map(|t| t.nuls.map(|n| n.count))
        };
        assert_eq!(with_controls(2), Ok(Some(2)));
        assert_eq!(with_controls(3), Err(InputProblem::Binary { offset: 0 }));
        // Past the sniffed bytes a NUL is always a stray byte.
        let mut late_in_controls = "\x01".repeat(BINARY_SNIFF_BYTES).into_bytes();
        late_in_controls.extend(b"text\0more");
        assert_eq!(
            decode(late_in_controls).unwrap().nuls.map(|n| n.first),
            Some(BINARY_SNIFF_BYTES as u64 + 4)
        );
    }

    /// JSONL texts follow the same rule, on the decoded text (`\u0000`).
    #[test]
    fn r12_jsonl_texts_follow_the_nul_rule() {
        let late = format!("{}\\u0000 end", "word ".repeat(1700));
        let input = format!(
            "{{\"id\":\"late\",\"text\":\"{late}\"}}\n{{\"id\":\"early\",\"text\":\"ab\\u0000cd\"}}\n"
        );
        let mut got = Vec::new();
        read_jsonl(
            input.as_bytes(),
            Path::new("f.jsonl"),
            1 << 20,
            &mut |_, r| {
                got.push(r.map(|(d, nuls)| (d.id, nuls)).map_err(|e| e.to_string()));
            },
        )
        .unwrap();
        let want = vec![
            Ok((
                "late".to_string(),
                Some(Nuls {
                    count: 1,
                    first: 8500,
                }),
            )),
            Err("f.jsonl:2: id \"early\": text looks binary (NUL byte at byte 2)".to_string()),
        ];
        assert_eq!(got, want);
    }

    fn jsonl(input: &str, max: u64) -> Vec<std::result::Result<String, String>> {
        let mut out = Vec::new();
        read_jsonl(
            input.as_bytes(),
            Path::new("feed.jsonl"),
            max,
            &mut |_, r| {
                out.push(r.map(|(d, _)| d.id).map_err(|e| e.to_string()));
            },
        )
        .unwrap();
        out
    }

    #[test]
    fn jsonl_reports_bad_lines_by_number_and_reads_the_rest() {
        let input = concat!(
            "{\"id\":\"a\",\"text\":\"one\"}\n",
            "\n",
            "{\"id\":\"b\",\"text\":\n",
            "{\"id\":\"c\",\"text\":\"three\",\"published\":\"2023-03-21T09:30:00Z\",\"outlet\":\"VOA\"}\n",
            "{\"id\":\"d\",\"text\":\"four\",\"published\":\"yesterday\"}\n",
            "{\"id\":\"e\",\"text\":\"  \"}\n",
            "{\"text\":\"no id\"}\n",
            "{\"id\":\"f\",\"text\":\"last, no newline\"}",
        );
        let got = jsonl(input, 1000);
        let want: Vec<std::result::Result<String, String>> = vec![
            Ok("a".into()),
            Err("feed.jsonl:3: not a valid record: EOF while parsing a value at column 17".into()),
            Ok("c".into()),
            Err("feed.jsonl:5: id \"d\": \"published\" is not RFC 3339: \"yesterday\"".into()),
            Err("feed.jsonl:6: id \"e\": text is empty".into()),
            Err("feed.jsonl:7: not a valid record: missing field `id` at column 16".into()),
            Ok("f".into()),
        ];
        assert_eq!(got, want);
    }

    #[test]
    fn jsonl_long_lines_are_skipped_not_buffered() {
        let long = format!(
            "{{\"id\":\"big\",\"text\":\"{}\"}}\n",
            "x".repeat(70 * 1024)
        );
        let input = format!("{long}{{\"id\":\"ok\",\"text\":\"fine\"}}\n");
        let got = jsonl(&input, 10);
        assert_eq!(got.len(), 2);
        assert!(
            got[0]
                .as_ref()
                .unwrap_err()
                .contains("feed.jsonl:1: line too long"),
            "{got:?}"
        );
        assert_eq!(got[1], Ok("ok".to_string()));
    }

    /// Reading with a thread pool of its own gives what reading in the current pool gives, in
    /// the same order: documents, problems, ignored files.
    #[test]
    fn read_threads_do_not_change_what_is_read() {
        let dir = tempfile::tempdir().unwrap();
        for i in 0..200 {
            let text = match i % 50 {
                7 => String::new(),           // empty
                13 => "bin\0ary".to_string(), // binary
                _ => format!("Article {i} says {}.", "words ".repeat(i % 17 + 1)),
            };
            std::fs::write(dir.path().join(format!("{i:03}.txt")), text).unwrap();
        }
        std::fs::write(dir.path().join("notes.md"), "not read").unwrap();
        let paths = [dir.path().to_path_buf()];
        let read = |threads| {
            let options = Options {
                read_threads: threads,
                ..Options::default()
            };
            let batch = read_all(&paths, &[], &options, &|| {});
            let docs: Vec<(String, String)> = batch
                .documents
                .into_iter()
                .map(|d| (d.id, d.text))
                .collect();
            let skipped: Vec<String> = batch.skipped.iter().map(|e| e.to_string()).collect();
            (docs, skipped, batch.ignored)
        };
        // Inside a pool of one thread, so that every count above 1 reads in a pool of its
        // own, whatever the machine's cores.
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .unwrap();
        let one = pool.install(|| read(1));
        assert_eq!(one.0.len(), 192);
        assert_eq!(one.1.len(), 8);
        assert_eq!(one.2.len(), 1);
        for threads in [2, 16, READ_THREADS] {
            assert_eq!(pool.install(|| read(threads)), one, "{threads} threads");
        }
    }
}
