//! `cargo run --release --example furniture -- [--tail N] PATH...`
//!
//! Prints every sentence (passage) of the `.txt` files under each PATH that
//! [`neardup::furniture`] marks as publisher furniture, as `file<TAB>index/count<TAB>sentence`,
//! then the totals on stderr: for reading what the rule flags on a folder of articles (its
//! false positives are the news prose among them). With `--tail N`, also prints the last N
//! sentences of each file that are not flagged, marked `-`, for reading what it misses.

use std::path::{Path, PathBuf};

use neardup::passage;

fn files(path: &Path, out: &mut Vec<PathBuf>) {
    if path.is_dir() {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(path)
            .expect("a readable folder")
            .map(|e| e.expect("a folder entry").path())
            .collect();
        entries.sort();
        for e in entries {
            files(&e, out);
        }
    } else if path.extension().is_some_and(|e| e == "txt") {
        out.push(path.to_path_buf());
    }
}

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let mut tail = 0;
    if let Some(i) = args.iter().position(|a| a == "--tail") {
        tail = args[i + 1].parse().expect("--tail takes a number");
        args.drain(i..i + 2);
    }
    let mut paths = Vec::new();
    for a in &args {
        files(Path::new(a), &mut paths);
    }
    let (mut sentences, mut flagged, mut documents_with) = (0, 0, 0);
    for path in &paths {
        let Ok(text) = std::fs::read_to_string(path) else {
            continue;
        };
        let found = passage::passages(&text);
        let n = found.len();
        let mut any = false;
        for (i, p) in found.iter().enumerate() {
            sentences += 1;
            let shown = || text[p.span.start..p.span.end].replace(['\n', '\t'], " ");
            if p.is_furniture() {
                flagged += 1;
                any = true;
                println!("{}\t{i}/{n}\t+\t{}", path.display(), shown());
            } else if i + tail >= n {
                println!("{}\t{i}/{n}\t-\t{}", path.display(), shown());
            }
        }
        documents_with += usize::from(any);
    }
    eprintln!(
        "{} files, {sentences} passages, {flagged} furniture, in {documents_with} files",
        paths.len()
    );
}
