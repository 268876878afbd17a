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
