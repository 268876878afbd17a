//! The `neardup` binary, run as a user would, in fresh temporary folders.

use serde_json::Value;

use crate::util::{self, Scratch, mask_elapsed, neardup, neardup_in};

/// An article and a lightly edited copy of it (one word changed), plus an unrelated one.
const ORIGINAL: &str = "The city council voted on Tuesday to approve a new budget that raises \
spending on schools and roads while cutting the parks department by a tenth, after a debate \
that ran late into the night and drew hundreds of residents to the hall.\n";
const OTHER: &str = "A storm closed the coast road for a week and left thousands of homes \
without power, the regional utility said on Friday, warning that repairs could take longer.\n";

fn edited() -> String {
    ORIGINAL.replace("Tuesday", "Monday")
}

/// A folder with two near-duplicates and an unrelated article.
fn good_folder(scratch: &Scratch) {
    scratch
        .write("good/original.txt", ORIGINAL)
        .write("good/edited.txt", edited())
        .write("good/other.txt", OTHER);
}

/// The README's run command: the seeds hold one rewrite (001 of 000), shown with the
/// sentences that were rewritten, and nothing else. Exit 1: something was flagged.
#[test]
fn seeds_flag_the_one_rewrite_and_say_which_files_were_not_read() {
    let out = neardup(util::corpus_dir().parent().unwrap(), &["scan", "corpus"]);
    eqnice!(
        r#"rewrite: source = seeds/000_080705039001ce5b.txt, copy = seeds/001_a7725bf3c94c141c.txt (direction coverage)
  jaccard 0.0292 (estimated 0.0391); containment: source 0.0385, copy 0.1076
  coverage by aligned passages: source 0.2047, copy 0.4551
  score 0.99; 1 reused passage (byte offsets [start, end)):
    source [102, 2086) ~ copy [0, 2285): 348 words, 32% of source, 100% of copy, paraphrased (phrasing 0.26, similarity 0.43)
  5 aligned passages (byte offsets [start, end)):
    source [102, 265) ~ copy [0, 145), similarity 0.32
      source "Russia and China toasted to their “no limit frie … the fighting in Ukraine."
      copy   "During a Kremlin meeting, President Vladimir Put … p” on Tuesday, March 21."
    source [501, 702) ~ copy [346, 583), similarity 0.47
      source "During an extended meeting, Putin said he and Xi … ion on the world stage.""
      copy   "President Putin claimed that he and Xi held a “m … g their lengthy meeting."
    source [704, 951) ~ copy [584, 870), similarity 0.54
      source "Xi's three-day visit to Russia offers a strong p … f children from Ukraine."
      copy   "A few days after the International Criminal Cour … es worries for the west."
    source [1229, 1444) ~ copy [1302, 1501), similarity 0.77
      source "After two days of talks with Xi at the Kremlin, … al position” on the war."
      copy   "Putin praised China’s “neutral stance” on the wa … with Xi at the Kremlin."
    source [1446, 1741) ~ copy [1573, 1746), similarity 0.48
      source "China’s Foreign Ministry said in a statement tha … ally recognized borders."
      copy   "The United Nations Charter “must be observed and … try said in a statement."

5 documents read (0.02 MB): 1 pair flagged (0 exact-duplicate, 0 near-duplicate, 1 rewrite, 0 partial-copy), 0 skipped, T s
"#,
        mask_elapsed(&out.stdout)
    );
    eqnice!(
        "neardup: note: 2 files not read because of their extension or type, e.g. corpus/README.md (see --ext)\n",
        out.stderr
    );
    assert_eq!(out.code, 1);
}

