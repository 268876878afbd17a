//! Self-contained HTML evidence: one page per pair with both texts side by side, and an index
//! page of all pairs.
//!
//! A pair page shows the scores, then the two original texts in two columns. Each passage is
//! highlighted in both texts, numbered, and linked to its counterpart (click a passage on one
//! side to jump to the other); within a passage, the words the other side shares (same stem)
//! are marked, so the rewording is visible at a glance. The page has no script and no external
//! asset (styles are inline), so it opens from disk, offline, in any browser.

use std::fmt::Write as _;

use crate::document::Span;
use crate::passage;
use crate::report::{Kind, Match};

/// Escapes text for HTML element content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

const STYLE: &str = "
body{font:15px/1.5 Georgia,serif;margin:0;color:#222;background:#fafafa}
header{padding:12px 20px;background:#1d3557;color:#fff}
header h1{font-size:18px;margin:0 0 4px}
header p{margin:2px 0;font:13px/1.4 sans-serif}
table.scores{border-collapse:collapse;margin:10px 20px;font:13px sans-serif}
table.scores td,table.scores th{border:1px solid #ccc;padding:3px 8px;text-align:left}
main{display:flex;gap:16px;padding:0 20px 20px}
section{flex:1;min-width:0;background:#fff;border:1px solid #ddd;padding:10px 14px}
section h2{font:bold 14px sans-serif;margin:4px 0 8px;word-break:break-all}
pre{white-space:pre-wrap;word-wrap:break-word;font:inherit;margin:0}
a.passage{color:inherit;text-decoration:none;background:#fff3b0;border-bottom:2px solid #e9c46a}
a.passage:target{background:#ffd166;outline:2px solid #e76f51}
a.passage sup{font:bold 10px sans-serif;color:#e76f51;margin-right:2px}
mark{background:#b7e4c7;padding:0}
ol.passages{font:13px sans-serif;margin:10px 20px}
";

/// One side of a pair: its id, its text, and its passages' spans with the spans of the
/// counterparts (for marking shared words).
struct Side<'a> {
    role: &'static str,
    /// Anchor prefix of this side's passages (`a` or `b`) and of the other side's.
    anchor: &'static str,
    other_anchor: &'static str,
    id: &'a str,
    text: &'a str,
    spans: Vec<(Span, Span)>,
    other_text: &'a str,
}

/// The page of one pair. `text_a` and `text_b` are the original texts of `m.a` and `m.b`.
///
/// ```
/// use neardup::{Config, Document, Index};
/// use neardup::report::html;
///
/// let a = "The council approved the new budget on Monday night after a long debate.";
/// let b = "The council approved the new budget on Monday night after a short debate.";
/// let mut index = Index::new(Config::default())?;
/// index.insert_batch(vec![Document::new("a.txt", a), Document::new("b.txt", b)])?;
/// let found = &index.pairs()[0];
/// let page = html::pair_page(found, a, b);
/// assert!(page.starts_with("<!DOCTYPE html>"));
/// assert!(page.contains("href=\"#b-1\"") && page.contains("id=\"a-1\""));
/// # Ok::<(), neardup::Error>(())
/// ```
pub fn pair_page(m: &Match, text_a: &str, text_b: &str) -> String {
    let (ra, rb) = if m.direction.is_known() {
        ("source", "copy")
    } else {
        ("a", "b")
    };
    let sides = [
        Side {
            role: ra,
            anchor: "a",
            other_anchor: "b",
            id: &m.a,
            text: text_a,
            spans: m.passages.iter().map(|p| (p.a, p.b)).collect(),
            other_text: text_b,
        },
        Side {
            role: rb,
            anchor: "b",
            other_anchor: "a",
            id: &m.b,
            text: text_b,
            spans: m.passages.iter().map(|p| (p.b, p.a)).collect(),
            other_text: text_a,
        },
    ];
    let title = format!("{}: {} ~ {}", m.kind.as_str(), m.a, m.b);
    let mut page = head(&title);
    let _ = writeln!(
        page,
        "<header><h1>{}</h1><p>{ra}: {} &nbsp;·&nbsp; {rb}: {} &nbsp;·&nbsp; direction: {}</p></header>",
        escape(m.kind.as_str()),
        escape(&m.a),
        escape(&m.b),
        escape(m.direction.as_str())
    );
    page.push_str(&scores_table(m, ra, rb));
    page.push_str("<main>\n");
    for side in &sides {
        let _ = writeln!(
            page,
            "<section id=\"{role}\"><h2>{role}: {id}</h2><pre>{body}</pre></section>",
            role = side.role,
            id = escape(side.id),
            body = marked_text(side, m.kind),
        );
    }
    page.push_str("</main>\n<ol class=\"passages\">\n");
    for (n, p) in m.passages.iter().enumerate() {
        let _ = writeln!(
            page,
            "<li><a href=\"#a-{k}\">{ra} [{}, {})</a> ~ <a href=\"#b-{k}\">{rb} [{}, {})</a>, similarity {:.2}</li>",
            p.a.start,
            p.a.end,
            p.b.start,
            p.b.end,
            p.similarity,
            k = n + 1
        );
    }
    page.push_str("</ol>\n</body>\n</html>\n");
    page
}

/// The index page: one row per pair, linking to `pages[i]` (file names relative to it).
pub fn index_page(matches: &[Match], pages: &[String]) -> String {
    let mut page = head("neardup: flagged pairs");
    let _ = writeln!(
        page,
        "<header><h1>neardup: {} flagged pair{}</h1></header>",
        matches.len(),
        if matches.len() == 1 { "" } else { "s" }
    );
    page.push_str("<table class=\"scores\">\n<tr><th>#</th><th>kind</th><th>first (source)</th><th>second (copy)</th><th>direction</th><th>jaccard</th><th>coverage</th><th>passages</th></tr>\n");
    for (i, (m, file)) in matches.iter().zip(pages).enumerate() {
        let coverage = m
            .coverage
            .map_or_else(|| "-".to_string(), |(a, b)| format!("{a:.2} / {b:.2}"));
        let _ = writeln!(
            page,
            "<tr><td><a href=\"{}\">{}</a></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{:.4}</td><td>{}</td><td>{}</td></tr>",
            escape(file),
            i + 1,
            m.kind.as_str(),
            escape(&m.a),
            escape(&m.b),
            m.direction.as_str(),
            m.jaccard,
            coverage,
            m.passages.len()
        );
    }
    page.push_str("</table>\n</body>\n</html>\n");
    page
}

fn head(title: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n",
        escape(title)
    )
}

fn scores_table(m: &Match, ra: &str, rb: &str) -> String {
    let mut t = String::from("<table class=\"scores\">\n");
    let _ = writeln!(
        t,
        "<tr><th>jaccard</th><td>{:.4} (estimated {:.4})</td></tr>",
        m.jaccard, m.estimated_jaccard
    );
    let _ = writeln!(
        t,
        "<tr><th>containment</th><td>{ra} {:.4}, {rb} {:.4}</td></tr>",
        m.containment_a, m.containment_b
    );
    if let Some((ca, cb)) = m.coverage {
        let _ = writeln!(
            t,
            "<tr><th>coverage by aligned passages</th><td>{ra} {ca:.4}, {rb} {cb:.4}</td></tr>"
        );
    }
    let _ = writeln!(t, "<tr><th>passages</th><td>{}</td></tr>", m.passages.len());
    t.push_str("</table>\n");
    t
}

/// The whole text, escaped, with each passage as a numbered link to its counterpart and, in a
/// rewrite, the words both passages share marked.
fn marked_text(side: &Side<'_>, kind: Kind) -> String {
    // Passage numbers follow the order of the first document; on the second side the spans
    // may come in another order, so walk them sorted by start.
    let mut order: Vec<usize> = (0..side.spans.len()).collect();
    order.sort_by_key(|&i| side.spans[i].0.start);
    let mut out = String::with_capacity(side.text.len() * 2);
    let mut at = 0;
    for i in order {
        let (span, other) = side.spans[i];
        if span.start < at {
            continue; // overlapping spans (never produced by the aligners) are shown once
        }
        out.push_str(&escape(&side.text[at..span.start]));
        let n = i + 1;
        let _ = write!(
            out,
            "<a class=\"passage\" id=\"{}-{n}\" href=\"#{}-{n}\"><sup>{n}</sup>",
            side.anchor, side.other_anchor
        );
        if kind == Kind::Rewrite {
            out.push_str(&shared_words(side.text, span, side.other_text, other));
        } else {
            out.push_str(&escape(&side.text[span.start..span.end]));
        }
        out.push_str("</a>");
        at = span.end;
    }
    out.push_str(&escape(&side.text[at..]));
    out
}

/// The passage with the words whose stem the other passage also has wrapped in `<mark>`.
fn shared_words(text: &str, span: Span, other_text: &str, other: Span) -> String {
    let theirs: std::collections::HashSet<u64> = passage::words(other_text, other)
        .iter()
        .map(|(_, t)| t.hash())
        .collect();
    let mut out = String::new();
    let mut at = span.start;
    for (w, term) in passage::words(text, span) {
        if theirs.contains(&term.hash()) {
            out.push_str(&escape(&text[at..w.start]));
            let _ = write!(out, "<mark>{}</mark>", escape(&text[w.start..w.end]));
            at = w.end;
        }
    }
    out.push_str(&escape(&text[at..span.end]));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_table() {
        let cases: &[(&str, &str)] = &[
            ("a < b & c > d", "a &lt; b &amp; c &gt; d"),
            ("\"quoted\" 'single'", "&quot;quoted&quot; &#39;single&#39;"),
            (
                "<script>alert(1)</script>",
                "&lt;script&gt;alert(1)&lt;/script&gt;",
            ),
            ("“curly” — dash", "“curly” — dash"),
        ];
        for (input, want) in cases {
            assert_eq!(escape(input), *want);
        }
    }
}
