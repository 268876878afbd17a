//! Integration tests, in one binary: `api` (the library), `cli` (the built binary),
//! `cli_input` (how the binary reads its inputs: ids, repeated files, warnings), `store` (the
//! index in a file), `util`.

#[macro_use]
mod util;

mod api;
mod cli;
mod cli_eval;
mod cli_index;
mod cli_input;
mod cli_report;
mod store;
mod verdict;
