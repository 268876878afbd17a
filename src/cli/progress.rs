//! The progress display on stderr: shown only when stderr is a terminal and `--quiet` is off.

use std::fmt;
use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressState, ProgressStyle};

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

    /// A bar for a stage of `total` documents.
    pub fn bar(&self, what: &'static str, total: u64) -> ProgressBar {
        self.bar_of(what, total, "docs")
    }

    /// A bar for a stage of `total` steps of `unit` (plural: `pairs`), with the count, the
    /// rate and the time left.
    pub fn bar_of(&self, what: &'static str, total: u64, unit: &'static str) -> ProgressBar {
        self.make(
            what,
            Some(total),
            unit,
            "{spinner} {prefix:<10} [{bar:30}] {human_pos}/{human_len} ({rate}, {eta} left)",
        )
    }

    /// A counter of documents for a stage whose total is not known in advance.
    pub fn counter(&self, what: &'static str) -> ProgressBar {
        self.make(
            what,
            None,
            "docs",
            "{spinner} {prefix:<10} {human_pos} ({rate})",
        )
    }

    /// The caller advances the bar (from any thread) and calls `finish_and_clear` at the end
    /// of the stage.
    fn make(
        &self,
        what: &'static str,
        total: Option<u64>,
        unit: &'static str,
        template: &str,
    ) -> ProgressBar {
        if !self.visible {
            return ProgressBar::hidden();
        }
        let style = ProgressStyle::with_template(template)
            .expect("progress template is valid")
            .with_key(
                "rate",
                move |state: &ProgressState, w: &mut dyn fmt::Write| {
                    let _ = w.write_str(&rate(state.per_sec(), unit));
                },
            )
            .progress_chars("=> ");
        let bar = ProgressBar::with_draw_target(total, ProgressDrawTarget::stderr())
            .with_style(style)
            .with_prefix(what);
        bar.enable_steady_tick(Duration::from_millis(120));
        bar
    }
}

/// A rate as a whole number with thousands separators and its unit: `16,264 docs/s`.
pub fn rate(per_sec: f64, unit: &str) -> String {
    let whole = if per_sec.is_finite() && per_sec > 0.0 {
        per_sec.round() as u64
    } else {
        0
    };
    let digits = whole.to_string();
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    format!("{grouped} {unit}/s")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 12, point 6: whole numbers, grouped by thousands, with the unit.
    #[test]
    fn r12_rates_are_whole_numbers_with_units() {
        let cases: &[(f64, &str)] = &[
            (16263.8, "16,264 docs/s"),
            (0.4, "0 docs/s"),
            (999.5, "1,000 docs/s"),
            (1_234_567.0, "1,234,567 docs/s"),
            (f64::NAN, "0 docs/s"),
            (f64::INFINITY, "0 docs/s"),
        ];
        for &(per_sec, want) in cases {
            assert_eq!(rate(per_sec, "docs"), want, "{per_sec}");
        }
    }
}
