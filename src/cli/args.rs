//! Every clap definition, and the mapping from flags to the library's `Config`. A flag left
//! out keeps the library default.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};
use neardup::Config;

const EXIT_CODES: &str = "\
Exit codes:
  0  the run finished and flagged nothing
  1  the run finished and flagged at least one pair
  2  an error: bad usage, an input given by name that could not be read, or nothing readable at all
Skipped inputs (empty, binary, not UTF-8, too large, bad JSONL lines) are warnings, not errors.";

/// Finds near-duplicate news articles and shows the passages they share.
#[derive(Debug, Parser)]
#[command(name = "neardup", version, after_help = EXIT_CODES)]
pub struct Args {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Read articles and report every pair of exact duplicates, near-duplicates and rewrites.
    #[command(after_help = EXIT_CODES)]
    Scan(ScanArgs),
    /// Show two articles' aligned passages side by side, with the scores (exit 1 if flagged).
    #[command(after_help = EXIT_CODES)]
    Compare(CompareArgs),
    /// Run the detector on a labelled set and print recall, precision, F1 and a sweep of the
    /// rewrite coverage threshold.
    Eval(EvalArgs),
    /// Check articles against an index file: report what each copies or rewrites of the
    /// articles indexed (exit 1 if anything is flagged); with --insert, add each after it is
    /// checked, as an ingest job does.
    #[command(after_help = EXIT_CODES)]
    Check(CheckArgs),
    /// Build and inspect an index file.
    #[command(subcommand)]
    Index(IndexCommand),
}

/// `neardup index …`.
#[derive(Debug, Subcommand)]
pub enum IndexCommand {
    /// Add articles to an index file, creating it if it does not exist. Articles whose id is
    /// already in the index are skipped with a warning.
    Add(IndexAddArgs),
    /// Print what an index file holds.
    Stats(IndexStatsArgs),
    /// Rewrite an index file without the articles removed or outside --window, giving their
    /// disk space and memory back.
    Compact(IndexCompactArgs),
}

/// The settings of an index file that are not analysis settings: they may change between
/// runs.
#[derive(Debug, clap::Args)]
pub struct StoreArgs {
    /// Articles older than this, counting back from the newest (by "published", else the
    /// time they were added), are not matched, and `index compact` drops them: 30d, 12h,
    /// 90m, 45s or 2w [default: keep everything].
    #[arg(long, value_name = "AGE", value_parser = parse_age)]
    pub window: Option<std::time::Duration>,

    /// Never flag two articles of the same outlet (a paper's own updates are not copying).
    #[arg(long)]
    pub ignore_same_outlet: bool,
}

impl StoreArgs {
    /// `config` with these settings.
    pub fn apply(&self, config: Config) -> Config {
        config
            .window(self.window)
            .ignore_same_outlet(self.ignore_same_outlet)
    }
}

/// An age such as `30d`: a whole number and a unit (w, d, h, m, s).
fn parse_age(text: &str) -> Result<std::time::Duration, String> {
    let unit_at = text
        .find(|c: char| !c.is_ascii_digit())
        .ok_or("give a unit: 30d, 12h, 90m, 45s or 2w")?;
    let (number, unit) = text.split_at(unit_at);
    let n: u64 = number
        .parse()
        .map_err(|_| format!("{text:?} does not start with a whole number"))?;
    let seconds = match unit {
        "w" => 7 * 86_400,
        "d" => 86_400,
        "h" => 3_600,
        "m" => 60,
        "s" => 1,
        _ => return Err(format!("unknown unit {unit:?}: use w, d, h, m or s")),
    };
    match n.checked_mul(seconds) {
        Some(0) => Err("must be longer than 0".into()),
        Some(total) => Ok(std::time::Duration::from_secs(total)),
        None => Err("too long".into()),
    }
}

/// `neardup index compact`.
#[derive(Debug, Parser)]
pub struct IndexCompactArgs {
    /// The index file.
    #[arg(long, value_name = "PATH", required = true)]
    pub db: PathBuf,

    /// The index file's window and outlet rule.
    #[command(flatten)]
    pub store: StoreArgs,

    /// The detector's settings (the analysis settings must be those the index was built
    /// with).
    #[command(flatten)]
    pub detector: DetectorArgs,
}

/// `neardup check`.
#[derive(Debug, Parser)]
pub struct CheckArgs {
    /// The index file. Without --insert it is only read (no lock is taken, so it can be
    /// checked while another process adds to it, and it may be read-only).
    #[arg(long, value_name = "PATH", required = true)]
    pub db: PathBuf,

    /// Files and directories to check, as `scan` reads them.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// A JSONL file to check ("-" for standard input), as `scan` reads it. May be repeated.
    #[arg(long, value_name = "FILE")]
    pub jsonl: Vec<PathBuf>,

    /// Add each article to the index after checking it (the index file is created if
    /// missing), so later articles are checked against it too.
    #[arg(long)]
    pub insert: bool,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,

    /// The index file's window and outlet rule.
    #[command(flatten)]
    pub store: StoreArgs,

