//! How the `neardup` binary reads its inputs (issue 12): document ids under several
//! arguments, files reached twice, the form of warnings about JSONL lines, option errors that
//! name their flag, and texts with a stray NUL byte.

use serde_json::Value;

use crate::util::{Scratch, mask_elapsed, neardup, neardup_in};

/// An article and a lightly edited copy of it (one word changed), plus an unrelated one.
const ORIGINAL: &str = "The city council voted on Tuesday to approve a new budget that raises \
spending on schools and roads while cutting the parks department by a tenth, after a debate \
that ran late into the night and drew hundreds of residents to the hall.\n";
const OTHER: &str = "A storm closed the coast road for a week and left thousands of homes \
without power, the regional utility said on Friday, warning that repairs could take longer.\n";

fn edited() -> String {
    ORIGINAL.replace("Tuesday", "Monday")
}

/// The JSON Lines records of a run's stdout.
fn records(stdout: &str) -> Vec<Value> {
    stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect()
}

/// Issue 12, point 8: every warning about a JSONL line reads `FILE:LINE: problem`, for a bad
/// record and for a repeated id alike, and the `skipped` record's path is `<stdin>:LINE` for
/// standard input, as the README promises.
#[test]
fn r12_jsonl_warnings_name_file_and_line_in_one_form() {
    let record = |id: &str, text: &str| serde_json::json!({"id": id, "text": text}).to_string();
    let feed = [
        record("one", ORIGINAL),
        "{\"id\": \"broken\", \"text\": ".to_string(),
        record("two", &edited()),
        record("one", OTHER),
    ]
    .join("\n");
    let scratch = Scratch::new();
    scratch.write("feed.jsonl", &feed);
    let out = neardup_in(
        scratch.path(),
        &["scan", "--jsonl", "-", "--format", "jsonl"],
        2,
        feed.as_bytes(),
    );
    eqnice!(
        "\
neardup: warning: <stdin>:2: not a valid record: EOF while parsing a value at column 25
neardup: warning: <stdin>:4: document id \"one\" was already used by an earlier input, <stdin>:1
",
        out.stderr
    );
    let records = records(&out.stdout);
    let skipped: Vec<(&str, &str)> = records
        .iter()
        .filter(|r| r["type"] == "skipped")
        .map(|r| (r["path"].as_str().unwrap(), r["reason"].as_str().unwrap()))
        .collect();
    assert_eq!(
        skipped,
        [("<stdin>:2", "bad-record"), ("<stdin>:4", "duplicate-id")]
    );
    assert_eq!(records.last().unwrap()["skipped"], 2);
    assert_eq!(out.code, 1);

    // The same from a file: the file's name takes the place of `<stdin>`.
    let out = neardup(scratch.path(), &["scan", "--jsonl", "feed.jsonl", "-q"]);
    eqnice!(
        "\
neardup: warning: feed.jsonl:2: not a valid record: EOF while parsing a value at column 25
neardup: warning: feed.jsonl:4: document id \"one\" was already used by an earlier input, feed.jsonl:1
",
        out.stderr
    );
    assert!(
        mask_elapsed(&out.stdout).ends_with("2 skipped, T s\n"),
        "{}",
        out.stdout
    );
}

