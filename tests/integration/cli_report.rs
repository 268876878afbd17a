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
    assert_eq!(r["reason"], "no-reused-passage");
    assert_eq!(
        r["message"],
        "1 aligned sentence, but no reused passage: that takes 2 close together, or 1 verbatim"
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

/// The inner texts of the elements `selector` selects in `html` (entities as written).
fn texts(html: &str, selector: &str) -> Vec<String> {
    let dom = tl::parse(html, tl::ParserOptions::default()).expect("the page parses");
    let parser = dom.parser();
    dom.query_selector(selector)
        .expect("the selector is valid")
        .filter_map(|h| h.get(parser))
        .map(|n| n.inner_text(parser).into_owned())
        .collect()
}

/// The rows of the index page's table after its header: each row's link (`href`) and the
/// inner texts of its cells.
fn index_rows(html: &str) -> Vec<(String, Vec<String>)> {
    let dom = tl::parse(html, tl::ParserOptions::default()).expect("the page parses");
    let parser = dom.parser();
    let mut rows = Vec::new();
    for tr in dom.query_selector("tr").expect("the selector is valid") {
        let tag = tr
            .get(parser)
            .and_then(|n| n.as_tag())
            .expect("a tr is a tag");
        let cell = |h: tl::NodeHandle| h.get(parser).unwrap().inner_text(parser).into_owned();
        let cells: Vec<String> = tag
            .query_selector(parser, "td")
            .unwrap()
            .map(cell)
            .collect();
        if cells.is_empty() {
            continue; // the header row
        }
        let link = tag
            .query_selector(parser, "a")
            .unwrap()
            .next()
            .expect("a row links");
        let href = link
            .get(parser)
            .and_then(|n| n.as_tag())
            .unwrap()
            .attributes()
            .get("href");
        let href = href
            .flatten()
            .expect("the link has an href")
            .as_utf8_str()
            .into_owned();
        rows.push((href, cells));
    }
    rows
}

/// The near-duplicate folder of `cli.rs` (an article, a copy with one word changed and an
/// exact copy) beside the rewrite seeds 000 and 001, in `docs/`.
fn mixed_folder() -> Scratch {
    let (dir, [a, b, _]) = seeds();
    let scratch = Scratch::new();
    let original = "The city council voted on Tuesday to approve a new budget that raises \
        spending on schools and roads while cutting the parks department by a tenth, after a \
        debate that ran late into the night and drew hundreds of residents to the hall.\n";
    scratch
        .write("docs/original.txt", original)
        .write("docs/copy.txt", original)
        .write("docs/edited.txt", original.replace("Tuesday", "Monday"));
    for name in [&a, &b] {
        scratch.write(
            &format!("docs/{name}"),
            std::fs::read(dir.join(name)).unwrap(),
        );
    }
    scratch
}

/// Issue 12, point 7: the index page counts pairs by kind, names each article with its
/// headline, lists pairs exact, near, rewrite (strongest first within a kind) and names
/// the roles of mixed rows; the rewrite's page has a legend and marks no function word.
#[test]
fn r12_html_index_has_counts_headlines_and_order_and_pages_a_legend() {
    let scratch = mixed_folder();
    let out = neardup(scratch.path(), &["scan", "docs", "--html", "evidence"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    eqnice!(
        "neardup: note: wrote 4 pair pages and index.html to evidence\n",
        out.stderr
    );
    let read = |name: &str| std::fs::read_to_string(scratch.path().join("evidence").join(name));
    let index = read("index.html").unwrap();
    assert_eq!(
        texts(&index, ".counts"),
        ["1 exact-duplicate, 2 near-duplicate, 1 rewrite, 0 partial-copy"]
    );
    // Rewrite: direction coverage; the duplicates of equal length: unknown.
    let headers = texts(&index, "th");
    assert_eq!(
        &headers[2..4],
        ["source (or a)", "copy (or b)"],
        "{headers:?}"
    );
    let rows = index_rows(&index);
    let kinds: Vec<&str> = rows.iter().map(|(_, cells)| cells[1].as_str()).collect();
    assert_eq!(
        kinds,
        [
            "exact-duplicate",
            "near-duplicate",
            "near-duplicate",
            "rewrite"
        ]
    );
    // Page names keep the order of the text and JSON output (the rewrite is its first).
    let (rewrite_page, cells) = &rows[3];
    assert_eq!(rewrite_page, "pair-00001.html");
    assert!(
        cells[2].starts_with("000_080705039001ce5b.txt")
            && cells[2].contains("Xi and Putin Toast Russia-China Partnership"),
        "{cells:?}"
    );
    let headlines = texts(&index, ".headline");
    assert!(
        headlines
            .iter()
            .any(|h| h.starts_with("The city council voted on Tuesday")),
        "{headlines:?}"
    );

    let page = read(rewrite_page).unwrap();
    let legend = texts(&page, ".legend").join(" ");
    for term in [
        "highlighted",
        "marked word",
        "jaccard",
        "containment",
        "coverage",
    ] {
        assert!(legend.contains(term), "{term} not in the legend: {legend}");
    }
    let marks = texts(&page, "mark");
    assert!(marks.len() > 10, "too few marks to test: {marks:?}");
    for word in &marks {
        let folded = word.to_lowercase();
        assert!(
            !neardup::passage::is_function_word(&folded),
            "{word:?} is marked"
        );
    }
}

/// Issue 12, point 7: a second `scan --html` into the same folder leaves no page of the
/// first run behind, and keeps the files that are not its pages (even one named like a
/// page); with --quiet there is no note.
#[test]
fn r12_html_rerun_leaves_no_stale_page_and_keeps_other_files() {
    let scratch = mixed_folder();
    let out = neardup(
        scratch.path(),
        &["scan", "docs", "--html", "evidence", "-q"],
    );
    assert_eq!(out.code, 1, "{}", out.stderr);
    scratch.write("evidence/notes.txt", "mine").write(
        "evidence/pair-00009.html",
        "<!DOCTYPE html>\n<p>my own page</p>\n",
    );
    let (_, [a, b, _]) = seeds();
    for name in [&a, &b] {
        std::fs::remove_file(scratch.path().join("docs").join(name)).unwrap();
    }
    let out = neardup(
        scratch.path(),
        &["scan", "docs", "--html", "evidence", "-q"],
    );
    assert_eq!(out.code, 1, "{}", out.stderr);
    eqnice!("", out.stderr);
    let mut files: Vec<String> = std::fs::read_dir(scratch.path().join("evidence"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    assert_eq!(
        files,
        [
            "index.html",
            "notes.txt",
            "pair-00001.html",
            "pair-00002.html",
            "pair-00003.html",
            "pair-00009.html"
        ]
    );
    let index = std::fs::read_to_string(scratch.path().join("evidence/index.html")).unwrap();
    assert_eq!(index_rows(&index).len(), 3);
    // Every pair's direction is unknown now: the columns are a and b.
    let headers = texts(&index, "th");
    assert_eq!(&headers[2..4], ["a", "b"], "{headers:?}");
}

/// Issue 12, point 7: `--html` naming an existing file is an error that names it, before
/// any work (no report, the file untouched); `compare --html` naming a folder likewise.
#[test]
fn r12_html_into_a_file_is_not_a_folder() {
    let scratch = mixed_folder();
    scratch.write("taken.html", "mine");
    let out = neardup(scratch.path(), &["scan", "docs", "--html", "taken.html"]);
    eqnice!(
        "neardup: error: taken.html: not a folder (--html DIR writes its pages into a folder)\n",
        out.stderr
    );
    assert_eq!((out.code, out.stdout.as_str()), (2, ""));
    assert_eq!(
        std::fs::read_to_string(scratch.path().join("taken.html")).unwrap(),
        "mine"
    );

    let (_, [a, b, _]) = seeds();
    let (a, b) = (format!("docs/{a}"), format!("docs/{b}"));
    let out = neardup(scratch.path(), &["compare", &a, &b, "--html", "docs"]);
    eqnice!(
        "neardup: error: docs: a folder (--html FILE writes one page into a file)\n",
        out.stderr
    );
    assert_eq!((out.code, out.stdout.as_str()), (2, ""));
    let out = neardup(scratch.path(), &["compare", &a, &b, "--html", "pair.html"]);
    assert_eq!(out.code, 1, "{}", out.stderr);
    eqnice!(
        "neardup: note: wrote the pair page to pair.html\n",
        out.stderr
    );
}

/// `compare A B --corpus DIR` where DIR holds A and B counts each once toward boilerplate,
/// as a scan of DIR does: a footer in 9 of DIR's documents (A and B among them) is not
/// boilerplate (that takes 10), so both give the same verdict; and the same file under
/// two names is refused.
#[test]
fn compare_with_a_corpus_holding_the_pair_judges_as_a_scan_does() {
    let scratch = Scratch::new();
    // No furniture cue (see `furniture`): only the corpus rule can tell this footer.
    let footer =
        "The Daily Ledger brings the morning headlines of the county to its readers each day.";
    scratch
        .write(
            "dir/a.txt",
            format!("The city council approved the new budget for schools and roads on Tuesday night. Parks lose a tenth of their money. {footer}\n"),
        )
        .write(
            "dir/b.txt",
            format!("On Tuesday night the city council approved the new budget for roads and schools. A storm is expected at the weekend. {footer}\n"),
        );
    let topics = [
        "rail strike",
        "harbour fire",
        "chess final",
        "flu season",
        "bridge repair",
        "film festival",
        "tax reform",
    ];
    for (i, topic) in topics.iter().enumerate() {
        scratch.write(
            &format!("dir/other{i}.txt"),
            format!("A report on the {topic} appeared this week with new figures. {footer}\n"),
        );
    }
    let scan = neardup(scratch.path(), &["scan", "dir", "-q"]);
    let compare = neardup(
        scratch.path(),
        &[
            "compare",
            "dir/a.txt",
            "dir/b.txt",
            "--corpus",
            "dir",
            "-q",
            "--color",
            "never",
        ],
    );
    assert_eq!(scan.code, 1, "the scan flags a ~ b: {}", scan.stdout);
    assert_eq!(
        compare.code, scan.code,
        "{}{}",
        compare.stdout, compare.stderr
    );
    let same = neardup(scratch.path(), &["compare", "dir/a.txt", "./dir/a.txt"]);
    assert_eq!(same.code, 2);
    assert!(
        same.stderr.contains("the same file twice"),
        "{}",
        same.stderr
    );
}