    /// The detector's settings (the analysis settings must be those the index was built
    /// with).
    #[command(flatten)]
    pub detector: DetectorArgs,
}

/// `neardup index add`.
#[derive(Debug, Parser)]
pub struct IndexAddArgs {
    /// The index file (created if missing).
    #[arg(long, value_name = "PATH", required = true)]
    pub db: PathBuf,

    /// Files and directories to add, as `scan` reads them.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// A JSONL file to add ("-" for standard input), as `scan` reads it. May be repeated.
    #[arg(long, value_name = "FILE")]
    pub jsonl: Vec<PathBuf>,

    /// Print an {"type":"added","id":…} line on stdout for each article once it is safely on
    /// disk.
    #[arg(long)]
    pub acks: bool,

    /// Articles written to disk at a time (one flush each).
    #[arg(long, value_name = "N", default_value_t = 1000)]
    pub batch: usize,

    /// The index file's window and outlet rule.
    #[command(flatten)]
    pub store: StoreArgs,

    /// The detector's settings (the analysis settings must be those the index was built
    /// with).
    #[command(flatten)]
    pub detector: DetectorArgs,
}

/// `neardup index stats`.
#[derive(Debug, Parser)]
pub struct IndexStatsArgs {
    /// The index file.
    #[arg(long, value_name = "PATH", required = true)]
    pub db: PathBuf,

    /// The detector's settings (the analysis settings must be those the index was built
    /// with).
    #[command(flatten)]
    pub detector: DetectorArgs,
}

/// Output formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// A block per flagged pair with its passages, then a summary line.
    Text,
    /// One JSON object per line: pair, skipped and summary records.
    Jsonl,
    /// One JSON document: {"pairs": [...], "skipped": [...], "summary": {...}}.
    Json,
}

/// The detector's settings, shared by every subcommand that detects. Each flag maps onto
/// the `Config` setter of the same name; a flag left out keeps the library default.
#[derive(Debug, clap::Args)]
pub struct DetectorArgs {
    /// Jaccard (0..=1] on word shingles at or above which a pair is a near-duplicate
    /// [default: 0.5].
    #[arg(long, value_name = "JACCARD")]
    pub threshold: Option<f64>,

    /// Words per shingle [default: 5].
    #[arg(long, value_name = "WORDS")]
    pub shingle_size: Option<usize>,

    /// MinHash functions per signature [default: 128].
    #[arg(long, value_name = "N")]
    pub num_hashes: Option<usize>,

    /// Seed of the MinHash functions.
    #[arg(long, value_name = "SEED")]
    pub seed: Option<u64>,

    /// Largest file (or JSONL text) read, in bytes; larger ones are skipped with a warning
    /// [default: 10485760, i.e. 10 MiB].
    #[arg(long, value_name = "BYTES")]
    pub max_file_bytes: Option<u64>,

    /// Similarity (0..=1] of two sentences aligned as a rewrite of one another: weighted
    /// Jaccard of their stemmed words, content words weighing 2 and function words 1
    /// [default: 0.35].
    #[arg(long, value_name = "SIMILARITY")]
    pub passage_threshold: Option<f64>,

    /// Share (0..=1] of the more covered document that aligned sentences must cover for a
    /// rewrite [default: 0.15].
    #[arg(long, value_name = "SHARE")]
    pub rewrite_coverage: Option<f64>,

    /// Aligned sentences needed for a rewrite [default: 2].
    #[arg(long, value_name = "N")]
    pub rewrite_min_passages: Option<usize>,

    /// A sentence found in at least this many documents is boilerplate and never counts as
    /// copying [default: 10].
    #[arg(long, value_name = "N")]
    pub boilerplate_min_docs: Option<u32>,

    /// Candidates whose estimated Jaccard is more than this many standard errors below the
    /// threshold are not verified exactly; "inf" verifies all [default: 4].
    #[arg(long, value_name = "SIGMAS")]
    pub verify_margin: Option<f64>,

    /// Find exact and near-duplicates only: no sentence analysis, no rewrites (several times
    /// faster).
    #[arg(long)]
    pub no_rewrites: bool,

    /// Extension of the files read from directories; may be repeated; "*" reads every file.
    /// Files named directly are always read.
    #[arg(long = "ext", value_name = "EXT", default_value = "txt")]
    pub extensions: Vec<String>,

    /// Worker threads [default: the number of cores, or RAYON_NUM_THREADS].
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,

    /// No progress bar and no notes on stderr (warnings and errors are still printed).
    #[arg(short, long)]
    pub quiet: bool,
}

