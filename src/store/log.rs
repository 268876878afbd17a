//! The index file: a header, then records appended one after another (see the
//! [module docs](super) for why).
//!
//! All integers are little-endian.
//!
//! ```text
//! header   magic "NEARDUP" 0x00 (8 bytes) | version u32 | settings length u32 | settings (JSON)
//!          | xxh3 of version, length and settings (u64) | zeros up to a multiple of 16 bytes
//!          | commit: committed length u64 | xxh3 of it (u64)
//! record   body length u32 | xxh3 of the body (u64) | body
//! body     kind u8 (1 insert, 2 remove, 3 batch) | fields
//! insert   id | inserted | published? | outlet? | text
//! remove   id
//! batch    start u64 (its own offset) | length u64 (of the records after it) | count u32
//! ```
//!
//! A string is its length (u32) and its UTF-8 bytes; a time is seconds (i64) and nanoseconds
//! (u32); an optional field is a byte, 0 or 1, and the field if 1.
//!
//! # What a crash can leave, and what is damage
//!
//! An append writes one batch: a batch record saying where it starts and how long it is,
//! then its records; it flushes them, then writes the new committed length into the header's
//! commit field (16 aligned bytes, one sector) and flushes that; only then is the batch
//! acknowledged. So a file can only ever hold, past its committed length, the start of the
//! one batch that was being written, and never less than its committed length:
//!
//! - bytes past the committed length that are the start of a batch beginning there are an
//!   interrupted write: a writable open cuts them off and says so ([`Log::tail`]), a
//!   read-only open leaves them out (they may be a write in progress);
//! - anything else past it (bytes that are not a batch, or more than the batch declares) is
//!   [`StoreProblem::Corrupt`] at the committed length;
//! - a file shorter than its committed length (a truncated copy, a partial restore) is
//!   [`StoreProblem::Truncated`], saying how many bytes are missing;
//! - a damaged record before the committed length is [`StoreProblem::Corrupt`] at its offset.
//!
//! None of these is ever repaired by an open: [`Log::repair`] keeps the whole records before
//! the first damage and saves every byte it cuts in a file beside the index.
//!
//! Files of format 1 (written before the commit field existed) are still read and appended
//! to in their own format; in them an incomplete last record cannot be told from a cut, and
//! is cut off by a writable open (and reported in [`Log::tail`]). Compacting such an index
//! rewrites it in the current format.
//!
//! # Example
//!
//! ```
//! use neardup::store::log::{Entry, Log, Record};
//! use neardup::Timestamp;
//!
//! let dir = std::env::temp_dir().join(format!("neardup-log-doc-{}", std::process::id()));
//! std::fs::create_dir_all(&dir).unwrap();
//! let path = dir.join("news.ndx");
//! # let _ = std::fs::remove_file(&path);
//! let entry = Entry {
//!     id: "a".into(),
//!     text: "Some text.".into(),
//!     published: None,
//!     outlet: Some("wire".into()),
//!     inserted: Timestamp { seconds: 1_700_000_000, nanos: 0 },
//! };
//! let mut log = Log::create(&path, r#"{"shingle_size":5}"#)?;
//! let at = log.append(&Record::Insert(entry.clone()))?;
//! drop(log);
//!
//! let mut seen = Vec::new();
//! let (log, settings) = Log::open(&path, |offset, record| {
//!     seen.push((offset, record));
//!     Ok(())
//! })?;
//! assert_eq!(settings, r#"{"shingle_size":5}"#);
//! assert_eq!(seen, [(at, Record::Insert(entry.clone()))]);
//! assert_eq!(log.read(at)?, Record::Insert(entry));
//! # drop(log); std::fs::remove_dir_all(&dir).unwrap();
//! # Ok::<(), neardup::Error>(())
//! ```

use std::fs::{File, OpenOptions};
use std::io::{BufReader, ErrorKind, Read};
use std::path::{Path, PathBuf};

use xxhash_rust::xxh3::xxh3_64_with_seed;

use crate::document::Timestamp;
use crate::error::{Error, Result, StoreProblem};

/// The first bytes of every index file.
pub const MAGIC: &[u8; 8] = b"NEARDUP\0";
/// The format version this build writes, and the newest it reads.
pub const FORMAT_VERSION: u32 = 2;
/// The first version with a commit field and batch records.
const COMMITTED_VERSION: u32 = 2;
/// Seed of the commit field's checksum.
const COMMIT_SEED: u64 = 0x636f_6d6d_6974_0002;
/// Bytes of the commit field: the committed length and its checksum.
const COMMIT: usize = 16;
/// The kind byte of a batch record.
const BATCH: u8 = 3;
/// Bytes of a batch record's body: kind, start, length, count.
const BATCH_BODY: usize = 1 + 8 + 8 + 4;
/// Bytes of a whole batch record.
const BATCH_RECORD: usize = RECORD_HEAD + BATCH_BODY;
/// Seed of the header checksum.
const HEADER_SEED: u64 = 0x6865_6164_6572_0001;
/// Seed of the record checksums.
const RECORD_SEED: u64 = 0x7265_636f_7264_0001;
/// Bytes before a record's body: its length and its checksum.
const RECORD_HEAD: usize = 12;
/// The largest settings text a header may hold: a larger length field is damage.
const MAX_SETTINGS: u32 = 1 << 20;
/// The largest record body: a larger length field is damage, not a document.
const MAX_RECORD: u32 = 1 << 30;

