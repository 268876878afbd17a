//! Issue 12 (a new user's report on `compare` and the reports): the built binary, run as a
//! user would, in fresh temporary folders.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::util::{self, neardup};

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