/// Issue 12, point 15: a long text with a stray NUL byte deep inside is read (the NUL
/// replaced by a space) with a warning naming the file, the count and the first offset, and
/// is scanned: its copy is flagged, and the passage offsets still point into the original
/// file. A NUL among the first 8,000 bytes still makes a file binary.
#[test]
fn r12_a_stray_nul_deep_in_a_text_is_warned_about_and_the_text_scanned() {
    // 2,000 distinct words (16,890 bytes), a NUL for the first space from byte 10,000 on.
    let words: Vec<String> = (0..2000).map(|i| format!("word{i}")).collect();
    let long = words.join(" ") + ".\n";
    let at = 10_000 + long[10_000..].find(' ').unwrap();
    let mut with_nul = long.clone().into_bytes();
    with_nul[at] = 0;
    let scratch = Scratch::new();
    scratch
        .write("news/a-original.txt", &long)
        .write("news/b-nul.txt", &with_nul)
        .write(
            "news/c-binary.txt",
            b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR some text",
        )
        .write("news/d-other.txt", OTHER);
    let out = neardup(scratch.path(), &["scan", "news", "--format", "jsonl"]);
    eqnice!(
        format!(
            "\
neardup: warning: news/c-binary.txt: binary file (NUL byte at byte 8)
neardup: warning: news/b-nul.txt: 1 NUL byte replaced by space (the first at byte {at}); the text was read
"
        ),
        out.stderr
    );
    let records = records(&out.stdout);
    assert_eq!(records[0]["type"], "pair", "{}", out.stdout);
    assert_eq!(records[0]["kind"], "exact-duplicate");
    assert_eq!(
        (records[0]["a"].as_str(), records[0]["b"].as_str()),
        (Some("a-original.txt"), Some("b-nul.txt"))
    );
    // One passage over the whole text: the same offsets in the file with the NUL.
    let end = long.len() - 2;
    let passages = &records[0]["passages"];
    assert_eq!(passages.as_array().map(Vec::len), Some(1), "{passages}");
    assert_eq!(passages[0]["b"], serde_json::json!([0, end]));
    assert_eq!(&with_nul[end - 8..end], b"word1999");
    let summary = records.last().unwrap();
    assert_eq!(
        (summary["documents"].as_u64(), summary["skipped"].as_u64()),
        (Some(3), Some(1))
    );
    assert_eq!(out.code, 1);
}

/// The pairs of a JSONL run, each as (kind, first id, second id) whatever the direction.
fn pairs(records: &[Value]) -> Vec<(String, String, String)> {
    records
        .iter()
        .filter(|r| r["type"] == "pair")
        .map(|r| {
            let id = |a: &str, b: &str| r[a].as_str().or(r[b].as_str()).unwrap().to_string();
            (
                r["kind"].as_str().unwrap().to_string(),
                id("a", "source"),
                id("b", "copy"),
            )
        })
        .collect()
}

/// Issue 12, point 1: two folders that both hold `2023-03-21.txt`, one a copy of the other.
/// With more than one PATH, ids start with the directory as given, so both are read and the
/// copy is flagged (exit 1). Before, the second was skipped as a repeated id and the run said
/// "0 pairs flagged" and exited 0.
#[test]
fn r12_the_same_name_under_two_folders_is_two_documents_and_the_copy_is_flagged() {
    let scratch = Scratch::new();
    scratch
        .write("voa/2023-03-21.txt", ORIGINAL)
        .write("voa/weather/2023-03-22.txt", OTHER)
        .write("other/2023-03-21.txt", edited());
    let out = neardup(
        scratch.path(),
        &["scan", "voa/", "other", "--format", "jsonl"],
    );
    assert_eq!(out.stderr, "");
    let got = records(&out.stdout);
    assert_eq!(
        pairs(&got),
        [(
            "near-duplicate".to_string(),
            "voa/2023-03-21.txt".to_string(),
            "other/2023-03-21.txt".to_string()
        )]
    );
    let summary = got.last().unwrap();
    assert_eq!(
        (summary["documents"].as_u64(), summary["skipped"].as_u64()),
        (Some(3), Some(0))
    );
    assert_eq!(out.code, 1);

    // `scan --help` states the rule.
    let help = neardup(scratch.path(), &["scan", "--help"]);
    assert!(
        help.stdout
            .contains("with more than one PATH, the directory as given comes first"),
        "{}",
        help.stdout
    );

    // A file named directly keeps its path as given; the directory's files get its name.
    let out = neardup(
        scratch.path(),
        &["scan", "voa", "other/2023-03-21.txt", "--format", "jsonl"],
    );
    assert_eq!(
        pairs(&records(&out.stdout)),
        [(
            "near-duplicate".to_string(),
            "voa/2023-03-21.txt".to_string(),
            "other/2023-03-21.txt".to_string()
        )]
    );
}