/// One document as the log keeps it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// The document's id.
    pub id: String,
    /// Its original text.
    pub text: String,
    /// When it was published, if known.
    pub published: Option<Timestamp>,
    /// Who published it, if known.
    pub outlet: Option<String>,
    /// When it was added to the index.
    pub inserted: Timestamp,
}

/// One change to the index.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Record {
    /// A document added.
    Insert(Entry),
    /// The document with this id removed.
    Remove {
        /// The id removed.
        id: String,
    },
}

/// Bytes past the last committed record, found when a log was opened: the start of a batch
/// whose write was interrupted (it was never acknowledged), or, for a read-only open, possibly
/// a write in progress.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Tail {
    /// Where they start: the end of the last committed record.
    pub offset: u64,
    /// How many bytes.
    pub bytes: u64,
    /// Whether the open cut them off (a writable open); a read-only open leaves the file as
    /// it is and only leaves them out.
    pub cut: bool,
}

/// An index file open for appending and reading, holding the file's lock so that no other
/// process can write it at the same time; or open only for reading (see
/// [`Log::open_read_only`]).
#[derive(Debug)]
pub struct Log {
    path: PathBuf,
    file: File,
    /// Length of the valid part of the file: where the next record goes.
    len: u64,
    /// Where the first record starts.
    start: u64,
    /// Offset of the header's commit field (`None` in a format 1 file, which has none).
    commit_at: Option<u64>,
    writable: bool,
    tail: Option<Tail>,
}

/// The header of an index file, as read.
struct Header {
    settings: String,
    /// Offset of the commit field and the length it holds (format 2 and later).
    commit: Option<(u64, u64)>,
    /// Where the first record starts.
    start: u64,
}

impl Log {
    /// Creates an index file holding only its header, with `settings` (the text a later
    /// [`Log::open`] returns), flushed to disk with its directory entry. The header is written
    /// to a temporary file first and linked into place, so a crash leaves either no file at
    /// `path` or a whole header.
    ///
    /// # Errors
    ///
    /// [`StoreProblem::Exists`] if the path exists; [`Error::Io`] if it cannot be written.
    pub fn create(path: &Path, settings: &str) -> Result<Log> {
        let io = |e| Error::io(path, e);
        let exists = || Error::store(path, StoreProblem::Exists);
        if path.exists() {
            return Err(exists());
        }
        let settings = settings.as_bytes();
        let settings_len = u32::try_from(settings.len())
            .ok()
            .filter(|&n| n <= MAX_SETTINGS)
            .expect("settings of a reasonable size");
        let mut header = Vec::with_capacity(48 + settings.len());
        header.extend_from_slice(MAGIC);
        let checked = header.len();
        header.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
        header.extend_from_slice(&settings_len.to_le_bytes());
        header.extend_from_slice(settings);
        let sum = xxh3_64_with_seed(&header[checked..], HEADER_SEED);
        header.extend_from_slice(&sum.to_le_bytes());
        let commit_at = commit_offset(header.len() as u64);
        header.resize(commit_at as usize, 0);
        let start = commit_at + COMMIT as u64;
        header.extend_from_slice(&commit_field(start));
        let mut temporary = path.as_os_str().to_owned();
        temporary.push(".new");
        let temporary = PathBuf::from(temporary);
        let written = File::create(&temporary)
            .and_then(|file| write_at(&file, &header, 0).and_then(|()| file.sync_all()));
        if let Err(e) = written {
            let _ = std::fs::remove_file(&temporary);
            return Err(write_error(&temporary, e));
        }
        // Linking fails if the path appeared meanwhile: no index is ever overwritten.
        let linked = std::fs::hard_link(&temporary, path);
        let _ = std::fs::remove_file(&temporary);
        match linked {
            Ok(()) => {}
            Err(e) if e.kind() == ErrorKind::AlreadyExists => return Err(exists()),
            Err(e) => return Err(io(e)),
        }
        sync_parent(path)?;
        let file = open_locked(path)?;
        Ok(Log {
            path: path.to_path_buf(),
            len: start,
            start,
            commit_at: Some(commit_at),
            file,
            writable: true,
            tail: None,
        })
    }

    /// Opens an index file, calling `each` with every committed record and its offset in
    /// file order, and returns the log (ready to append) and the settings text of its
    /// header. The start of a batch whose write was interrupted (never acknowledged) is cut
    /// off, and said in [`Log::tail`].
    ///
    /// # Errors
    ///
    /// [`StoreProblem::Empty`] for a 0-byte file, [`StoreProblem::Foreign`] if the file is
    /// not an index, [`StoreProblem::NewerVersion`] if a newer neardup wrote it,
    /// [`StoreProblem::Truncated`] if it is shorter than its committed length,
    /// [`StoreProblem::Corrupt`] if the header, a committed record or the bytes after the
    /// last one are damaged (see the [module docs](self)), [`StoreProblem::Locked`] if another
    /// process has it open, [`StoreProblem::ReadOnly`] if it is read-only (by its permissions
    /// or its file system), [`Error::Io`] if it cannot be read or written; any error of
    /// `each`. The file is left as it was on every error.
    pub fn open(path: &Path, each: impl FnMut(u64, Record) -> Result<()>) -> Result<(Log, String)> {
        Log::open_with(path, true, each)
    }

