//! A seeded, deterministic generator of large news corpora with known reuse, for benches and
//! recall-at-scale checks. Shared by the `gencorpus` example and the benches.
//!
//! Construction (all randomness from one SplitMix64 stream started at the seed; sources are
//! taken in the order given):
//!
//! 1. Each source article is cut into a title (its first line) and **units**: runs of whole
//!    sentences of at most `UNIT_WORDS` words. Sources whose text repeats an earlier one
//!    (case and white space aside) are dropped.
//! 2. A **base** document is a random title and 4 to 20 units, each from a different random
//!    source, written as paragraphs of up to 3 units. A unit serves at most `MAX_UNIT_USES`
//!    base (one: a unit is up to three sentences, so two bases sharing one would be real
//!    reuse the truth does not list). Once every real unit has served (from the BBC's 2,225
//!    articles, after about 2,300 bases), new units are written by an order-2 word Markov
//!    chain trained on the sources' sentences: locally fluent text with the corpus' words and
//!    phrases, whose sentences are new. Unrelated documents still share stock phrases, as
//!    real news does.
//! 3. A **derived** document copies an earlier base as an exact duplicate, a near-duplicate
//!    (every word edited with probability 5-30%: substituted, deleted or followed by an
//!    inserted word, the words drawn from the corpus) or a rewrite (in each paragraph, a
//!    quarter of the sentences dropped, neighbours swapped, and 20% of the words replaced by
//!    corpus words).
//! 4. Documents are written in a seeded random order, so a derived document is rarely next to
//!    its base; `truth` lists every (base, derived) pair with its kind and rate.

/// Largest unit, in words.
const UNIT_WORDS: usize = 60;
/// Bases a real unit may serve.
const MAX_UNIT_USES: u32 = 1;
/// Longest generated sentence, in words.
const MAX_SENTENCE_WORDS: usize = 45;
/// Edit rates of near-duplicates.
const RATES: &[f64] = &[0.05, 0.075, 0.10, 0.15, 0.20, 0.25, 0.30];

/// What to generate.
#[derive(Clone, Debug)]
pub struct Options {
    /// Documents in all.
    pub docs: usize,
    /// Share of documents that are exact duplicates of a base.
    pub exact: f64,
    /// Share that are near-duplicates.
    pub near: f64,
    /// Share that are rewrites.
    pub rewrite: f64,
    /// Seed of the random stream.
    pub seed: u64,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            docs: 10_000,
            exact: 0.05,
            near: 0.20,
            rewrite: 0.10,
            seed: 20_261_123,
        }
    }
}

/// One intended pair.
#[derive(Clone, Debug, PartialEq)]
pub struct Truth {
    /// Index of the base document (in output order).
    pub source: usize,
    /// Index of the derived document.
    pub suspect: usize,
    /// `exact-duplicate`, `near-duplicate` or `rewrite`.
    pub kind: &'static str,
    /// Word edit rate (near-duplicates) or word swap rate (rewrites); 0 for exact copies.
    pub rate: f64,
}

/// A generated corpus: texts in output order, and the intended pairs.
#[derive(Clone, Debug, PartialEq)]
pub struct Corpus {
    /// The documents' texts.
    pub docs: Vec<String>,
    /// Every intended pair.
    pub truth: Vec<Truth>,
}

/// SplitMix64.
pub struct Rng(u64);

