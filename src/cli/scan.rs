//! `neardup scan`: read every input, index it, report every flagged pair.

use std::collections::HashSet;
use std::path::Path;
use std::time::Instant;

use neardup::report::html;
use neardup::{Index, Report};

use super::args::ScanArgs;
use super::steps;

/// Runs the scan and returns the exit code; `Err` is a fatal error message.
pub fn run(args: &ScanArgs) -> Result<u8, String> {
    let start = Instant::now();
    let config = args.detector.config();
    super::args::validate(&config)?;
    if args.paths.is_empty() && args.jsonl.is_empty() {
        return Err("nothing to read: give at least one PATH or --jsonl FILE".into());
    }
    if let Some(dir) = &args.html {
        // Said before the work, not after it.
        if dir.exists() && !dir.is_dir() {
            return Err(format!(
                "{}: not a folder (--html DIR writes its pages into a folder)",
                dir.display()
            ));
        }
    }
    steps::threads(&args.detector)?;
    let (batch, skipped) = steps::read(&args.paths, &args.jsonl, &config, &args.detector);
    let documents = batch.documents.len();
    let bytes = batch.documents.iter().map(|d| d.text.len() as u64).sum();
    let (index, matches) = steps::detect(config, batch.documents, args.detector.quiet)?;

    let report = steps::report(start, (documents, bytes), matches, skipped);
    if let Some(dir) = &args.html {
        let pages = write_html(dir, &report, &index)?;
        if !args.detector.quiet {
            super::note(&format!(
                "wrote {pages} pair page{} and index.html to {}",
                if pages == 1 { "" } else { "s" },
                dir.display()
            ));
        }
    }
    steps::write(args.format, &report, &|id| index.text(id))?;
    let code = steps::exit_code(&report);
    // The process ends here: freeing every document and table one by one would only delay
    // the exit (about 0.1 s per 100,000 articles); the OS reclaims the memory at once.
    std::mem::forget(index);
    std::mem::forget(report);
    Ok(code)
}

/// Writes one HTML page per flagged pair and an index page into `dir` (made if missing),
/// then removes the pair pages an earlier run left there: files named `pair-N.html` that
/// carry the generator tag of `html` pages (see [`html::is_ours`]) and were not written now.
/// Nothing else in `dir` is touched. Returns the number of pair pages written.
fn write_html(dir: &Path, report: &Report, index: &Index) -> Result<usize, String> {
    let io_error = |path: &Path, e| neardup::Error::io(path, e).to_string();
    std::fs::create_dir_all(dir).map_err(|e| io_error(dir, e))?;
    let text_of = |id: &str| index.text(id).expect("the report names indexed documents");
    let mut pages = Vec::with_capacity(report.matches.len());
    for (i, m) in report.matches.iter().enumerate() {
        let name = format!("pair-{:05}.html", i + 1);
        let path = dir.join(&name);
        std::fs::write(&path, html::pair_page(m, text_of(&m.a), text_of(&m.b)))
            .map_err(|e| io_error(&path, e))?;
        pages.push(name);
    }
    let path = dir.join("index.html");
    let page = html::index_page(&report.matches, &pages, &|id| index.text(id));
    std::fs::write(&path, page).map_err(|e| io_error(&path, e))?;
    let written: HashSet<&str> = pages.iter().map(String::as_str).collect();
    for entry in std::fs::read_dir(dir).map_err(|e| io_error(dir, e))? {
        let entry = entry.map_err(|e| io_error(dir, e))?;
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        if written.contains(name) || !is_pair_page_name(name) {
            continue;
        }
        let path = entry.path();
        // A page that cannot be read as text is not one of ours.
        if std::fs::read_to_string(&path).is_ok_and(|page| html::is_ours(&page)) {
            std::fs::remove_file(&path).map_err(|e| io_error(&path, e))?;
        }
    }
    Ok(pages.len())
}

/// Whether `name` is a pair page's name: `pair-` digits `.html`.
fn is_pair_page_name(name: &str) -> bool {
    name.strip_prefix("pair-")
        .and_then(|rest| rest.strip_suffix(".html"))
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}
