//! Integration tests, in one binary: `api` (the library), `cli` (the built binary), `util`.

#[macro_use]
mod util;

mod api;
mod cli;