impl Rng {
    /// A stream started at `seed`.
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// A number in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// Splits a paragraph into sentences: after `.`, `!` or `?` (and closing quotes) followed by
/// white space and an upper-case letter, digit or quote.
fn sentences(paragraph: &str) -> Vec<&str> {
    let bytes = paragraph.as_bytes();
    let mut out = Vec::new();
    let mut start = 0;
    for i in 0..bytes.len() {
        let ends = matches!(bytes[i], b'.' | b'!' | b'?')
            && bytes.get(i + 1) == Some(&b' ')
            && bytes
                .get(i + 2)
                .is_some_and(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || *c == b'"');
        if ends {
            out.push(paragraph[start..=i].trim());
            start = i + 2;
        }
    }
    let rest = paragraph[start..].trim();
    if !rest.is_empty() {
        out.push(rest);
    }
    out
}

/// Title and units of one source article.
fn cut(text: &str) -> Option<(String, Vec<String>)> {
    let mut lines = text.lines();
    let title = lines.next()?.trim().to_string();
    let body: String = lines.collect::<Vec<_>>().join("\n");
    let mut units = Vec::new();
    for paragraph in body.split("\n\n") {
        let flat = paragraph.split_whitespace().collect::<Vec<_>>().join(" ");
        let mut unit = String::new();
        for sentence in sentences(&flat) {
            let words = sentence.split(' ').count();
            if !unit.is_empty() && unit.split(' ').count() + words > UNIT_WORDS {
                units.push(std::mem::take(&mut unit));
            }
            if !unit.is_empty() {
                unit.push(' ');
            }
            unit.push_str(sentence);
        }
        if !unit.is_empty() {
            units.push(unit);
        }
    }
    (!title.is_empty() && !units.is_empty()).then_some((title, units))
}

/// Generates a corpus from source articles (plain text, first line the title, paragraphs
/// separated by blank lines).
///
/// # Panics
///
/// If no source has a title and a body (a caller's error, reported before calling).
pub fn generate(sources: &[String], options: &Options) -> Corpus {
    let mut seen = std::collections::HashSet::new();
    let cuts: Vec<(String, Vec<String>)> = sources
        .iter()
        .filter(|t| {
            seen.insert(
                t.to_lowercase()
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" "),
            )
        })
        .filter_map(|t| cut(t))
        .collect();
    assert!(!cuts.is_empty(), "no source article has a title and a body");
    let vocab: Vec<&str> = cuts
        .iter()
        .flat_map(|(_, units)| units.iter().flat_map(|u| u.split(' ')))
        .collect();
    let mut pool = Pool::new(&cuts);
    let mut rng = Rng::new(options.seed);
    let mut docs: Vec<String> = Vec::with_capacity(options.docs);
    let mut bases: Vec<usize> = Vec::new();
    let mut truth = Vec::new();
    for _ in 0..options.docs {
        let roll = rng.unit();
        let derived = !bases.is_empty() && roll < options.exact + options.near + options.rewrite;
        if !derived {
            bases.push(docs.len());
            docs.push(base(&cuts, &mut pool, &mut rng));
            continue;
        }
        let source = bases[rng.below(bases.len())];
        let (text, kind, rate) = if roll < options.exact {
            (docs[source].clone(), "exact-duplicate", 0.0)
        } else if roll < options.exact + options.near {
            let rate = RATES[rng.below(RATES.len())];
            (
                edit(&docs[source], rate, &vocab, &mut rng),
                "near-duplicate",
                rate,
            )
        } else {
            (
                rewrite(&docs[source], 0.2, &vocab, &mut rng),
                "rewrite",
                0.2,
            )
        };
        truth.push(Truth {
            source,
            suspect: docs.len(),
            kind,
            rate,
        });
        docs.push(text);
    }
    // Output order: a seeded shuffle; truth follows the documents.
    let mut order: Vec<usize> = (0..docs.len()).collect();
    for i in (1..order.len()).rev() {
        order.swap(i, rng.below(i + 1));
    }
    let mut position = vec![0; docs.len()];
    for (new, &old) in order.iter().enumerate() {
        position[old] = new;
    }
    let shuffled = order
        .iter()
        .map(|&old| std::mem::take(&mut docs[old]))
        .collect();
    for t in &mut truth {
        t.source = position[t.source];
        t.suspect = position[t.suspect];
    }
    Corpus {
        docs: shuffled,
        truth,
    }
}

