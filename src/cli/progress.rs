//! The progress display on stderr: shown only when stderr is a terminal and `--quiet` is off.

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// A progress line that draws nothing when it is not wanted.
pub struct Progress {
    bar: ProgressBar,
}

impl Progress {
    /// A hidden bar if `quiet` or stderr is not a terminal, else a live one.
    pub fn new(quiet: bool) -> Progress {
        let bar = if quiet || !std::io::stderr().is_terminal() {
            ProgressBar::hidden()
        } else {
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
            bar.enable_steady_tick(Duration::from_millis(120));
            bar
        };
        Progress { bar }
    }

    /// Starts a stage: a bar if the total is known, else a counter.
    pub fn stage(&self, what: &'static str, total: Option<u64>) {
        let template = match total {
            Some(_) => "{spinner} {prefix:<10} [{bar:30}] {pos}/{len} ({per_sec}, {eta} left)",
            None => "{spinner} {prefix:<10} {pos} ({per_sec})",
        };
        let style = ProgressStyle::with_template(template)
            .expect("progress template is valid")
            .progress_chars("=> ");
        self.bar.set_style(style);
        self.bar.set_prefix(what);
        self.bar.set_length(total.unwrap_or(0));
        self.bar.set_position(0);
    }

    /// Counts `n` more items done.
    pub fn advance(&self, n: u64) {
        self.bar.inc(n);
    }

    /// Removes the bar from the terminal.
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}
