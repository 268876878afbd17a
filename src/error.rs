//! Typed errors: every error that concerns a file carries its path and the problem.
//!
//! Messages start with the path (or the field), are lower-case and have no final period, so the
//! CLI can print them as they are: `news/0412.txt: not valid UTF-8 at byte 1880`. A problem
//! with one line of a file names it as `PATH:LINE: ...` (`feed.jsonl:3: not a valid record: ...`,
//! `<stdin>:3: ...`), the form compilers and grep use, so editors can jump to it.

use std::fmt;
use std::path::PathBuf;

/// What is wrong with one input (a file, or a record of a JSONL stream).
///
/// In a batch these are not fatal: each one becomes a [`Skipped`](crate::report::Skipped) entry
/// and the rest of the batch still runs.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum InputProblem {
    /// The path does not exist.
    Missing,
    /// The file or the record's text is empty or holds only white space.
    Empty,
    /// The bytes look binary: a NUL byte at this offset, among the first
    /// [`BINARY_SNIFF_BYTES`](crate::input::BINARY_SNIFF_BYTES) (a NUL further on is replaced,
    /// see [`decode`](crate::input::decode)).
    Binary {
        /// Byte offset of the first NUL byte.
        offset: u64,
    },
    /// The bytes are not valid UTF-8 from this offset on.
    NotUtf8 {
        /// Byte offset of the first invalid sequence.
        offset: u64,
    },
    /// The input is larger than [`Config::max_file_bytes`](crate::Config::max_file_bytes).
    TooLarge {
        /// Size of the input in bytes.
        size: u64,
        /// The limit in force, in bytes.
        limit: u64,
    },
    /// A JSONL line (or a line of a TSV file) could not be used. [`Error`]'s message puts the
    /// line after the path, `feed.jsonl:3: reason`, as for every problem with a line.
    BadRecord {
        /// 1-based line number in the JSONL stream.
        line: u64,
        /// What is wrong with it.
        reason: String,
    },
    /// Another input already used this document id.
    DuplicateId {
        /// The id that was seen twice.
        id: String,
        /// The 1-based line of the JSONL record that brought the id again, if it came from one.
        line: Option<u64>,
        /// Where the id was first used (a path, or `FILE:LINE`), when known.
        earlier: Option<String>,
    },
}

impl InputProblem {
    /// The 1-based line of the JSONL (or TSV) record the problem is about, if it is about one.
    pub fn line(&self) -> Option<u64> {
        match self {
            InputProblem::BadRecord { line, .. } => Some(*line),
            InputProblem::DuplicateId { line, .. } => *line,
            _ => None,
        }
    }
}

impl fmt::Display for InputProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InputProblem::Missing => write!(f, "no such file or directory"),
            InputProblem::Empty => write!(f, "empty (no text)"),
            InputProblem::Binary { offset } => {
                write!(f, "binary file (NUL byte at byte {offset})")
            }
            InputProblem::NotUtf8 { offset } => write!(f, "not valid UTF-8 at byte {offset}"),
            InputProblem::TooLarge { size, limit } => write!(
                f,
                "too large ({size} bytes; the limit is {limit} bytes, see --max-file-bytes)"
            ),
            // The line is part of the location (see `Error::location`), not of the problem.
            InputProblem::BadRecord { reason, .. } => write!(f, "{reason}"),
            InputProblem::DuplicateId { id, earlier, .. } => {
                write!(f, "document id {id:?} was already used by an earlier input")?;
                match earlier {
                    Some(earlier) => write!(f, ", {earlier}"),
                    None => Ok(()),
                }
            }
        }
    }
}

/// What is wrong with an index file (see [`store`](crate::store)).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum StoreProblem {
    /// Creating an index where a file already exists.
    Exists,
    /// The file is empty (0 bytes): not an index (an index file always holds its header).
    Empty,
    /// The file does not start with a neardup index header: some other file.
    Foreign,
    /// The file was written by a newer neardup, in a format this one cannot read.
    NewerVersion {
        /// The file's format version.
        found: u32,
        /// The newest version this build reads.
        supported: u32,
    },
    /// The file is damaged at this byte offset.
    Corrupt {
        /// Byte offset of the damaged part.
        offset: u64,
        /// What is wrong there.
        reason: String,
    },
    /// The file is shorter than the length its header says was committed: a truncated copy,
    /// a partial restore or a disk fault lost its end. Nothing is cut; `Store::repair` keeps
    /// the whole records.
    Truncated {
        /// The file's length in bytes.
        size: u64,
        /// The length committed to it.
        committed: u64,
        /// Where the whole records end: everything from here on is lost or incomplete.
        intact: u64,
    },
    /// The index was built with other settings than the ones given.
    Settings {
        /// The setting that differs.
        field: &'static str,
        /// Its value in the index.
        stored: String,
        /// The value given.
        given: String,
    },
    /// Another process has the index open.
    Locked,
    /// The index cannot be written: it was opened read-only, its permissions say read-only,
    /// or its file system is mounted read-only. It can still be opened read-only to check
    /// documents against it.
    ReadOnly,
    /// There is no room to write (the disk is full, or a quota or file size limit was
    /// reached). The write was undone: the index holds what it held before it.
    Full {
        /// The system's words for it.
        reason: String,
    },
}

