//! Dispatch, messages on stderr and the exit code. Every subcommand returns its exit code;
//! a fatal error is printed here and exits 2.

mod args;
mod compare;
mod eval;
mod index;
mod progress;
mod scan;
mod steps;

use std::process::ExitCode;

use clap::Parser;

/// The run finished and flagged nothing.
pub const EXIT_CLEAN: u8 = 0;
/// The run finished and flagged at least one pair.
pub const EXIT_FLAGGED: u8 = 1;
/// Bad usage, an input given by name that could not be read, or nothing readable at all.
pub const EXIT_ERROR: u8 = 2;

/// Parses the arguments and runs the subcommand.
pub fn run() -> ExitCode {
    // clap prints usage errors itself and exits with 2, as grep does.
    let args = args::Args::parse();
    let outcome = match &args.command {
        args::Command::Scan(scan_args) => scan::run(scan_args),
        args::Command::Compare(compare_args) => compare::run(compare_args),
        args::Command::Eval(eval_args) => eval::run(eval_args),
        args::Command::Check(check_args) => index::check(check_args),
        args::Command::Index(args::IndexCommand::Add(add_args)) => index::add(add_args),
        args::Command::Index(args::IndexCommand::Stats(stats_args)) => index::stats(stats_args),
        args::Command::Index(args::IndexCommand::Compact(compact_args)) => {
            index::compact(compact_args)
        }
        args::Command::Index(args::IndexCommand::Repair(repair_args)) => index::repair(repair_args),
    };
    match outcome {
        Ok(code) => ExitCode::from(code),
        Err(message) => {
            error(&message);
            ExitCode::from(EXIT_ERROR)
        }
    }
}

/// Prints `neardup: error: …` on stderr.
pub fn error(message: &dyn std::fmt::Display) {
    eprintln!("neardup: error: {message}");
}

/// Prints `neardup: warning: …` on stderr.
pub fn warning(message: &dyn std::fmt::Display) {
    eprintln!("neardup: warning: {message}");
}

/// Prints `neardup: note: …` on stderr.
pub fn note(message: &dyn std::fmt::Display) {
    eprintln!("neardup: note: {message}");
}

/// The outcome of writing a report on stdout: a closed pipe (`neardup … | head`) is not an
/// error, anything else is.
pub fn finish_write(written: std::io::Result<()>) -> Result<(), String> {
    match written {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(format!("writing the report: {e}"))
        }
        _ => Ok(()),
    }
}
