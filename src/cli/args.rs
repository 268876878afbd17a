//! Every clap definition, and the mapping from flags to the library's `Config`. A flag left
//! out keeps the library default.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};
use neardup::{Config, Error};

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
    /// verdict score cut (`--min-score`).
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
    Add(Box<IndexAddArgs>),
    /// Print what an index file holds.
    Stats(IndexStatsArgs),
    /// Rewrite an index file without the articles removed or outside --window, giving their
    /// disk space and memory back.
    Compact(IndexCompactArgs),
    /// Repair a damaged index file (one that is truncated, or has damaged records or bytes
    /// after its last record): keep every whole record before the damage, and save every
    /// byte cut off in a file beside it (PATH.cut-OFFSET). A file without damage is left as
    /// it is.
    Repair(IndexRepairArgs),
}

/// `neardup index repair`.
#[derive(Debug, Parser)]
pub struct IndexRepairArgs {
    /// The index file.
    #[arg(long, value_name = "PATH", required = true)]
    pub db: PathBuf,
}

/// The flags of a command that runs but does not detect: threads and messages.
#[derive(Debug, clap::Args)]
pub struct RunArgs {
    /// Worker threads [default: the number of cores, or RAYON_NUM_THREADS].
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,

    /// No progress bar and no notes on stderr (warnings and errors are still printed).
    #[arg(short, long)]
    pub quiet: bool,
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

    /// Threads and messages (the analysis settings are the index's own).
    #[command(flatten)]
    pub run: RunArgs,
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

    /// The detector's settings. An existing index is opened with the analysis settings it
    /// was built with (--threshold, --shingle-size, --num-hashes, --seed); giving one of
    /// them with another value is an error.
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

    /// The detector's settings. An existing index is opened with the analysis settings it
    /// was built with (--threshold, --shingle-size, --num-hashes, --seed); giving one of
    /// them with another value is an error.
    #[command(flatten)]
    pub detector: DetectorArgs,
}

/// `neardup index stats`.
#[derive(Debug, Parser)]
pub struct IndexStatsArgs {
    /// The index file.
    #[arg(long, value_name = "PATH", required = true)]
    pub db: PathBuf,

    /// Threads and messages (the analysis settings are the index's own).
    #[command(flatten)]
    pub run: RunArgs,
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
    /// [default: 0.3].
    #[arg(long, value_name = "SIMILARITY")]
    pub passage_threshold: Option<f64>,

    /// Smallest verdict score (0..=1] for a rewrite or partial copy: the fitted model's
    /// estimate, from the pair's reused passages, that one document took text from the
    /// other [default: 0.5].
    #[arg(long, value_name = "SCORE")]
    pub min_score: Option<f64>,

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

    /// Extension of the files read from directories, with or without its dot (md or .md);
    /// may be repeated; "*" reads every file. Files named directly are always read.
    #[arg(long = "ext", value_name = "EXT", default_value = "txt", value_parser = parse_extension)]
    pub extensions: Vec<String>,

    /// Worker threads [default: the number of cores, or RAYON_NUM_THREADS]. Files are read 32
    /// at a time, or N if more: reading mostly waits on the disk.
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,

    /// No progress bar and no notes on stderr (warnings and errors are still printed).
    #[arg(short, long)]
    pub quiet: bool,
}

/// An extension for `--ext`: anything but nothing (a leading dot is dropped when files are
/// matched, by the library).
fn parse_extension(text: &str) -> Result<String, String> {
    if text.strip_prefix('.').unwrap_or(text).is_empty() {
        return Err("an extension cannot be empty (\"*\" reads every file)".into());
    }
    Ok(text.to_string())
}

/// The flag of each library setting that has one. The library's errors name settings (its
/// `Config` fields); this is the one table that turns them into what a user types.
const FLAGS: &[(&str, &str)] = &[
    ("threshold", "--threshold"),
    ("shingle_size", "--shingle-size"),
    ("num_hashes", "--num-hashes"),
    ("seed", "--seed"),
    ("max_file_bytes", "--max-file-bytes"),
    ("passage_threshold", "--passage-threshold"),
    ("min_score", "--min-score"),
    ("boilerplate_min_docs", "--boilerplate-min-docs"),
    ("verify_margin", "--verify-margin"),
    ("rewrites", "--no-rewrites"),
    ("window", "--window"),
    ("ignore_same_outlet", "--ignore-same-outlet"),
];

/// The flag that sets a library setting, if one does.
pub fn flag(setting: &str) -> Option<&'static str> {
    FLAGS.iter().find(|(s, _)| *s == setting).map(|(_, f)| *f)
}

/// A library error as the CLI prints it: a setting is named by its flag (`invalid
/// --num-hashes: …`). (A flag that conflicts with an index's stored settings is said before
/// the index is opened; see `index::open`.)
pub fn message(err: &Error) -> String {
    match err {
        Error::Config { field, reason } => match flag(field) {
            Some(flag) => format!("invalid {flag}: {reason}"),
            None => err.to_string(),
        },
        _ => err.to_string(),
    }
}

/// Checks a config built from the flags, naming a bad value by its flag.
pub fn validate(config: &Config) -> Result<(), String> {
    config.validate().map_err(|e| message(&e))
}