impl fmt::Display for StoreProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StoreProblem::Exists => write!(f, "already exists (open it, or choose another path)"),
            StoreProblem::Empty => write!(f, "empty file (0 bytes), not an index"),
            StoreProblem::Foreign => write!(f, "not a neardup index (no index header)"),
            StoreProblem::NewerVersion { found, supported } => write!(
                f,
                "index format version {found} is newer than this neardup reads (up to {supported})"
            ),
            StoreProblem::Corrupt { offset, reason } => {
                write!(f, "damaged index at byte {offset}: {reason}")
            }
            StoreProblem::Truncated {
                size,
                committed,
                intact,
            } => write!(
                f,
                "truncated index: {size} bytes, but {committed} were committed to it ({} bytes missing from the end; the records from byte {intact} on are lost or incomplete)",
                committed - size
            ),
            StoreProblem::Settings {
                field,
                stored,
                given,
            } => write!(
                f,
                "index built with {field} = {stored}, but {given} was given"
            ),
            StoreProblem::Locked => write!(f, "in use by another process"),
            StoreProblem::ReadOnly => write!(
                f,
                "read-only: it cannot be written (it can still be opened read-only, to check articles against it)"
            ),
            StoreProblem::Full { reason } => write!(
                f,
                "no room to write ({reason}); what was being written was not added, the index holds what it held before"
            ),
        }
    }
}

/// Every error the library returns.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// A [`Config`](crate::Config) field is out of its allowed range.
    Config {
        /// The setting's name, as the `Config` field and its setter spell it (the CLI shows
        /// the flag that sets it instead).
        field: &'static str,
        /// What is allowed.
        reason: String,
    },
    /// An input could not be used (see [`InputProblem`]).
    Input {
        /// The file, or the JSONL stream, it came from.
        path: PathBuf,
        /// What is wrong with it.
        problem: InputProblem,
    },
    /// An index file cannot be used (see [`StoreProblem`]).
    Store {
        /// The index file.
        path: PathBuf,
        /// What is wrong with it.
        problem: StoreProblem,
    },
    /// Reading or writing a file failed.
    Io {
        /// The file concerned.
        path: PathBuf,
        /// The operating system's error.
        source: std::io::Error,
    },
}

impl Error {
    /// Builds an [`Error::Input`].
    pub fn input(path: impl Into<PathBuf>, problem: InputProblem) -> Error {
        Error::Input {
            path: path.into(),
            problem,
        }
    }

    /// Builds an [`Error::Store`].
    pub fn store(path: impl Into<PathBuf>, problem: StoreProblem) -> Error {
        Error::Store {
            path: path.into(),
            problem,
        }
    }

    /// Builds an [`Error::Io`].
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Error {
        Error::Io {
            path: path.into(),
            source,
        }
    }

    /// The path this error concerns, if it concerns one.
    pub fn path(&self) -> Option<&std::path::Path> {
        match self {
            Error::Input { path, .. } | Error::Io { path, .. } | Error::Store { path, .. } => {
                Some(path)
            }
            Error::Config { .. } => None,
        }
    }

    /// Where this error applies, as messages and `skipped` records name it: the path, or
    /// `PATH:LINE` for a record of a JSONL stream (`<stdin>:LINE` for standard input).
    pub fn location(&self) -> Option<String> {
        let path = self.path()?.display();
        match self {
            Error::Input { problem, .. } => match problem.line() {
                Some(line) => Some(format!("{path}:{line}")),
                None => Some(path.to_string()),
            },
            _ => Some(path.to_string()),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Config { field, reason } => write!(f, "invalid {field}: {reason}"),
            Error::Input { problem, .. } => {
                let location = self.location().expect("an input error has a path");
                write!(f, "{location}: {problem}")
            }
            Error::Store { path, problem } => write!(f, "{}: {problem}", path.display()),
            Error::Io { path, source } => write!(f, "{}: {}", path.display(), lower(source)),
        }
    }
}

/// The OS message with a lower-case first letter, for uniform messages.
fn lower(err: &std::io::Error) -> String {
    let text = err.to_string();
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => text,
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// `Result` with this crate's [`Error`].
pub type Result<T> = std::result::Result<T, Error>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_start_with_the_path_and_are_lower_case() {
        let cases: &[(Error, &str)] = &[
            (
                Error::input("news/0412.txt", InputProblem::NotUtf8 { offset: 1880 }),
                "news/0412.txt: not valid UTF-8 at byte 1880",
            ),
            (
                Error::input("a.bin", InputProblem::Binary { offset: 3 }),
                "a.bin: binary file (NUL byte at byte 3)",
            ),
            (
                Error::io("x", std::io::Error::other("Permission denied")),
                "x: permission denied",
            ),
            // Issue 12, point 8: a problem with a line names it as PATH:LINE.
            (
                Error::input(
                    "<stdin>",
                    InputProblem::BadRecord {
                        line: 3,
                        reason: "not a valid record: expected value at column 1".into(),
                    },
                ),
                "<stdin>:3: not a valid record: expected value at column 1",
            ),
            (
                Error::input(
                    "feed.jsonl",
                    InputProblem::DuplicateId {
                        id: "a.txt".into(),
                        line: Some(7),
                        earlier: Some("news/a.txt".into()),
                    },
                ),
                "feed.jsonl:7: document id \"a.txt\" was already used by an earlier input, news/a.txt",
            ),
            (
                Error::store(
                    "news.ndx",
                    StoreProblem::NewerVersion {
                        found: 3,
                        supported: 1,
                    },
                ),
                "news.ndx: index format version 3 is newer than this neardup reads (up to 1)",
            ),
            (
                Error::Config {
                    field: "threshold",
                    reason: "must be in 0..=1, got 2".into(),
                },
                "invalid threshold: must be in 0..=1, got 2",
            ),
        ];
        for (err, want) in cases {
            assert_eq!(err.to_string(), *want);
        }
    }
}
