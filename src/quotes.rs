//! Text inside quotation marks: the words of the people a report quotes.
//!
//! Two outlets reporting one event carry the same quotes; sharing them is not copying each
//! other's prose. [`quotes`] finds the quoted text of one document, as byte spans (the
//! marks themselves left out):
//!
//! - **double quotes**, straight `"…"` and curly `“…”`. A quote left open at the end of its
//!   paragraph is closed there: a news paragraph that carries a quote on into the next one
//!   opens with a quote mark and does not close it, and the next paragraph opens again.
//!   A straight `"` opens only when a letter, digit or mark follows it, not a space (so a
//!   stray closing mark does not open a quote that would run to the paragraph's end).
//! - **single quotes**, `‘…’` and `'…'`, only when they clearly delimit a quote: the opening
//!   mark follows a space, an opening bracket or the start of the text and precedes a
//!   letter; the closing mark follows a non-space and precedes no letter or digit; both are in
//!   one paragraph (an unclosed single quote is no quote). So the apostrophes of "don't",
//!   "Reuters' report" and "the '90s" quote nothing. Single quotes inside a double quote
//!   are part of it.
//!
//! Paragraphs end at a blank line when the text has one, else at each line break (texts
//! that put one paragraph on each line).
//!
//! # Example
//!
//! ```
//! use neardup::quotes::quotes;
//!
//! let text = "He said \"we will win\" and left. Officials called it ‘a good start’, \
//!     but Reuters' sources didn't agree.\n\n“It will take years,” one said. \
//!     “Nobody knows how many.\n\n“We will see.”";
//! let found: Vec<&str> = quotes(text).iter().map(|s| &text[s.start..s.end]).collect();
//! assert_eq!(
//!     found,
//!     ["we will win", "a good start", "It will take years,", "Nobody knows how many.", "We will see."]
//! );
//! ```

use crate::document::Span;

/// The byte spans of the text inside quotation marks in `text`, in text order, without
/// overlap (rules in the [module docs](self)). Cost: one pass over the bytes.
pub fn quotes(text: &str) -> Vec<Span> {
    let mut out = Vec::new();
    for_each(text, |span| out.push(span));
    out
}

/// [`quotes`], each span given to `f` in text order instead of collected.
pub(crate) fn for_each(text: &str, mut f: impl FnMut(Span)) {
    let b = text.as_bytes();
    let blank_lines =
        memchr::memmem::find(b, b"\n\n").is_some() || memchr::memmem::find(b, b"\n\r\n").is_some();
    // Byte after the opening mark of the open double and single quote.
    let mut double: Option<usize> = None;
    let mut single: Option<usize> = None;
    let mut i = 0;
    while i < b.len() {
        // The next mark (or the first byte of a curly one), found a word at a time.
        let next = memchr::memchr3(b'"', b'\'', 0xE2, &b[i..]).map_or(b.len(), |k| i + k);
        // Paragraph ends matter only to an open quote.
        if double.is_some() || single.is_some() {
            for k in memchr::memchr_iter(b'\n', &b[i..next]) {
                if paragraph_ends(b, i + k, blank_lines) {
                    close_paragraph(text, i + k, &mut double, &mut single, &mut f);
                    break;
                }
            }
        }
        i = next;
        if i == b.len() {
            break;
        }
        match b[i] {
            b'"' => {
                if double.is_some() && reopens(b, i) {
                    // A quote that runs on into a new paragraph opens it again without being
                    // closed (the paragraph break lost in a flattened text).
                    let start = double.take().expect("open");
                    emit(start, trim_end(b, i), &mut f);
                    double = Some(i + 1);
                    single = None;
                } else if let Some(start) = double.take() {
                    emit(start, i, &mut f);
                } else if opens(b, i + 1) {
                    double = Some(i + 1);
                    single = None;
                }
                i += 1;
            }
            b'\'' => {
                single_mark(b, i, 1, double.is_some(), &mut single, &mut f);
                i += 1;
            }
            0xE2 if b.get(i + 1) == Some(&0x80) => {
                match b.get(i + 2) {
                    Some(0x9C) if double.is_none() => {
                        // “
                        double = Some(i + 3);
                        single = None;
                    }
                    Some(0x9D) => {
                        // ”
                        if let Some(start) = double.take() {
                            emit(start, i, &mut f);
                        }
                    }
                    Some(0x98 | 0x99) => {
                        // ‘ or ’
                        single_mark(b, i, 3, double.is_some(), &mut single, &mut f);
                    }
                    _ => {}
                }
                i += 3;
            }
            _ => i += 1,
        }
    }
    close_paragraph(text, b.len(), &mut double, &mut single, &mut f);
}

/// Whether the line break at `i` ends a paragraph: any does, or with `blank_lines` only one
/// followed by a blank line.
fn paragraph_ends(b: &[u8], i: usize, blank_lines: bool) -> bool {
    !blank_lines || {
        let rest = &b[i + 1..];
        let ws = rest
            .iter()
            .take_while(|&&c| c == b' ' || c == b'\t' || c == b'\r')
            .count();
        rest.get(ws) == Some(&b'\n')
    }
}

