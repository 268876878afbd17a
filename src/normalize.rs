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
//!   reports points into the text as it was read, and its [`Token::hash`]: [`word_hash`] of the
//!   folded form's UTF-8 bytes. No folded string is kept; [`fold`] recomputes one.
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
    /// [`word_hash`] of the folded form (see the module docs).
    pub hash: u64,
}

/// Splits `text` into tokens, in text order. Cost: one pass over the text (see
/// [`for_each_word`]).
pub fn tokens(text: &str) -> Vec<Token> {
    let mut out = Vec::with_capacity(text.len() / 6);
    for_each_word(text, |span, hash| out.push(Token { span, hash }));
    out
}

/// Calls `f` with the span and hash of each word of `text`, in text order, without building
/// a token list: the form signing uses. Cost: one pass over the bytes; ASCII words are
/// lower-cased in place of a buffer, other words also NFKC-normalised.
pub fn for_each_word(text: &str, mut f: impl FnMut(Span, u64)) {
    let bytes = text.as_bytes();
    let mut folded = String::new();
    let mut emit = |start: usize, end: usize, ascii: bool| {
        let hash = if ascii && end - start <= 16 {
            let (lo, hi) = load16(bytes, start, end - start);
            // Every byte of an ASCII word is a letter, a digit or a joining `'`, `.` or `,`,
            // and of those only capitals lack bit 0x20: setting it lower-cases the word.
            let (lo, hi) = (
                lo | LOWER & mask(end - start),
                hi | LOWER & mask((end - start).saturating_sub(8)),
            );
            short_hash(lo, hi, end - start)
        } else {
            fold_into(&text[start..end], &mut folded);
            word_hash(folded.as_bytes())
        };
        f(Span::new(start, end), hash);
    };
    let n = bytes.len();
    let mut i = 0;
    while i < n {
        // Outside a word: skip separators.
        let b = bytes[i];
        if b < 0x80 {
            if CLASS[b as usize] != ALNUM {
                i += 1;
                continue;
            }
        } else {
            let c = char_at(text, i);
            if !is_word_char(c) {
                i += c.len_utf8();
                continue;
            }
        }
        // A word starts at `i`; it ends at the first separator that does not join.
        let start = i;
        let mut ascii = true;
        i = alnum_end(bytes, i);
        while i < n {
            let b = bytes[i];
            if CLASS[b as usize] == ALNUM {
                i += 1;
                continue;
            }
            // Most words end at a space or a mark that never joins: no need to look around.
            if b < 0x80 && !matches!(b, b'\'' | b'.' | b',') {
                break;
            }
            let c = if b < 0x80 {
                b as char
            } else {
                char_at(text, i)
            };
            if b >= 0x80 && is_word_char(c) {
                ascii = false;
                i += c.len_utf8();
                continue;
            }
            let prev = char_before(text, i);
            let after = i + c.len_utf8();
            let next = if after < n { char_at(text, after) } else { ' ' };
            if !joins(prev, c, next) {
                break;
            }
            ascii &= b < 0x80;
            i = after;
        }
        emit(start, i, ascii);
    }
}

/// The hash of a folded word: for words of at most 16 bytes a multiply-mix of the bytes
/// (zero-padded to 16) and the length, with no branch on the length; longer words, xxh3 with a
/// fixed seed.
pub fn word_hash(folded: &[u8]) -> u64 {
    if folded.len() <= 16 {
        let (lo, hi) = load16(folded, 0, folded.len());
        short_hash(lo, hi, folded.len())
    } else {
        xxh3_64_with_seed(folded, WORD_SEED)
    }
}

/// Bit 0x20 in every byte.
const LOWER: u64 = 0x2020_2020_2020_2020;

/// Byte classes for the scanner: ASCII letters and digits, and everything else.
const ALNUM: u8 = 1;
const CLASS: [u8; 256] = {
    let mut class = [0u8; 256];
    let mut b = 0;
    while b < 128 {
        if (b as u8).is_ascii_alphanumeric() {
            class[b] = ALNUM;
        }
        b += 1;
    }
    class
};

