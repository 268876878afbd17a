//! Helpers shared by the integration tests: a seeded random stream, synthetic articles, a
//! scratch folder, and a runner for the built binary.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use neardup::Document;

/// Asserts equality and, on failure, prints both values in full (as ripgrep's `eqnice!`).
#[macro_export]
macro_rules! eqnice {
    ($expected:expr, $got:expr) => {{
        let (expected, got) = (&$expected, &$got);
        if expected != got {
            panic!(
                "\n\n==== expected ====\n{}\n==== got ====\n{}\n==== end ====\n",
                expected, got
            );
        }
    }};
}

/// SplitMix64: a small seeded random stream for property loops.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n`.
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// Shuffles in place (Fisher-Yates).
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            items.swap(i, self.below(i + 1));
        }
    }
}

/// A synthetic article of `words` words drawn from a 5,000-word vocabulary, in sentences of
/// 17 words that start with a capital letter.
pub fn article(rng: &mut Rng, words: usize) -> String {
    let mut text = String::new();
    for i in 0..words {
        let initial = if i % 17 == 0 { 'W' } else { 'w' };
        let word = format!("{initial}{}", letters(rng.below(5000)));
        if i > 0 {
            text.push(if i % 17 == 0 { '.' } else { ' ' });
            if i % 17 == 0 {
                text.push(' ');
            }
        }
        text.push_str(&word);
    }
    text.push('.');
    text
}

/// `n` written in the letters a-z (base 26): synthetic words are made of letters, as
/// ordinary words are (a word with a digit in it states a number: see
/// `neardup::reuse::is_fact`).
fn letters(mut n: usize) -> String {
    let mut out = Vec::new();
    loop {
        out.push(b'a' + (n % 26) as u8);
        n /= 26;
        if n == 0 {
            break;
        }
    }
    String::from_utf8(out).expect("ASCII letters")
}

