//! The index file: a header, then records appended one after another (see the
//! [module docs](super) for why).
//!
//! All integers are little-endian.
//!
//! ```text
//! header   magic "NEARDUP" 0x00 (8 bytes) | version u32 | settings length u32 | settings (JSON)
//!          | xxh3 of version, length and settings (u64)
//! record   body length u32 | xxh3 of the body (u64) | body
//! body     kind u8 (1 insert, 2 remove) | fields
//! insert   id | inserted | published? | outlet? | text
//! remove   id
//! ```
//!
//! A string is its length (u32) and its UTF-8 bytes; a time is seconds (i64) and nanoseconds
//! (u32); an optional field is a byte, 0 or 1, and the field if 1.
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
pub const FORMAT_VERSION: u32 = 1;
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

/// An index file open for appending and reading, holding the file's lock so that no other
/// process can write it at the same time; or open only for reading (see
/// [`Log::open_read_only`]).
#[derive(Debug)]
pub struct Log {
    path: PathBuf,
    file: File,
    /// Length of the valid part of the file: where the next record goes.
    len: u64,
    writable: bool,
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
        let mut header = Vec::with_capacity(24 + settings.len());
        header.extend_from_slice(MAGIC);
        let checked = header.len();
        header.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
        header.extend_from_slice(&settings_len.to_le_bytes());
        header.extend_from_slice(settings);
        let sum = xxh3_64_with_seed(&header[checked..], HEADER_SEED);
        header.extend_from_slice(&sum.to_le_bytes());
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
            len: header.len() as u64,
            file,
            writable: true,
        })
    }

    /// Opens an index file, calling `each` with every record and its offset in file order,
    /// and returns the log (ready to append) and the settings text of its header. An
    /// incomplete record at the end of the file, left by a process killed while appending it
    /// (it was never acknowledged), is cut off.
    ///
    /// # Errors
    ///
    /// [`StoreProblem::Foreign`] if the file is not an index, [`StoreProblem::NewerVersion`]
    /// if a newer neardup wrote it, [`StoreProblem::Corrupt`] if a record before the last, or
    /// the header, is damaged, [`StoreProblem::Locked`] if another process has it open,
    /// [`StoreProblem::ReadOnly`] if it is read-only (by its permissions or its file system),
    /// [`Error::Io`] if it cannot be read or written; any error of `each`.
    pub fn open(path: &Path, each: impl FnMut(u64, Record) -> Result<()>) -> Result<(Log, String)> {
        Log::open_with(path, true, each)
    }

    /// Opens an index file only to read it, as [`Log::open`] does but without its lock and
    /// without cutting off an incomplete last record (which is left out): a reader can open
    /// a file that a writer holds, or one it may not write. It sees the records complete
    /// when it opened the file. [`Log::append`] then fails with [`StoreProblem::ReadOnly`].
    ///
    /// # Errors
    ///
    /// As [`Log::open`], except [`StoreProblem::Locked`] and [`StoreProblem::ReadOnly`].
    pub fn open_read_only(
        path: &Path,
        each: impl FnMut(u64, Record) -> Result<()>,
    ) -> Result<(Log, String)> {
        Log::open_with(path, false, each)
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
        let size = file.metadata().map_err(io)?.len();
        let mut reader = BufReader::with_capacity(1 << 20, &file);
        let (settings, mut at) = read_header(path, &mut reader, size)?;
        let mut body = Vec::new();
        loop {
            match read_record(&mut reader, at, size, &mut body).map_err(io)? {
                Next::End => break,
                Next::Torn => {
                    // Only the last record can be incomplete; a writer cuts it off for good.
                    if writable {
                        file.set_len(at).map_err(io)?;
                        file.sync_all().map_err(io)?;
                    }
                    break;
                }
                Next::Damaged(reason) => return Err(corrupt(path, at, reason)),
                Next::Body => {
                    let record = decode(&body).ok_or_else(|| corrupt(path, at, "malformed"))?;
                    each(at, record)?;
                    at += (RECORD_HEAD + body.len()) as u64;
                }
            }
        }
        drop(reader);
        Ok((
            Log {
                path: path.to_path_buf(),
                file,
                len: at,
                writable,
            },
            settings,
        ))
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
        let mut bytes = Vec::new();
        let mut offsets = Vec::with_capacity(records.len());
        for record in records {
            offsets.push(self.len + bytes.len() as u64);
            bytes.extend_from_slice(&encode(record));
        }
        let at = self.len;
        let written = write_at(&self.file, &bytes, at).and_then(|()| self.file.sync_data());
        if let Err(e) = written {
            // Best effort: a partial record left behind is cut off on the next open anyway.
            let _ = self.file.set_len(at);
            return Err(write_error(&self.path, e));
        }
        self.len += bytes.len() as u64;
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

    /// The length of the file in bytes.
    pub fn len(&self) -> u64 {
        self.len
    }

    /// Whether the file holds no record (only its header).
    pub fn is_empty(&self) -> bool {
        // The header is at least magic, version, length and checksum.
        self.len <= (MAGIC.len() + 16) as u64
    }
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

/// Reads and checks the header; returns the settings and the offset of the first record.
fn read_header(path: &Path, reader: &mut impl Read, size: u64) -> Result<(String, u64)> {
    let io = |e| Error::io(path, e);
    let mut fixed = [0u8; 16];
    let got = read_up_to(reader, &mut fixed).map_err(io)?;
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
    let end = 16 + u64::from(settings_len) + 8;
    if version == 0 || settings_len > MAX_SETTINGS || end > size {
        return Err(corrupt(path, 8, "bad header"));
    }
    let mut rest = vec![0u8; settings_len as usize + 8];
    reader.read_exact(&mut rest).map_err(io)?;
    let (settings, sum) = rest.split_at(settings_len as usize);
    let mut checked = fixed[8..16].to_vec();
    checked.extend_from_slice(settings);
    let sum = u64::from_le_bytes(sum.try_into().expect("8 bytes"));
    if xxh3_64_with_seed(&checked, HEADER_SEED) != sum {
        return Err(corrupt(path, 8, "header checksum mismatch"));
    }
    let settings = String::from_utf8(settings.to_vec())
        .map_err(|_| corrupt(path, 16, "settings are not UTF-8"))?;
    Ok((settings, end))
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
mod tests {
    use super::*;

    fn entry(i: usize) -> Entry {
        Entry {
            id: format!("doc-{i}"),
            text: format!("Text number {i}, with ünïcode and a \"quote\".\nSecond line."),
            published: i.is_multiple_of(2).then_some(Timestamp {
                seconds: 1_700_000_000 + i as i64,
                nanos: 5,
            }),
            outlet: i.is_multiple_of(3).then(|| format!("outlet-{}", i % 5)),
            inserted: Timestamp {
                seconds: 1_800_000_000 + i as i64,
                nanos: 999_999_999,
            },
        }
    }

    fn records() -> Vec<Record> {
        let mut out: Vec<Record> = (0..20).map(|i| Record::Insert(entry(i))).collect();
        out.insert(7, Record::Remove { id: "doc-3".into() });
        out
    }

    /// Writes `records()` to a new log; returns the directory, the path and the offsets.
    fn written() -> (tempfile::TempDir, PathBuf, Vec<u64>) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("test.ndx");
        let mut log = Log::create(&path, "{\"k\":5}").unwrap();
        let offsets = records().iter().map(|r| log.append(r).unwrap()).collect();
        (dir, path, offsets)
    }

    fn replay(path: &Path) -> Result<(Log, Vec<(u64, Record)>)> {
        let mut seen = Vec::new();
        let (log, settings) = Log::open(path, |at, r| {
            seen.push((at, r));
            Ok(())
        })?;
        assert_eq!(settings, "{\"k\":5}");
        Ok((log, seen))
    }

    fn problem(result: Result<(Log, Vec<(u64, Record)>)>) -> StoreProblem {
        match result {
            Err(Error::Store { problem, .. }) => problem,
            other => panic!("expected a store error, got {other:?}"),
        }
    }

    #[test]
    fn records_come_back_in_order_and_by_offset() {
        let (_dir, path, offsets) = written();
        let (log, seen) = replay(&path).unwrap();
        let want: Vec<(u64, Record)> = offsets.iter().copied().zip(records()).collect();
        assert_eq!(seen, want);
        let reader = log.reader().unwrap();
        for (at, record) in &want {
            assert_eq!(&log.read(*at).unwrap(), record);
            assert_eq!(&reader.read(*at).unwrap(), record);
        }
        assert!(matches!(
            reader.read(offsets[1] + 1),
            Err(Error::Store {
                problem: StoreProblem::Corrupt { .. },
                ..
            })
        ));
        assert!(matches!(
            log.read(offsets[1] + 1),
            Err(Error::Store {
                problem: StoreProblem::Corrupt { .. },
                ..
            })
        ));
    }

    /// A record cut anywhere (as a killed process leaves it) is dropped on open, the file is
    /// cut back, and appending goes on from there.
    #[test]
    fn an_incomplete_last_record_is_cut_off() {
        let (_dir, path, offsets) = written();
        let whole = std::fs::read(&path).unwrap();
        let last = *offsets.last().unwrap() as usize;
        for cut in [last + 1, last + 5, last + RECORD_HEAD, whole.len() - 1] {
            std::fs::write(&path, &whole[..cut]).unwrap();
            let (mut log, seen) = replay(&path).unwrap();
            assert_eq!(seen.len(), records().len() - 1, "cut at {cut}");
            assert_eq!(std::fs::metadata(&path).unwrap().len(), last as u64);
            let extra = Record::Remove { id: "x".into() };
            let at = log.append(&extra).unwrap();
            assert_eq!(at, last as u64);
            drop(log);
            let (_, seen) = replay(&path).unwrap();
            assert_eq!(seen.last().unwrap().1, extra);
        }
        // Garbage where the last record's end should be (a write torn by power loss).
        let mut torn = whole.clone();
        let n = torn.len();
        torn[n - 3] ^= 0xff;
        std::fs::write(&path, &torn).unwrap();
        let (_, seen) = replay(&path).unwrap();
        assert_eq!(seen.len(), records().len() - 1);
    }

    /// A read-only open of a file with an incomplete last record reads the whole records,
    /// leaves the file as it is, and refuses to append; a file whose permissions say
    /// read-only is refused by a writable open (even to root) and read by a read-only one.
    #[test]
    fn read_only_opens_change_nothing() {
        let (_dir, path, offsets) = written();
        let whole = std::fs::read(&path).unwrap();
        let last = *offsets.last().unwrap() as usize;
        std::fs::write(&path, &whole[..last + 5]).unwrap();
        let torn = std::fs::read(&path).unwrap();
        let mut seen = Vec::new();
        let (mut log, _) = Log::open_read_only(&path, |at, r| {
            seen.push((at, r));
            Ok(())
        })
        .unwrap();
        assert_eq!(seen.len(), records().len() - 1);
        assert!(!log.is_writable());
        let refused = log.append(&Record::Remove { id: "x".into() }).unwrap_err();
        assert!(matches!(
            refused,
            Error::Store {
                problem: StoreProblem::ReadOnly,
                ..
            }
        ));
        assert_eq!(log.read(offsets[0]).unwrap(), records()[0]);
        drop(log);
        assert_eq!(std::fs::read(&path).unwrap(), torn);

        let mut permissions = std::fs::metadata(&path).unwrap().permissions();
        permissions.set_readonly(true);
        std::fs::set_permissions(&path, permissions).unwrap();
        assert_eq!(problem(replay(&path)), StoreProblem::ReadOnly);
        assert!(Log::open_read_only(&path, |_, _| Ok(())).is_ok());
        assert_eq!(std::fs::read(&path).unwrap(), torn);
    }

    /// Damage before the last record is an error that names the record's offset: the file is
    /// not cut, so nothing after it is lost.
    #[test]
    fn damage_before_the_end_is_an_error() {
        let (_dir, path, offsets) = written();
        let whole = std::fs::read(&path).unwrap();
        let mut bad = whole.clone();
        bad[offsets[2] as usize + RECORD_HEAD + 3] ^= 0x20;
        std::fs::write(&path, &bad).unwrap();
        let got = problem(replay(&path));
        assert_eq!(
            got,
            StoreProblem::Corrupt {
                offset: offsets[2],
                reason: "checksum mismatch".into()
            }
        );
        assert_eq!(std::fs::read(&path).unwrap(), bad, "left as it was");
        // A damaged length field that points past the end, before the last record.
        let mut bad = whole.clone();
        bad[offsets[4] as usize + 3] = 0xff;
        std::fs::write(&path, &bad).unwrap();
        assert!(matches!(
            problem(replay(&path)),
            StoreProblem::Corrupt { offset, .. } if offset == offsets[4]
        ));
    }

    #[test]
    fn foreign_newer_damaged_and_interrupted_headers() {
        let (_dir, path, _) = written();
        let whole = std::fs::read(&path).unwrap();
        let cases: Vec<(Vec<u8>, StoreProblem)> = vec![
            (b"hello, world\n".to_vec(), StoreProblem::Foreign),
            (Vec::new(), corrupt_at(0, "incomplete header")),
            (MAGIC[..5].to_vec(), corrupt_at(0, "incomplete header")),
            (whole[..12].to_vec(), corrupt_at(12, "incomplete header")),
            (
                with(&whole, 8, &7u32.to_le_bytes()),
                StoreProblem::NewerVersion {
                    found: 7,
                    supported: FORMAT_VERSION,
                },
            ),
            (
                with(&whole, 8, &0u32.to_le_bytes()),
                corrupt_at(8, "bad header"),
            ),
            (
                with(&whole, 17, b"x"),
                corrupt_at(8, "header checksum mismatch"),
            ),
            (whole[..20].to_vec(), corrupt_at(8, "bad header")),
        ];
        for (bytes, want) in cases {
            std::fs::write(&path, &bytes).unwrap();
            assert_eq!(
                problem(replay(&path)),
                want,
                "{:?}",
                &bytes[..bytes.len().min(24)]
            );
            assert_eq!(std::fs::read(&path).unwrap(), bytes, "left as it was");
        }
    }

    fn corrupt_at(offset: u64, reason: &str) -> StoreProblem {
        StoreProblem::Corrupt {
            offset,
            reason: reason.into(),
        }
    }

    fn with(bytes: &[u8], at: usize, patch: &[u8]) -> Vec<u8> {
        let mut out = bytes.to_vec();
        out[at..at + patch.len()].copy_from_slice(patch);
        out
    }

    #[test]
    fn create_refuses_an_existing_file_and_open_a_file_in_use() {
        let (dir, path, _) = written();
        let err = Log::create(&path, "{}").unwrap_err();
        assert!(matches!(
            err,
            Error::Store {
                problem: StoreProblem::Exists,
                ..
            }
        ));
        assert!(err.to_string().starts_with(&path.display().to_string()));
        let (held, _) = replay(&path).unwrap();
        assert_eq!(problem(replay(&path)), StoreProblem::Locked);
        drop(held);
        assert!(replay(&path).is_ok(), "the lock goes with the log");
        let missing = dir.path().join("none.ndx");
        assert!(matches!(
            Log::open(&missing, |_, _| Ok(())),
            Err(Error::Io { ref path, .. }) if *path == missing
        ));
    }

    /// Decoding never panics on arbitrary bodies, and accepts only what encoding makes.
    #[test]
    fn decoding_rejects_malformed_bodies() {
        for record in records() {
            let bytes = encode(&record);
            let body = &bytes[RECORD_HEAD..];
            assert_eq!(decode(body), Some(record.clone()));
            for cut in 0..body.len() {
                assert_eq!(decode(&body[..cut]), None, "cut at {cut}");
            }
            let mut longer = body.to_vec();
            longer.push(0);
            assert_eq!(decode(&longer), None);
        }
        assert_eq!(decode(&[9, 0, 0, 0, 0]), None);
    }
}
