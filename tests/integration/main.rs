//! Integration tests, in one binary: `api` (the library), `cli` (the built binary), `store`
//! (the index in a file), `util`.

#[macro_use]
mod util;

mod api;
mod cli;
mod cli_report;
mod store;
