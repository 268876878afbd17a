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