/// A random title and 4 to 20 units (from different random sources while real units last,
/// then written by the chain), 3 units a paragraph.
fn base(cuts: &[(String, Vec<String>)], pool: &mut Pool, rng: &mut Rng) -> String {
    let k = 4 + rng.below(17);
    let mut text = cuts[rng.below(cuts.len())].0.clone();
    let mut used = std::collections::HashSet::new();
    for i in 0..k {
        text.push_str(if i % 3 == 0 { "\n\n" } else { " " });
        text.push_str(&pool.unit(cuts, &mut used, rng));
    }
    text.push('\n');
    text
}

/// The units bases are made of: real ones, each used at most `MAX_UNIT_USES` times, then
/// generated ones.
struct Pool {
    /// (source, unit index) of the real units still available.
    available: Vec<(usize, usize)>,
    /// Uses so far, by (source, unit index).
    uses: std::collections::HashMap<(usize, usize), u32>,
    /// Texts of the units served (lower case): sources that are near-duplicates of one
    /// another (the BBC set has dozens) hold the same unit twice, and it must not serve twice.
    served: std::collections::HashSet<String>,
    chain: Chain,
}

impl Pool {
    fn new(cuts: &[(String, Vec<String>)]) -> Pool {
        let available = cuts
            .iter()
            .enumerate()
            .flat_map(|(s, (_, units))| (0..units.len()).map(move |u| (s, u)))
            .collect();
        Pool {
            available,
            uses: std::collections::HashMap::new(),
            served: std::collections::HashSet::new(),
            chain: Chain::train(cuts),
        }
    }