/// The paragraph ends at `end`: an open double quote closes there (trailing white space left
/// out), an open single quote was none.
fn close_paragraph(
    text: &str,
    end: usize,
    double: &mut Option<usize>,
    single: &mut Option<usize>,
    f: &mut impl FnMut(Span),
) {
    if let Some(start) = double.take() {
        let trimmed = text[start..end].trim_end().len();
        emit(start, start + trimmed, f);
    }
    *single = None;
}

/// A single quotation mark (or apostrophe) of `width` bytes at `i`: opens or closes a single
/// quote when it clearly delimits one. `in_double`: inside a double quote, where single
/// quotes are nested and ignored.
fn single_mark(
    b: &[u8],
    i: usize,
    width: usize,
    in_double: bool,
    single: &mut Option<usize>,
    f: &mut impl FnMut(Span),
) {
    if in_double {
        return;
    }
    let before = i.checked_sub(1).map(|j| b[j]);
    let after = b.get(i + width).copied();
    let letter_after = after.is_some_and(|c| c.is_ascii_alphabetic() || c >= 0x80);
    let word_after = after.is_some_and(|c| c.is_ascii_alphanumeric() || c >= 0x80);
    // “‘” is always an opening mark; a straight one opens only after a space or bracket.
    let is_left_curly = width == 3 && b[i + 2] == 0x98;
    match *single {
        Some(start) => {
            let space_before = before.is_none_or(|c| c.is_ascii_whitespace());
            if !space_before && !word_after && !is_left_curly {
                *single = None;
                emit(start, i, f);
            }
        }
        None => {
            let opening_place =
                before.is_none_or(|c| c.is_ascii_whitespace() || matches!(c, b'(' | b'[' | b'-'));
            let is_right_curly = width == 3 && b[i + 2] == 0x99;
            if opening_place && letter_after && !is_right_curly {
                *single = Some(i + width);
            }
        }
    }
}

/// Whether a straight double quote whose next byte is at `next` can open a quote: something
/// other than white space follows it.
fn opens(b: &[u8], next: usize) -> bool {
    b.get(next).is_some_and(|c| !c.is_ascii_whitespace())
}

/// Whether the straight double quote at `i`, with a quote open, opens a new one instead of
/// closing it: it follows a sentence's end and a space (`story. "I tried`), and a word
/// follows it.
fn reopens(b: &[u8], i: usize) -> bool {
    let before = &b[..i];
    let trimmed = trim_end(b, i);
    before.last().is_some_and(u8::is_ascii_whitespace)
        && trimmed > 0
        && matches!(b[trimmed - 1], b'.' | b'!' | b'?')
        && b.get(i + 1).is_some_and(u8::is_ascii_alphanumeric)
}

/// `end` moved back over white space.
fn trim_end(b: &[u8], mut end: usize) -> usize {
    while end > 0 && b[end - 1].is_ascii_whitespace() {
        end -= 1;
    }
    end
}

/// Gives `[start, end)` to `f` unless it is empty.
fn emit(start: usize, end: usize, f: &mut impl FnMut(Span)) {
    if end > start {
        f(Span::new(start, end));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (text, the quoted pieces joined by " | ").
    const CASES: &[(&str, &str)] = &[
        ("He said \"no\" twice.", "no"),
        // A quote run on into a paragraph flattened into the same line opens again.
        (
            "He said: \"We lost. \"We will win next time,\" he added.",
            "We lost. | We will win next time,",
        ),
        // A closing mark after a full stop still closes.
        ("\"We lost.\" Then he left.", "We lost."),
        ("“Yes,” she said, “we will.”", "Yes, | we will."),
        ("I don't think Reuters' story is right.", ""),
        (
            "Officials called it 'a good start' on Monday.",
            "a good start",
        ),
        (
            "Officials called it ‘a good start’ on Monday.",
            "a good start",
        ),
        ("The ‘90s were the decade of ‘grunge’.", "grunge"),
        ("rock 'n' roll", "n"),
        ("Back in the '90s, nobody cared.", ""),
        (
            "He called it “a ‘historic’ day” for all.",
            "a ‘historic’ day",
        ),
        (
            "“We fight on.\n\n“We never stop,” he said.",
            "We fight on. | We never stop,",
        ),
        ("“One line.\nNext line.", "One line."),
        ("He said \"the end", "the end"),
        ("A 12\" pizza and \"a quote\".", "a quote"),
        ("She said ‘maybe, then left.\n\nNext.", ""),
        ("\"\" empty", ""),
    ];

    #[test]
    fn quotes_table() {
        for (text, want) in CASES {
            let got: Vec<&str> = quotes(text).iter().map(|s| &text[s.start..s.end]).collect();
            assert_eq!(got.join(" | "), *want, "{text:?}");
        }
    }

    #[test]
    fn spans_are_ordered_and_disjoint() {
        let text = "“A,” he said. \"B\" and 'c' or ‘d’.\n“E";
        let found = quotes(text);
        assert_eq!(found.len(), 5);
        assert!(found.windows(2).all(|w| w[0].end <= w[1].start));
    }
}
