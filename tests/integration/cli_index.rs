//! The index file from the command line: damage is reported, never repaired unasked;
//! `index repair` keeps what is whole and saves what it cuts; an index is opened with its own
//! settings.

use crate::util::{Scratch, neardup};

/// Four short unrelated articles.
const ARTICLES: [&str; 4] = [
    "The city council voted on Tuesday to approve a new budget that raises spending on schools and roads.\n",
    "A storm closed the coast road for a week and left thousands of homes without power, the utility said.\n",
    "The national team won the final after extra time, its first title in more than thirty years.\n",
    "Researchers found that the new drug cut hospital stays by a third in a trial of two thousand patients.\n",
];

/// `news.ndx` holding the four articles, each added in a batch of its own.
fn indexed() -> Scratch {
    let scratch = Scratch::new();
    for (i, text) in ARTICLES.iter().enumerate() {
        scratch.write(&format!("feed/{i}.txt"), text);
    }
    scratch.write(
        "later/late.txt",
        "An article that comes later, about something else entirely.\n",
    );
    let add = neardup(
        scratch.path(),
        &[
            "index", "add", "--db", "news.ndx", "--batch", "1", "feed", "-q",
        ],
    );
    assert_eq!(add.code, 0, "{}", add.stderr);
    scratch
}

fn index_bytes(scratch: &Scratch) -> Vec<u8> {
    std::fs::read(scratch.path().join("news.ndx")).unwrap()
}

fn documents_in(scratch: &Scratch) -> String {
    let stats = neardup(scratch.path(), &["index", "stats", "--db", "news.ndx"]);
    assert_eq!(stats.code, 0, "{}", stats.stderr);
    stats.stdout.split(" documents").next().unwrap().to_string()
}

/// An index cut to half its length (a bad copy, a partial restore) is refused by `check`,
/// `index stats` and `index add` with a message that says it is truncated, how much is
/// missing and how to repair it; nothing is cut. `index repair` keeps the whole records,
/// saves the bytes it cuts beside the index, and the index is usable again.
#[test]
fn a_truncated_index_is_refused_until_repaired() {
    let scratch = indexed();
    let whole = index_bytes(&scratch);
    let half = whole[..whole.len() / 2].to_vec();
    scratch.write("news.ndx", &half);
    for args in [
        &["check", "--db", "news.ndx", "later"][..],
        &["index", "stats", "--db", "news.ndx"],
        &["index", "add", "--db", "news.ndx", "later"],
        &["check", "--db", "news.ndx", "--insert", "later"],
    ] {
        let out = neardup(scratch.path(), args);
        assert_eq!(out.code, 2, "{args:?}: {}", out.stderr);
        let missing = format!("{} bytes missing from the end", whole.len() - half.len());
        for part in [
            "news.ndx: truncated index",
            &missing,
            "neardup index repair --db news.ndx",
        ] {
            assert!(out.stderr.contains(part), "{args:?}: {}", out.stderr);
        }
        assert_eq!(index_bytes(&scratch), half, "{args:?} changed nothing");
    }
    let repair = neardup(scratch.path(), &["index", "repair", "--db", "news.ndx"]);
    assert_eq!(repair.code, 0, "{}", repair.stderr);
    assert!(repair.stdout.contains("repaired"), "{}", repair.stdout);
    assert!(
        repair.stdout.contains("already missing"),
        "{}",
        repair.stdout
    );
    let kept = documents_in(&scratch);
    let kept: usize = kept.rsplit(' ').next().unwrap().parse().unwrap();
    assert!((1..4).contains(&kept), "kept {kept}");
    let length = index_bytes(&scratch).len();
    let saved = std::fs::read(scratch.path().join(format!("news.ndx.cut-{length}"))).unwrap();
    assert!(
        saved == half[length..],
        "the cut bytes are saved as they were"
    );
    let add = neardup(
        scratch.path(),
        &["index", "add", "--db", "news.ndx", "later", "-q"],
    );
    assert_eq!(add.code, 0, "{}", add.stderr);
    assert!(documents_in(&scratch).ends_with(&(kept + 1).to_string()));
    let again = neardup(scratch.path(), &["index", "repair", "--db", "news.ndx"]);
    assert!(again.stdout.contains("no damage found"), "{}", again.stdout);
}

/// 16 junk bytes with a plausible record length after the last record: a writer refuses the
/// file (and leaves it as it is); a reader checks against the committed records and says
/// what it left out; repair saves the 16 bytes.
#[test]
fn junk_after_the_last_record_is_refused_not_cut() {
    let scratch = indexed();
    let mut bytes = index_bytes(&scratch);
    let committed = bytes.len();
    bytes.extend_from_slice(&120u32.to_le_bytes());
    bytes.extend_from_slice(b"twelve bytes");
    scratch.write("news.ndx", &bytes);
    let add = neardup(
        scratch.path(),
        &["index", "add", "--db", "news.ndx", "later"],
    );
    assert_eq!(add.code, 2, "{}", add.stderr);
    let damage = format!(
        "news.ndx: damaged index at byte {committed}: 16 bytes after the last committed record are not a write of this index"
    );
    assert!(add.stderr.contains(&damage), "{}", add.stderr);
    assert_eq!(index_bytes(&scratch), bytes, "nothing cut");

    let check = neardup(scratch.path(), &["check", "--db", "news.ndx", "later"]);
    assert_eq!(check.code, 0, "{}", check.stderr);
    assert!(
        check
            .stderr
            .contains("16 bytes after the last committed record"),
        "{}",
        check.stderr
    );
    let repair = neardup(scratch.path(), &["index", "repair", "--db", "news.ndx"]);
    assert!(
        repair.stdout.contains("4 whole records kept"),
        "{}",
        repair.stdout
    );
    let saved = scratch.path().join(format!("news.ndx.cut-{committed}"));
    assert_eq!(std::fs::read(saved).unwrap(), bytes[committed..]);
}

