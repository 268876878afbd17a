//! Human-readable output: a block per flagged pair, then a one-line summary.
//!
//! ```text
//! near-duplicate: a = wire/0412.txt, b = site/88.txt (direction unknown)
//!   jaccard 0.8125 (estimated 0.7969); containment: a 0.9000, b 0.8864
//!   2 shared passages (byte offsets [start, end)):
//!     a [0, 1208) = b [112, 1320): "Russia and China toasted to their no limit … meeting filled with pledges"
//!     a [1300, 1460) = b [1400, 1560): "After hosting Chinese leader Xi Jinping … previous night"
//!
//! 2225 documents read (5.03 MB): 1 pair flagged (0 exact-duplicate, 1 near-duplicate, 0 rewrite), 0 skipped, 0.41 s
//! ```

use std::io::{self, Write};

use crate::document::Span;
use crate::report::{Kind, Match, Report};

/// Characters shown from the start and from the end of a long passage.
const HEAD_CHARS: usize = 48;
const TAIL_CHARS: usize = 24;

/// Writes the report as text. `text_of` returns a document's original text by id, for the
/// passage excerpts; a document it does not know is shown without excerpts.
///
/// # Errors
///
/// Any error of the writer.
pub fn write<'t>(
    out: &mut dyn Write,
    report: &Report,
    text_of: &dyn Fn(&str) -> Option<&'t str>,
) -> io::Result<()> {
    for m in &report.matches {
        write_match(out, m, text_of)?;
        writeln!(out)?;
    }
    writeln!(out, "{}", summary_line(report))
}

fn write_match<'t>(
    out: &mut dyn Write,
    m: &Match,
    text_of: &dyn Fn(&str) -> Option<&'t str>,
) -> io::Result<()> {
    write_header(out, m)?;
    let (ra, rb) = roles(m);
    let n = m.passages.len();
    let (noun, joiner) = if m.kind == Kind::Rewrite {
        ("aligned passage", "~")
    } else {
        ("shared passage", "=")
    };
    writeln!(
        out,
        "  {n} {noun}{} (byte offsets [start, end)):",
        if n == 1 { "" } else { "s" }
    )?;
    let (text_a, text_b) = (text_of(&m.a), text_of(&m.b));
    for p in &m.passages {
        write!(
            out,
            "    {ra} [{}, {}) {joiner} {rb} [{}, {})",
            p.a.start, p.a.end, p.b.start, p.b.end
        )?;
        if m.kind != Kind::Rewrite {
            match text_a {
                Some(text) => writeln!(out, ": \"{}\"", excerpt(text, p.a))?,
                None => writeln!(out)?,
            }
            continue;
        }
        // A rewrite says the same in other words: show both sides.
        writeln!(out, ", similarity {:.2}", p.similarity)?;
        for (role, text, span) in [(ra, text_a, p.a), (rb, text_b, p.b)] {
            if let Some(text) = text {
                writeln!(out, "      {role:<6} \"{}\"", excerpt(text, span))?;
            }
        }
    }
    Ok(())
}

/// The names of the two roles: `source`, `copy` when the direction is known, else `a`, `b`.
fn roles(m: &Match) -> (&'static str, &'static str) {
    if m.direction.is_known() {
        ("source", "copy")
    } else {
        ("a", "b")
    }
}

/// The first lines of a pair's block: kind, ids, direction, scores.
///
/// # Errors
///
/// Any error of the writer.
pub fn write_header(out: &mut dyn Write, m: &Match) -> io::Result<()> {
    let (ra, rb) = roles(m);
    writeln!(
        out,
        "{}: {ra} = {}, {rb} = {} (direction {})",
        m.kind.as_str(),
        m.a,
        m.b,
        m.direction.as_str()
    )?;
    writeln!(
        out,
        "  jaccard {:.4} (estimated {:.4}); containment: {ra} {:.4}, {rb} {:.4}",
        m.jaccard, m.estimated_jaccard, m.containment_a, m.containment_b
    )?;
    if let Some((ca, cb)) = m.coverage {
        writeln!(
            out,
            "  coverage by aligned passages: {ra} {ca:.4}, {rb} {cb:.4}"
        )?;
    }
    Ok(())
}

/// The summary line.
pub fn summary_line(report: &Report) -> String {
    let s = &report.summary;
    let pairs = report.matches.len();
    format!(
        "{} document{} read ({:.2} MB): {pairs} pair{} flagged ({} exact-duplicate, {} near-duplicate, {} rewrite), {} skipped, {:.2} s",
        s.documents,
        if s.documents == 1 { "" } else { "s" },
        s.bytes as f64 / 1e6,
        if pairs == 1 { "" } else { "s" },
        report.count(Kind::ExactDuplicate),
        report.count(Kind::NearDuplicate),
        report.count(Kind::Rewrite),
        s.skipped,
        s.elapsed.as_secs_f64()
    )
}