/// The end of the run of ASCII letters and digits that starts at `i`: the first byte from `i`
/// on that is not one (or the end). Eight bytes at a time: most words end within the first
/// eight, found without a branch per byte.
#[inline]
fn alnum_end(bytes: &[u8], mut i: usize) -> usize {
    while let Some(chunk) = bytes.get(i..i + 8) {
        let word = u64::from_le_bytes(chunk.try_into().expect("8 bytes"));
        let stop = !alnum_bytes(word) & HIGH;
        if stop != 0 {
            return i + (stop.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while i < bytes.len() && CLASS[bytes[i] as usize] == ALNUM {
        i += 1;
    }
    i
}

/// Bit 0x80 in every byte.
const HIGH: u64 = 0x8080_8080_8080_8080;

/// Bit 0x80 set in each byte of `word` that is an ASCII letter or digit, and clear in the
/// others (what [`CLASS`] says, for eight bytes at once). Each comparison adds to the low
/// seven bits of every byte a constant that carries into its high bit exactly when the byte
/// reaches a bound; no byte carries into the next.
#[inline]
fn alnum_bytes(word: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    let low = word & !HIGH;
    let at_least = |x: u64, c: u64| (x + ONES * (0x80 - c)) & HIGH;
    let digit = at_least(low, 0x30) & !at_least(low, 0x3a);
    // Setting bit 0x20 maps capitals onto small letters and nothing else onto them.
    let folded = low | (ONES * 0x20);
    let letter = at_least(folded, 0x61) & !at_least(folded, 0x7b);
    (digit | letter) & !word
}

/// The low `len` bytes set (all 8 from `len >= 8`).
#[inline]
fn mask(len: usize) -> u64 {
    if len >= 8 {
        u64::MAX
    } else {
        (1u64 << (8 * len)) - 1
    }
}

/// Bytes `start..start + len` (`len <= 16`) of `bytes` as two little-endian words, zero-padded.
#[inline]
fn load16(bytes: &[u8], start: usize, len: usize) -> (u64, u64) {
    let (lo, hi) = if start + 16 <= bytes.len() {
        let word = |at: usize| u64::from_le_bytes(bytes[at..at + 8].try_into().expect("8 bytes"));
        (word(start), word(start + 8))
    } else {
        let mut buf = [0u8; 16];
        buf[..len].copy_from_slice(&bytes[start..start + len]);
        let word = |at: usize| u64::from_le_bytes(buf[at..at + 8].try_into().expect("8 bytes"));
        (word(0), word(8))
    };
    (lo & mask(len), hi & mask(len.saturating_sub(8)))
}

/// Mixes two zero-padded words and a length into a hash.
#[inline]
fn short_hash(lo: u64, hi: u64, len: usize) -> u64 {
    const K1: u64 = 0x9e37_79b9_7f4a_7c15;
    const K2: u64 = 0xc2b2_ae3d_27d4_eb4f;
    let x = (lo ^ WORD_SEED).wrapping_mul(K1) ^ (hi ^ len as u64).wrapping_mul(K2).rotate_left(29);
    crate::minhash::fmix64(x)
}

/// The char starting at byte `i` (a char boundary) of `text`.
#[inline]
fn char_at(text: &str, i: usize) -> char {
    let b = text.as_bytes()[i];
    if b < 0x80 {
        b as char
    } else {
        text[i..].chars().next().expect("i is a char boundary")
    }
}

/// The char ending at byte `i` (a char boundary, not 0) of `text`.
#[inline]
fn char_before(text: &str, i: usize) -> char {
    let b = text.as_bytes()[i - 1];
    if b < 0x80 {
        b as char
    } else {
        text[..i].chars().next_back().expect("i is a char boundary")
    }
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

    /// The eight-byte scan agrees with the byte table for every byte value at every place
    /// of a run, and near the end of the text.
    #[test]
    fn alnum_end_is_what_the_byte_table_says() {
        let table = |bytes: &[u8], mut i: usize| {
            while i < bytes.len() && CLASS[bytes[i] as usize] == ALNUM {
                i += 1;
            }
            i
        };
        for len in 0..20 {
            for at in 0..len {
                for b in 0..=255u8 {
                    let mut bytes: Vec<u8> = (0..len).map(|k| b"aZ09mQz5"[k % 8]).collect();
                    bytes[at] = b;
                    for start in [0, at.min(3)] {
                        assert_eq!(
                            alnum_end(&bytes, start),
                            table(&bytes, start),
                            "byte {b:#x} at {at} of {len}, from {start}"
                        );
                    }
                }
            }
        }
    }

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

    /// The first implementation, char by char: the reference the fast one must agree with.
    fn reference_spans(text: &str) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        let mut chars = text.char_indices().peekable();
        let mut start: Option<usize> = None;
        let mut prev = ' ';
        while let Some((i, c)) = chars.next() {
            if is_word_char(c) {
                start.get_or_insert(i);
            } else if let Some(s) = start {
                let next = chars.peek().map_or(' ', |&(_, n)| n);
                if !joins(prev, c, next) {
                    out.push((s, i));
                    start = None;
                }
            }
            prev = c;
        }
        if let Some(s) = start {
            out.push((s, text.len()));
        }
        out
    }

    /// The byte-level scanner finds the same words as the char-by-char reference, and the
    /// ASCII fast path and the Unicode path hash a word alike (every token's hash is the hash
    /// of `fold` of its span), on random mixes of ASCII, accented and wide letters,
    /// apostrophes, digits with separators and punctuation.
    #[test]
    fn every_token_hashes_its_folded_span() {
        const PIECES: &[&str] = &[
            "Ab",
            "c",
            "É",
            "ﬁ",
            "Ｘ",
            "’",
            "'",
            "3",
            ".",
            ",",
            " ",
            "-",
            "“",
            "ß",
            "\u{301}",
            "😀",
            "9",
            "x",
            "'",
            "Abcdefghijklmnopq",
            "Twelve.Bytes",
        ];
        let mut state = 1u64;
        for _ in 0..2000 {
            let mut text = String::new();
            for _ in 0..12 {
                state = state
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                text.push_str(PIECES[(state >> 33) as usize % PIECES.len()]);
            }
            let found = tokens(&text);
            let spans: Vec<(usize, usize)> =
                found.iter().map(|t| (t.span.start, t.span.end)).collect();
            assert_eq!(spans, reference_spans(&text), "{text:?}");
            for t in found {
                let word = &text[t.span.start..t.span.end];
                let want = word_hash(fold(word).as_bytes());
                assert_eq!(t.hash, want, "{word:?} in {text:?}");
            }
        }
    }

    /// Distinct words hash apart: every word of 1 to 3 characters over 37 symbols and every
    /// length from 1 to 24 of one repeated letter (zero padding must not make "a" and "a" plus
    /// padding alike), about 52,000 words, without a collision.
    #[test]
    fn distinct_words_hash_apart() {
        let symbols: Vec<char> = ('a'..='z').chain('0'..='9').chain(['\'']).collect();
        let mut words: Vec<String> = Vec::new();
        for &x in &symbols {
            words.push(x.to_string());
            for &y in &symbols {
                words.push(format!("{x}{y}"));
                for &z in &symbols {
                    words.push(format!("{x}{y}{z}"));
                }
            }
        }
        words.extend((4..=24).map(|n| "a".repeat(n)));
        let hashes: std::collections::HashSet<u64> =
            words.iter().map(|w| word_hash(w.as_bytes())).collect();
        assert_eq!(hashes.len(), words.len());
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
