//! Publisher furniture in one text, with no corpus: subscribe and follow lines, paywall,
//! player and cookie notices, sharing bars, image credits, copyright lines and legal
//! disclaimers.
//!
//! [`Stats`](crate::rewrite::Stats) learns boilerplate from many documents (a sentence found in
//! ten of them); a `compare` of two articles, or a small folder, has too few for that. This
//! module judges one sentence from what it says, where it stands and how it is shaped, with
//! the cues of the jusText and trafilatura boilerplate literature:
//!
//! - **cue phrases** in tiers ([`lexicon`]): a *strong* cue ("all rights reserved", "already a
//!   subscriber", "listen to this article", "©") suffices anywhere; a *weak* cue
//!   ("newsletter", "sign up", "contributed to this report") only near the ends of the text or
//!   with a second cue; an imperative or label that opens the sentence ("Follow us",
//!   "Related:", "Read more") is a weak cue, or a strong one when a colon follows it;
//! - **handles and URLs**: a handle or e-mail address (`@name`) is a weak cue; a URL
//!   (`https://…`, `www.…`, `bit.ly/…`) only a second cue, as prose cites addresses too;
//! - **position**: the first [`HEAD_SENTENCES`] and last [`TAIL_SENTENCES`] sentences, and
//!   those within [`TAIL_BYTES`] of the end, are where pages put their furniture;
//! - **address, URLs and shape**, as second cues only: a word that speaks to the reader
//!   ("you", "our") outside quotation marks, which news prose seldom has; a URL; a very short
//!   sentence, a run of capitalised words ("Home News Sport Business") or a `|` menu.
//!
//! A weak cue alone in the middle of an article is prose ("will try to sign up AOL's
//! customers"), and so is a long sentence (more than [`LONG_WORDS`] words) with one weak cue
//! anywhere. Words such as "follow" or "register" are cues only as imperatives that open a
//! sentence and are followed by the reader or an object ("Follow us", "Register for free"),
//! never mid-sentence ("talks that follow", "voters must register").
//!
//! Cost: one pass over the sentence's bytes, no allocation; a word is looked up in the
//! lexicon only when its first letter and length are those of some cue word.
//!
//! # Example
//!
//! ```
//! use neardup::furniture::{is_furniture, Position};
//!
//! let middle = Position { index: 10, count: 30, start: 2_000, len: 6_000 };
//! let last = Position { index: 29, count: 30, start: 5_900, len: 6_000 };
//! assert!(is_furniture("© 2024 Daily Planet. All rights reserved.", middle));
//! assert!(is_furniture("Sign up for the morning newsletter.", last));
//! // The same weak cue mid-article, in prose, is not furniture.
//! assert!(!is_furniture("The firm will try to sign up more customers this year.", middle));
//! ```

pub mod lexicon;

use std::cmp::Ordering;

/// Sentences at the start of a text that count as near its start.
pub const HEAD_SENTENCES: usize = 2;
/// Sentences at the end of a text that count as near its end.
pub const TAIL_SENTENCES: usize = 5;
/// A sentence that ends within this many bytes of the text's end is near its end (a page's
/// last lines are short, so they may be more than [`TAIL_SENTENCES`] sentences).
pub const TAIL_BYTES: usize = 300;
/// A sentence of at most this many words has a furniture shape.
pub const SHORT_WORDS: usize = 5;
/// A sentence of more than this many words needs a strong cue or two cues.
pub const LONG_WORDS: usize = 40;

/// Where a sentence stands in its document.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Position {
    /// Index of the sentence among the document's sentences, from 0.
    pub index: usize,
    /// Number of sentences in the document.
    pub count: usize,
    /// Byte offset of the sentence's start in the document.
    pub start: usize,
    /// Length of the document in bytes.
    pub len: usize,
}

impl Position {
    /// Whether a sentence of `sentence_len` bytes here is near either end of the text: among
    /// its first [`HEAD_SENTENCES`] or last [`TAIL_SENTENCES`] sentences, or ending within
    /// [`TAIL_BYTES`] of its end.
    pub fn is_near_end(&self, sentence_len: usize) -> bool {
        self.index < HEAD_SENTENCES
            || self.index + TAIL_SENTENCES >= self.count
            || self.start + sentence_len + TAIL_BYTES >= self.len
    }
}

