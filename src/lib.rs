//! neardup finds news articles that copy one another: exact duplicates, near-duplicates
//! (the same article, lightly edited) and rewrites (the same article retold in other words),
//! with the passages they share as byte offsets into each original text, so a person can
//! check every claim.
//!
//! # Pipeline
//!
//! Each stage is a module, usable and testable alone:
//!
//! 1. [`input`]: paths, directories and JSONL streams → [`Document`]s; bad inputs are reported.
//! 2. [`normalize`]: text → [`Token`](normalize::Token)s (NFKC, lower case, unified quotes,
//!    apostrophes and dashes), each with its byte [`Span`] in the original.
//! 3. [`shingle`]: tokens → word k-gram hashes (a rolling polynomial of the word hashes; no
//!    string per shingle).
//! 4. [`minhash`]: shingles → [`Signature`] of `num_hashes` minima, by one-permutation hashing
//!    ([`OnePermutation`]) for documents and `n` functions ([`MinHasher`]) for sentences.
//! 5. [`lsh`]: signatures → candidate pairs through band tables; bands × rows derived from the
//!    threshold.
//! 6. [`verify`]: exact Jaccard and containment on the shingle sets; only pairs at or above the
//!    threshold (or with equal normalised text) are kept.
//! 7. [`align`]: the shared passages of each kept pair.
//! 8. [`passage`] and [`rewrite`]: for rewrites, each document's sentences, their band tables,
//!    and the one-to-one alignment of two documents' sentences by weighted word overlap;
//!    [`furniture`] marks the sentences that are publisher furniture (subscribe lines,
//!    copyright notices) with no corpus, and [`quotes`] finds the text inside quotation marks.
//!    [`semantic`] adds word meaning (built-in GloVe vectors) for sentences rewritten with
//!    synonyms. [`reuse`] groups aligned sentences into reused passages and [`verdict`]
//!    scores them: a rewrite of the whole text, or a partial copy of some passages.
//! 9. [`report`]: [`Match`]es, skipped inputs and totals, written as text or JSON.
//!
//! [`Index`] ties 2–8 together in memory and owns the hasher and band tables its [`Config`]
//! builds, so signatures and tables always agree. [`Store`] is the same detection over an
//! index file that an ingest job checks each new article against and then grows, across
//! restarts and crashes (see [`store`]). Work is parallel (rayon) at batch boundaries only, and
//! every list is sorted before it is returned: the same input and config give the same output
//! on one thread or many.
//!
//! # Example
//!
//! ```
//! use neardup::{Config, Document, Index, Kind};
//!
//! let original = "The central bank raised its main interest rate by a quarter point on \
//!     Thursday, its third increase this year, saying inflation was still too high.";
//! let edited = "The central bank raised its main interest rate by a quarter point on \
//!     Thursday, its third rise this year, saying inflation was still too high.";
//! let other = "Heavy snow closed schools across the region for a second day.";
//!
//! let mut index = Index::new(Config::default())?;
//! index.insert_batch(vec![
//!     Document::new("wire", original),
//!     Document::new("site", edited),
//!     Document::new("weather", other),
//! ])?;
//! let found = index.pairs();
//! assert_eq!(found.len(), 1);
//! let m = &found[0];
//! assert_eq!((m.a.as_str(), m.b.as_str(), m.kind), ("wire", "site", Kind::NearDuplicate));
//! assert!(m.jaccard >= 0.5);
//! // The first shared passage, as it stands in the original text.
//! let p = m.passages[0];
//! assert!(original[p.a.start..p.a.end].starts_with("The central bank raised"));
//! # Ok::<(), neardup::Error>(())
//! ```
#![deny(missing_docs)]

pub mod align;
pub mod config;
mod detect;
pub mod document;
pub mod error;
pub mod eval;
pub mod furniture;
pub mod index;
pub mod input;
pub mod lsh;
pub mod minhash;
pub mod normalize;
pub mod passage;
pub mod quotes;
pub mod report;
pub mod reuse;
pub mod rewrite;
mod search;
pub mod semantic;
pub mod shingle;
pub mod store;
pub mod verdict;
pub mod verify;

pub use config::{Config, NORMALIZE_VERSION};
pub use document::{DocId, Document, Span, Timestamp};
pub use error::{Error, InputProblem, Result, StoreProblem};
pub use index::{Comparison, Index, Stage};
pub use minhash::{MinHasher, OnePermutation, Signature, Sketch};
pub use report::{Direction, Kind, Match, NotFlagged, Report, Skipped, Summary};
pub use store::Store;
