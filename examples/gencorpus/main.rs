//! `cargo run --release --example gencorpus -- --out DIR [--docs N] [--from DIR] [--seed N]`
//!
//! Writes a seeded, deterministic corpus of generated news articles with known exact
//! duplicates, near-duplicates and rewrites (see `generate.rs`): `DIR/docs/NNNNNNN.txt` and
//! `DIR/truth.tsv` (`source`, `suspect`, `label`, `rate`; ids without `.txt`), which
//! `neardup eval DIR/docs DIR/truth.tsv --positive exact-duplicate ...` reads as it is.
//! Sources default to `../shared/data/bbc-news/docs` when present, else `corpus/seeds`.

mod generate;

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;

/// Generates a news corpus with known reuse.
#[derive(Debug, Parser)]
struct Args {
    /// Output folder (made if missing; existing docs/ and truth.tsv are replaced).
    #[arg(long)]
    out: PathBuf,
    /// Folder of source articles (*.txt, first line the title).
    #[arg(long)]
    from: Option<PathBuf>,
    /// Documents to write.
    #[arg(long, default_value_t = 10_000)]
    docs: usize,
    /// Seed of the random stream.
    #[arg(long, default_value_t = generate::Options::default().seed)]
    seed: u64,
    /// Share of exact duplicates.
    #[arg(long, default_value_t = generate::Options::default().exact)]
    exact: f64,
    /// Share of near-duplicates.
    #[arg(long, default_value_t = generate::Options::default().near)]
    near: f64,
    /// Share of rewrites.
    #[arg(long, default_value_t = generate::Options::default().rewrite)]
    rewrite: f64,
}

fn main() -> ExitCode {
    let args = Args::parse();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("gencorpus: error: {message}");
            ExitCode::from(2)
        }
    }
}

fn run(args: &Args) -> Result<(), String> {
    let from = args.from.clone().unwrap_or_else(generate::default_sources);
    let sources = generate::read_sources(&from)?;
    let options = generate::Options {
        docs: args.docs,
        exact: args.exact,
        near: args.near,
        rewrite: args.rewrite,
        seed: args.seed,
    };
    let corpus = generate::generate(&sources, &options);
    let docs = args.out.join("docs");
    if docs.exists() {
        std::fs::remove_dir_all(&docs).map_err(|e| format!("{}: {e}", docs.display()))?;
    }
    std::fs::create_dir_all(&docs).map_err(|e| format!("{}: {e}", docs.display()))?;
    let name = |i: usize| format!("{i:07}");
    for (i, text) in corpus.docs.iter().enumerate() {
        let path = docs.join(format!("{}.txt", name(i)));
        std::fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    let path = args.out.join("truth.tsv");
    let mut truth = std::io::BufWriter::new(
        std::fs::File::create(&path).map_err(|e| format!("{}: {e}", path.display()))?,
    );
    let write_err = |e: std::io::Error| format!("{}: {e}", path.display());
    writeln!(truth, "source\tsuspect\tlabel\trate").map_err(write_err)?;
    for t in &corpus.truth {
        writeln!(
            truth,
            "{}\t{}\t{}\t{}",
            name(t.source),
            name(t.suspect),
            t.kind,
            t.rate
        )
        .map_err(write_err)?;
    }
    truth.flush().map_err(write_err)?;
    let bytes: usize = corpus.docs.iter().map(String::len).sum();
    eprintln!(
        "gencorpus: {} documents ({:.1} MB) and {} intended pairs from {} sources in {}",
        corpus.docs.len(),
        bytes as f64 / 1e6,
        corpus.truth.len(),
        sources.len(),
        args.out.display()
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::generate::{Options, generate};

    fn seeds() -> Vec<String> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/seeds");
        super::generate::read_sources(&dir).unwrap()
    }

    #[test]
    fn same_seed_same_corpus_other_seed_other() {
        let options = Options {
            docs: 300,
            ..Options::default()
        };
        let a = generate(&seeds(), &options);
        assert_eq!(a, generate(&seeds(), &options));
        assert_ne!(a, generate(&seeds(), &Options { seed: 1, ..options }));
    }

    /// The shares of derived documents follow the options within 5 binomial standard errors.
    #[test]
    fn shares_follow_the_options_and_truth_points_at_real_copies() {
        let options = Options {
            docs: 2000,
            ..Options::default()
        };
        let corpus = generate(&seeds(), &options);
        assert_eq!(corpus.docs.len(), 2000);
        for (kind, share) in [
            ("exact-duplicate", options.exact),
            ("near-duplicate", options.near),
            ("rewrite", options.rewrite),
        ] {
            let n = corpus.truth.iter().filter(|t| t.kind == kind).count() as f64;
            let expected = share * 2000.0;
            let tolerance = 5.0 * (2000.0 * share * (1.0 - share)).sqrt();
            assert!(
                (n - expected).abs() <= tolerance,
                "{kind}: {n} vs {expected}"
            );
        }
        for t in &corpus.truth {
            let (a, b) = (&corpus.docs[t.source], &corpus.docs[t.suspect]);
            assert_eq!(t.kind == "exact-duplicate", a == b, "{t:?}");
            if t.kind == "rewrite" {
                assert_eq!(
                    a.lines().next(),
                    b.lines().next(),
                    "the title is kept: {t:?}"
                );
                assert_ne!(a, b, "{t:?}");
            }
        }
    }
}
