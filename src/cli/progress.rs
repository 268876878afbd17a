//! The progress display on stderr: shown only when stderr is a terminal and `--quiet` is off.

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Makes one progress bar per stage of a run, or hidden ones when progress is not wanted.
pub struct Progress {
    visible: bool,
    quiet: bool,
}

impl Progress {
    /// Visible only if not `quiet` and stderr is a terminal.
    pub fn new(quiet: bool) -> Progress {
        Progress {
            visible: !quiet && std::io::stderr().is_terminal(),
            quiet,
        }
    }

    /// Whether notes are wanted: progress is shown, or would be on a terminal, when not
    /// `--quiet`.
    pub fn quiet(&self) -> bool {
        self.quiet
    }

    /// A bar for a stage of `total` items.
    pub fn bar(&self, what: &'static str, total: u64) -> ProgressBar {
        self.make(
            what,
            Some(total),
            "{spinner} {prefix:<10} [{bar:30}] {human_pos}/{human_len} ({per_sec}, {eta} left)",
        )
    }

    /// A counter for a stage whose total is not known in advance.
    pub fn counter(&self, what: &'static str) -> ProgressBar {
        self.make(what, None, "{spinner} {prefix:<10} {human_pos} ({per_sec})")
    }

    /// A spinner with the elapsed time, for a stage that reports no steps.
    pub fn spinner(&self, what: &'static str) -> ProgressBar {
        self.make(what, None, "{spinner} {prefix:<10} {elapsed}")
    }

    /// The caller advances the bar (from any thread) and calls `finish_and_clear` at the end
    /// of the stage.
    fn make(&self, what: &'static str, total: Option<u64>, template: &str) -> ProgressBar {
        if !self.visible {
            return ProgressBar::hidden();
        }
        let style = ProgressStyle::with_template(template)
            .expect("progress template is valid")
            .progress_chars("=> ");
        let bar = ProgressBar::with_draw_target(total, ProgressDrawTarget::stderr())
            .with_style(style)
            .with_prefix(what);
        bar.enable_steady_tick(Duration::from_millis(120));
        bar
    }
}