    /// Opens an index file only to read it, as [`Log::open`] does but without its lock and
    /// without cutting anything off: bytes past the committed length are left out (and said
    /// in [`Log::tail`]), a reader can open a file that a writer holds, or one it may not
    /// write. It sees the records committed when it opened the file. [`Log::append`] then
    /// fails with [`StoreProblem::ReadOnly`].
    ///
    /// # Errors
    ///
    /// As [`Log::open`], except [`StoreProblem::Locked`] and [`StoreProblem::ReadOnly`], and
    /// bytes past the committed length are not checked (a writer may be adding them).
    pub fn open_read_only(
        path: &Path,
        each: impl FnMut(u64, Record) -> Result<()>,
    ) -> Result<(Log, String)> {
        Log::open_with(path, false, each)
    }

    /// The settings text in the header of the index file at `path`, read without opening
    /// the rest of it (no lock, nothing written).
    ///
    /// # Errors
    ///
    /// As [`Log::open_read_only`] for the header.
    pub fn settings(path: &Path) -> Result<String> {
        let file = File::open(path).map_err(|e| Error::io(path, e))?;
        let mut reader = BufReader::with_capacity(64 * 1024, &file);
        Ok(read_header(path, &mut reader)?.settings)
    }

    fn open_with(
        path: &Path,
        writable: bool,
        mut each: impl FnMut(u64, Record) -> Result<()>,
    ) -> Result<(Log, String)> {
        let io = |e| Error::io(path, e);
        let file = if writable {
            open_locked(path)?
        } else {
            File::open(path).map_err(io)?
        };
        let mut reader = BufReader::with_capacity(1 << 20, &file);
        let header = read_header(path, &mut reader)?;
        // The size after the commit field was read: a writer extends the file before it
        // commits, so a size taken now is never short of the committed length.
        let size = file.metadata().map_err(io)?.len();
        let committed = header.commit.map(|(_, c)| c);
        let limit = committed.map_or(size, |c| c.min(size));
        let mut at = header.start;
        let mut body = Vec::new();
        let mut tail = None;
        loop {
            match read_record(&mut reader, at, limit, &mut body).map_err(io)? {
                Next::End => break,
                Next::Torn if committed.is_none() => {
                    // Format 1: only the last record can be incomplete; a writer cuts it off.
                    if writable {
                        file.set_len(at).map_err(io)?;
                        file.sync_all().map_err(io)?;
                    }
                    tail = Some(Tail {
                        offset: at,
                        bytes: size - at,
                        cut: writable,
                    });
                    break;
                }
                // A file cut short: said below, with how much is missing.
                Next::Torn if committed.is_some_and(|c| size < c) => break,
                Next::Torn => return Err(corrupt(path, at, "incomplete record")),
                Next::Damaged(reason) => return Err(corrupt(path, at, reason)),
                Next::Body => {
                    if body.first() != Some(&BATCH) {
                        let record = decode(&body).ok_or_else(|| corrupt(path, at, "malformed"))?;
                        each(at, record)?;
                    } else if body.len() != BATCH_BODY {
                        return Err(corrupt(path, at, "malformed"));
                    }
                    at += (RECORD_HEAD + body.len()) as u64;
                }
            }
        }
        drop(reader);
        if let Some(committed) = committed {
            if size < committed {
                let problem = StoreProblem::Truncated {
                    size,
                    committed,
                    intact: at,
                };
                return Err(Error::store(path, problem));
            }
            if size > committed {
                let bytes = size - committed;
                if writable {
                    let mut head = vec![0u8; bytes.min(BATCH_RECORD as u64) as usize];
                    read_at(&file, &mut head, committed).map_err(io)?;
                    if !interrupted_batch(&head, committed, bytes) {
                        let reason = format!(
                            "{bytes} bytes after the last committed record are not a write of this index"
                        );
                        return Err(corrupt(path, committed, &reason));
                    }
                    file.set_len(committed).map_err(io)?;
                    file.sync_all().map_err(io)?;
                }
                tail = Some(Tail {
                    offset: committed,
                    bytes,
                    cut: writable,
                });
            }
        }
        Ok((
            Log {
                path: path.to_path_buf(),
                file,
                len: at,
                start: header.start,
                commit_at: header.commit.map(|(offset, _)| offset),
                writable,
                tail,
            },
            header.settings,
        ))
    }

    /// What the open found past the last committed record: the start of an interrupted
    /// write, cut off by a writable open, left out by a read-only one. `None` if the file
    /// ended with its last committed record.
    pub fn tail(&self) -> Option<Tail> {
        self.tail
    }

