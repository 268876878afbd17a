//! Issue 12 (a new user's report on `compare` and the reports): the built binary, run as a
//! user would, in fresh temporary folders.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::util::{self, Scratch, mask_elapsed, neardup};

/// The seed articles' folder, and the paths of seeds `000` (source), `001` (its rewrite) and
/// `003` (unrelated).
fn seeds() -> (PathBuf, [String; 3]) {
    let dir = util::corpus_dir().join("seeds");
    let names = [
        "000_080705039001ce5b.txt",
        "001_a7725bf3c94c141c.txt",
        "003_af523ab8388c771a.txt",
    ];
    (dir, names.map(|n| n.to_string()))
}

/// Runs `neardup ARGS` in `dir` with stdout and stderr on a pseudo-terminal of `columns`
/// columns (through util-linux `script`); returns the output with `\r\n` made `\n`.
fn neardup_on_terminal(dir: &Path, columns: usize, args: &[&str]) -> String {
    let quoted: Vec<String> = std::iter::once(env!("CARGO_BIN_EXE_neardup"))
        .chain(args.iter().copied())
        .map(|a| format!("'{}'", a.replace('\'', r"'\''")))
        .collect();
    let inner = format!("stty cols {columns} rows 40 && exec {}", quoted.join(" "));
    let out = Command::new("script")
        .args(["-q", "-e", "-c", &inner, "/dev/null"])
        .current_dir(dir)
        .env_remove("COLUMNS")
        .output()
        .expect("util-linux script runs");
    String::from_utf8(out.stdout)
        .expect("output is UTF-8")
        .replace("\r\n", "\n")
}

/// The widths of the passage rules (`─── passage … ───`), which span the whole output width.
fn rule_widths(out: &str) -> Vec<usize> {
    out.lines()
        .filter(|l| l.starts_with("─── passage") && l.ends_with('─'))
        .map(|l| l.chars().count())
        .collect()
}

/// Issue 12, point 4: `compare` measures the terminal (bash does not export COLUMNS), every
/// line fits in it, and `--width` still wins over the terminal and over $COLUMNS.
#[test]
fn r12_compare_measures_the_terminal_and_width_wins() {
    let (dir, [a, _, c]) = seeds();
    let args = ["compare", &a, &c, "--color", "never", "-q"];
    let out = neardup_on_terminal(&dir, 70, &args);
    assert_eq!(rule_widths(&out), [70], "{out}");
    for line in out.lines() {
        assert!(line.chars().count() <= 70, "{line:?}");
    }
    let wide = [&args[..], &["--width", "120"]].concat();
    let out = neardup_on_terminal(&dir, 70, &wide);
    assert_eq!(rule_widths(&out), [120], "{out}");

    // Not a terminal: $COLUMNS, unless --width is given.
    let mut command = Command::new(env!("CARGO_BIN_EXE_neardup"));
    command.args(args).current_dir(&dir).env("COLUMNS", "90");
    let out = String::from_utf8(command.output().unwrap().stdout).unwrap();
    assert_eq!(rule_widths(&out), [90], "{out}");
    let out = neardup(&dir, &wide);
    assert_eq!(rule_widths(&out.stdout), [120], "{}", out.stdout);
}

/// A scratch folder holding copies of the given seeds (by file name).
fn seeds_copied(names: &[&String]) -> Scratch {
    let (dir, _) = seeds();
    let scratch = Scratch::new();
    for name in names {
        scratch.write(name, std::fs::read(dir.join(name)).unwrap());
    }
    scratch
}

/// Issue 12, point 14: `compare --format jsonl` of a flagged pair writes the pair record
/// `scan --format jsonl` writes for a folder of just those two files (run from the folder,
/// so the ids agree), and the summary; `--format json` the same in one document.
#[test]
fn r12_compare_jsonl_writes_the_pair_record_of_a_scan() {
    let (_, [a, b, _]) = seeds();
    let scratch = seeds_copied(&[&a, &b]);
    let scan = neardup(scratch.path(), &["scan", ".", "--format", "jsonl"]);
    assert_eq!(scan.code, 1, "{}", scan.stderr);
    let compare = neardup(scratch.path(), &["compare", &a, &b, "--format", "jsonl"]);
    assert_eq!(compare.code, 1, "{}", compare.stderr);
    let (scan_lines, compare_lines): (Vec<&str>, Vec<&str>) = (
        scan.stdout.lines().collect(),
        compare.stdout.lines().collect(),
    );
    assert_eq!(compare_lines.len(), 2, "{}", compare.stdout);
    assert!(scan_lines[0].starts_with(r#"{"type":"pair","kind":"rewrite""#));
    eqnice!(scan_lines[0], compare_lines[0]);
    eqnice!(mask_elapsed(scan_lines[1]), mask_elapsed(compare_lines[1]));

    let json = neardup(scratch.path(), &["compare", &a, &b, "--format", "json"]);
    let doc: Value = serde_json::from_str(&json.stdout).unwrap();
    let record: Value = serde_json::from_str(scan_lines[0]).unwrap();
    assert_eq!(doc["pairs"][0], record);
    assert_eq!(doc["not_flagged"], serde_json::json!([]));
    assert_eq!(doc["summary"]["pairs"], 1);
}

/// Issue 12, point 14: a pair not flagged gets a `not_flagged` record: the two ids as
/// given, why (a stable reason and the message the text output gives), and the evidence's
/// scores and passages keyed `a` and `b`; no pair record; exit 0.
#[test]
fn r12_compare_jsonl_says_why_a_pair_is_not_flagged() {
    let (_, [a, _, c]) = seeds();
    let scratch = seeds_copied(&[&a, &c]);
    let out = neardup(scratch.path(), &["compare", &c, &a, "--format", "jsonl"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let records: Vec<Value> = out
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(records.len(), 2, "{}", out.stdout);
    let r = &records[0];
    assert_eq!(r["type"], "not_flagged");
    assert_eq!(
        (r["a"].as_str(), r["b"].as_str()),
        (Some(&c[..]), Some(&a[..]))
    );
    assert_eq!(r["reason"], "too-few-passages");
    assert_eq!(
        r["message"],
        "1 aligned passage covers at most 0.04; a rewrite needs 2 covering 0.15"
    );
    for key in ["jaccard", "estimated_jaccard"] {
        assert!(r[key].is_f64(), "{key}: {r}");
    }
    for key in ["containment", "coverage"] {
        assert!(r[key]["a"].is_f64() && r[key]["b"].is_f64(), "{key}: {r}");
    }
    assert_eq!(r["passages"].as_array().map(Vec::len), Some(1), "{r}");
    assert_eq!(records[1]["type"], "summary");
    assert_eq!(records[1]["pairs"], 0);
    let text = neardup(scratch.path(), &["compare", &c, &a]);
    assert!(
        text.stdout.starts_with(&format!(
            "not flagged: {}\n",
            r["message"].as_str().unwrap()
        )),
        "{}",
        text.stdout
    );
}
