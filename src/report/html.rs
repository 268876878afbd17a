//! Self-contained HTML evidence: one page per pair with both texts side by side, and an index
//! page of all pairs.
//!
//! A pair page shows the scores, then the two original texts in two columns. Each passage is
//! highlighted in both texts, numbered, and linked to its counterpart (click a passage on one
//! side to jump to the other); within a passage, the words the other side shares (same stem)
//! are marked, so the rewording is visible at a glance. The page has no script and no external
//! asset (styles are inline), so it opens from disk, offline, in any browser. A legend says
//! what the highlights and the numbers mean.
//!
//! The index page gives counts by kind, then one row per pair with each article's id and
//! headline (its first line), strongest first within each kind: exact duplicates, then
//! near-duplicates by Jaccard, then rewrites and then partial copies by their score.
//!
//! Every page carries `<meta name="generator" content="neardup">` ([`is_ours`]), so a folder
//! of pages can be cleared of an earlier run's pages without touching other files.

use std::fmt::Write as _;

use crate::document::Span;
use crate::passage;
use crate::report::{Kind, Match, NotFlagged};

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

/// The tag that marks a page as written by this module.
const GENERATOR: &str = "<meta name=\"generator\" content=\"neardup\">";

/// Whether `page` (a file's text) is a page this module wrote: it carries the generator tag
/// in its head.
pub fn is_ours(page: &str) -> bool {
    page.starts_with("<!DOCTYPE html>")
        && page
            .split("</head>")
            .next()
            .is_some_and(|head| head.contains(GENERATOR))
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
dl.legend{font:13px/1.4 sans-serif;margin:10px 20px;padding:8px 12px;background:#fff;border:1px solid #ddd}
dl.legend dt{font-weight:bold;float:left;clear:left;width:15em}
dl.legend dd{margin:0 0 4px 15.5em}
p.counts{font:14px sans-serif;margin:10px 20px}
span.headline{color:#555;font-style:italic}
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
    page(m, None, text_a, text_b)
}

/// The page of a pair compared and not flagged: as [`pair_page`] of its evidence, headed
/// `not flagged` and why instead of a kind.
pub fn not_flagged_page(n: &NotFlagged, text_a: &str, text_b: &str) -> String {
    page(&n.evidence, Some(&n.message), text_a, text_b)
}

/// A pair page; `not_flagged` is the reason when the pair was not flagged.
fn page(m: &Match, not_flagged: Option<&str>, text_a: &str, text_b: &str) -> String {
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
    let verdict = match not_flagged {
        None => m.kind.as_str().to_string(),
        Some(why) => format!("not flagged: {why}"),
    };
    let title = format!("{verdict}: {} ~ {}", m.a, m.b);
    let mut page = head(&title);
    let _ = writeln!(
        page,
        "<header><h1>{}</h1><p>{ra}: {} &nbsp;·&nbsp; {rb}: {} &nbsp;·&nbsp; direction: {}</p></header>",
        escape(&verdict),
        escape(&m.a),
        escape(&m.b),
        escape(m.direction.as_str())
    );
    page.push_str(&scores_table(m, ra, rb));
    page.push_str(&legend(m, ra, rb));
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

/// The index page: counts by kind, then one row per pair, linking to `pages[i]` for
/// `matches[i]` (file names relative to it), with each article's id and headline (the first
/// line of its text as `text_of` gives it). Rows go by kind (exact, near, rewrite, partial
/// copy), strongest first within a kind: by Jaccard for duplicates, by the verdict's score for
/// rewrites and partial copies; ties keep the order of `matches`.
pub fn index_page<'t>(
    matches: &[Match],
    pages: &[String],
    text_of: &dyn Fn(&str) -> Option<&'t str>,
) -> String {
    let mut page = head("neardup: flagged pairs");
    let n = matches.len();
    let _ = writeln!(
        page,
        "<header><h1>neardup: {n} flagged pair{}</h1></header>",
        if n == 1 { "" } else { "s" }
    );
    let count = |kind: Kind| matches.iter().filter(|m| m.kind == kind).count();
    let _ = writeln!(
        page,
        "<p class=\"counts\">{} exact-duplicate, {} near-duplicate, {} rewrite, {} partial-copy</p>",
        count(Kind::ExactDuplicate),
        count(Kind::NearDuplicate),
        count(Kind::Rewrite),
        count(Kind::PartialCopy)
    );
    // Column headers name the roles the rows use.
    let known = matches.iter().filter(|m| m.direction.is_known()).count();
    let (ha, hb, coverage) = match known {
        0 => ("a", "b", "coverage a / b"),
        k if k == n => ("source", "copy", "coverage source / copy"),
        _ => ("source (or a)", "copy (or b)", "coverage (same order)"),
    };
    let _ = writeln!(
        page,
        "<table class=\"scores\">\n<tr><th>#</th><th>kind</th><th>{ha}</th><th>{hb}</th><th>direction</th><th>jaccard</th><th>{coverage}</th><th>passages</th></tr>"
    );
    let mut order: Vec<usize> = (0..matches.len().min(pages.len())).collect();
    order.sort_by(|&x, &y| {
        let (mx, my) = (&matches[x], &matches[y]);
        mx.kind
            .cmp(&my.kind)
            .then(strength(my).total_cmp(&strength(mx)))
            .then(x.cmp(&y))
    });
    let article = |id: &str| {
        let headline = text_of(id).map(headline).unwrap_or_default();
        format!(
            "{}<br><span class=\"headline\">{}</span>",
            escape(id),
            escape(&headline)
        )
    };
    for (row, i) in order.into_iter().enumerate() {
        let m = &matches[i];
        let coverage = m
            .coverage
            .map_or_else(|| "-".to_string(), |(a, b)| format!("{a:.2} / {b:.2}"));
        let _ = writeln!(
            page,
            "<tr><td><a href=\"{}\">{}</a></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{:.4}</td><td>{}</td><td>{}</td></tr>",
            escape(&pages[i]),
            row + 1,
            m.kind.as_str(),
            article(&m.a),
            article(&m.b),
            m.direction.as_str(),
            m.jaccard,
            coverage,
            m.passages.len()
        );
    }
    page.push_str("</table>\n</body>\n</html>\n");
    page
}

/// How strong a pair is within its kind: Jaccard for duplicates, the verdict's score for
/// rewrites and partial copies.
fn strength(m: &Match) -> f64 {
    match m.kind {
        Kind::ExactDuplicate | Kind::NearDuplicate => m.jaccard,
        _ => m.score,
    }
}

/// Characters of a headline shown at most.
const HEADLINE_CHARS: usize = 120;

/// An article's headline: its first non-blank line, white space collapsed, cut at
/// [`HEADLINE_CHARS`].
fn headline(text: &str) -> String {
    let line = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let flat = line.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= HEADLINE_CHARS {
        return flat;
    }
    let cut: String = flat.chars().take(HEADLINE_CHARS - 1).collect();
    format!("{}…", cut.trim_end())
}

/// What the page's highlights and numbers mean, in its role names.
fn legend(m: &Match, ra: &str, rb: &str) -> String {
    let mut items: Vec<(&str, String)> = vec![(
        "highlighted, numbered",
        format!(
            "a passage of one text and its counterpart in the other, under the same number; \
             click it to jump to the other side. {}",
            if m.coverage.is_some() {
                "In a rewrite or partial copy a passage is a sentence aligned with a sentence that says the same in other words."
            } else {
                "In a duplicate a passage is a run of at least 5 words both texts hold in the same order."
            }
        ),
    )];
    if m.coverage.is_some() {
        items.push((
            "marked word",
            "a word whose stem the counterpart passage also has; common function words \
             (the, of, and, said, …) are never marked"
                .to_string(),
        ));
    }
    items.push((
        "jaccard",
        "the share of word 5-grams the two texts have in common, out of all the 5-grams \
         either has (1 = the same words in the same order); estimated: the MinHash estimate"
            .to_string(),
    ));
    items.push((
        "containment",
        format!(
            "{ra}: the share of {ra}'s 5-grams also in {rb}; {rb}: the share of {rb}'s also in {ra}"
        ),
    ));
    if m.coverage.is_some() {
        items.push((
            "coverage",
            format!(
                "{ra} / {rb}: the share of each text (its sentences' words, weighted; \
                 boilerplate left out) that aligned passages cover"
            ),
        ));
    }
    items.push((
        "similarity",
        "of a passage pair: 1 for a verbatim run; for rewritten sentences, the weighted \
         share of stemmed words they have in common"
            .to_string(),
    ));
    items.push((
        "direction",
        if m.direction.is_known() {
            "how the source was told from the copy: timestamp (the earlier is the source) or \
             coverage (the copy is the more covered)"
        } else {
            "unknown: which text copies the other is not known, so they are a and b"
        }
        .to_string(),
    ));
    let mut out = String::from("<dl class=\"legend\">\n");
    for (term, meaning) in items {
        let _ = writeln!(
            out,
            "<dt>{}</dt><dd>{}</dd>",
            escape(term),
            escape(&meaning)
        );
    }
    out.push_str("</dl>\n");
    out
}

fn head(title: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n{GENERATOR}\n<title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n",
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
    if m.coverage.is_some() {
        let _ = writeln!(t, "<tr><th>score</th><td>{:.2}</td></tr>", m.score);
        for p in &m.reused {
            let line = super::describe_reused(p, ra, rb);
            let _ = writeln!(t, "<tr><th>reused passage</th><td>{line}</td></tr>");
        }
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
        if matches!(kind, Kind::Rewrite | Kind::PartialCopy) {
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

/// The passage with the content words whose stem the other passage also has wrapped in
/// `<mark>`.
fn shared_words(text: &str, span: Span, other_text: &str, other: Span) -> String {
    let theirs: std::collections::HashSet<u64> = passage::words(other_text, other)
        .iter()
        .map(|(_, t)| t.hash())
        .collect();
    let mut out = String::new();
    let mut at = span.start;
    for (w, term) in passage::words(text, span) {
        // Function words ("the", "of") are in nearly every pair of sentences: marking them
        // would hide the words that show the rewording.
        if !term.is_function() && theirs.contains(&term.hash()) {
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
    fn headlines_are_the_first_non_blank_line() {
        let long = "word ".repeat(40);
        let cases: &[(&str, &str)] = &[
            (
                "\n  Storm closes   the coast road \nA storm closed…",
                "Storm closes the coast road",
            ),
            ("", ""),
        ];
        for (text, want) in cases {
            assert_eq!(headline(text), *want);
        }
        let cut = headline(&long);
        assert_eq!(cut.chars().count(), HEADLINE_CHARS);
        assert!(cut.ends_with("word…"), "{cut}");
    }

    /// Only pages with the generator tag in their head are ours.
    #[test]
    fn pages_are_known_by_their_generator_tag() {
        assert!(is_ours(&head("x")));
        assert!(!is_ours("<!DOCTYPE html>\n<p>my page</p>"));
        let in_body = format!("<!DOCTYPE html>\n<head></head><body>{GENERATOR}</body>");
        assert!(!is_ours(&in_body));
    }

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