    /// Repairs a damaged index file: keeps the whole records before the first damage (a
    /// damaged record, a cut, bytes past the committed length), cuts off everything from
    /// there, and first saves every byte it cuts in a new file beside the index
    /// (`PATH.cut-OFFSET`, numbered if that exists), so nothing is thrown away. A file
    /// without damage is left as it is. Takes the file's lock, as a writer does.
    ///
    /// The records after a damaged one are in the saved file, not in the index: reading
    /// them back would mean guessing where a record starts.
    ///
    /// # Errors
    ///
    /// A damaged header (nothing can be kept without it) and the errors of opening a file
    /// for writing ([`StoreProblem::Locked`], [`StoreProblem::ReadOnly`], [`Error::Io`]);
    /// if the cut bytes cannot be saved, nothing is cut.
    pub fn repair(path: &Path) -> Result<Repair> {
        let io = |e| Error::io(path, e);
        let file = open_locked(path)?;
        let mut reader = BufReader::with_capacity(1 << 20, &file);
        let header = read_header(path, &mut reader)?;
        let size = file.metadata().map_err(io)?.len();
        let committed = header.commit.map(|(_, c)| c);
        let limit = committed.map_or(size, |c| c.min(size));
        let (mut at, mut kept) = (header.start, 0);
        let mut body = Vec::new();
        while let Next::Body = read_record(&mut reader, at, limit, &mut body).map_err(io)? {
            let batch = body.first() == Some(&BATCH) && body.len() == BATCH_BODY;
            if !batch && decode(&body).is_none() {
                break;
            }
            kept += usize::from(!batch);
            at += (RECORD_HEAD + body.len()) as u64;
        }
        drop(reader);
        let mut repair = Repair {
            kept,
            length: at,
            cut: size - at,
            missing: committed.map_or(0, |c| c.saturating_sub(size)),
            saved: None,
        };
        if repair.cut == 0 && repair.missing == 0 {
            return Ok(repair);
        }
        if repair.cut > 0 {
            repair.saved = Some(save_tail(path, &file, at)?);
        }
        file.set_len(at).map_err(io)?;
        if let Some((commit_at, _)) = header.commit {
            write_at(&file, &commit_field(at), commit_at).map_err(io)?;
        }
        file.sync_all().map_err(io)?;
        Ok(repair)
    }

    /// Appends a record and flushes it to disk; returns its offset. When this returns `Ok`,
    /// the record survives a crash. On an error (a full disk, a read-only file) the file is
    /// cut back to where it was, so nothing half-written stays in it.
    ///
    /// # Errors
    ///
    /// [`StoreProblem::ReadOnly`] if the log was opened read-only or the file system refuses
    /// the write; [`StoreProblem::Full`] if the disk, a quota or the file size limit has no
    /// room for the record; [`Error::Io`] if it cannot be written or flushed otherwise.
    pub fn append(&mut self, record: &Record) -> Result<u64> {
        Ok(self.append_batch(std::slice::from_ref(record))?[0])
    }

    /// Appends records and flushes them to disk once, for all of them; returns their
    /// offsets. All or none: on an error the file is cut back to where it was (a crash
    /// during the call may keep a prefix of them, never a part of one).
    ///
    /// # Errors
    ///
    /// As [`Log::append`].
    pub fn append_batch(&mut self, records: &[Record]) -> Result<Vec<u64>> {
        if !self.writable {
            return Err(Error::store(&self.path, StoreProblem::ReadOnly));
        }
        if records.is_empty() {
            return Ok(Vec::new());
        }
        let at = self.len;
        let mut bytes = Vec::new();
        if self.commit_at.is_some() {
            bytes.resize(BATCH_RECORD, 0); // the batch record, once the length is known
        }
        let mut offsets = Vec::with_capacity(records.len());
        for record in records {
            offsets.push(at + bytes.len() as u64);
            bytes.extend_from_slice(&encode(record));
        }
        if self.commit_at.is_some() {
            let length = (bytes.len() - BATCH_RECORD) as u64;
            let count = u32::try_from(records.len()).expect("fewer than 2^32 records a batch");
            bytes[..BATCH_RECORD].copy_from_slice(&batch_record(at, length, count));
        }
        let written = write_at(&self.file, &bytes, at).and_then(|()| self.file.sync_data());
        if let Err(e) = written {
            // Best effort: what is left past the committed length is cut off on the next
            // open anyway, as an interrupted write.
            let _ = self.file.set_len(at);
            return Err(write_error(&self.path, e));
        }
        let end = at + bytes.len() as u64;
        if let Some(commit_at) = self.commit_at {
            let committed = write_at(&self.file, &commit_field(end), commit_at)
                .and_then(|()| self.file.sync_data());
            if let Err(e) = committed {
                // Put the old length back before the file gets shorter than it says.
                let _ = write_at(&self.file, &commit_field(at), commit_at);
                let _ = self.file.set_len(at);
                let _ = self.file.sync_data();
                return Err(write_error(&self.path, e));
            }
        }
        self.len = end;
        Ok(offsets)
    }

