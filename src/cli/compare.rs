//! `neardup compare A B`: two articles' aligned passages side by side, with the scores, in the
//! terminal (colour on a TTY), or as the JSON records a scan writes, and optionally as an HTML
//! page.

use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::Path;
use std::time::Instant;

use neardup::report::{html, json, text};
use neardup::{Document, Index, input};

use super::args::{Colour, CompareArgs, Format};
use super::{EXIT_CLEAN, EXIT_FLAGGED, steps};

/// Whether two paths name the same file (after following links and `.`/`..`).
fn same_file(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// Compares the two files; exits 1 if the pair is flagged, 0 if not.
pub fn run(args: &CompareArgs) -> Result<u8, String> {
    let start = Instant::now();
    let config = args.detector.config();
    super::args::validate(&config)?;
    steps::threads(&args.detector)?;
    if let Some(path) = args.html.as_ref().filter(|p| p.is_dir()) {
        // Said before the work, not after it.
        return Err(format!(
            "{}: a folder (--html FILE writes one page into a file)",
            path.display()
        ));
    }
    // A and B first on their own, for their errors (a missing or binary file is an error
    // here, not a skipped input).
    for path in [&args.a, &args.b] {
        input::read_file(path, &path.to_string_lossy(), config.max_file_bytes)
            .map_err(|e| e.to_string())?;
    }
    if same_file(&args.a, &args.b) {
        return Err(format!(
            "{} and {}: the same file twice",
            args.a.display(),
            args.b.display()
        ));
    }
    // Then A, B and the context documents (which give the boilerplate counts) read together,
    // so that a context folder holding A or B reads each once: they count once, as in a scan
    // of that folder.
    let mut paths = vec![args.a.clone(), args.b.clone()];
    paths.extend(args.corpus.iter().cloned());
    let (batch, skipped) = steps::read(&paths, &[], &config, &args.detector);
    let mut docs: Vec<Document> = batch.documents;
    let named =
        |i: usize, path: &Path| docs.get(i).is_some_and(|d| d.id == *path.to_string_lossy());
    if !(named(0, &args.a) && named(1, &args.b)) {
        return Err(format!(
            "{} or {} could not be read again",
            args.a.display(),
            args.b.display()
        ));
    }
    docs.rotate_left(2);
    let context = docs.len() - 2;
    let (documents, bytes) = (docs.len(), docs.iter().map(|d| d.text.len() as u64).sum());
    let mut index = Index::new(config).map_err(|e| e.to_string())?;
    let ids = index.insert_batch(docs).map_err(|e| e.to_string())?;
    let (ia, ib) = (ids[context], ids[context + 1]);
    let c = index
        .compare(ia, ib)
        .expect("both documents were just inserted");
    let m = &c.found;
    let text_of = |id: &str| index.text(id).expect("the match names indexed documents");
    let (text_a, text_b) = (text_of(&m.a), text_of(&m.b));

    let not_flagged = c.not_flagged(index.config());
    if let Some(path) = &args.html {
        let page = match &not_flagged {
            None => html::pair_page(m, text_a, text_b),
            Some(why) => html::not_flagged_page(why, text_a, text_b),
        };
        std::fs::write(path, page).map_err(|e| neardup::Error::io(path, e).to_string())?;
        if !args.detector.quiet {
            super::note(&format!("wrote the pair page to {}", path.display()));
        }
    }
    let colour = match args.colour {
        Colour::Always => true,
        Colour::Never => false,
        Colour::Auto => io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
    };
    // bash sets COLUMNS but does not export it, so ask the terminal first.
    let width = args
        .width
        .or_else(|| {
            let (_, columns) = console::Term::stdout().size_checked()?;
            Some(usize::from(columns))
        })
        .or_else(|| std::env::var("COLUMNS").ok()?.parse().ok())
        .unwrap_or(100);
    let mut out = BufWriter::new(io::stdout().lock());
    let written = match args.format {
        Format::Text => text::write_comparison(
            &mut out,
            m,
            not_flagged.as_ref(),
            (text_a, text_b),
            width,
            colour,
        ),
        format => {
            // The records a scan of the documents compared writes for the pair.
            let matches = if c.flagged {
                vec![m.clone()]
            } else {
                Vec::new()
            };
            let report = steps::report(start, (documents, bytes), matches, skipped);
            if format == Format::Json {
                json::write_comparison_json(&mut out, &report, not_flagged.as_ref())
            } else {
                json::write_comparison_jsonl(&mut out, &report, not_flagged.as_ref())
            }
        }
    }
    .and_then(|()| out.flush());
    super::finish_write(written)?;
    Ok(if c.flagged { EXIT_FLAGGED } else { EXIT_CLEAN })
}