/// Checks one JSONL record against the schema the README documents.
fn check_record(record: &Value) {
    let obj = record.as_object().expect("each line is an object");
    let keys: Vec<&str> = obj.keys().map(String::as_str).collect();
    let is_number = |k: &str| obj[k].as_f64().is_some_and(|x| (0.0..=1.0).contains(&x));
    match obj["type"].as_str().expect("type is a string") {
        "pair" => {
            let known = obj["direction"] != "unknown";
            let (ra, rb) = if known {
                ("source", "copy")
            } else {
                ("a", "b")
            };
            let kind = obj["kind"].as_str().unwrap();
            let mut want = vec![
                "type",
                "kind",
                ra,
                rb,
                "direction",
                "jaccard",
                "estimated_jaccard",
                "containment",
                "passages",
                "score",
            ];
            let score = obj["score"].as_f64().unwrap();
            assert!((0.0..=1.0).contains(&score), "{record}");
            if kind == "rewrite" || kind == "partial-copy" {
                want.push("coverage");
                want.push("reused");
                let c = obj["coverage"].as_object().unwrap();
                assert!(c[ra].is_f64() && c[rb].is_f64() && c.len() == 2, "{record}");
                for p in obj["reused"].as_array().unwrap() {
                    let p = p.as_object().unwrap();
                    let mut keys: Vec<&str> = p.keys().map(String::as_str).collect();
                    keys.sort_unstable();
                    let mut want = [
                        ra,
                        rb,
                        "words",
                        "share",
                        "sentences",
                        "similarity",
                        "phrasing",
                        "quoted",
                        "how",
                    ];
                    want.sort_unstable();
                    assert_eq!(keys, want, "{record}");
                    assert!(
                        ["verbatim", "edited", "paraphrased", "quoted"]
                            .contains(&p["how"].as_str().unwrap())
                    );
                    for role in [ra, rb] {
                        let span = p[role].as_array().unwrap();
                        assert!(
                            span[0].as_u64().unwrap() < span[1].as_u64().unwrap(),
                            "{record}"
                        );
                        assert!(p["words"][role].as_u64().unwrap() > 0, "{record}");
                        let share = p["share"][role].as_f64().unwrap();
                        assert!(share > 0.0 && share <= 1.0, "{record}");
                    }
                }
            } else {
                assert_eq!(score, 1.0, "a duplicate is certain: {record}");
            }
            want.sort_unstable();
            assert_eq!(keys, want, "{record}");
            assert!(
                [
                    "exact-duplicate",
                    "near-duplicate",
                    "rewrite",
                    "partial-copy"
                ]
                .contains(&kind)
            );
            let direction = obj["direction"].as_str().unwrap();
            assert!(["timestamp", "coverage", "unknown"].contains(&direction));
            assert!(obj[ra].is_string() && obj[rb].is_string());
            assert!(is_number("jaccard") && is_number("estimated_jaccard"));
            let c = obj["containment"].as_object().unwrap();
            assert!(c[ra].is_f64() && c[rb].is_f64() && c.len() == 2, "{record}");
            for p in obj["passages"].as_array().unwrap() {
                let p = p.as_object().unwrap();
                assert_eq!(p.len(), 3, "{record}");
                let similarity = p["similarity"].as_f64().unwrap();
                assert!(similarity > 0.0 && similarity <= 1.0, "{record}");
                for role in [ra, rb] {
                    let span = p[role].as_array().unwrap();
                    let (s, e) = (span[0].as_u64().unwrap(), span[1].as_u64().unwrap());
                    assert!(s < e, "{record}");
                }
            }
        }
        "skipped" => {
            let mut want = ["type", "path", "reason", "severity", "message"];
            want.sort_unstable();
            assert_eq!(keys, want, "{record}");
            assert!(["warning", "error"].contains(&obj["severity"].as_str().unwrap()));
        }
        "summary" => {
            let mut want = [
                "type",
                "documents",
                "bytes",
                "pairs",
                "exact_duplicates",
                "near_duplicates",
                "rewrites",
                "partial_copies",
                "skipped",
                "elapsed_seconds",
            ];
            want.sort_unstable();
            assert_eq!(keys, want, "{record}");
            for k in want.iter().filter(|&&k| k != "type") {
                assert!(obj[*k].is_number(), "{k} in {record}");
            }
        }
        other => panic!("unknown record type {other}"),
    }
}

/// Parses JSONL output, checks every record, and that the summary comes last, once.
fn records(stdout: &str) -> Vec<Value> {
    let records: Vec<Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect();
    records.iter().for_each(check_record);
    let summaries: Vec<usize> = (0..records.len())
        .filter(|&i| records[i]["type"] == "summary")
        .collect();
    assert_eq!(summaries, [records.len() - 1], "one summary, last");
    records
}