    /// The record at `offset` (as [`Log::append`] or [`Log::open`] gave it), read from disk
    /// and checked against its checksum. Safe to call from several threads at once.
    ///
    /// # Errors
    ///
    /// [`StoreProblem::Corrupt`] if no intact record starts there; [`Error::Io`] if the file
    /// cannot be read.
    pub fn read(&self, offset: u64) -> Result<Record> {
        read_record_at(&self.path, &self.file, offset, self.len)
    }

    /// A handle that reads records (as [`Log::read`] does) while this log appends, from any
    /// thread: reads take no lock.
    ///
    /// # Errors
    ///
    /// [`Error::Io`] if the file cannot be opened again.
    pub fn reader(&self) -> Result<Reader> {
        Ok(Reader {
            path: self.path.clone(),
            file: self
                .file
                .try_clone()
                .map_err(|e| Error::io(&self.path, e))?,
        })
    }

    /// Records that the file was renamed to `path` (as compaction does), for the paths
    /// errors name.
    pub fn moved_to(&mut self, path: &Path) {
        self.path = path.to_path_buf();
    }

    /// The file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Whether records can be appended (the log was not opened read-only).
    pub fn is_writable(&self) -> bool {
        self.writable
    }

    /// The length of the file in bytes, up to its last committed record.
    pub fn len(&self) -> u64 {
        self.len
    }

    /// Whether the file holds no record (only its header).
    pub fn is_empty(&self) -> bool {
        self.len <= self.start
    }
}

/// What [`Log::repair`] did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Repair {
    /// Whole records kept (inserts and removals).
    pub kept: usize,
    /// The file's length after the repair.
    pub length: u64,
    /// Bytes cut off the end (saved in [`Repair::saved`]).
    pub cut: u64,
    /// Bytes that had been committed but were no longer in the file (a truncated file):
    /// lost before the repair, and not in this file.
    pub missing: u64,
    /// The file the cut bytes were saved in.
    pub saved: Option<PathBuf>,
}

impl Repair {
    /// Whether the file was changed: `false` if it had no damage.
    pub fn changed(&self) -> bool {
        self.cut > 0 || self.missing > 0
    }
}

/// Copies the bytes of `file` from `from` to its end into a new file beside `path`, flushed
/// with its directory entry; returns its path.
fn save_tail(path: &Path, file: &File, from: u64) -> Result<PathBuf> {
    let mut name = path.as_os_str().to_owned();
    name.push(format!(".cut-{from}"));
    let mut saved = PathBuf::from(&name);
    let mut n = 1;
    let mut out = loop {
        match OpenOptions::new().write(true).create_new(true).open(&saved) {
            Ok(out) => break out,
            Err(e) if e.kind() == ErrorKind::AlreadyExists => {
                n += 1;
                let mut numbered = name.clone();
                numbered.push(format!(".{n}"));
                saved = PathBuf::from(numbered);
            }
            Err(e) => return Err(write_error(&saved, e)),
        }
    };
    let mut source = file;
    let copied = std::io::Seek::seek(&mut source, std::io::SeekFrom::Start(from))
        .and_then(|_| std::io::copy(&mut source, &mut out))
        .and_then(|_| out.sync_all());
    if let Err(e) = copied {
        let _ = std::fs::remove_file(&saved);
        return Err(write_error(&saved, e));
    }
    sync_parent(&saved)?;
    Ok(saved)
}

/// Reads records of a [`Log`] by offset (see [`Log::reader`]).
#[derive(Debug)]
pub struct Reader {
    path: PathBuf,
    file: File,
}

impl Reader {
    /// The record at `offset`, as [`Log::read`] gives it.
    ///
    /// # Errors
    ///
    /// As [`Log::read`].
    pub fn read(&self, offset: u64) -> Result<Record> {
        read_record_at(&self.path, &self.file, offset, u64::MAX)
    }
}

/// The record at `offset` of a file whose valid part is `limit` bytes long, checked against
/// its checksum.
fn read_record_at(path: &Path, file: &File, offset: u64, limit: u64) -> Result<Record> {
    let mut head = [0u8; RECORD_HEAD];
    let no_record = || corrupt(path, offset, "no record here");
    let read = |buf: &mut [u8], at: u64| match read_at(file, buf, at) {
        Err(e) if e.kind() == ErrorKind::UnexpectedEof => Err(no_record()),
        other => other.map_err(|e| Error::io(path, e)),
    };
    if offset.saturating_add(RECORD_HEAD as u64) > limit {
        return Err(no_record());
    }
    read(&mut head, offset)?;
    let (len, sum) = split_head(&head);
    let end = offset + RECORD_HEAD as u64 + u64::from(len);
    if len > MAX_RECORD || end > limit {
        return Err(no_record());
    }
    let mut body = vec![0u8; len as usize];
    read(&mut body, offset + RECORD_HEAD as u64)?;
    if xxh3_64_with_seed(&body, RECORD_SEED) != sum {
        return Err(corrupt(path, offset, "checksum mismatch"));
    }
    decode(&body).ok_or_else(|| corrupt(path, offset, "malformed"))
}