/// Whether `sentence`, standing at `pos` in its text, is publisher furniture rather than
/// news prose (cues, tiers and rules in the [module docs](self)).
pub fn is_furniture(sentence: &str, pos: Position) -> bool {
    is_furniture_with(sentence, pos, 0.0)
}

/// [`is_furniture`] for a sentence of which `quoted_share` (0..=1) of the words lie inside
/// quotation marks as the whole text shows them ([`quotes`](crate::quotes): a quote may open
/// sentences before this one). A sentence mostly quoted (more than half) is someone's words:
/// only a strong cue makes it furniture.
pub fn is_furniture_with(sentence: &str, pos: Position, quoted_share: f64) -> bool {
    let cues = Cues::of(sentence);
    if cues.strong {
        return true;
    }
    if quoted_share > 0.5 {
        return false;
    }
    let weak = cues.weak.count_ones() + u32::from(cues.lead) + u32::from(cues.handle);
    if weak >= 2 {
        return true;
    }
    if weak == 0 || cues.words > LONG_WORDS {
        return false;
    }
    let shape = cues.words <= SHORT_WORDS
        || cues.pipe
        || (cues.words >= 3 && cues.capitalised * 10 >= cues.words * 8);
    pos.is_near_end(sentence.len()) || cues.address || cues.url || shape
}

/// What one pass over a sentence finds.
#[derive(Default)]
struct Cues {
    strong: bool,
    /// One bit per [`lexicon::WEAK`] phrase found.
    weak: u64,
    /// An imperative or label of [`lexicon::LEADS`] opens the sentence.
    lead: bool,
    /// A handle or an e-mail address (`@`).
    handle: bool,
    /// A URL: a second cue only, since prose cites addresses too ("told the club's website
    /// www.example.com").
    url: bool,
    /// A word of [`lexicon::ADDRESS`] outside quotation marks.
    address: bool,
    /// A `|` (a menu).
    pipe: bool,
    words: usize,
    /// Words looked up in the lexicon (for tests of the prefilter).
    lookups: usize,
    /// Words that start with a capital letter.
    capitalised: usize,
}

impl Cues {
    fn of(sentence: &str) -> Cues {
        let b = sentence.as_bytes();
        let mut cues = Cues::default();
        let mut quoted = false;
        let mut i = 0;
        while i < b.len() {
            let c = b[i];
            if c.is_ascii_alphanumeric() {
                let end = word_end(b, i);
                cues.word(b, i, end, quoted);
                i = end;
                continue;
            }
            match c {
                b'"' => quoted = !quoted,
                b'|' => cues.pipe = true,
                // A domain and a path without a scheme ("bit.ly/3xYz", "twitter.com/news").
                b'/' if is_domain_before(b, i) && !quoted => cues.url = true,
                b'@' if !quoted
                    && i + 1 < b.len()
                    && (b[i + 1].is_ascii_alphanumeric() || b[i + 1] == b'_') =>
                {
                    cues.handle = true
                }
                b'(' if b[i..].len() >= 8
                    && b[i + 1].eq_ignore_ascii_case(&b'c')
                    && b[i + 2] == b')'
                    && is_year_at(b, skip_spaces(b, i + 3)) =>
                {
                    cues.strong = true
                }
                0xC2 if b.get(i + 1) == Some(&0xA9) => cues.strong = true, // ©
                0xE2 if b.get(i + 1) == Some(&0x80) => match b.get(i + 2) {
                    Some(0x9C) => quoted = true,  // “
                    Some(0x9D) => quoted = false, // ”
                    _ => {}
                },
                _ => {}
            }
            i += 1;
        }
        cues
    }