    /// A unit from a source not in `used` (a few tries), else a generated one.
    fn unit(
        &mut self,
        cuts: &[(String, Vec<String>)],
        used: &mut std::collections::HashSet<usize>,
        rng: &mut Rng,
    ) -> String {
        for _ in 0..8 {
            if self.available.is_empty() {
                break;
            }
            let at = rng.below(self.available.len());
            let (source, unit) = self.available[at];
            if !used.insert(source) {
                continue;
            }
            let uses = self.uses.entry((source, unit)).or_default();
            *uses += 1;
            if *uses >= MAX_UNIT_USES {
                self.available.swap_remove(at);
            }
            let text = &cuts[source].1[unit];
            if *uses == 1 && !self.served.insert(text.to_lowercase()) {
                continue; // the same text from another source: used up already
            }
            return text.clone();
        }
        let sentences = 1 + rng.below(3);
        (0..sentences)
            .map(|_| self.chain.sentence(rng))
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// An order-2 word Markov chain over the sources' sentences (words split at spaces, with
/// their punctuation).
struct Chain {
    words: Vec<String>,
    /// Successors of each pair of word ids, in training order (repeats kept: they weigh).
    next: std::collections::HashMap<(u32, u32), Vec<u32>>,
    /// The source sentences, which a generated sentence must not repeat whole.
    seen: std::collections::HashSet<String>,
}

/// The state before a sentence's first word, and the successor that ends a sentence.
const START: u32 = u32::MAX;
const END: u32 = u32::MAX - 1;

impl Chain {
    fn train(cuts: &[(String, Vec<String>)]) -> Chain {
        let mut ids: std::collections::HashMap<&str, u32> = std::collections::HashMap::new();
        let mut words: Vec<String> = Vec::new();
        let mut next: std::collections::HashMap<(u32, u32), Vec<u32>> =
            std::collections::HashMap::new();
        let mut seen = std::collections::HashSet::new();
        for (_, units) in cuts {
            for unit in units {
                for sentence in sentences(unit) {
                    seen.insert(sentence.to_string());
                    let (mut a, mut b) = (START, START);
                    for w in sentence.split(' ').filter(|w| !w.is_empty()) {
                        let id = *ids.entry(w).or_insert_with(|| {
                            words.push(w.to_string());
                            (words.len() - 1) as u32
                        });
                        next.entry((a, b)).or_default().push(id);
                        (a, b) = (b, id);
                    }
                    if b != START {
                        next.entry((a, b)).or_default().push(END);
                    }
                }
            }
        }
        Chain { words, next, seen }
    }

    /// One sentence of at least 6 words and at most `MAX_SENTENCE_WORDS` that is not a source
    /// sentence (a few tries; a chain walk often retraces a whole source sentence).
    fn sentence(&self, rng: &mut Rng) -> String {
        let mut out: Vec<&str> = Vec::new();
        for _ in 0..16 {
            out.clear();
            let (mut a, mut b) = (START, START);
            while out.len() < MAX_SENTENCE_WORDS {
                let Some(options) = self.next.get(&(a, b)) else {
                    break;
                };
                let id = options[rng.below(options.len())];
                if id == END {
                    break;
                }
                out.push(&self.words[id as usize]);
                (a, b) = (b, id);
            }
            if out.len() >= 6 && !self.seen.contains(&out.join(" ")) {
                break;
            }
        }
        out.join(" ")
    }
}

/// Every word edited with probability `rate`: substituted, deleted, or followed by an inserted
/// word, equally likely. Line structure is kept.
fn edit(text: &str, rate: f64, vocab: &[&str], rng: &mut Rng) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    for (n, line) in text.split('\n').enumerate() {
        if n > 0 {
            out.push('\n');
        }
        let mut words: Vec<&str> = Vec::new();
        for w in line.split(' ').filter(|w| !w.is_empty()) {
            if rng.unit() >= rate {
                words.push(w);
                continue;
            }
            match rng.below(3) {
                0 => words.push(vocab[rng.below(vocab.len())]),
                1 => {}
                _ => {
                    words.push(w);
                    words.push(vocab[rng.below(vocab.len())]);
                }
            }
        }
        out.push_str(&words.join(" "));
    }
    out
}

/// In each paragraph a quarter of the sentences dropped (one always kept), neighbouring
/// sentences swapped, and a share `swap` of the words replaced by corpus words.
fn rewrite(text: &str, swap: f64, vocab: &[&str], rng: &mut Rng) -> String {
    let mut paragraphs = Vec::new();
    for (n, paragraph) in text.split("\n\n").enumerate() {
        if n == 0 {
            paragraphs.push(paragraph.to_string()); // the title
            continue;
        }
        let mut kept: Vec<&str> = sentences(paragraph.trim())
            .into_iter()
            .filter(|_| rng.unit() >= 0.25)
            .collect();
        if kept.is_empty() {
            continue;
        }
        for i in (1..kept.len()).step_by(2) {
            if rng.unit() < 0.5 {
                kept.swap(i - 1, i);
            }
        }
        let words: Vec<&str> = kept
            .iter()
            .flat_map(|s| s.split(' '))
            .map(|w| {
                if rng.unit() < swap {
                    vocab[rng.below(vocab.len())]
                } else {
                    w
                }
            })
            .collect();
        paragraphs.push(words.join(" "));
    }
    paragraphs.join("\n\n") + "\n"
}

/// The source articles: the `*.txt` files of `dir`, in sorted order.
///
/// # Errors
///
/// A message naming the folder if it cannot be listed or holds no readable article.
pub fn read_sources(dir: &std::path::Path) -> Result<Vec<String>, String> {
    let mut paths: Vec<std::path::PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    paths.sort();
    let texts: Vec<String> = paths
        .iter()
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .collect();
    if texts.is_empty() {
        return Err(format!("{}: no readable *.txt article", dir.display()));
    }
    Ok(texts)
}

/// The default sources: `../shared/data/bbc-news/docs` beside the crate when present, else
/// the crate's `corpus/seeds`.
pub fn default_sources() -> std::path::PathBuf {
    let manifest = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let shared = manifest.join("../shared/data/bbc-news/docs");
    if shared.is_dir() {
        shared
    } else {
        manifest.join("corpus/seeds")
    }
}