/// Opens an index file for reading and appending, and takes its lock. A file whose
/// permissions say read-only is not written, even by a user who could (root).
fn open_locked(path: &Path) -> Result<File> {
    let read_only = || Error::store(path, StoreProblem::ReadOnly);
    if std::fs::metadata(path).is_ok_and(|m| m.permissions().readonly()) {
        return Err(read_only());
    }
    let file = match OpenOptions::new().read(true).write(true).open(path) {
        Ok(file) => file,
        // Readable but not writable (a read-only file system, or another user's file).
        Err(e)
            if matches!(
                e.kind(),
                ErrorKind::PermissionDenied | ErrorKind::ReadOnlyFilesystem
            ) && File::open(path).is_ok() =>
        {
            return Err(read_only());
        }
        Err(e) => return Err(Error::io(path, e)),
    };
    lock(path, &file)?;
    Ok(file)
}

/// The error of a failed write to `path`: a full disk and a read-only file are named as such.
fn write_error(path: &Path, e: std::io::Error) -> Error {
    match e.kind() {
        ErrorKind::StorageFull | ErrorKind::FileTooLarge | ErrorKind::QuotaExceeded => {
            let reason = e.to_string();
            Error::store(path, StoreProblem::Full { reason })
        }
        ErrorKind::ReadOnlyFilesystem | ErrorKind::PermissionDenied => {
            Error::store(path, StoreProblem::ReadOnly)
        }
        _ => Error::io(path, e),
    }
}

/// How long [`lock`] waits for another holder to let go: a process that is exiting, or a
/// process forked (to run a program) just as the lock's holder closed it, which keeps the
/// lock until it runs the program.
const LOCK_WAIT: std::time::Duration = std::time::Duration::from_secs(1);