    /// One word, `b[start..end]`.
    fn word(&mut self, b: &[u8], start: usize, end: usize, quoted: bool) {
        let word = &b[start..end];
        let first = self.words == 0;
        self.words += 1;
        if word[0].is_ascii_uppercase() {
            self.capitalised += 1;
        }
        let url = word.eq_ignore_ascii_case(b"http")
            || word.eq_ignore_ascii_case(b"https")
            || (word.eq_ignore_ascii_case(b"www") && b.get(end) == Some(&b'.'));
        if url && !quoted {
            self.url = true;
        }
        if !may_start_cue(word) {
            return;
        }
        self.lookups += 1;
        if !quoted && lookup(lexicon::ADDRESS, word).is_some() {
            self.address = true;
        }
        if phrase_at(lexicon::STRONG, b, start).is_some() {
            self.strong = true;
        }
        if word.eq_ignore_ascii_case(b"copyright") {
            let next = skip_spaces(b, end);
            if is_year_at(b, next) || b[next..].starts_with("©".as_bytes()) {
                self.strong = true;
            }
        }
        // Weak cues inside quotation marks are someone's words ("We will not sign up").
        if quoted {
            return;
        }
        if let Some((n, _)) = phrase_at(lexicon::WEAK, b, start) {
            self.weak |= 1 << n;
        }
        if first && let Some((n, after)) = phrase_at(lexicon::LEADS, b, start) {
            let one_word = !lexicon::LEADS[n].contains(' ');
            let next = skip_spaces(b, after);
            match b.get(next) {
                Some(b':') => self.strong = true,
                None | Some(b'.' | b'!' | b'@') => self.lead = true,
                Some(c) if c.is_ascii_alphanumeric() => {
                    let object = &b[next..word_end(b, next)];
                    if !one_word || lookup(lexicon::LEAD_OBJECTS, object).is_some() {
                        self.lead = true;
                    }
                }
                _ => {}
            }
        }
    }
}

/// Words whose presence may make a sentence furniture, by their
/// [`word_hash`](crate::normalize::word_hash): a prefilter for a splitter that sees each word's
/// hash anyway, so that [`is_furniture`] runs only on sentences that have one of them (or a
/// `@` or `©`, see [`Triggers::may_be_furniture`]). Exact: a sentence it passes over has no
/// cue.
pub(crate) struct Triggers {
    /// The phrases of [`lexicon::STRONG`] and [`lexicon::WEAK`], and the words `copyright`,
    /// `c` (of "(c)"), `http`, `https` and `www`, by the hash of their first word.
    anywhere: PhraseTable,
    /// The phrases of [`lexicon::LEADS`], which count only when they open the sentence.
    leading: PhraseTable,
}

/// Phrases by the hash of their first word: a bit table that rejects almost every other word
/// with one lookup (a few hundred hashes in 65,536 bits: about 0.3% pass), then the phrases
/// sorted by that hash.
struct PhraseTable {
    bits: [u64; PhraseTable::WORDS],
    entries: Vec<(u64, &'static str)>,
}

impl PhraseTable {
    const WORDS: usize = 1024;