#[test]
fn seeds_jsonl_validates_against_the_readme_schema() {
    let out = neardup(&util::corpus_dir(), &["scan", "seeds", "--format", "jsonl"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let records = records(&out.stdout);
    assert_eq!(records.len(), 2);
    assert_eq!(records[0]["kind"], "rewrite");
    assert_eq!(records[0]["direction"], "coverage");
    assert_eq!(records[0]["source"], "000_080705039001ce5b.txt");
    assert_eq!(records[0]["copy"], "001_a7725bf3c94c141c.txt");
    assert_eq!(records[1]["documents"], 5);
    assert_eq!(records[1]["bytes"], 23908);
}

#[test]
fn a_flagged_pair_is_shown_with_its_passages_and_exits_1() {
    let scratch = Scratch::new();
    good_folder(&scratch);
    let out = neardup(scratch.path(), &["scan", "good"]);
    // 43 words, so 39 shingles each; the 5 that hold "Monday"/"Tuesday" differ: Jaccard
    // 34 / 44 = 0.7727, containment 34 / 39 = 0.8718. One passage before the word, one after.
    eqnice!(
        "\
near-duplicate: a = edited.txt, b = original.txt (direction unknown)
  jaccard 0.7727 (estimated 0.8359); containment: a 0.8718, b 0.8718
  2 shared passages (byte offsets [start, end)):
    a [0, 25) = b [0, 25): \"The city council voted on\"
    a [33, 232) = b [34, 233): \"to approve a new budget that raises spending on … of residents to the hall\"

3 documents read (0.00 MB): 1 pair flagged (0 exact-duplicate, 1 near-duplicate, 0 rewrite, 0 partial-copy), 0 skipped, T s
",
        mask_elapsed(&out.stdout)
    );
    assert_eq!(out.stderr, "");
    assert_eq!(out.code, 1);
    // The offsets point at the words they claim, in each original.
    assert_eq!(&ORIGINAL[0..25], "The city council voted on");
    assert_eq!(&edited()[33..232], &ORIGINAL[34..233]);
    assert!(ORIGINAL[34..233].ends_with("to the hall"));
}

#[test]
fn bad_files_are_skipped_with_a_warning_and_the_rest_still_runs() {
    let scratch = Scratch::new();
    good_folder(&scratch);
    scratch
        .write("good/a-empty.txt", "")
        .write("good/b-blank.txt", "  \n\t\n")
        .write("good/c-binary.txt", b"GIF89a\x00\x01\x02 some text")
        .write("good/d-latin1.txt", b"Caf\xe9 society returns")
        .write("good/e-huge.txt", "word ".repeat(1000));
    let out = neardup(
        scratch.path(),
        &[
            "scan",
            "good",
            "--max-file-bytes",
            "4000",
            "--format",
            "jsonl",
        ],
    );
    eqnice!(
        "\
neardup: warning: good/a-empty.txt: empty (no text)
neardup: warning: good/b-blank.txt: empty (no text)
neardup: warning: good/c-binary.txt: binary file (NUL byte at byte 6)
neardup: warning: good/d-latin1.txt: not valid UTF-8 at byte 3
neardup: warning: good/e-huge.txt: too large (5000 bytes; the limit is 4000 bytes, see --max-file-bytes)
",
        out.stderr
    );
    let records = records(&out.stdout);
    let reasons: Vec<&str> = records
        .iter()
        .filter(|r| r["type"] == "skipped")
        .map(|r| r["reason"].as_str().unwrap())
        .collect();
    assert_eq!(
        reasons,
        ["empty", "empty", "binary", "not-utf8", "too-large"]
    );
    let summary = records.last().unwrap();
    assert_eq!(
        (summary["documents"].as_u64(), summary["skipped"].as_u64()),
        (Some(3), Some(5))
    );
    assert_eq!(summary["pairs"], 1);
    // Skips are warnings: the exit code is that of the finished run (1: something flagged).
    assert_eq!(out.code, 1);
}

#[test]
fn a_missing_path_is_an_error_but_the_other_inputs_still_run() {
    let scratch = Scratch::new();
    good_folder(&scratch);
    let out = neardup(
        scratch.path(),
        &["scan", "nowhere.txt", "good", "--format", "jsonl"],
    );
    eqnice!(
        "neardup: error: nowhere.txt: no such file or directory\n",
        out.stderr
    );
    let records = records(&out.stdout);
    assert_eq!(records[0]["type"], "pair");
    assert_eq!(records[1]["reason"], "missing");
    assert_eq!(records[1]["severity"], "error");
    assert_eq!(out.code, 2);
}

#[test]
fn nothing_readable_is_an_error() {
    let scratch = Scratch::new();
    scratch.write("empty.txt", "");
    let out = neardup(scratch.path(), &["scan", "empty.txt"]);
    eqnice!(
        "neardup: warning: empty.txt: empty (no text)\nneardup: error: no document could be read\n",
        out.stderr
    );
    assert_eq!(out.code, 2);
}

#[test]
fn usage_errors_exit_2() {
    let scratch = Scratch::new();
    let cases: &[&[&str]] = &[
        &[],
        &["scan"],
        &["scan", ".", "--threshold", "2"],
        &["scan", "--bogus"],
    ];
    for args in cases {
        let out = neardup(scratch.path(), args);
        assert_eq!(out.code, 2, "{args:?}: {}", out.stderr);
        assert!(!out.stderr.is_empty(), "{args:?}");
    }
    let out = neardup(scratch.path(), &["scan", ".", "--threshold", "2"]);
    eqnice!(
        "neardup: error: invalid --threshold: must be a Jaccard in (0, 1], got 2\n",
        out.stderr
    );
}

#[test]
fn help_documents_the_exit_codes() {
    let out = neardup(&util::corpus_dir(), &["scan", "--help"]);
    assert_eq!(out.code, 0);
    for line in [
        "0  the run finished and flagged nothing",
        "1  the run finished and flagged at least one pair",
        "2  an error",
    ] {
        assert!(
            out.stdout.contains(line),
            "{line:?} missing from:\n{}",
            out.stdout
        );
    }
}

#[test]
fn jsonl_input_reports_bad_lines_and_orders_by_publication() {
    let line = |id: &str, text: &str, published: &str| {
        serde_json::json!({"id": id, "text": text, "published": published, "outlet": "x"})
            .to_string()
    };
    let feed = [
        line("late", &edited(), "2024-05-02T08:00:00+02:00"),
        "{\"id\": \"broken\", \"text\": ".to_string(),
        line("early", ORIGINAL, "2024-05-01T12:00:00Z"),
        line("weather", OTHER, "2024-05-01T12:00:00Z"),
    ]
    .join("\n");
    let scratch = Scratch::new();
    let out = neardup_in(
        scratch.path(),
        &["scan", "--jsonl", "-", "--format", "jsonl"],
        2,
        feed.as_bytes(),
    );
    eqnice!(
        "neardup: warning: <stdin>:2: not a valid record: EOF while parsing a value at column 25\n",
        out.stderr
    );
    let records = records(&out.stdout);
    let pair = &records[0];
    assert_eq!(
        (pair["source"].as_str(), pair["copy"].as_str()),
        (Some("early"), Some("late"))
    );
    assert_eq!(pair["direction"], "timestamp");
    assert_eq!(records[1]["path"], "<stdin>:2");
    assert_eq!(records.last().unwrap()["documents"], 3);
    assert_eq!(out.code, 1);
}

#[test]
fn json_format_is_one_document_with_the_same_records() {
    let scratch = Scratch::new();
    good_folder(&scratch);
    let jsonl = neardup(scratch.path(), &["scan", "good", "--format", "jsonl"]);
    let json = neardup(scratch.path(), &["scan", "good", "--format", "json"]);
    let doc: Value = serde_json::from_str(&json.stdout).unwrap();
    let lines = records(&jsonl.stdout);
    assert_eq!(doc["pairs"][0], lines[0]);
    assert_eq!(doc["skipped"], Value::Array(vec![]));
    assert_eq!(doc["summary"]["documents"], lines[1]["documents"]);
    assert_eq!(json.code, 1);
}

#[test]
fn output_is_byte_identical_on_one_thread_or_many() {
    let scratch = Scratch::new();
    for doc in util::synthetic_corpus(5, 150) {
        scratch.write(&format!("docs/{}.txt", doc.id), doc.text);
    }
    for format in ["jsonl", "text"] {
        let one = neardup_in(
            scratch.path(),
            &["scan", "docs", "--format", format],
            1,
            b"",
        );
        let many = neardup_in(
            scratch.path(),
            &["scan", "docs", "--format", format],
            4,
            b"",
        );
        assert_eq!(one.code, 1);
        assert!(
            one.stdout.lines().count() > 50,
            "{format}: too few pairs to compare"
        );
        let rewrite = if format == "jsonl" {
            "\"kind\":\"rewrite\""
        } else {
            "\nrewrite: "
        };
        assert!(
            one.stdout.contains(rewrite),
            "{format}: no rewrite to compare"
        );
        eqnice!(mask_elapsed(&one.stdout), mask_elapsed(&many.stdout));
    }
}

#[test]
fn compare_shows_the_aligned_passages_and_exits_by_verdict() {
    let seeds = util::corpus_dir().join("seeds");
    let a = seeds.join("000_080705039001ce5b.txt");
    let b = seeds.join("001_a7725bf3c94c141c.txt");
    let scratch = Scratch::new();
    let page = scratch.path().join("pair.html");
    let args = [
        "compare",
        a.to_str().unwrap(),
        b.to_str().unwrap(),
        "--corpus",
        seeds.to_str().unwrap(),
        "--width",
        "100",
        "--html",
        page.to_str().unwrap(),
    ];
    let out = neardup(scratch.path(), &args);
    assert_eq!(out.code, 1, "{}", out.stderr);
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines[0], "flagged as rewrite");
    assert!(lines[1].starts_with("rewrite: source = "), "{}", lines[1]);
    assert_eq!(out.stdout.matches("─── passage ").count(), 5);
    // Two columns, never wider than asked, no colour codes when stdout is not a terminal.
    for line in lines.iter().filter(|l| l.contains(" │ ")) {
        assert!(line.chars().count() <= 100, "{line:?}");
    }
    assert!(!out.stdout.contains('\x1b'));
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));

    // An unrelated pair: the evidence and why it falls short; exit 0.
    let c = seeds.join("003_af523ab8388c771a.txt");
    let out = neardup(
        scratch.path(),
        &[
            "compare",
            a.to_str().unwrap(),
            c.to_str().unwrap(),
            "--color",
            "always",
        ],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.starts_with("not flagged: "), "{}", out.stdout);

    let out = neardup(
        scratch.path(),
        &["compare", a.to_str().unwrap(), "missing.txt"],
    );
    eqnice!(
        "neardup: error: missing.txt: no such file or directory\n",
        out.stderr
    );
    assert_eq!(out.code, 2);
}