/// Takes the file's exclusive lock, waiting up to [`LOCK_WAIT`], or says it is in use.
fn lock(path: &Path, file: &File) -> Result<()> {
    let start = std::time::Instant::now();
    loop {
        match file.try_lock() {
            Ok(()) => return Ok(()),
            Err(std::fs::TryLockError::WouldBlock) if start.elapsed() < LOCK_WAIT => {
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            Err(std::fs::TryLockError::WouldBlock) => {
                return Err(Error::store(path, StoreProblem::Locked));
            }
            Err(std::fs::TryLockError::Error(e)) => return Err(Error::io(path, e)),
        }
    }
}

/// Flushes the directory that holds `path`, so a new entry in it survives a crash.
pub(crate) fn sync_parent(path: &Path) -> Result<()> {
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    #[cfg(unix)]
    {
        File::open(parent)
            .and_then(|dir| dir.sync_all())
            .map_err(|e| Error::io(parent, e))?;
    }
    #[cfg(not(unix))]
    let _ = parent;
    Ok(())
}

fn corrupt(path: &Path, offset: u64, reason: &str) -> Error {
    Error::store(
        path,
        StoreProblem::Corrupt {
            offset,
            reason: reason.into(),
        },
    )
}

/// Reads and checks the header, and the commit field of a format 2 file.
fn read_header(path: &Path, reader: &mut impl Read) -> Result<Header> {
    let io = |e| Error::io(path, e);
    let mut fixed = [0u8; 16];
    let got = read_up_to(reader, &mut fixed).map_err(io)?;
    if got == 0 {
        return Err(Error::store(path, StoreProblem::Empty));
    }
    if got < MAGIC.len() || fixed[..MAGIC.len()] != MAGIC[..] {
        // A file cut inside the magic string is an index whose creation was interrupted.
        return Err(if got < MAGIC.len() && fixed[..got] == MAGIC[..got] {
            corrupt(path, 0, "incomplete header")
        } else {
            Error::store(path, StoreProblem::Foreign)
        });
    }
    if got < fixed.len() {
        return Err(corrupt(path, got as u64, "incomplete header"));
    }
    let version = u32::from_le_bytes(fixed[8..12].try_into().expect("4 bytes"));
    let settings_len = u32::from_le_bytes(fixed[12..16].try_into().expect("4 bytes"));
    if version > FORMAT_VERSION {
        let problem = StoreProblem::NewerVersion {
            found: version,
            supported: FORMAT_VERSION,
        };
        return Err(Error::store(path, problem));
    }
    if version == 0 || settings_len > MAX_SETTINGS {
        return Err(corrupt(path, 8, "bad header"));
    }
    let mut rest = vec![0u8; settings_len as usize + 8];
    let incomplete = |e: std::io::Error| match e.kind() {
        ErrorKind::UnexpectedEof => corrupt(path, 16, "incomplete header"),
        _ => Error::io(path, e),
    };
    reader.read_exact(&mut rest).map_err(incomplete)?;
    let (settings, sum) = rest.split_at(settings_len as usize);
    let mut checked = fixed[8..16].to_vec();
    checked.extend_from_slice(settings);
    let sum = u64::from_le_bytes(sum.try_into().expect("8 bytes"));
    if xxh3_64_with_seed(&checked, HEADER_SEED) != sum {
        return Err(corrupt(path, 8, "header checksum mismatch"));
    }
    let settings = String::from_utf8(settings.to_vec())
        .map_err(|_| corrupt(path, 16, "settings are not UTF-8"))?;
    let end = 16 + u64::from(settings_len) + 8;
    if version < COMMITTED_VERSION {
        return Ok(Header {
            settings,
            commit: None,
            start: end,
        });
    }
    let commit_at = commit_offset(end);
    let mut field = vec![0u8; (commit_at - end) as usize + COMMIT];
    reader.read_exact(&mut field).map_err(incomplete)?;
    let field = &field[field.len() - COMMIT..];
    let committed = u64::from_le_bytes(field[..8].try_into().expect("8 bytes"));
    let sum = u64::from_le_bytes(field[8..].try_into().expect("8 bytes"));
    let start = commit_at + COMMIT as u64;
    if xxh3_64_with_seed(&field[..8], COMMIT_SEED) != sum || committed < start {
        return Err(corrupt(path, commit_at, "bad commit field"));
    }
    Ok(Header {
        settings,
        commit: Some((commit_at, committed)),
        start,
    })
}

/// Where the commit field of a header whose fixed part ends at `end` starts: the next
/// multiple of 16, so that it never straddles a disk sector.
fn commit_offset(end: u64) -> u64 {
    end.next_multiple_of(COMMIT as u64)
}

/// The commit field saying that the file is committed up to `length`.
fn commit_field(length: u64) -> [u8; COMMIT] {
    let mut field = [0u8; COMMIT];
    field[..8].copy_from_slice(&length.to_le_bytes());
    let sum = xxh3_64_with_seed(&field[..8], COMMIT_SEED);
    field[8..].copy_from_slice(&sum.to_le_bytes());
    field
}

/// The batch record of a batch at `start` whose records take `length` bytes.
fn batch_record(start: u64, length: u64, count: u32) -> [u8; BATCH_RECORD] {
    let mut body = [0u8; BATCH_BODY];
    body[0] = BATCH;
    body[1..9].copy_from_slice(&start.to_le_bytes());
    body[9..17].copy_from_slice(&length.to_le_bytes());
    body[17..].copy_from_slice(&count.to_le_bytes());
    let mut record = [0u8; BATCH_RECORD];
    record[..4].copy_from_slice(&(BATCH_BODY as u32).to_le_bytes());
    record[4..RECORD_HEAD].copy_from_slice(&xxh3_64_with_seed(&body, RECORD_SEED).to_le_bytes());
    record[RECORD_HEAD..].copy_from_slice(&body);
    record
}

/// Whether `bytes` bytes past the committed length `start`, of which `head` are the first
/// (up to a batch record's length), are the start of a batch written there: a batch record
/// for `start` (or as much of one as a torn write leaves, every byte that can be foreseen
/// matching), and no more bytes than the batch declares.
fn interrupted_batch(head: &[u8], start: u64, bytes: u64) -> bool {
    if head.len() >= BATCH_RECORD {
        let (len, sum) = split_head(head[..RECORD_HEAD].try_into().expect("a record head"));
        let body = &head[RECORD_HEAD..BATCH_RECORD];
        if len as usize != BATCH_BODY || xxh3_64_with_seed(body, RECORD_SEED) != sum {
            return false;
        }
        let at = u64::from_le_bytes(body[1..9].try_into().expect("8 bytes"));
        let length = u64::from_le_bytes(body[9..17].try_into().expect("8 bytes"));
        return body[0] == BATCH && at == start && bytes <= BATCH_RECORD as u64 + length;
    }
    // Torn inside the batch record: all but its checksum and declared length can be foreseen.
    let expected = batch_record(start, 0, 0);
    let foreseen = |i: usize| i < 4 || (RECORD_HEAD..RECORD_HEAD + 9).contains(&i);
    head.iter()
        .enumerate()
        .all(|(i, b)| !foreseen(i) || *b == expected[i])
}

/// What [`read_record`] found at an offset.
enum Next {
    /// The end of the file.
    End,
    /// A whole record, whose body is in the buffer.
    Body,
    /// An incomplete last record.
    Torn,
    /// A record that cannot be the torn last one: damage.
    Damaged(&'static str),
}

/// Reads the record at `at` (of a file of `size` bytes) into `body`.
fn read_record(
    reader: &mut impl Read,
    at: u64,
    size: u64,
    body: &mut Vec<u8>,
) -> std::io::Result<Next> {
    let left = size - at;
    if left == 0 {
        return Ok(Next::End);
    }
    if left < RECORD_HEAD as u64 {
        return Ok(Next::Torn);
    }
    let mut head = [0u8; RECORD_HEAD];
    reader.read_exact(&mut head)?;
    let (len, sum) = split_head(&head);
    let end = RECORD_HEAD as u64 + u64::from(len);
    if end > left {
        // Longer than what is left: either the tail of an interrupted append, or a damaged
        // length field; only the first can be mended, and only at the end of the file.
        return Ok(if len <= MAX_RECORD {
            Next::Torn
        } else {
            Next::Damaged("bad record length")
        });
    }
    body.resize(len as usize, 0);
    reader.read_exact(body)?;
    if xxh3_64_with_seed(body, RECORD_SEED) != sum {
        // Writes are not atomic: the last record may hold garbage where its end should be.
        return Ok(if end == left {
            Next::Torn
        } else {
            Next::Damaged("checksum mismatch")
        });
    }
    Ok(Next::Body)
}

fn split_head(head: &[u8; RECORD_HEAD]) -> (u32, u64) {
    let len = u32::from_le_bytes(head[..4].try_into().expect("4 bytes"));
    let sum = u64::from_le_bytes(head[4..].try_into().expect("8 bytes"));
    (len, sum)
}

/// Reads into `buf` until it is full or the input ends; returns the bytes read.
fn read_up_to(reader: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut got = 0;
    while got < buf.len() {
        match reader.read(&mut buf[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(got)
}

#[cfg(unix)]
fn write_at(file: &File, bytes: &[u8], offset: u64) -> std::io::Result<()> {
    std::os::unix::fs::FileExt::write_all_at(file, bytes, offset)
}

#[cfg(unix)]
fn read_at(file: &File, buf: &mut [u8], offset: u64) -> std::io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, buf, offset)
}

#[cfg(windows)]
fn write_at(file: &File, mut bytes: &[u8], mut offset: u64) -> std::io::Result<()> {
    while !bytes.is_empty() {
        let n = std::os::windows::fs::FileExt::seek_write(file, bytes, offset)?;
        bytes = &bytes[n..];
        offset += n as u64;
    }
    Ok(())
}

#[cfg(windows)]
fn read_at(file: &File, mut buf: &mut [u8], mut offset: u64) -> std::io::Result<()> {
    while !buf.is_empty() {
        match std::os::windows::fs::FileExt::seek_read(file, buf, offset)? {
            0 => return Err(ErrorKind::UnexpectedEof.into()),
            n => {
                buf = &mut buf[n..];
                offset += n as u64;
            }
        }
    }
    Ok(())
}

const INSERT: u8 = 1;
const REMOVE: u8 = 2;

/// A record as its head and body.
fn encode(record: &Record) -> Vec<u8> {
    let mut body = Vec::new();
    match record {
        Record::Insert(e) => {
            body.reserve(64 + e.id.len() + e.text.len());
            body.push(INSERT);
            put_str(&mut body, &e.id);
            put_time(&mut body, e.inserted);
            put_opt(&mut body, e.published, put_time);
            put_opt(&mut body, e.outlet.as_deref(), put_str);
            put_str(&mut body, &e.text);
        }
        Record::Remove { id } => {
            body.push(REMOVE);
            put_str(&mut body, id);
        }
    }
    let len = u32::try_from(body.len())
        .ok()
        .filter(|&n| n <= MAX_RECORD)
        .expect("a record under 1 GiB (inputs are limited by max_file_bytes)");
    let mut out = Vec::with_capacity(RECORD_HEAD + body.len());
    out.extend_from_slice(&len.to_le_bytes());
    out.extend_from_slice(&xxh3_64_with_seed(&body, RECORD_SEED).to_le_bytes());
    out.extend_from_slice(&body);
    out
}

fn put_str(out: &mut Vec<u8>, s: &str) {
    out.extend_from_slice(&(s.len() as u32).to_le_bytes());
    out.extend_from_slice(s.as_bytes());
}

fn put_time(out: &mut Vec<u8>, t: Timestamp) {
    out.extend_from_slice(&t.seconds.to_le_bytes());
    out.extend_from_slice(&t.nanos.to_le_bytes());
}

fn put_opt<T>(out: &mut Vec<u8>, value: Option<T>, put: impl Fn(&mut Vec<u8>, T)) {
    match value {
        Some(v) => {
            out.push(1);
            put(out, v);
        }
        None => out.push(0),
    }
}

/// A record from its body; `None` if the bytes do not form one.
fn decode(body: &[u8]) -> Option<Record> {
    let mut r = Fields(body);
    let record = match r.u8()? {
        INSERT => Record::Insert(Entry {
            id: r.str()?,
            inserted: r.time()?,
            published: r.opt(Fields::time)?,
            outlet: r.opt(Fields::str)?,
            text: r.str()?,
        }),
        REMOVE => Record::Remove { id: r.str()? },
        _ => return None,
    };
    r.0.is_empty().then_some(record)
}

/// Reads fields off the front of a body.
struct Fields<'a>(&'a [u8]);

impl Fields<'_> {
    fn take(&mut self, n: usize) -> Option<&[u8]> {
        if self.0.len() < n {
            return None;
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Some(head)
    }

    fn u8(&mut self) -> Option<u8> {
        Some(self.take(1)?[0])
    }

    fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?))
    }

    fn str(&mut self) -> Option<String> {
        let n = self.u32()? as usize;
        String::from_utf8(self.take(n)?.to_vec()).ok()
    }

    fn time(&mut self) -> Option<Timestamp> {
        let seconds = i64::from_le_bytes(self.take(8)?.try_into().ok()?);
        let nanos = self.u32()?;
        (nanos < 1_000_000_000).then_some(Timestamp { seconds, nanos })
    }

    fn opt<T>(&mut self, get: impl Fn(&mut Self) -> Option<T>) -> Option<Option<T>> {
        match self.u8()? {
            0 => Some(None),
            1 => get(self).map(Some),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests;