impl DetectorArgs {
    /// The library config: the defaults, with each flag given applied through its setter.
    pub fn config(&self) -> Config {
        let mut config = Config::default();
        if let Some(v) = self.threshold {
            config = config.threshold(v);
        }
        if let Some(v) = self.shingle_size {
            config = config.shingle_size(v);
        }
        if let Some(v) = self.num_hashes {
            config = config.num_hashes(v);
        }
        if let Some(v) = self.seed {
            config = config.seed(v);
        }
        if let Some(v) = self.max_file_bytes {
            config = config.max_file_bytes(v);
        }
        if let Some(v) = self.passage_threshold {
            config = config.passage_threshold(v);
        }
        if let Some(v) = self.rewrite_coverage {
            config = config.rewrite_coverage(v);
        }
        if let Some(v) = self.rewrite_min_passages {
            config = config.rewrite_min_passages(v);
        }
        if let Some(v) = self.boilerplate_min_docs {
            config = config.boilerplate_min_docs(v);
        }
        if let Some(v) = self.verify_margin {
            config = config.verify_margin(v);
        }
        if self.no_rewrites {
            config = config.rewrites(false);
        }
        config
    }
}

/// `neardup scan`.
#[derive(Debug, Parser)]
pub struct ScanArgs {
    /// Files and directories to read. Directories are walked recursively in sorted order;
    /// a document's id is its path relative to the argument it was found under.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// A JSONL file to read ("-" for standard input): one object per line with "id" and
    /// "text", and optional "published" (RFC 3339) and "outlet". May be repeated.
    #[arg(long, value_name = "FILE")]
    pub jsonl: Vec<PathBuf>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,

    /// Also write the evidence as HTML into this folder (made if missing): one self-contained
    /// page per flagged pair (both texts side by side, passages highlighted and linked) and an
    /// index.html. Pair pages an earlier run left there are removed; other files are kept.
    #[arg(long, value_name = "DIR")]
    pub html: Option<PathBuf>,

    /// The detector's settings.
    #[command(flatten)]
    pub detector: DetectorArgs,
}

/// When to colour the terminal output.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Colour {
    /// When stdout is a terminal and NO_COLOR is not set.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

/// `neardup compare`.
#[derive(Debug, Parser)]
pub struct CompareArgs {
    /// The first article (a file).
    #[arg(value_name = "A")]
    pub a: PathBuf,

    /// The second article (a file).
    #[arg(value_name = "B")]
    pub b: PathBuf,

    /// Also write a self-contained HTML page: both texts side by side, aligned passages
    /// highlighted and linked, shared words marked, and the scores.
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,

    /// Files or folders of other articles that give the boilerplate counts (a sentence found
    /// in 10 or more documents is boilerplate and never counts), e.g. the folder the two come
    /// from; may be repeated. Without it, nothing is boilerplate, and a scan of a folder whose
    /// articles share a footer can judge the pair otherwise.
    #[arg(long, value_name = "PATH")]
    pub corpus: Vec<PathBuf>,

    /// Output format: text (side by side), or the records `scan` writes for the pair (jsonl,
    /// json), with a "not_flagged" record saying why when it is not flagged.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,

    /// Colour the words the aligned passages share.
    #[arg(long = "color", value_enum, default_value_t = Colour::Auto)]
    pub colour: Colour,

    /// Width of the output in characters, at least 40; words are wrapped whole, and only a
    /// word longer than a column is broken [default: the terminal's width when stdout is a
    /// terminal, else $COLUMNS, else 100].
    #[arg(long, value_name = "N")]
    pub width: Option<usize>,

    /// The detector's settings.
    #[command(flatten)]
    pub detector: DetectorArgs,
}

/// `neardup eval`.
#[derive(Debug, Parser)]
pub struct EvalArgs {
    /// The folder of documents to run the detector on.
    #[arg(value_name = "DOCS_DIR")]
    pub docs: PathBuf,

    /// Labelled pairs: a TSV file with a header and the columns source, suspect, label.
    /// Ids may leave out the file extension.
    #[arg(value_name = "PAIRS_TSV")]
    pub pairs: PathBuf,

    /// A label that marks a pair that should be flagged; may be repeated. Pairs with other
    /// labels should not be flagged.
    #[arg(long, value_name = "LABEL", required = true)]
    pub positive: Vec<String>,

    /// Output format: text (a table) or json.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,

    /// The detector's settings.
    #[command(flatten)]
    pub detector: DetectorArgs,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn clap_definitions_are_consistent() {
        Args::command().debug_assert();
    }

    #[test]
    fn ages_parse_with_their_units() {
        let day = 86_400;
        let cases = [
            ("30d", 30 * day),
            ("2w", 14 * day),
            ("12h", 12 * 3600),
            ("90m", 5400),
        ];
        for (text, seconds) in cases {
            assert_eq!(parse_age(text), Ok(std::time::Duration::from_secs(seconds)));
        }
        for bad in ["30", "d", "0d", "3y", "-1d", "1.5d"] {
            assert!(parse_age(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn flags_map_onto_setters_and_omitted_flags_keep_defaults() {
        let args = Args::parse_from(["neardup", "scan", "x", "--threshold", "0.7"]);
        let Command::Scan(scan) = args.command else {
            panic!("scan parses as scan");
        };
        assert_eq!(scan.detector.config(), Config::default().threshold(0.7));
        assert_eq!(scan.detector.extensions, ["txt"]);
    }
}
