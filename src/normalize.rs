//! Text → [`Token`]s: words found in the original text, folded, hashed, with their byte spans.
//!
//! # Rules
//!
//! * A **word** is a run of letters, digits and combining marks (Unicode `Alphabetic`,
//!   `Numeric`, `Mark`). Everything else separates words: spaces, punctuation, quotes of every
//!   kind, dashes (`-`, `–`, `—`), symbols and emoji. "Russia-China" is two words.
//! * An **apostrophe** (`'`, `’`, `‘`, `ʼ`, `＇`) between two letters or digits joins them:
//!   "Don’t" and "Xi's" are one word each. A `.` or `,` between two digits joins them: "236.8",
//!   "3,000".
//! * The **folded form** of a word is its NFKC normalisation, lower-cased (`char::to_lowercase`,
//!   which is Unicode's full lower-case mapping), with every apostrophe written `'`. So `ＸＩ`,
//!   `Xi` and `XI` fold alike, as do `ﬁnal` and `final`, and `Don’t` and `don't`.
//! * A token keeps the [`Span`] of the word in the original text, so every passage the library
//!   reports points into the text as it was read, and its [`Token::hash`]: xxh3 (64 bits, fixed
//!   seed) of the folded form's UTF-8 bytes. No folded string is kept; [`fold`] recomputes one.
//!
//! Changing any of these rules changes signatures, so it bumps
//! [`NORMALIZE_VERSION`](crate::NORMALIZE_VERSION).
//!
//! # Example
//!
//! ```
//! use neardup::normalize;
//!
//! let text = "“Don’t” — he said, 3,000 times.";
//! let words: Vec<String> = normalize::tokens(text)
//!     .iter()
//!     .map(|t| normalize::fold(&text[t.span.start..t.span.end]))
//!     .collect();
//! assert_eq!(words, ["don't", "he", "said", "3,000", "times"]);
//! ```

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;
use xxhash_rust::xxh3::xxh3_64_with_seed;

use crate::document::Span;

/// Seed of the word hashes. Part of the normalisation rules: see the module docs.
const WORD_SEED: u64 = 0x7761_7264_5f6e_6470;

/// One word of a document: where it is in the original text and the hash of its folded form.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Token {
    /// Byte range of the word in the original text.
    pub span: Span,
    /// xxh3 hash of the folded form (see the module docs).
    pub hash: u64,
}

/// Splits `text` into tokens, in text order. Cost: one pass over the text; words that are not
/// pure ASCII are also NFKC-normalised.
pub fn tokens(text: &str) -> Vec<Token> {
    let mut out = Vec::with_capacity(text.len() / 6);
    let mut folded = String::new();
    let mut push = |start: usize, end: usize| {
        fold_into(&text[start..end], &mut folded);
        out.push(Token {
            span: Span::new(start, end),
            hash: xxh3_64_with_seed(folded.as_bytes(), WORD_SEED),
        });
    };
    let mut chars = text.char_indices().peekable();
    let mut start: Option<usize> = None;
    let mut prev = ' ';
    while let Some((i, c)) = chars.next() {
        if is_word_char(c) {
            start.get_or_insert(i);
        } else if let Some(s) = start {
            let next = chars.peek().map_or(' ', |&(_, n)| n);
            if !joins(prev, c, next) {
                push(s, i);
                start = None;
            }
        }
        prev = c;
    }
    if let Some(s) = start {
        push(s, text.len());
    }
    out
}

/// The folded form of one word (see the module docs).
pub fn fold(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    fold_into(word, &mut out);
    out
}

/// Writes the folded form of `word` into `out`, replacing its content.
fn fold_into(word: &str, out: &mut String) {
    out.clear();
    if word.is_ascii() {
        out.extend(word.chars().map(|c| c.to_ascii_lowercase()));
        return;
    }
    for c in word.nfkc() {
        if is_apostrophe(c) {
            out.push('\'');
        } else {
            out.extend(c.to_lowercase());
        }
    }
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || (!c.is_ascii() && is_combining_mark(c))
}

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '\u{2019}' | '\u{2018}' | '\u{02BC}' | '\u{FF07}')
}

/// Whether separator `c`, between `prev` and `next`, joins them into one word.
fn joins(prev: char, c: char, next: char) -> bool {
    if is_apostrophe(c) {
        return prev.is_alphanumeric() && next.is_alphanumeric();
    }
    matches!(c, '.' | ',') && prev.is_numeric() && next.is_numeric()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (input, folded tokens joined by one space).
    const CASES: &[(&str, &str)] = &[
        ("“Don’t” — he said", "don't he said"),
        ("Xi's three-day visit", "xi's three day visit"),
        (
            "Russia–China ‘no limit’ friendship",
            "russia china no limit friendship",
        ),
        (
            "4 1/2 hours; 236.8 million; 3,000 stations",
            "4 1 2 hours 236.8 million 3,000 stations",
        ),
        (
            "End of sentence. Next one,and more",
            "end of sentence next one and more",
        ),
        ("students' books", "students books"),
        ("ＸＩ Ｊｉｎｐｉｎｇ", "xi jinping"),
        ("ﬁnal ﬂag", "final flag"),
        ("CAFÉ Café café", "café café café"),
        ("Cafe\u{0301}", "café"),
        ("Straße STRASSE", "straße strasse"),
        ("Ὀδυσσεύς", "ὀδυσσεύς"),
        ("» Subscribe: bit.ly/3KIPysi", "subscribe bit ly 3kipysi"),
        ("Putin 🌎🥁 Xi", "putin xi"),
        ("l’Élysée", "l'élysée"),
        ("  \t\n ", ""),
        ("", ""),
        ("...'quoted'...", "quoted"),
    ];

    #[test]
    fn folds_news_punctuation() {
        for (input, want) in CASES {
            let words: Vec<String> = tokens(input)
                .iter()
                .map(|t| fold(&input[t.span.start..t.span.end]))
                .collect();
            assert_eq!(words.join(" "), *want, "input {input:?}");
        }
    }

    #[test]
    fn spans_point_at_the_original_words() {
        let text = "“Don’t” — Xi’s ＸＩ.";
        let words: Vec<&str> = tokens(text)
            .iter()
            .map(|t| &text[t.span.start..t.span.end])
            .collect();
        assert_eq!(words, ["Don’t", "Xi’s", "ＸＩ"]);
    }

    #[test]
    fn equal_folded_forms_hash_equal() {
        let a = tokens("Don’t ＸＩ");
        let b = tokens("don't xi");
        assert_eq!(
            a.iter().map(|t| t.hash).collect::<Vec<_>>(),
            b.iter().map(|t| t.hash).collect::<Vec<_>>()
        );
    }
}