    fn new(lists: &[&[&'static str]]) -> PhraseTable {
        let mut entries: Vec<(u64, &'static str)> = lists
            .iter()
            .flat_map(|l| l.iter())
            .map(|p| (crate::normalize::word_hash(first_word(p)), *p))
            .collect();
        entries.sort_unstable();
        let mut bits = [0; Self::WORDS];
        for &(h, _) in &entries {
            bits[(h >> 6) as usize % Self::WORDS] |= 1 << (h & 63);
        }
        PhraseTable { bits, entries }
    }

    /// Whether some phrase may start with a word of this hash (one lookup; about 0.3% of
    /// other words pass too).
    #[inline(always)]
    fn may_have(&self, hash: u64) -> bool {
        self.bits[(hash >> 6) as usize % Self::WORDS] & (1 << (hash & 63)) != 0
    }

    /// The phrases whose first word has this hash.
    fn phrases(&self, hash: u64) -> &[(u64, &'static str)] {
        if !self.may_have(hash) {
            return &[];
        }
        let from = self.entries.partition_point(|e| e.0 < hash);
        let to = from + self.entries[from..].partition_point(|e| e.0 == hash);
        &self.entries[from..to]
    }
}

impl Triggers {
    /// The triggers of the lexicon, built once.
    pub(crate) fn get() -> &'static Triggers {
        static TRIGGERS: std::sync::OnceLock<Triggers> = std::sync::OnceLock::new();
        TRIGGERS.get_or_init(|| Triggers {
            anywhere: PhraseTable::new(&[
                lexicon::STRONG,
                lexicon::WEAK,
                &["copyright", "c", "http", "https", "www"],
            ]),
            leading: PhraseTable::new(&[lexicon::LEADS]),
        })
    }

    /// Whether a word (by its hash) may be a cue, `first` when it opens its sentence: one
    /// table lookup, which lets through a few other words too ([`Triggers::cue_at`] then
    /// finds no phrase).
    #[inline(always)]
    pub(crate) fn is_trigger(&self, hash: u64, first: bool) -> bool {
        self.anywhere.may_have(hash) || (first && self.leading.may_have(hash))
    }

    /// Whether a phrase starts at byte `start` of `sentence`, where a trigger word with this
    /// hash starts (`first`: the sentence's first word): the second stage of the prefilter,
    /// so that the whole sentence is checked only when a phrase is really there.
    pub(crate) fn cue_at(&self, sentence: &str, start: usize, hash: u64, first: bool) -> bool {
        let b = sentence.as_bytes();
        let spelt = |table: &PhraseTable| {
            table
                .phrases(hash)
                .iter()
                .any(|(_, p)| spells(b, start, p).is_some())
        };
        spelt(&self.anywhere) || (first && spelt(&self.leading))
    }

    /// Whether a sentence none of whose words is a trigger may still be furniture: it has a
    /// `@` (a handle), a `/` (a URL without a scheme) or a `©`.
    pub(crate) fn may_be_furniture(sentence: &str) -> bool {
        let b = sentence.as_bytes();
        memchr::memchr2(b'@', b'/', b).is_some()
            || memchr::memmem::find(b, "©".as_bytes()).is_some()
    }
}

/// Whether the `/` at `i` follows a domain: a `.`, then letters (a top-level domain).
fn is_domain_before(b: &[u8], i: usize) -> bool {
    let letters = b[..i]
        .iter()
        .rev()
        .take_while(|c| c.is_ascii_alphabetic())
        .count();
    letters >= 2
        && i > letters + 1
        && b[i - letters - 1] == b'.'
        && b[i - letters - 2].is_ascii_alphanumeric()
}

/// Where the run of ASCII letters and digits starting at `i` ends.
fn word_end(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && b[i].is_ascii_alphanumeric() {
        i += 1;
    }
    i
}

/// The first byte at or after `i` that is not a space or tab.
fn skip_spaces(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && (b[i] == b' ' || b[i] == b'\t') {
        i += 1;
    }
    i
}

/// Whether a year (19xx or 20xx, standing alone) starts at `i`.
fn is_year_at(b: &[u8], i: usize) -> bool {
    b.len() >= i + 4
        && (b[i..].starts_with(b"19") || b[i..].starts_with(b"20"))
        && b[i + 2..i + 4].iter().all(u8::is_ascii_digit)
        && !b.get(i + 4).is_some_and(u8::is_ascii_alphanumeric)
}

/// Compares a word with a lexicon word, ignoring the word's case.
fn cmp_folded(word: &[u8], key: &[u8]) -> Ordering {
    let folded = word.iter().map(u8::to_ascii_lowercase);
    folded.cmp(key.iter().copied())
}

/// The first word of a lexicon phrase.
fn first_word(phrase: &str) -> &[u8] {
    let b = phrase.as_bytes();
    &b[..b.iter().position(|&c| c == b' ').unwrap_or(b.len())]
}

/// The index of a one-word entry equal to `word` in a sorted list.
fn lookup(list: &[&str], word: &[u8]) -> Option<usize> {
    list.binary_search_by(|p| cmp_folded(word, p.as_bytes()).reverse())
        .ok()
}

/// The first phrase of a sorted list that the words of `b` starting at `start` spell, with
/// the byte where its last word ends. Phrases sorted as strings are sorted by first word too
/// (a space sorts before any letter), so those starting with the word are one run.
fn phrase_at(list: &[&str], b: &[u8], start: usize) -> Option<(usize, usize)> {
    let word = &b[start..word_end(b, start)];
    // Lower-cased once, so the search compares plain bytes.
    let mut buf = [0u8; 24];
    let folded = buf.get_mut(..word.len())?;
    for (to, from) in folded.iter_mut().zip(word) {
        *to = from.to_ascii_lowercase();
    }
    let folded = &*folded;
    let from = list.partition_point(|p| first_word(p) < folded);
    for (n, phrase) in list.iter().enumerate().skip(from) {
        if first_word(phrase) != folded {
            break;
        }
        if let Some(end) = spells(b, start, phrase) {
            return Some((n, end));
        }
    }
    None
}

/// Whether the words of `b` from `start` spell `phrase` (separated by anything that is not a
/// letter or digit, within one line): the byte where the last word ends.
fn spells(b: &[u8], start: usize, phrase: &str) -> Option<usize> {
    let mut i = start;
    for (k, part) in phrase.split(' ').enumerate() {
        if k > 0 {
            // Skip the separators: spaces, hyphens, punctuation; not a line break.
            while i < b.len() && !b[i].is_ascii_alphanumeric() && b[i] != b'\n' {
                i += 1;
            }
        }
        let end = word_end(b, i);
        if end == i || !b[i..end].eq_ignore_ascii_case(part.as_bytes()) {
            return None;
        }
        i = end;
    }
    Some(i)
}

/// Whether some lexicon phrase may start with this word: one lookup in a bit table of the
/// hashes of the lexicon's first words rejects all but about 3% of other words.
#[inline]
fn may_start_cue(word: &[u8]) -> bool {
    let h = folded_hash(word);
    FIRST_WORDS[(h >> 6) as usize % FIRST_WORDS.len()] & (1 << (h & 63)) != 0
}

/// FNV-1a of a word's ASCII lower-case bytes (usable in constants).
const fn folded_hash(word: &[u8]) -> u64 {
    let mut h = 0xcbf2_9ce4_8422_2325u64;
    let mut i = 0;
    while i < word.len() {
        h ^= word[i].to_ascii_lowercase() as u64;
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
        i += 1;
    }
    h ^ h >> 29
}

/// Bits set at the hashes of the first words of every lexicon list (4,096 bits).
const FIRST_WORDS: [u64; 64] = {
    let mut table = [0u64; 64];
    let lists: [&[&str]; 5] = [
        lexicon::STRONG,
        lexicon::WEAK,
        lexicon::LEADS,
        lexicon::ADDRESS,
        &["copyright"],
    ];
    let mut l = 0;
    while l < lists.len() {
        let list = lists[l];
        let mut p = 0;
        while p < list.len() {
            let (first, _) = list[p]
                .as_bytes()
                .split_at(first_word_len(list[p].as_bytes()));
            let h = folded_hash(first);
            table[(h >> 6) as usize % 64] |= 1 << (h & 63);
            p += 1;
        }
        l += 1;
    }
    table
};

/// The length of the first word of a phrase (usable in constants).
const fn first_word_len(phrase: &[u8]) -> usize {
    let mut len = 0;
    while len < phrase.len() && phrase[len] != b' ' {
        len += 1;
    }
    len
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Not near either end of a 40-sentence, 8,000-byte text.
    const MIDDLE: Position = Position {
        index: 20,
        count: 40,
        start: 4_000,
        len: 8_000,
    };
    /// The last sentence of the same text.
    const LAST: Position = Position {
        index: 39,
        count: 40,
        start: 7_900,
        len: 8_000,
    };

    /// Furniture wherever it stands.
    const ANYWHERE: &[&str] = &[
        "© 2023 Bloomberg L.P. Distributed by Tribune Content Agency, LLC.",
        "Copyright 2021 The Associated Press. All rights reserved.",
        "(c) 2019 Example Media Group",
        "Already a subscriber? Log in here.",
        "Listen to this article 5 min",
        "This material may not be published, broadcast, rewritten or redistributed.",
        "The views expressed in this article are the author's own.",
        "Follow us on Twitter and Instagram for the latest updates.",
        "Related: Markets slide as oil prices climb",
        "Read more: The ten best films of the year",
        "Click here to download the full report.",
        "Sign up for our free daily briefing, delivered to your inbox.",
        "Subscribe to our newsletter for breaking news alerts.",
        "This article was originally published on The Conversation.",
        "Stories with the Example News byline are the work of several journalists and may contain information from wire service reports.",
        "The network provides news and information in 40 languages to an estimated weekly audience of 300 million people.",
        "Reporting by Jane Doe; Editing by John Smith",
        "Photo: Getty Images",
        "Image caption The bridge was closed for three hours",
        "We use cookies to improve your experience on our site.",
        "Share this story on Facebook, Twitter or WhatsApp.",
        "Follow @janedoe for more.",
        "Read more on the story at https://example.com/news/latest.",
        "» Subscribe to Example News: bit.ly/3KIPysi",
        "blog comments powered by Disqus",
        "(This story has not been edited by our staff and is auto-generated from a syndicated feed.)",
        "Enter your details below to get access to the report.",
        "Your password must have at least 10 characters and one number.",
        "Email address First name Last name Company Country",
    ];

    /// Furniture near the ends of a text (a weak cue), prose in the middle.
    const NEAR_END_ONLY: &[&str] = &[
        "Associated Press writer John Smith in Paris contributed to this report.",
        "Email the reporter at jane.doe@example.com.",
        "Get the best of the week's news every Sunday morning.",
        "With files from the Canadian Press",
    ];

    /// News prose, never furniture, even as the last sentence.
    const PROSE: &[&str] = &[
        "People who want to see the eagles have until Friday to sign up for the lottery.",
        "LG Card's creditors have given the group until Wednesday to sign up to a rescue package.",
        "Like us they did well in France and were unlucky not to get a win.",
        "VoteVets tweeted, “Hey @POTUS remember your rants during 2016?”",
        "Voters must register by Friday to take part in the election, officials said.",
        "Users do not have to be registered users of the site to download the game.",
        "The hackers stole millions of passwords from the company's servers, police said.",
        "Talks will follow next week, the foreign ministry said in a statement.",
        "Follow-up talks are planned for March in Geneva.",
        "It hopes to increase subscribers by offering the online service free to its customers.",
        "Share prices fell 3% in early trading on Tuesday.",
        "He said on Twitter that the government had lost its way.",
        "The band sued the website for copyright infringement last year.",
        "Sales rose 3.5/10 points, or 24/7 and/or more, the U.S. agency said.",
        "The 55-year-old Frenchman told the club's website www.example.com: \"My intention is to stay.\"",
        "The most digitally sophisticated Europeans, in terms of use of digital goods, are the Scandinavians.",
        "But the browser does not yet work well with screen reader software used by blind people.",
        "The actor, who lives in London, will star in the film's sequel next year.",
        "\"You have to follow the rules,\" the coach told reporters after the match.",
        "RSS aggregators are programmed to subscribe to feeds from blogs and news sites.",
        "“Our members will not sign up to a deal like this,” the union's leader said.",
        "Police urged anyone with information to contact them.",
        "The company said it had registered 2 million new users since January.",
        "The vote was first published in the government's official register.",
    ];

    #[test]
    fn furniture_anywhere() {
        for s in ANYWHERE {
            assert!(is_furniture(s, MIDDLE), "{s:?}");
        }
    }

    #[test]
    fn weak_cues_need_the_ends() {
        for s in NEAR_END_ONLY {
            assert!(is_furniture(s, LAST), "{s:?}");
            assert!(!is_furniture(s, MIDDLE), "{s:?}");
        }
    }

    #[test]
    fn prose_is_not_furniture_even_at_the_end() {
        for s in PROSE {
            assert!(!is_furniture(s, LAST), "{s:?}");
            assert!(!is_furniture(s, MIDDLE), "{s:?}");
        }
    }

    #[test]
    fn a_mostly_quoted_sentence_needs_a_strong_cue() {
        let s = "Sign up for the program,\" explains Curry.";
        assert!(is_furniture(s, LAST));
        assert!(!is_furniture_with(s, LAST, 0.8));
        assert!(is_furniture_with("All rights reserved.", LAST, 1.0));
    }

    #[test]
    fn near_end_by_sentences_or_bytes() {
        let at = |index, start| Position {
            index,
            count: 40,
            start,
            len: 8_000,
        };
        assert!(at(0, 0).is_near_end(100));
        assert!(at(1, 150).is_near_end(100));
        assert!(!at(2, 300).is_near_end(100));
        assert!(at(37, 7_000).is_near_end(100));
        assert!(at(30, 7_650).is_near_end(100));
        assert!(!at(30, 7_500).is_near_end(100));
    }

    #[test]
    fn first_word_table_admits_every_cue() {
        for list in [
            lexicon::STRONG,
            lexicon::WEAK,
            lexicon::LEADS,
            lexicon::ADDRESS,
        ] {
            for p in list {
                assert!(may_start_cue(first_word(p)), "{p:?}");
            }
        }
        assert!(lexicon::WEAK.len() <= 64, "one bit per weak phrase");
    }

    /// The prefilter lets through few words of news prose (tolerance: at most a fifth of
    /// its words, function words such as "the" and "for" being first words of cues).
    #[test]
    fn few_prose_words_are_looked_up() {
        let text = "Quarterly profits at US media giant TimeWarner jumped 76% to $1.13bn for the \
            three months to December, from $639m year-earlier. The firm, which is now one of \
            the biggest investors in Google, benefited from sales of high-speed internet \
            connections and higher advert sales.";
        let cues = Cues::of(text);
        assert!(
            cues.lookups * 5 <= cues.words,
            "{} of {}",
            cues.lookups,
            cues.words
        );
    }
}
