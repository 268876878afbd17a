//! Times [`neardup::input::read_all`] on a folder, reading a given number of files at once: the
//! measurement behind [`neardup::input::READ_THREADS`].
//!
//! ```text
//! for n in 2 8 32 64; do
//!     python3 tools/evict-page-cache.py DIR   # leave it out to time reading from the cache
//!     cargo run --release --example read_files -- DIR $n
//! done
//! ```

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use neardup::input::{self, Options};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [dir, n] = args.as_slice() else {
        eprintln!("usage: read_files DIR N (N: files read at once)");
        return ExitCode::from(2);
    };
    let Ok(n) = n.parse::<usize>() else {
        eprintln!("read_files: N must be a number of files, not {n:?}");
        return ExitCode::from(2);
    };
    // One worker thread, so that the N readers are the pool that `read_all` makes for them.
    rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build_global()
        .expect("the global thread pool is built once, here");
    let options = Options {
        read_threads: n,
        ..Options::default()
    };
    let start = Instant::now();
    let batch = input::read_all(&[PathBuf::from(dir)], &[], &options, &|| {});
    println!(
        "{} files read, {n} at a time: {:.3} s ({} skipped)",
        batch.documents.len(),
        start.elapsed().as_secs_f64(),
        batch.skipped.len()
    );
    ExitCode::SUCCESS
}
