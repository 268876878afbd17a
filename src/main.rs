//! The `neardup` command line: a thin client of the `neardup` library.

mod cli;

fn main() -> std::process::ExitCode {
    cli::run()
}