/// The start of a batch left by an interrupted `index add` (the file as it was, then the
/// first bytes of the next batch) is cut off by the next writer, with a warning that says so.
#[test]
fn an_interrupted_write_is_cut_off_with_a_warning() {
    let scratch = indexed();
    let before = index_bytes(&scratch);
    let add = neardup(
        scratch.path(),
        &["index", "add", "--db", "news.ndx", "later", "-q"],
    );
    assert_eq!(add.code, 0, "{}", add.stderr);
    let after = index_bytes(&scratch);
    let mut torn = before.clone();
    torn.extend_from_slice(&after[before.len()..after.len() - 5]);
    scratch.write("news.ndx", &torn);
    let check = neardup(scratch.path(), &["check", "--db", "news.ndx", "later"]);
    assert_eq!(check.code, 0, "{}", check.stderr);
    assert!(check.stderr.contains("were left out"), "{}", check.stderr);
    assert_eq!(index_bytes(&scratch), torn, "a reader cuts nothing");
    let again = neardup(
        scratch.path(),
        &["index", "add", "--db", "news.ndx", "later", "-q"],
    );
    assert_eq!(again.code, 0, "{}", again.stderr);
    let warning = format!(
        "news.ndx: an interrupted write was cut off: {} bytes at byte {}",
        torn.len() - before.len(),
        before.len()
    );
    assert!(again.stderr.contains(&warning), "{}", again.stderr);
    assert_eq!(documents_in(&scratch), "news.ndx: 5");
}

/// A 0-byte index file is called empty, not damaged.
#[test]
fn an_empty_index_file_says_so() {
    let scratch = indexed();
    scratch.write("news.ndx", "");
    let check = neardup(scratch.path(), &["check", "--db", "news.ndx", "later"]);
    assert_eq!(check.code, 2);
    assert!(
        check
            .stderr
            .contains("news.ndx: empty file (0 bytes), not an index"),
        "{}",
        check.stderr
    );
}

/// An index built with --threshold 0.6 is checked, added to and described with its own
/// settings when no flag is given; a conflicting flag is an error that names the flag.
#[test]
fn an_index_is_opened_with_its_own_settings() {
    let scratch = Scratch::new();
    scratch
        .write("feed/a.txt", ARTICLES[0])
        .write("later/b.txt", ARTICLES[1]);
    let add = neardup(
        scratch.path(),
        &[
            "index",
            "add",
            "--db",
            "x.ndx",
            "--threshold",
            "0.6",
            "feed",
            "-q",
        ],
    );
    assert_eq!(add.code, 0, "{}", add.stderr);
    let check = neardup(scratch.path(), &["check", "--db", "x.ndx", "later", "-q"]);
    assert_eq!(check.code, 0, "{}", check.stderr);
    let same = neardup(
        scratch.path(),
        &[
            "check",
            "--db",
            "x.ndx",
            "later",
            "-q",
            "--threshold",
            "0.6",
        ],
    );
    assert_eq!(same.code, 0, "{}", same.stderr);
    let stats = neardup(scratch.path(), &["index", "stats", "--db", "x.ndx"]);
    assert_eq!(stats.code, 0, "{}", stats.stderr);
    assert!(
        stats
            .stdout
            .contains("built with shingle_size = 5, num_hashes = 128"),
        "{}",
        stats.stdout
    );
    assert!(stats.stdout.contains("threshold = 0.6"), "{}", stats.stdout);
    let other = neardup(
        scratch.path(),
        &["check", "--db", "x.ndx", "later", "--threshold", "0.5"],
    );
    assert_eq!(other.code, 2);
    assert!(
        other.stderr.contains(
            "x.ndx: the index was built with --threshold 0.6, but --threshold 0.5 was given"
        ),
        "{}",
        other.stderr
    );
    let more = neardup(
        scratch.path(),
        &["index", "add", "--db", "x.ndx", "later", "-q"],
    );
    assert_eq!(more.code, 0, "{}", more.stderr);
}

/// `index stats` and `index compact` take no analysis flags (they mean nothing there), and
/// `eval --help` offers only the formats eval writes.
#[test]
fn commands_offer_only_the_flags_they_use() {
    let scratch = indexed();
    for args in [
        &["index", "stats", "--db", "news.ndx", "--threshold", "0.5"][..],
        &[
            "index",
            "compact",
            "--db",
            "news.ndx",
            "--shingle-size",
            "4",
        ],
        &["index", "stats", "--db", "news.ndx", "--no-rewrites"],
    ] {
        let out = neardup(scratch.path(), args);
        assert_eq!(out.code, 2, "{args:?}");
        assert!(out.stderr.contains("unexpected argument"), "{}", out.stderr);
    }
    let compact = neardup(
        scratch.path(),
        &["index", "compact", "--db", "news.ndx", "-q"],
    );
    assert_eq!(compact.code, 0, "{}", compact.stderr);
    let help = neardup(scratch.path(), &["eval", "--help"]);
    let formats = help.stdout.split("--format <FORMAT>").nth(1).unwrap();
    let formats = formats.split("[default").next().unwrap();
    assert!(
        formats.contains("- text:") && formats.contains("- json:"),
        "{formats}"
    );
    assert!(!formats.contains("jsonl"), "{formats}");
}
