//! `neardup eval --pairwise --cases`: each labelled pair judged on its own, and the passages
//! scored with PAN's measures.

use serde_json::Value;

use crate::util::{Scratch, neardup};

const COPIED: &str = "The minister resigned on Monday after a long row over his expenses, \
aides said, and the prime minister accepted the resignation within the hour. Officials \
said an inquiry into the claims would go ahead regardless of the resignation.";

/// A source with a passage that the suspect copies word for word, and an unrelated pair.
fn labelled_set(scratch: &Scratch) {
    let source = format!("Storms hit the coast. {COPIED} The weather improved later.\n");
    let suspect = format!("Ünïcode essay opening. {COPIED}\n");
    scratch
        .write("docs/src1.txt", &source)
        .write("docs/sus1.txt", &suspect)
        .write(
            "docs/src2.txt",
            "Heavy snow closed schools across the whole region for a week.\n",
        )
        .write(
            "docs/sus2.txt",
            "A new bridge opened over the river after years of delays.\n",
        )
        .write(
            "pairs.tsv",
            "source\tsuspect\tlabel\nsrc1\tsus1\tcopy\nsrc2\tsus2\tnone\n",
        );
    // Offsets in characters, as PAN gives them (the suspect starts with non-ASCII letters).
    let chars_before = |text: &str| text[..text.find(COPIED).unwrap()].chars().count();
    let len = COPIED.chars().count();
    scratch.write(
        "cases.tsv",
        format!(
            "suspect\tsource\tlabel\tthis_offset\tthis_length\tsource_offset\tsource_length\n\
             sus1\tsrc1\tcopy\t{}\t{len}\t{}\t{len}\n",
            chars_before(&suspect),
            chars_before(&source)
        ),
    );
}

/// The copied pair is flagged, the other is not; the one case is found in one detection,
/// all of it but at most its closing punctuation (recall at least 0.99: a passage is a run
/// of whole words); accuracy is reported because every pair judged is labelled.
#[test]
fn pairwise_eval_scores_passages_with_pan_measures() {
    let scratch = Scratch::new();
    labelled_set(&scratch);
    let out = neardup(
        scratch.path(),
        &[
            "eval",
            "docs",
            "pairs.tsv",
            "--positive",
            "copy",
            "--pairwise",
            "--cases",
            "cases.tsv",
            "--format",
            "json",
            "-q",
        ],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let v: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(v["accuracy"], 1.0, "{v}");
    let all = &v["passages"]["overall"];
    assert_eq!(all["cases"], 1, "{all}");
    assert_eq!(all["detected"], 1, "{all}");
    assert!(all["recall"].as_f64().unwrap() >= 0.99, "{all}");
    assert_eq!(all["granularity"], 1.0, "{all}");
    assert!(all["precision"].as_f64().unwrap() > 0.9, "{all}");
    let labels: Vec<&str> = v["passages"]["labels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["label"].as_str().unwrap())
        .collect();
    assert_eq!(labels, ["copy", "none"]);

    let text = neardup(
        scratch.path(),
        &[
            "eval",
            "docs",
            "pairs.tsv",
            "--positive",
            "copy",
            "--pairwise",
            "--cases",
            "cases.tsv",
        ],
    );
    assert_eq!(text.code, 0, "{}", text.stderr);
    assert!(
        text.stdout
            .contains("passages (PAN's measures, in characters):"),
        "{}",
        text.stdout
    );
    assert!(
        text.stdout
            .contains("accuracy (every pair judged is labelled): 1.000"),
        "{}",
        text.stdout
    );
}

/// A cases file without the columns it needs is an error naming the file and the column.
#[test]
fn a_bad_cases_file_is_named() {
    let scratch = Scratch::new();
    labelled_set(&scratch);
    scratch.write("bad.tsv", "suspect\tsource\n");
    let out = neardup(
        scratch.path(),
        &[
            "eval",
            "docs",
            "pairs.tsv",
            "--positive",
            "copy",
            "--cases",
            "bad.tsv",
        ],
    );
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("bad.tsv") && out.stderr.contains("\"label\""),
        "{}",
        out.stderr
    );
}
