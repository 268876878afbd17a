//! The `neardup` command line: a thin client of the `neardup` library.

mod cli;

/// mimalloc rather than the system allocator: a scan allocates and frees millions of small
/// vectors (sentence terms, links, passages) from two threads.
#[cfg(feature = "mimalloc")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    no_huge_pages();
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
