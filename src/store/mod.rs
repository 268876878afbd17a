//! Persistence for an index that a long-running ingest job grows and queries: the documents
//! it has seen live in one file on disk, an append-only log of checksummed records.
//!
//! # Why a log of our own
//!
//! Every question the index answers is about documents as they arrived: each insert and each
//! removal is one record appended to the end of the file, and nothing already written is
//! ever changed in place. That makes crash safety a property of the end of the file alone:
//!
//! - An insert returns only after its record is written and flushed to the disk
//!   (`fdatasync`), so an acknowledged document survives a crash or a `kill -9`.
//! - Each record carries its length and a 64-bit checksum (xxh3) of its bytes, and the
//!   header holds the committed length, updated (and flushed) only after a batch's records
//!   are on disk. A process killed while writing leaves at most the start of that one batch
//!   after the committed length; opening the file cuts it off (it was never acknowledged) and
//!   says so ([`Store::interrupted_write`]). Anything else — a file shorter than its
//!   committed length ([`StoreProblem::Truncated`](crate::StoreProblem::Truncated)), other
//!   bytes after it or a damaged record ([`StoreProblem::Corrupt`](crate::StoreProblem::Corrupt))
//!   — is an error and the file is left as it is: never skipped or repaired silently.
//!   [`Store::repair`] keeps the whole records before the damage and saves what it cuts.
//! - Compaction (dropping removed and expired documents) writes a new file beside the old
//!   one, flushes it, and renames it over the old one: the rename is atomic, so a crash leaves
//!   either file, whole.
//! - A write that fails (a full disk, a quota or file size limit:
//!   [`StoreProblem::Full`](crate::StoreProblem::Full); a file system remounted read-only:
//!   [`ReadOnly`](crate::StoreProblem::ReadOnly)) is cut back off the file and changes
//!   nothing in memory: the index holds what it held before, and the next insert can
//!   succeed once there is room. A failed compaction leaves the old file and removes its
//!   partial copy.
//! - One writer at a time: a writable open takes the file's lock
//!   ([`Locked`](crate::StoreProblem::Locked) otherwise) and refuses a file whose
//!   permissions say read-only. [`Store::open_read_only`] takes no lock and never writes: it
//!   sees the records that were whole when it opened the file, which a writer only ever
//!   appends to (or replaces whole, by compaction's rename), so a checker can run beside an
//!   ingest job, or on a read-only copy.
//!
//! An embedded database (SQLite, redb) would give the same guarantees with a general engine
//! and its dependency tree; this layout needs only the standard library and the hash the
//! crate already uses, and it is read start to end on open, which is what rebuilding the
//! in-memory band tables needs anyway.
//!
//! The file starts with a header: a magic string, the format version and the settings the
//! index was built with. A file without the magic string is
//! [`Foreign`](crate::StoreProblem::Foreign), one of a newer format
//! [`NewerVersion`](crate::StoreProblem::NewerVersion); both are errors, never a reset.
//!
//! The log itself is [`log::Log`]; [`Store`] is the index built on it.

mod index;
pub mod log;
mod settings;

pub use index::{Compaction, Memory, Store};
pub use log::{Repair, Tail};
pub use settings::Settings;