#[test]
fn scan_html_writes_a_page_per_pair_and_an_index() {
    let scratch = Scratch::new();
    good_folder(&scratch);
    scratch.write("good/copy.txt", ORIGINAL);
    let out = neardup(
        scratch.path(),
        &["scan", "good", "--html", "evidence", "-q"],
    );
    assert_eq!(out.code, 1, "{}", out.stderr);
    let mut files: Vec<String> = std::fs::read_dir(scratch.path().join("evidence"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    // copy ~ edited, copy ~ original (exact), edited ~ original.
    assert_eq!(
        files,
        [
            "index.html",
            "pair-00001.html",
            "pair-00002.html",
            "pair-00003.html"
        ]
    );
    let index = std::fs::read_to_string(scratch.path().join("evidence/index.html")).unwrap();
    for page in &files[1..] {
        assert!(
            index.contains(&format!("href=\"{page}\"")),
            "{page} not linked"
        );
    }
}

/// `index add`, then `check` and `check --insert` against the index file: flagged pairs
/// exit 1 with the same records as `scan`; a file that is not an index, or an index built
/// with other settings, exits 2 with a message that names it.
#[test]
fn index_add_then_check_an_article() {
    let scratch = indexed_old_with_new_beside();
    let check = neardup(
        scratch.path(),
        &[
            "check", "--db", "news.ndx", "new", "--format", "jsonl", "-q",
        ],
    );
    assert_eq!(check.code, 1, "{}", check.stderr);
    let found = records(&check.stdout);
    assert_eq!(found[0]["kind"], "near-duplicate");
    let ids = [&found[0]["a"], &found[0]["b"]];
    assert!(ids.contains(&&Value::from("original.txt")), "{found:?}");
    assert!(ids.contains(&&Value::from("edited.txt")), "{found:?}");
    // The same pair as a scan of both folders finds, by the same record fields.
    let scan = neardup(
        scratch.path(),
        &["scan", "old", "new", "--format", "jsonl", "-q"],
    );
    let scanned = records(&scan.stdout);
    assert_eq!(scanned[0]["jaccard"], found[0]["jaccard"]);
    assert_eq!(scanned[0]["passages"], found[0]["passages"]);
    // Checking does not add; --insert does, once.
    let again = neardup(
        scratch.path(),
        &["check", "--db", "news.ndx", "new", "-q", "--insert"],
    );
    assert_eq!(again.code, 1);
    let stats = neardup(scratch.path(), &["index", "stats", "--db", "news.ndx"]);
    assert!(stats.stdout.contains("3 documents"), "{}", stats.stdout);
    let twice = neardup(
        scratch.path(),
        &["check", "--db", "news.ndx", "new", "-q", "--insert"],
    );
    assert_eq!(
        twice.code, 0,
        "an id already indexed is skipped: {}",
        twice.stderr
    );
    assert!(twice.stderr.contains("already used"), "{}", twice.stderr);

    let missing = neardup(scratch.path(), &["check", "--db", "missing.ndx", "new"]);
    assert_eq!(missing.code, 2);
    assert!(
        missing
            .stderr
            .contains("missing.ndx: no such index file (`neardup index add --db missing.ndx"),
        "{}",
        missing.stderr
    );
    assert!(
        !scratch.path().join("missing.ndx").exists(),
        "check creates nothing"
    );

    scratch.write("notes.ndx", "not an index\n");
    let foreign = neardup(scratch.path(), &["check", "--db", "notes.ndx", "new"]);
    assert_eq!(foreign.code, 2);
    assert!(
        foreign.stderr.contains("notes.ndx: not a neardup index"),
        "{}",
        foreign.stderr
    );
    let other = neardup(
        scratch.path(),
        &["check", "--db", "news.ndx", "new", "--shingle-size", "4"],
    );
    assert_eq!(other.code, 2);
    assert!(
        other.stderr.contains(
            "news.ndx: the index was built with --shingle-size 5, but --shingle-size 4 was given"
        ),
        "{}",
        other.stderr
    );
    let missing = neardup(scratch.path(), &["check", "--db", "none.ndx", "new"]);
    assert_eq!(missing.code, 2);
    assert!(missing.stderr.contains("none.ndx"), "{}", missing.stderr);
}

/// A folder `old` (an article and an unrelated one) indexed in `news.ndx`, and beside it a
/// folder `new` with a light edit of the article.
fn indexed_old_with_new_beside() -> Scratch {
    let scratch = Scratch::new();
    scratch.write("old/original.txt", ORIGINAL);
    scratch.write("old/other.txt", OTHER);
    scratch.write("new/edited.txt", edited());
    let add = neardup(
        scratch.path(),
        &["index", "add", "--db", "news.ndx", "old", "-q"],
    );
    assert_eq!(add.code, 0, "{}", add.stderr);
    scratch
}

/// The ids of `index add --acks` output (`{"type":"added","id":…}` lines).
fn acknowledged(stdout: &str) -> Vec<String> {
    stdout
        .lines()
        .map(|line| {
            let record: Value = serde_json::from_str(line).expect("a JSON line");
            assert_eq!(record["type"], "added", "{line}");
            record["id"].as_str().expect("an id").to_string()
        })
        .collect()
}

/// A full disk, simulated with a file size limit: `index add` stops with an error that names
/// the index and says there is no room and how many articles went in. Every article it
/// acknowledged is in the index and no other: a second run without the limit finds exactly
/// those already there and adds the rest. The file held only whole, committed records
/// (`index repair` finds nothing to cut).
#[test]
fn a_full_disk_stops_index_add_and_loses_nothing_acknowledged() {
    let scratch = Scratch::new();
    let mut rng = util::Rng::new(5);
    for i in 0..40 {
        scratch.write(&format!("feed/{i:02}.txt"), util::article(&mut rng, 600));
    }
    let args = [
        "index", "add", "--db", "news.ndx", "--acks", "--batch", "3", "feed", "-q",
    ];
    // 96 blocks: 48 or 96 KiB, a part of the 40 articles (about 4 KB each).
    let full = util::neardup_with_file_limit(scratch.path(), &args, 96);
    assert_eq!(full.code, 2, "{}", full.stderr);
    assert!(
        full.stderr
            .contains("news.ndx: no room to write (File too large"),
        "{}",
        full.stderr
    );
    let acked = acknowledged(&full.stdout);
    assert!(
        !acked.is_empty() && acked.len() < 40,
        "the limit falls mid-way: {} acknowledged",
        acked.len()
    );
    let told = format!(
        "{} articles were added before it; the other {} were not",
        acked.len(),
        40 - acked.len()
    );
    assert!(full.stderr.contains(&told), "{}", full.stderr);
    let size = |scratch: &Scratch| {
        std::fs::metadata(scratch.path().join("news.ndx"))
            .unwrap()
            .len()
    };
    let after_error = size(&scratch);

    // Only whole, committed records: repair finds nothing to cut.
    let repair = neardup(scratch.path(), &["index", "repair", "--db", "news.ndx"]);
    assert_eq!(repair.code, 0, "{}", repair.stderr);
    assert!(
        repair.stdout.contains(&format!(
            "no damage found; nothing changed ({} records)",
            acked.len()
        )),
        "{}",
        repair.stdout
    );
    assert_eq!(size(&scratch), after_error);
    let compact = neardup(scratch.path(), &["index", "compact", "--db", "news.ndx"]);
    assert_eq!(compact.code, 0, "{}", compact.stderr);
    let kept = format!("{} documents kept, 0 dropped", acked.len());
    assert!(compact.stdout.contains(&kept), "{}", compact.stdout);

    let rest = neardup(
        scratch.path(),
        &["index", "add", "--db", "news.ndx", "--acks", "feed"],
    );
    assert_eq!(rest.code, 0, "{}", rest.stderr);
    let added = acknowledged(&rest.stdout);
    let mut all: Vec<String> = acked.iter().chain(&added).cloned().collect();
    all.sort();
    let want: Vec<String> = (0..40).map(|i| format!("{i:02}.txt")).collect();
    assert_eq!(
        all, want,
        "each article added once, in one run or the other"
    );
    let summary = format!(
        "{} added, {} already in the index, 0 skipped; news.ndx holds 40 documents",
        added.len(),
        acked.len()
    );
    assert!(rest.stderr.contains(&summary), "{}", rest.stderr);
}

/// A read-only index file (its permissions say so; root is held to them too): commands that
/// write it fail with an error naming it, and change nothing; `check` (without `--insert`)
/// and `index stats` only read it, and work.
#[test]
fn a_read_only_index_can_be_checked_but_not_written() {
    let scratch = indexed_old_with_new_beside();
    let path = scratch.path().join("news.ndx");
    let mut permissions = std::fs::metadata(&path).unwrap().permissions();
    permissions.set_readonly(true);
    std::fs::set_permissions(&path, permissions).unwrap();
    let before = std::fs::read(&path).unwrap();

    for args in [
        &["check", "--db", "news.ndx", "--insert", "new"][..],
        &["index", "add", "--db", "news.ndx", "new"],
        &["index", "compact", "--db", "news.ndx"],
    ] {
        let refused = neardup(scratch.path(), args);
        assert_eq!(refused.code, 2, "{args:?}: {}", refused.stderr);
        assert!(
            refused
                .stderr
                .contains("news.ndx: read-only: it cannot be written"),
            "{args:?}: {}",
            refused.stderr
        );
    }
    let check = neardup(
        scratch.path(),
        &[
            "check", "--db", "news.ndx", "new", "--format", "jsonl", "-q",
        ],
    );
    assert_eq!(check.code, 1, "{}", check.stderr);
    assert_eq!(records(&check.stdout)[0]["kind"], "near-duplicate");
    let stats = neardup(scratch.path(), &["index", "stats", "--db", "news.ndx"]);
    assert!(stats.stdout.contains("2 documents"), "{}", stats.stdout);
    assert_eq!(
        std::fs::read(&path).unwrap(),
        before,
        "the file is unchanged"
    );
}