/// The passage on one line: white space collapsed, long passages cut in the middle.
pub fn excerpt(text: &str, span: Span) -> String {
    let words: Vec<&str> = text
        .get(span.start..span.end)
        .unwrap_or("")
        .split_whitespace()
        .collect();
    let flat = words.join(" ");
    let count = flat.chars().count();
    if count <= HEAD_CHARS + TAIL_CHARS + 3 {
        return flat;
    }
    let head: String = flat.chars().take(HEAD_CHARS).collect();
    let tail: String = flat.chars().skip(count - TAIL_CHARS).collect();
    format!("{} … {}", head.trim_end(), tail.trim_start())
}

/// Writes a pair's passages side by side in two columns of a `width`-character terminal, with
/// a header of scores. With `colour`, the words each passage shares with its counterpart (same
/// stem) are shown in bold green.
///
/// # Errors
///
/// Any error of the writer.
pub fn side_by_side(
    out: &mut dyn Write,
    m: &Match,
    text_a: &str,
    text_b: &str,
    width: usize,
    colour: bool,
) -> io::Result<()> {
    let (ra, rb) = roles(m);
    let column = (width.max(40) - 3) / 2;
    for (n, p) in m.passages.iter().enumerate() {
        let title = format!(
            "passage {} of {} · similarity {:.2} · {ra} [{}, {}) ~ {rb} [{}, {})",
            n + 1,
            m.passages.len(),
            p.similarity,
            p.a.start,
            p.a.end,
            p.b.start,
            p.b.end
        );
        let rule = width.max(40).saturating_sub(title.chars().count() + 5);
        writeln!(out, "─── {title} {}", "─".repeat(rule))?;
        let left = wrap(&chunks(text_a, p.a, text_b, p.b), column);
        let right = wrap(&chunks(text_b, p.b, text_a, p.a), column);
        for i in 0..left.len().max(right.len()) {
            let empty = Vec::new();
            let (l, r) = (
                left.get(i).unwrap_or(&empty),
                right.get(i).unwrap_or(&empty),
            );
            let visible: usize =
                l.iter().map(|(w, _)| w.chars().count()).sum::<usize>() + l.len().saturating_sub(1);
            let pad = " ".repeat(column.saturating_sub(visible));
            writeln!(out, "{}{pad} │ {}", paint(l, colour), paint(r, colour))?;
        }
    }
    Ok(())
}

/// The white-space separated pieces of `span` in `text`, each marked shared when one of its
/// words has a stem that the other passage also has.
fn chunks<'t>(text: &'t str, span: Span, other_text: &str, other: Span) -> Vec<(&'t str, bool)> {
    let theirs: std::collections::HashSet<u64> = crate::passage::words(other_text, other)
        .iter()
        .map(|(_, t)| t.hash())
        .collect();
    let words = crate::passage::words(text, span);
    let piece = &text[span.start..span.end];
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in piece.char_indices().chain([(piece.len(), ' ')]) {
        match (c.is_whitespace(), start) {
            (false, None) => start = Some(i),
            (true, Some(s)) => {
                let (cs, ce) = (span.start + s, span.start + i);
                let shared = words
                    .iter()
                    .any(|(w, t)| w.start >= cs && w.end <= ce && theirs.contains(&t.hash()));
                out.push((&text[cs..ce], shared));
                start = None;
            }
            _ => {}
        }
    }
    out
}

/// Greedy word wrap to lines of at most `width` characters (a longer word gets a line of its
/// own).
fn wrap<'t>(words: &[(&'t str, bool)], width: usize) -> Vec<Vec<(&'t str, bool)>> {
    let mut lines: Vec<Vec<(&str, bool)>> = vec![Vec::new()];
    let mut used = 0;
    for &(w, shared) in words {
        let len = w.chars().count();
        let last = lines.last_mut().expect("lines starts non-empty");
        if !last.is_empty() && used + 1 + len > width {
            lines.push(vec![(w, shared)]);
            used = len;
        } else {
            used += len + usize::from(!last.is_empty());
            last.push((w, shared));
        }
    }
    lines
}

/// One line of words, shared ones in bold green when `colour`.
fn paint(line: &[(&str, bool)], colour: bool) -> String {
    let mut out = String::new();
    for (i, (w, shared)) in line.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        if colour && *shared {
            out.push_str("\x1b[1;32m");
            out.push_str(w);
            out.push_str("\x1b[0m");
        } else {
            out.push_str(w);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpts_collapse_space_and_cut_long_passages() {
        let cases: &[(&str, &str)] = &[
            ("short\n\n  text", "short text"),
            (
                "Russia and China toasted to their “no limit friendship” on Tuesday during a Kremlin meeting",
                "Russia and China toasted to their “no limit frie … during a Kremlin meeting",
            ),
        ];
        for (text, want) in cases {
            assert_eq!(excerpt(text, Span::new(0, text.len())), *want);
        }
    }
}
