//! The `neardup` command line: a thin client of the `neardup` library.

mod cli;

/// mimalloc rather than the system allocator: a scan allocates and frees millions of small
/// vectors (sentence terms, links, passages) from two threads.
#[cfg(feature = "mimalloc")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    no_huge_pages();
    slow_purge();
    cli::run()
}

/// Asks Linux not to back this process with transparent huge pages. A scan allocates and
/// frees many mid-sized lists; where the kernel hands out huge pages (THP "always", or the
/// allocator's `madvise`), it zeroes 2 MiB for each, and on the 100,000-article bench
/// corpus that doubled the system time (3.5 s against 1.7 s, wall 7.96 s against 7.27 s).
/// Failure changes nothing but the speed, so it is ignored.
fn no_huge_pages() {
    #[cfg(target_os = "linux")]
    // SAFETY: PR_SET_THP_DISABLE takes plain integers and touches no memory of ours.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}

/// mimalloc's option `purge_delay` (`mi_option_purge_delay` in the `mi_option_e` enum of
/// mimalloc 2's `mimalloc.h`, which the crate's `v2` feature builds: the sixteenth option).
#[cfg(feature = "mimalloc")]
const MI_OPTION_PURGE_DELAY: std::ffi::c_int = 15;

#[cfg(feature = "mimalloc")]
unsafe extern "C" {
    /// Sets a mimalloc option (linked from the library the `mimalloc` crate builds).
    fn mi_option_set(option: std::ffi::c_int, value: std::ffi::c_long);
    /// Reads a mimalloc option.
    #[cfg(test)]
    fn mi_option_get(option: std::ffi::c_int) -> std::ffi::c_long;
}

/// Memory a phase of the work frees is given back to the OS a second after it was freed,
/// not 10 ms after (mimalloc's default; memory of whole arenas waits ten times as long, as
/// it did ten times the default): a scan frees and allocates in waves (one block of pairs,
/// one stage after another), so memory returned at once was soon faulted back in, page by
/// page. On the 100,000-article bench corpus, page faults went from 452,000 to 352,000 and
/// CPU time fell about 3% (interleaved runs), for 65 MB more at the peak (1.41 GB). Memory
/// that stays unused is still returned. A `MIMALLOC_PURGE_DELAY` in the environment (which
/// mimalloc reads as the process starts) is left to rule.
fn slow_purge() {
    #[cfg(feature = "mimalloc")]
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
        // SAFETY: mi_option_set takes plain integers, and the option is a valid index of
        // mimalloc 2's option table (checked by the test below). It is called first thing
        // in `main`, before any other thread exists to read the option.
        unsafe {
            mi_option_set(MI_OPTION_PURGE_DELAY, 1000);
        }
    }
}

#[cfg(all(test, feature = "mimalloc"))]
mod tests {
    use super::*;

    /// The option `slow_purge` sets is the purge delay: in mimalloc 2's table it has the
    /// default 10 (ms) and sits between `eager_commit_delay` (default 1) and
    /// `use_numa_nodes` (default 0). (Only read here: test threads allocate meanwhile.)
    #[test]
    fn the_option_set_is_the_purge_delay() {
        if std::env::vars_os().any(|(k, _)| k.to_string_lossy().starts_with("MIMALLOC_")) {
            return; // the environment may have changed the defaults
        }
        // SAFETY: reads options of the table (see `slow_purge`).
        let defaults = unsafe { [-1, 0, 1].map(|d| mi_option_get(MI_OPTION_PURGE_DELAY + d)) };
        assert_eq!(
            defaults,
            [1, 10, 0],
            "mimalloc 2's defaults around the purge delay"
        );
    }
}
