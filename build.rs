//! Finds the shared evaluation corpora (`../shared/data`, or `$NEARDUP_DATA`) at build time.
//!
//! When they are there, tests that read them are compiled in with `cfg(shared_data)` and the
//! folder is passed as `NEARDUP_DATA_DIR`; when they are not, those tests are marked
//! `#[ignore]` with a reason, so `cargo test` shows them as ignored instead of passing silently.

use std::env;
use std::path::PathBuf;

fn main() {
    println!("cargo::rustc-check-cfg=cfg(shared_data)");
    println!("cargo::rerun-if-env-changed=NEARDUP_DATA");
    println!("cargo::rerun-if-changed=build.rs");
    let manifest = PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets it"));
    let data = env::var_os("NEARDUP_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| manifest.join("../shared/data"));
    // Rebuild when the folder appears or disappears.
    println!("cargo::rerun-if-changed={}", data.display());
    if data.join("bbc-news/docs").is_dir() {
        println!("cargo::rustc-cfg=shared_data");
        println!("cargo::rustc-env=NEARDUP_DATA_DIR={}", data.display());
    }
}