/// Issue 12, point 1: a file reached twice (named twice, a folder and a file in it,
/// overlapping folders) is read once, under the id it was first reached with: no
/// repeated-id warning, no pair of a file with itself, and a note (not shown with -q).
#[test]
fn r12_a_file_reached_twice_is_read_once() {
    let scratch = Scratch::new();
    scratch
        .write("a/original.txt", ORIGINAL)
        .write("a/b/edited.txt", edited())
        .write("a/b/other.txt", OTHER);
    let cases: &[(&[&str], usize, &str)] = &[
        (
            &["a/original.txt", "a/original.txt", "a/b"],
            1,
            "a/original.txt",
        ),
        (&["a", "a/original.txt"], 1, "a/original.txt"),
        (&["a", "a/b/"], 2, "a/b/edited.txt"),
        (&["a/b", "a", "./a"], 5, "a/b/edited.txt"),
    ];
    for (paths, repeated, example) in cases {
        let mut args = vec!["scan", "--format", "jsonl"];
        args.extend_from_slice(paths);
        let out = neardup(scratch.path(), &args);
        let s = if *repeated == 1 { " was" } else { "s were" };
        let it = if *repeated == 1 { "it was" } else { "each was" };
        eqnice!(
            format!(
                "neardup: note: {repeated} file{s} reached more than once, read once under the id {it} first reached with, e.g. {example}\n"
            ),
            out.stderr
        );
        let got = records(&out.stdout);
        let found = pairs(&got);
        assert_eq!(found.len(), 1, "{paths:?}: {found:?}");
        let (kind, x, y) = &found[0];
        assert_eq!(kind, "near-duplicate", "{paths:?}");
        assert!(
            x.ends_with("original.txt") || y.ends_with("original.txt"),
            "{paths:?}: {found:?}"
        );
        assert!(
            x.ends_with("edited.txt") || y.ends_with("edited.txt"),
            "{paths:?}: {found:?}"
        );
        let summary = got.last().unwrap();
        assert_eq!(summary["skipped"], 0, "{paths:?}");
        assert_eq!(out.code, 1, "{paths:?}");
    }
    // The first id wins: `./a` names the file before `a/b` does.
    let out = neardup(
        scratch.path(),
        &["scan", "./a", "a/b", "--format", "jsonl", "-q"],
    );
    assert_eq!(out.stderr, "");
    let found = pairs(&records(&out.stdout));
    assert!(
        found[0].1 == "./a/b/edited.txt" || found[0].2 == "./a/b/edited.txt",
        "{found:?}"
    );
}

/// A link to a file that is read anyway (in the same folder) is that file: read once.
#[cfg(unix)]
#[test]
fn r12_a_link_to_a_file_read_anyway_is_not_a_second_document() {
    let scratch = Scratch::new();
    scratch
        .write("news/original.txt", ORIGINAL)
        .write("news/other.txt", OTHER);
    std::os::unix::fs::symlink("original.txt", scratch.path().join("news/z-link.txt")).unwrap();
    let out = neardup(scratch.path(), &["scan", "news", "--format", "jsonl"]);
    eqnice!(
        "neardup: note: 1 file was reached more than once, read once under the id it was first reached with, e.g. news/z-link.txt\n",
        out.stderr
    );
    let got = records(&out.stdout);
    assert_eq!(pairs(&got), []);
    assert_eq!(got.last().unwrap()["documents"], 2);
    assert_eq!(out.code, 0);
}