impl DetectorArgs {
    /// Whether the flag of this library setting (a `Config` field name) was given.
    pub fn gives(&self, setting: &str) -> bool {
        match setting {
            "shingle_size" => self.shingle_size.is_some(),
            "num_hashes" => self.num_hashes.is_some(),
            "seed" => self.seed.is_some(),
            "threshold" => self.threshold.is_some(),
            "max_file_bytes" => self.max_file_bytes.is_some(),
            "passage_threshold" => self.passage_threshold.is_some(),
            "min_score" => self.min_score.is_some(),
            "boilerplate_min_docs" => self.boilerplate_min_docs.is_some(),
            "verify_margin" => self.verify_margin.is_some(),
            "rewrites" => self.no_rewrites,
            _ => false,
        }
    }

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
        if let Some(v) = self.min_score {
            config = config.min_score(v);
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
    /// Files and directories to read. Directories are walked recursively in sorted order.
    /// A document's id is its path relative to the directory it was found under
    /// (`scan voa/` names voa/2023/x.txt `2023/x.txt`); with more than one PATH, the
    /// directory as given comes first (`scan voa/ other/`: `voa/2023/x.txt`); a file named
    /// directly keeps the path as given. A file reached twice is read once.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// A JSONL file to read ("-" for standard input): one object per line with "id" and
    /// "text", and optional "published" (RFC 3339) and "outlet". May be repeated. A record
    /// whose id is already used is skipped with a warning.
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

/// The output formats of `eval`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum EvalFormat {
    /// A table per label, then the sweep.
    Text,
    /// One JSON document with every figure, and the pairs missed and wrongly flagged.
    Json,
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

    /// Judge each labelled pair on its own, as `compare` does (PAN's protocol), instead of
    /// scanning the folder: no other document bears on a verdict, and unlabelled pairs are
    /// not judged (so every pair judged is labelled, and accuracy is reported).
    #[arg(long)]
    pub pairwise: bool,

    /// Score the passages too, against the reused passages of this cases file (TSV in PAN's
    /// layout: suspect, source, label, this_offset, this_length, source_offset,
    /// source_length, in characters): PAN's precision, recall, granularity and plagdet, per
    /// label and overall.
    #[arg(long, value_name = "CASES_TSV")]
    pub cases: Option<PathBuf>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = EvalFormat::Text)]
    pub format: EvalFormat,

    /// With --pairwise: also write each judged pair's verdict signals to this TSV file (the
    /// input of tools/fit-verdict.py).
    #[arg(long, value_name = "TSV", requires = "pairwise")]
    pub features: Option<PathBuf>,

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

    /// Issue 12, point 9: every setting in the table is a flag clap knows, and every value
    /// `Config::validate` refuses that a flag can give is reported with that flag.
    #[test]
    fn r12_config_errors_name_the_flag() {
        let command = Args::command();
        let check = command
            .find_subcommand("check")
            .expect("check is a subcommand");
        let known: Vec<String> = check
            .get_arguments()
            .filter_map(|a| a.get_long())
            .map(|l| format!("--{l}"))
            .collect();
        for (setting, flag) in FLAGS {
            assert!(
                known.iter().any(|k| k == flag),
                "{setting}: {flag} is not a flag"
            );
        }
        let cases: &[(Config, &str)] = &[
            (
                Config::default().shingle_size(0),
                "invalid --shingle-size: must be 1..=32 words, got 0",
            ),
            (
                Config::default().num_hashes(0),
                "invalid --num-hashes: must be 1..=1024, got 0",
            ),
            (
                Config::default().threshold(2.0),
                "invalid --threshold: must be a Jaccard in (0, 1], got 2",
            ),
            (
                Config::default().max_file_bytes(0),
                "invalid --max-file-bytes: must be at least 1 byte",
            ),
            (
                Config::default().passage_threshold(0.0),
                "invalid --passage-threshold: must be in (0, 1], got 0",
            ),
            (
                Config::default().min_score(1.5),
                "invalid --min-score: must be in (0, 1], got 1.5",
            ),
            (
                Config::default().boilerplate_min_docs(1),
                "invalid --boilerplate-min-docs: must be at least 2, got 1",
            ),
            (
                Config::default().verify_margin(-1.0),
                "invalid --verify-margin: must be at least 0, got -1",
            ),
            (
                Config::default().window(Some(std::time::Duration::ZERO)),
                "invalid --window: must be longer than 0 seconds",
            ),
        ];
        for (config, want) in cases {
            assert_eq!(
                validate(config).as_ref().map_err(String::as_str),
                Err(*want)
            );
        }
        // A setting no flag sets keeps the library's name.
        let config = Config::default().false_negative_weight(1.0);
        assert_eq!(
            validate(&config),
            Err("invalid false_negative_weight: must be in (0, 1), got 1".to_string())
        );
    }

    #[test]
    fn r12_an_empty_extension_is_refused() {
        for bad in ["", "."] {
            let parsed = Args::try_parse_from(["neardup", "scan", "x", "--ext", bad]);
            let err = parsed
                .expect_err("an empty extension is a usage error")
                .to_string();
            assert!(
                err.contains("--ext") && err.contains("cannot be empty"),
                "{err}"
            );
        }
        let args = Args::parse_from(["neardup", "scan", "x", "--ext", ".md"]);
        let Command::Scan(scan) = args.command else {
            panic!("scan parses as scan");
        };
        assert_eq!(scan.detector.extensions, [".md"]);
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