/// `text` with a share `rate` of its words replaced by others.
pub fn edit(rng: &mut Rng, text: &str, rate: f64) -> String {
    text.split(' ')
        .map(|w| {
            if (rng.below(10_000) as f64) < rate * 10_000.0 {
                format!("e{}", letters(rng.below(100_000)))
            } else {
                w.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// A set of synthetic documents: originals, exact copies and near-duplicates at several edit
/// rates, in a seeded order.
pub fn synthetic_corpus(seed: u64, originals: usize) -> Vec<Document> {
    let mut rng = Rng::new(seed);
    let mut docs = Vec::new();
    for i in 0..originals {
        let words = 150 + rng.below(300);
        let text = article(&mut rng, words);
        match i % 4 {
            0 => docs.push(Document::new(format!("copy-{i}"), text.clone())),
            1 => docs.push(Document::new(
                format!("light-{i}"),
                edit(&mut rng, &text, 0.02),
            )),
            2 => docs.push(Document::new(
                format!("heavy-{i}"),
                edit(&mut rng, &text, 0.15),
            )),
            _ => {}
        }
        docs.push(Document::new(format!("orig-{i}"), text));
    }
    rng.shuffle(&mut docs);
    docs
}

/// The bundled corpus folder.
/// The shared corpora folder, as found by `build.rs`.
#[cfg(shared_data)]
pub fn shared_data() -> PathBuf {
    PathBuf::from(env!("NEARDUP_DATA_DIR"))
}

/// Without the shared corpora the tests that call this are ignored; run anyway, they fail.
#[cfg(not(shared_data))]
pub fn shared_data() -> PathBuf {
    panic!("../shared/data was not found when the tests were built; set NEARDUP_DATA and rebuild")
}

/// The documents of a folder of the shared corpora (every file must read).
pub fn shared_docs(folder: &str) -> Vec<Document> {
    let batch = neardup::input::read_all(
        &[shared_data().join(folder)],
        &[],
        &neardup::input::Options::default(),
        &|| {},
    );
    assert!(batch.skipped.is_empty(), "{:?}", batch.skipped);
    batch.documents
}

pub fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus")
}

/// The five seed articles, ids relative to `corpus/` as `scan corpus/` names them.
pub fn seeds() -> Vec<Document> {
    let batch = neardup::input::read_all(
        &[corpus_dir().join("seeds")],
        &[],
        &neardup::input::Options::default(),
        &|| {},
    );
    assert!(batch.skipped.is_empty(), "{:?}", batch.skipped);
    assert_eq!(batch.documents.len(), 5);
    batch
        .documents
        .into_iter()
        .map(|d| Document {
            id: format!("seeds/{}", d.id),
            ..d
        })
        .collect()
}

/// What a run of the binary gave.
pub struct Output {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Runs the built `neardup` in `dir` with `args`, `threads` rayon threads and `stdin`.
pub fn neardup_in(dir: &Path, args: &[&str], threads: usize, stdin: &[u8]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_neardup"));
    command
        .args(args)
        .env("RAYON_NUM_THREADS", threads.to_string());
    run(command, dir, stdin)
}

/// Runs the built `neardup` in `dir` with `args`, from a shell that limits the size of any
/// file it writes to `blocks` blocks of `ulimit -f` (512 or 1024 bytes, by shell): a simulated
/// full disk. A write past the limit fails with "File too large" (the `SIGXFSZ` that would
/// kill the process is ignored), as a write to a full disk fails with "No space left".
pub fn neardup_with_file_limit(dir: &Path, args: &[&str], blocks: u64) -> Output {
    let mut command = Command::new("sh");
    command
        .arg("-c")
        .arg(format!(
            "trap '' XFSZ; ulimit -f {blocks} && exec \"$0\" \"$@\""
        ))
        .arg(env!("CARGO_BIN_EXE_neardup"))
        .args(args);
    run(command, dir, b"")
}

/// Runs a command in `dir` with `stdin` as its input.
fn run(mut command: Command, dir: &Path, stdin: &[u8]) -> Output {
    use std::io::Write;
    let mut child = command
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the neardup binary runs");
    child
        .stdin
        .take()
        .expect("stdin is piped")
        .write_all(stdin)
        .expect("stdin accepts the input");
    let out = child.wait_with_output().expect("neardup finishes");
    Output {
        code: out.status.code().expect("neardup exits with a code"),
        stdout: String::from_utf8(out.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(out.stderr).expect("stderr is UTF-8"),
    }
}

/// Runs the built `neardup` in `dir` with 2 threads and no input.
pub fn neardup(dir: &Path, args: &[&str]) -> Output {
    neardup_in(dir, args, 2, b"")
}

/// Output with the run time (the one part that differs between runs) replaced by `T`.
pub fn mask_elapsed(output: &str) -> String {
    output
        .lines()
        .map(|line| {
            if let Some(at) = line.find("\"elapsed_seconds\":") {
                let end = line[at..].find('}').map_or(line.len(), |e| at + e);
                format!("{}\"elapsed_seconds\":T{}", &line[..at], &line[end..])
            } else if line.contains(" skipped, ") && line.ends_with(" s") {
                let cut = line.rfind(", ").expect("summary line has a time");
                format!("{}, T s", &line[..cut])
            } else {
                line.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

/// A fresh temporary folder with helpers to write files in it.
pub struct Scratch(tempfile::TempDir);

impl Scratch {
    pub fn new() -> Scratch {
        Scratch(tempfile::tempdir().expect("a temporary folder can be made"))
    }

    pub fn path(&self) -> &Path {
        self.0.path()
    }

    /// Writes `bytes` to `name` (parent folders made as needed).
    pub fn write(&self, name: &str, bytes: impl AsRef<[u8]>) -> &Scratch {
        let path = self.path().join(name);
        std::fs::create_dir_all(path.parent().expect("a file has a parent"))
            .expect("folders can be made");
        std::fs::write(path, bytes).expect("files can be written");
        self
    }
}