/// Issue 12, point 1: a JSONL record whose id is a file's id is a real conflict: skipped with
/// a warning that names the input that used the id first, and counted in the summary.
#[test]
fn r12_a_jsonl_id_that_is_a_file_id_is_a_loud_skip() {
    let scratch = Scratch::new();
    let record = serde_json::json!({"id": "original.txt", "text": edited()}).to_string();
    scratch
        .write("news/original.txt", ORIGINAL)
        .write("news/other.txt", OTHER)
        .write("feed.jsonl", format!("{record}\n"));
    let out = neardup(scratch.path(), &["scan", "news", "--jsonl", "feed.jsonl"]);
    eqnice!(
        "neardup: warning: feed.jsonl:1: document id \"original.txt\" was already used by an earlier input, news/original.txt\n",
        out.stderr
    );
    assert!(
        mask_elapsed(&out.stdout).ends_with("2 documents read (0.00 MB): 0 pairs flagged (0 exact-duplicate, 0 near-duplicate, 0 rewrite, 0 partial-copy), 1 skipped, T s\n"),
        "{}",
        out.stdout
    );
    assert_eq!(out.code, 0);
}

/// Issue 12, point 9: a value out of range is reported with the flag a user typed, for every
/// flag that the library validates, and by every subcommand (here scan and index add).
#[test]
fn r12_option_errors_name_the_flag() {
    let scratch = Scratch::new();
    scratch.write("news/a.txt", ORIGINAL);
    let cases: &[(&str, &str, &str)] = &[
        ("--threshold", "2", "must be a Jaccard in (0, 1], got 2"),
        ("--shingle-size", "0", "must be 1..=32 words, got 0"),
        ("--num-hashes", "0", "must be 1..=1024, got 0"),
        ("--max-file-bytes", "0", "must be at least 1 byte"),
        ("--passage-threshold", "0", "must be in (0, 1], got 0"),
        ("--min-score", "1.5", "must be in (0, 1], got 1.5"),
        ("--boilerplate-min-docs", "1", "must be at least 2, got 1"),
        ("--verify-margin", "-1", "must be at least 0, got -1"),
    ];
    for (flag, value, reason) in cases {
        let value = format!("--{}={value}", &flag[2..]);
        for command in [
            &["scan", "news"][..],
            &["index", "add", "--db", "n.ndx", "news"],
        ] {
            let mut args = command.to_vec();
            args.push(&value);
            let out = neardup(scratch.path(), &args);
            eqnice!(
                format!("neardup: error: invalid {flag}: {reason}\n"),
                out.stderr
            );
            assert_eq!(out.code, 2, "{args:?}");
        }
    }
    assert!(!scratch.path().join("n.ndx").exists(), "nothing is created");
}

/// Issue 12, point 9: `--ext .md` reads the same files as `--ext md`; `--ext ''` is a usage
/// error that says why.
#[test]
fn r12_ext_takes_a_leading_dot_and_refuses_nothing() {
    let scratch = Scratch::new();
    scratch
        .write("notes/original.md", ORIGINAL)
        .write("notes/edited.md", edited())
        .write("notes/other.txt", OTHER);
    let plain = neardup(scratch.path(), &["scan", "notes", "--ext", "md"]);
    let dotted = neardup(scratch.path(), &["scan", "notes", "--ext", ".md"]);
    assert_eq!(dotted.code, 1, "{}", dotted.stderr);
    assert_eq!(mask_elapsed(&dotted.stdout), mask_elapsed(&plain.stdout));
    eqnice!(plain.stderr, dotted.stderr);
    assert!(
        dotted.stdout.contains("2 documents read"),
        "{}",
        dotted.stdout
    );
    for empty in ["", "."] {
        let out = neardup(scratch.path(), &["scan", "notes", "--ext", empty]);
        assert_eq!(out.code, 2, "{}", out.stderr);
        assert!(
            out.stderr.contains("'--ext <EXT>'")
                && out.stderr.contains("an extension cannot be empty"),
            "{}",
            out.stderr
        );
    }
}
