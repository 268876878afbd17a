//! Reused passages: the aligned sentences of a pair grouped into the stretches of text that
//! one document took from the other, as a text-alignment system reports them.
//!
//! # From sentence links to passages
//!
//! Every pair of sentences similar enough to align is a *link* (see
//! [`Alignment::candidates`]); one sentence may link to several. Links are grouped as
//! Sanchez-Perez, Sidorov and Gelbukh (PAN 2014) group their seeds: sorted by position in
//! the first document, split wherever more than [`GAP`] sentences lie between two
//! consecutive links; each group then sorted by position in the second document and split
//! the same way; and so on until no group splits. A group with at least [`MIN_SENTENCES`]
//! sentences on one side, or a long verbatim one ([`MIN_VERBATIM_WORDS`]), is a passage: from
//! the start of its first sentence to the end of its last, on each side, so a passage may
//! hold sentences that were dropped or added in the copy (a verbatim passage is trimmed to
//! the words it shares at its ends: a copy often starts inside a sentence). Before that, each group takes in the sentences
//! next to it (within [`GAP`] + 1 on both sides) that are at least [`EXTEND_SIMILARITY`]
//! alike: the seeds of a lifted passage are its least edited sentences, and the rest of it
//! was often edited more. Where two passages overlap on either side, the
//! one with more words keeps the text and the other keeps only what lies outside it (when
//! the alignment's own links there still make a passage), so no stretch of either document
//! is claimed twice.
//!
//! # How a passage was reused
//!
//! Each passage gets the mean similarity of its sentences (each sentence of the first side
//! counted once, by its best link) and its **phrasing**: the share of the shorter side's
//! word 3-grams (stemmed) that occur in the other side. Shared facts (names, numbers,
//! places) make sentences similar; shared phrasing is what copying leaves. A passage is
//! [`How::Verbatim`] at phrasing 0.8 or more, [`How::Edited`] at 0.3 or more, else
//! [`How::Paraphrased`].
//!
//! # Example
//!
//! ```
//! use neardup::passage::passages;
//! use neardup::reuse::{self, How};
//! use neardup::rewrite::{align, weigh};
//!
//! let a = "Rain fell all day in the north of the country. The council met on Monday evening \
//!     to discuss the new budget. It approved a rise in school spending by ten per cent. \
//!     Residents were asked to comment before the end of the month.";
//! let b = "Local news in brief. The council met on Monday evening to discuss the new budget. \
//!     It approved a rise in school spending by ten per cent. Sports results follow below.";
//! let (pa, pb) = (passages(a), passages(b));
//! let (wa, wb) = (weigh(&pa, |_| false), weigh(&pb, |_| false));
//! let alignment = align(&wa, &wb, 0.35);
//! let found = reuse::passages(&alignment, (a, &pa, &wa), (b, &pb, &wb));
//! assert_eq!(found.len(), 1);
//! let p = &found[0];
//! assert!(a[p.a.start..p.a.end].starts_with("The council met"));
//! assert!(a[p.a.start..p.a.end].ends_with("ten per cent."));
//! assert_eq!((p.sentences_a, p.words_a), (2, 22));
//! assert_eq!(p.how, How::Verbatim);
//! ```

use std::borrow::Cow;
use std::ops::Range;

mod side;

pub(crate) use side::Memo;
use side::{SideWords, phrasing_of_sides};

use crate::document::Span;
use crate::passage::{self, Passages};
use crate::rewrite::{self, Alignment, Link, WeightedPassages};

/// Two links stay in one passage when at most this many sentences lie between them, on
/// either side: a copy may drop or add a sentence inside a lifted stretch.
pub const GAP: usize = 1;

/// A reused passage holds at least this many aligned sentences on one side, or is a long
/// [verbatim](How::Verbatim) sentence (see [`MIN_VERBATIM_WORDS`]): a single sentence shared
/// in other words is a shared fact or a stock phrase as often as it is a copy (two reports of
/// one event share the sentence that states it), so it is not taken as a reused passage. It
/// still shows among the pair's aligned sentences.
pub const MIN_SENTENCES: usize = 2;

/// Similarity at or above which a sentence next to a group of links joins it (see
/// the module docs): seeds need [`Config::passage_threshold`](crate::Config::passage_threshold),
/// their neighbours in a lifted passage that was edited more heavily need less.
pub const EXTEND_SIMILARITY: f64 = 0.2;
/// Rounds of extension: each reaches [`GAP`] + 1 sentences further.
pub const EXTEND_ROUNDS: usize = 2;

/// A passage of one sentence counts when it is verbatim and at least this long: a stock
/// phrase, a boilerplate line or a short quote repeated word for word is shorter. (Any long
/// sentence, verbatim or not, was tried on 2026-12-02: on the PAN 2013 training pairs it
/// flagged about 1% more of the obfuscated ones, cross-validated; on the 100,000-article
/// bench corpus it flagged 2.5 times as many pairs, one shared background sentence each,
/// and made the scan twice as slow, so it was left out.)
pub const MIN_VERBATIM_WORDS: usize = 30;

/// A passage in which, on both sides, fewer than this share of the distinct content words
/// are ordinary words (the rest being names and numbers) and fewer than [`LIST_FUNCTION`]
/// of the words are function words is a list, such as a team line-up or a table of results,
/// and not a reused passage unless it is [verbatim](How::Verbatim): two reports of one match
/// list the same players, in their own layout and order, and that is the same facts, not
/// copying. (On BBC, every line-up and squad list of the rugby reports scores under 0.2, and
/// 46 pairs were flagged on nothing else; on the PAN 2013 training pairs no flag and no
/// passage measure changed at any cut from 0.1 to 0.25.) Names are told by their capital
/// letters, so text in capitals has few ordinary words; the function words, told
/// regardless of case, keep its prose from being taken for a list.
pub const LIST_ORDINARY: f64 = 0.2;

/// See [`LIST_ORDINARY`]: in the lists of the BBC rugby reports fewer than 1 word in 10 is a
/// function word; in English prose about 4 in 10 are (and fewer than 1 in 10 in about 1% of
/// the passages of the PAN 2013 training pairs).
pub const LIST_FUNCTION: f64 = 0.1;

/// Share of quoted words (on both sides) from which a passage is [`How::Quoted`].
pub const QUOTED_SHARE: f64 = 0.5;

/// Phrasing at or above which a passage is [`How::Verbatim`].
pub const VERBATIM_PHRASING: f64 = 0.8;
/// Phrasing at or above which a passage is [`How::Edited`] (below: [`How::Paraphrased`]).
pub const EDITED_PHRASING: f64 = 0.3;

/// How a passage was reused, by its [phrasing](Reused::phrasing).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum How {
    /// The same words, a few edits at most (phrasing at least [`VERBATIM_PHRASING`]).
    Verbatim,
    /// Many of the same phrases, some words changed (phrasing at least [`EDITED_PHRASING`]).
    Edited,
    /// The same content in mostly other words.
    Paraphrased,
    /// Words inside quotation marks that both documents carry (at least [`QUOTED_SHARE`] of
    /// the aligned sentences' words on both sides): a shared quote, reported with its offsets
    /// but never taken as copying (two reports of one event quote the same people).
    Quoted,
}

impl How {
    /// The name used in reports: `verbatim`, `edited`, `paraphrased` or `quoted`.
    pub fn as_str(self) -> &'static str {
        match self {
            How::Verbatim => "verbatim",
            How::Edited => "edited",
            How::Paraphrased => "paraphrased",
            How::Quoted => "quoted",
        }
    }

    /// The kind of reuse that a passage of this phrasing shows.
    pub fn of(phrasing: f64) -> How {
        if phrasing >= VERBATIM_PHRASING {
            How::Verbatim
        } else if phrasing >= EDITED_PHRASING {
            How::Edited
        } else {
            How::Paraphrased
        }
    }
}

/// One reused passage of a pair (see the module docs).
#[derive(Clone, Debug, PartialEq)]
pub struct Reused {
    /// Byte span in the first document: from its first aligned sentence to its last (for a
    /// verbatim passage, from its first shared word 3-gram to its last, within those).
    pub a: Span,
    /// Byte span in the second document.
    pub b: Span,
    /// Words within `a`.
    pub words_a: usize,
    /// Words within `b`.
    pub words_b: usize,
    /// Share of the aligned sentences' words that lie inside quotation marks, the smaller of
    /// the two sides' shares.
    pub quoted: f64,
    /// Share of the first document's words within `a` (0 where not known).
    pub share_a: f64,
    /// Share of the second document's words within `b`.
    pub share_b: f64,
    /// Sentences of the first document that link to the second within the passage.
    pub sentences_a: usize,
    /// Sentences of the second document that link to the first within the passage.
    pub sentences_b: usize,
    /// Mean similarity of the first side's sentences to their best link, weighted by words.
    pub similarity: f64,
    /// Share of the shorter side's word 3-grams found in the other side.
    pub phrasing: f64,
    /// Weighted Jaccard of the two sides' words as two bags (stems, each once; content
    /// words weighing as in [`rewrite::similarity`]): words moved across sentence
    /// boundaries still count.
    pub overlap: f64,
    /// Share of the lighter side's word weight that the other side has too: high when one
    /// side condenses the other.
    pub containment: f64,
    /// Of the side with fewer ordinary content words (stems; not names, not numbers: see
    /// [`is_fact`]), the share of its content words that are ordinary words the other side
    /// has too. Two reports of one event share its names and numbers; a copy shares the
    /// words around them. Counted over all content words, so a list of names (a team
    /// line-up) scores low even when its few other words are shared.
    pub vocabulary: f64,
    /// The larger of the two sides' shares of ordinary words (not names, not numbers: see
    /// [`is_fact`]) among their distinct content words: low for a list of names and
    /// numbers, such as a team line-up or a table of results (see [`LIST_ORDINARY`]).
    pub ordinary: f64,
    /// The larger of the two sides' shares of function words (articles, prepositions,
    /// pronouns, auxiliaries: see [`passage::is_function_word`]) among all their words: about
    /// 0.4 in English prose, near 0 in a list (see [`LIST_FUNCTION`]).
    pub function: f64,
    /// How the passage was reused.
    pub how: How,
}

impl Reused {
    /// The words of the passage: the larger side's count.
    pub fn words(&self) -> usize {
        self.words_a.max(self.words_b)
    }

    /// Whether the passage is a list of names and numbers in other words (see
    /// [`LIST_ORDINARY`]).
    pub fn is_list(&self) -> bool {
        self.ordinary < LIST_ORDINARY && self.function < LIST_FUNCTION && self.how != How::Verbatim
    }

    /// The same passage with the two documents' roles exchanged.
    pub fn swapped(self) -> Reused {
        Reused {
            a: self.b,
            b: self.a,
            words_a: self.words_b,
            words_b: self.words_a,
            share_a: self.share_b,
            share_b: self.share_a,
            sentences_a: self.sentences_b,
            sentences_b: self.sentences_a,
            ..self
        }
    }
}

/// One document as [`passages`] reads it: its text, its passages (sentences) and their
/// weighted form, as the alignment indexes them.
pub type Side<'a> = (&'a str, &'a Passages, &'a WeightedPassages);

/// The reused passages of two documents from their alignment, in the order of the first.
pub fn passages(alignment: &Alignment, a: Side, b: Side) -> Vec<Reused> {
    grouped(alignment, a, b, None)
        .into_iter()
        .map(|g| g.passage)
        .collect()
}

/// A reused passage with the sentence links it was made from (see [`grouped`]).
#[derive(Clone, Debug)]
pub(crate) struct Group {
    links: Vec<Link>,
    pub(crate) passage: Reused,
}

/// [`passages`], each with its links, so that [`condensed`] can join them.
pub(crate) fn grouped(
    alignment: &Alignment,
    (ta, pa, wa): Side,
    (tb, pb, wb): Side,
    memo: Option<&Memo>,
) -> Vec<Group> {
    let (a, b) = ((ta, pa), (tb, pb));
    let mut groups = clusters(&alignment.candidates);
    for g in &mut groups {
        extend(g, wa, wb);
    }
    let qualifies = |g: &[Link]| qualifies(g, a, b);
    groups.retain(|g| qualifies(g));
    // Largest first; ties in text order, so the result does not depend on the input order.
    let size = |g: &[Link]| {
        let (ra, rb) = (range(g, |l| l.a), range(g, |l| l.b));
        words_in(a.1, ra.clone()) + words_in(b.1, rb.clone())
    };
    let order = |g: &[Link]| (std::cmp::Reverse(size(g)), range(g, |l| l.a).start);
    let mut todo: Vec<_> = groups.into_iter().map(|g| (order(&g), g)).collect();
    todo.sort_by_key(|(key, _)| *key);
    let mut taken: Vec<Ranges> = Vec::new();
    let overlaps = |x: &Range<usize>, y: &Range<usize>| x.start < y.end && y.start < x.end;
    let mut out = Vec::new();
    let mut next = 0;
    while next < todo.len() {
        let g = std::mem::take(&mut todo[next].1);
        next += 1;
        let (ra, rb) = (range(&g, |l| l.a), range(&g, |l| l.b));
        if taken
            .iter()
            .any(|(ta, tb)| overlaps(ta, &ra) || overlaps(tb, &rb))
        {
            // A group that runs into a larger one keeps what lies outside it: each piece
            // waits its turn by its own size.
            let links = g.len();
            for piece in outside(g, &taken, &alignment.candidates, qualifies) {
                // A piece holds fewer links than its group (one lay in a taken range, or
                // the group spanned one and was cut there), so this ends.
                debug_assert!(piece.len() < links);
                let key = order(&piece);
                let at = next + todo[next..].partition_point(|(k, _)| *k <= key);
                todo.insert(at, (key, piece));
            }
            continue;
        }
        if !qualifies(&g) {
            continue;
        }
        let passage = passage_of(&g, a, b, memo);
        if passage.is_list() {
            continue;
        }
        out.push(Group { passage, links: g });
        taken.push((ra, rb));
    }
    out.sort_by_key(|g| (g.passage.a.start, g.passage.b.start));
    out
}

/// Whether a group of links makes a passage: sentences on at least [`MIN_SENTENCES`] on one
/// side, or a long verbatim one, or a shared quote.
fn qualifies(g: &[Link], a: (&str, &Passages), b: (&str, &Passages)) -> bool {
    sentences(g, |l| l.a).len().max(sentences(g, |l| l.b).len()) >= MIN_SENTENCES
        || g.iter().any(|l| is_verbatim_sentence(l, a, b))
        || quoted(g, a.1, b.1) >= QUOTED_SHARE
}

/// The links of `group` that are among the alignment's `seeds` (sorted by `(a, b)`), as
/// against those extension added.
fn seeded<'g>(group: &'g [Link], seeds: &[Link]) -> impl Iterator<Item = &'g Link> {
    let key = |l: &Link| (l.a, l.b);
    group
        .iter()
        .filter(move |l| seeds.binary_search_by_key(&key(l), key).is_ok())
}

/// `group` without the sentences at either end of each side that only extension linked
/// (outside the span of the links that are among the alignment's `seeds`), or `None` if
/// there are none. For the report of a verbatim passage: its copied sentences align word
/// for word, so a sentence at its edge linked only by extension is the copier's own text
/// around the copy. (On the PAN 2013
/// training pairs, character precision of verbatim cases went from 0.924 to 0.945 and
/// recall from 0.942 to 0.936, plagdet over all pairs from 0.850 to 0.852; trimmed for
/// every passage, obfuscated ones lost more recall than they gained precision, plagdet
/// 0.846.)
fn seeded_core(group: &[Link], seeds: &[Link]) -> Option<Vec<Link>> {
    let seeded: Vec<&Link> = seeded(group, seeds).collect();
    let span = |side: fn(&Link) -> usize| {
        let lo = seeded.iter().map(|l| side(l)).min()?;
        let hi = seeded.iter().map(|l| side(l)).max()?;
        Some(lo..hi + 1)
    };
    let (ra, rb) = (span(|l| l.a)?, span(|l| l.b)?);
    let core: Vec<Link> = group
        .iter()
        .filter(|l| ra.contains(&l.a) && rb.contains(&l.b))
        .copied()
        .collect();
    (core.len() < group.len()).then_some(core)
}

/// What of `group` lies outside the sentences `taken` by groups before it, on both sides: its
/// other links, clustered again within each stretch between taken ranges, each cluster kept
/// when its `seeds` (the links the alignment found, as against those extension added)
/// `qualify` by themselves. (A group stretched by
/// extension into the next reuse's sentences lost that reuse whole when the two were
/// dropped as overlapping; kept, on the PAN 2013 training pairs, plagdet went from 0.844 to
/// 0.850, and the BBC articles had no pair newly flagged. Kept without asking for seeds,
/// one pair was, on a sentence linked only by extension.)
fn outside(
    group: Vec<Link>,
    taken: &[Ranges],
    seeds: &[Link],
    qualify: impl Fn(&[Link]) -> bool,
) -> Vec<Vec<Link>> {
    // Each link outside the taken sentences, with the stretch between taken ranges it lies
    // in on each side (how many taken ranges end before it): links in different stretches
    // are never one piece, even when a taken range between them is narrower than the gap
    // that clustering bridges.
    let stretch = |l: &Link| {
        let before = |side: fn(&Ranges) -> &Range<usize>, x: usize| {
            taken.iter().filter(|t| side(t).end <= x).count()
        };
        (before(|t| &t.0, l.a), before(|t| &t.1, l.b))
    };
    let mut free: Vec<((usize, usize), Link)> = group
        .into_iter()
        .filter(|l| {
            !taken
                .iter()
                .any(|(ta, tb)| ta.contains(&l.a) || tb.contains(&l.b))
        })
        .map(|l| (stretch(&l), l))
        .collect();
    free.sort_by_key(|(s, l)| (*s, l.a, l.b));
    let mut pieces: Vec<Vec<Link>> = free
        .chunk_by(|x, y| x.0 == y.0)
        .flat_map(|run| clusters(&run.iter().map(|(_, l)| *l).collect::<Vec<_>>()))
        .collect();
    pieces.retain(|piece| qualify(&seeded(piece, seeds).copied().collect::<Vec<_>>()));
    pieces
}

/// The passages of `groups` (those of one pair, from [`grouped`]) with those joined that one
/// reuse was split into where one side condensed the other (a summary, or a rewrite that cut
/// what lay between): two passages next to each other in the first document, in the same
/// order in the second, next to each other on one side (at most [`GAP`] sentences apart) and,
/// on the other, no further apart than the two passages' sentences there together, which
/// keeps two separate lifts from joining across a long stretch that neither took. Each join
/// is judged on the two passages it joins (not on what an earlier join made of one of them),
/// and none takes in text that another passage claims. Shared quotes are never joined. In
/// the order of the first document.
///
/// For the report of a flagged pair only: the verdict weighs the passages as they were
/// found. (Joined before the verdict, passages of two reports of one event that tell it in
/// the same order joined into long ones and flagged them; joined for the report, on the PAN
/// 2013 training pairs, the summaries' granularity went from 1.34 to 1.23 detections a case
/// and plagdet over all pairs from 0.837 to 0.845.)
pub(crate) fn condensed(
    groups: Vec<Group>,
    seeds: &[Link],
    (ta, pa, _): Side,
    (tb, pb, _): Side,
    memo: Option<&Memo>,
) -> Vec<Reused> {
    let reported: Vec<(Vec<Link>, Reused)> = groups
        .into_iter()
        .map(|g| core(g, seeds, (ta, pa), (tb, pb), memo))
        .collect();
    let ranges: Vec<Ranges> = reported
        .iter()
        .map(|(links, _)| (range(links, |l| l.a), range(links, |l| l.b)))
        .collect();
    let quoted: Vec<bool> = reported.iter().map(|(_, p)| p.how == How::Quoted).collect();
    let mut reported = reported.into_iter();
    let mut out = Vec::new();
    for run in join_runs(&ranges, &quoted) {
        let (mut links, passage) = reported.next().expect("one group per index");
        if run.len() == 1 {
            out.push(passage);
            continue;
        }
        for (more, _) in reported.by_ref().take(run.len() - 1) {
            links.extend(more);
        }
        links.sort_by_key(|l| (l.a, l.b));
        out.push(passage_of(&links, (ta, pa), (tb, pb), memo));
    }
    out
}

/// The sentences a group spans in the first document and in the second.
type Ranges = (Range<usize>, Range<usize>);

/// The links and passage of a group as [`condensed`] reports it: without the ends of a
/// verbatim passage that only extension linked (see [`seeded_core`]) when the rest still
/// makes a passage and is still verbatim (the ends can hold what trimming a verbatim passage
/// to its shared word 3-grams needs to find where the copy starts), else as found. Only
/// flagged pairs are reported, so only they pay for it.
fn core(
    group: Group,
    seeds: &[Link],
    a: (&str, &Passages),
    b: (&str, &Passages),
    memo: Option<&Memo>,
) -> (Vec<Link>, Reused) {
    if group.passage.how == How::Verbatim {
        let core = seeded_core(&group.links, seeds).filter(|c| qualifies(c, a, b));
        if let Some(core) = core {
            let passage = passage_of(&core, a, b, memo);
            if passage.how == How::Verbatim {
                return (core, passage);
            }
        }
    }
    (group.links, group.passage)
}

/// Which groups [`condensed`] joins: runs of consecutive indices of `ranges` (groups
/// disjoint on both sides, sorted along `a`), covering them all in order. Only a group's
/// successor along `a` can join it; along `b` it must come after it, and the text between
/// them must belong to no group outside the run. `quoted` groups join none.
fn join_runs(ranges: &[Ranges], quoted: &[bool]) -> Vec<Range<usize>> {
    let joins = |first: usize, i: usize, j: usize| {
        let ((la, lb), (ga, gb)) = (&ranges[i], &ranges[j]);
        if quoted[i] || quoted[j] || ga.start < la.end || gb.start < lb.end {
            return false;
        }
        let (gap_a, gap_b) = (ga.start - la.end, gb.start - lb.end);
        let close = (gap_a <= GAP && gap_b <= lb.len() + gb.len())
            || (gap_b <= GAP && gap_a <= la.len() + ga.len());
        let stretch = ranges[first].1.start..gb.end;
        let claimed = ranges.iter().enumerate().any(|(k, (_, kb))| {
            !(first..=j).contains(&k) && kb.start < stretch.end && stretch.start < kb.end
        });
        close && !claimed
    };
    let mut runs: Vec<Range<usize>> = Vec::new();
    for j in 0..ranges.len() {
        match runs.last_mut() {
            Some(run) if joins(run.start, run.end - 1, j) => run.end = j + 1,
            _ => runs.push(j..j + 1),
        }
    }
    runs
}

/// Adds to a group the links between sentences within [`GAP`] + 1 of it on both sides, at
/// least one of them not yet in the group, that are at least [`EXTEND_SIMILARITY`] alike,
/// for [`EXTEND_ROUNDS`] rounds: the weaker links of sentences edited more heavily than the
/// seeds (see the module docs). Keeps the group sorted by `(a, b)`.
///
/// (Letting the [sentence verifier](crate::semantic::sentence_score) add links here too was
/// measured on the PAN 2013 training pairs: recall did not move, and a scan of 100,000
/// articles took several times as long. Letting a long sentence that holds half of a short
/// neighbour's weight join, as [`rewrite::contained`] measures it, flagged about 1% more
/// obfuscated PAN pairs, cross-validated, but stretched passages past what was copied: a
/// lifted passage took in the story's next sentence, the seeds' rewrite its headline.)
fn extend(group: &mut Vec<Link>, wa: &WeightedPassages, wb: &WeightedPassages) {
    let reach = GAP + 1;
    // The window of the round before: its pairs were compared then (or were both linked,
    // as they still are), so a later round compares only the pairs new to its window.
    let mut before: Option<(Range<usize>, Range<usize>)> = None;
    for _ in 0..EXTEND_ROUNDS {
        let (ra, rb) = (range(group, |l| l.a), range(group, |l| l.b));
        // Groups are small: sorted lists beat hash sets.
        let (linked_a, linked_b) = (sentences(group, |l| l.a), sentences(group, |l| l.b));
        let wi = ra.start.saturating_sub(reach)..(ra.end + reach).min(wa.len());
        let wj = rb.start.saturating_sub(reach)..(rb.end + reach).min(wb.len());
        let mut added = Vec::new();
        for i in wi.clone() {
            let i_linked = linked_a.binary_search(&i).is_ok();
            for j in wj.clone() {
                let seen = before
                    .as_ref()
                    .is_some_and(|(bi, bj)| bi.contains(&i) && bj.contains(&j));
                if seen || (i_linked && linked_b.binary_search(&j).is_ok()) {
                    continue;
                }
                let similarity = rewrite::similarity_from(wa.get(i), wb.get(j), EXTEND_SIMILARITY);
                if let Some(similarity) = similarity {
                    added.push(Link {
                        a: i,
                        b: j,
                        similarity,
                    });
                }
            }
        }
        before = Some((wi, wj));
        if added.is_empty() {
            break;
        }
        group.extend(added);
        group.sort_by_key(|l| (l.a, l.b));
    }
}

/// The groups of links (see the module docs), each sorted by `(a, b)`, in no set order.
pub fn clusters(links: &[Link]) -> Vec<Vec<Link>> {
    let mut done = Vec::new();
    // (group, whether it is split by `a` next, sides tried in a row without a split)
    let mut todo = vec![(links.to_vec(), true, 0u8)];
    while let Some((mut group, by_a, tried)) = todo.pop() {
        if group.is_empty() {
            continue;
        }
        let key = |l: &Link| if by_a { (l.a, l.b) } else { (l.b, l.a) };
        group.sort_by_key(key);
        let parts = split(&group, |l| key(l).0);
        if parts.len() > 1 {
            // Each part is whole along this side: the other side is tried next.
            todo.extend(parts.into_iter().map(|p| (p, !by_a, 1)));
        } else if tried == 0 {
            todo.push((group, !by_a, 1));
        } else {
            group.sort_by_key(|l| (l.a, l.b));
            done.push(group);
        }
    }
    done
}

/// `group` (sorted by `key`) cut wherever more than [`GAP`] sentences lie between two
/// consecutive keys.
fn split(group: &[Link], key: impl Fn(&Link) -> usize) -> Vec<Vec<Link>> {
    group
        .chunk_by(|x, y| key(y) <= key(x) + GAP + 1)
        .map(<[Link]>::to_vec)
        .collect()
}

/// The sentences a group links on one side, ascending, each once.
fn sentences(group: &[Link], side: fn(&Link) -> usize) -> Vec<usize> {
    let mut v: Vec<usize> = group.iter().map(side).collect();
    v.sort_unstable();
    v.dedup();
    v
}

/// The sentences a group spans on one side.
fn range(group: &[Link], side: impl Fn(&Link) -> usize) -> std::ops::Range<usize> {
    let lo = group.iter().map(&side).min().unwrap_or(0);
    let hi = group.iter().map(&side).max().map_or(0, |x| x + 1);
    lo..hi
}

/// Words of the sentences in `range` (sentences hold their distinct terms only, so this
/// counts distinct words per sentence: enough to order groups by size).
fn words_in(passages: &Passages, range: std::ops::Range<usize>) -> usize {
    range.map(|i| passages.term_count(i)).sum()
}

/// Whether a link joins two sentences that are word for word the same (see
/// [`MIN_VERBATIM_WORDS`]). Cheap for the many short ones: their word counts rule them out
/// before their words are read.
fn is_verbatim_sentence(
    l: &Link,
    (ta, pa): (&str, &Passages),
    (tb, pb): (&str, &Passages),
) -> bool {
    let (xa, xb) = (pa.get(l.a), pb.get(l.b));
    if xa.words().max(xb.words()) < MIN_VERBATIM_WORDS {
        return false;
    }
    let (wa, wb) = (
        words_of(ta, pa, l.a..l.a + 1),
        words_of(tb, pb, l.b..l.b + 1),
    );
    How::of(phrasing_of(&wa.words, &wb.words)) == How::Verbatim
}

/// The smaller of the two sides' shares of quoted words over a group's aligned sentences.
fn quoted(group: &[Link], pa: &Passages, pb: &Passages) -> f64 {
    let share = |p: &Passages, side: fn(&Link) -> usize| {
        let (quoted, words) = sentences(group, side).iter().fold((0, 0), |(q, w), &i| {
            let s = p.get(i);
            (q + s.quoted_words().min(s.words()), w + s.words())
        });
        if words == 0 {
            0.0
        } else {
            quoted as f64 / words as f64
        }
    };
    share(pa, |l| l.a).min(share(pb, |l| l.b))
}

/// The passage a group makes. A side whose passages are `memo`'s is read from it.
fn passage_of(
    group: &[Link],
    (ta, pa): (&str, &Passages),
    (tb, pb): (&str, &Passages),
    memo: Option<&Memo>,
) -> Reused {
    let (ra, rb) = (range(group, |l| l.a), range(group, |l| l.b));
    let span = |p: &Passages, r: &std::ops::Range<usize>| {
        Span::new(p.span(r.start).start, p.span(r.end - 1).end)
    };
    let (sa, sb) = (span(pa, &ra), span(pb, &rb));
    let (xa, xb) = (
        SideWords::read(memo, ta, pa, ra.clone()),
        SideWords::read(memo, tb, pb, rb.clone()),
    );
    let phrased = phrasing_of_sides(&xa, &xb);
    // A verbatim passage is trimmed to the words it shares at its ends (see `trimmed`);
    // `None` for a side left whole.
    let (cut_a, cut_b) = if How::of(phrased) == How::Verbatim {
        trimmed((&xa, sa, (ta, pa, &ra)), (&xb, sb, (tb, pb, &rb)))
    } else {
        (None, None)
    };
    let (wa, sa) = cut_a
        .as_ref()
        .map_or((xa.run.words.as_slice(), sa), |(w, s)| (w.as_slice(), *s));
    let (wb, sb) = cut_b
        .as_ref()
        .map_or((xb.run.words.as_slice(), sb), |(w, s)| (w.as_slice(), *s));
    // Untrimmed, the phrasing stays.
    let phrasing = if cut_a.is_some() || cut_b.is_some() {
        phrasing_of(wa, wb)
    } else {
        phrased
    };
    // Each sentence of `a` by its best link, weighted by its words.
    let (mut weighted, mut weight) = (0.0, 0.0);
    for run in group.chunk_by(|x, y| x.a == y.a) {
        let best = run
            .iter()
            .max_by(|x, y| x.similarity.total_cmp(&y.similarity).then(y.b.cmp(&x.b)))
            .expect("a run is not empty");
        let w = pa.term_count(best.a) as f64;
        weighted += best.similarity * w;
        weight += w;
    }
    let similarity = if weight > 0.0 { weighted / weight } else { 0.0 };
    let (overlap, containment) = bags(&xa.union.terms, &xb.union.terms);
    // A side's words are its sentences' (see `Run::recorded`) unless trimming dropped some.
    fn side<'x>(x: &'x SideWords, cut: &Cut) -> (Cow<'x, Ordinary>, f64) {
        match cut {
            Some((words, _)) => (Cow::Owned(ordinary_of(words)), function_share(words)),
            None => (Cow::Borrowed(&x.ordinary), x.function),
        }
    }
    let ((oa, fa), (ob, fb)) = (side(&xa, &cut_a), side(&xb, &cut_b));
    let (vocabulary, ordinary) = vocabulary(&oa, &ob);
    let function = fa.max(fb);
    let quoted = quoted(group, pa, pb);
    Reused {
        a: sa,
        b: sb,
        words_a: wa.len(),
        words_b: wb.len(),
        share_a: 0.0,
        share_b: 0.0,
        sentences_a: sentences(group, |l| l.a).len(),
        sentences_b: sentences(group, |l| l.b).len(),
        similarity,
        phrasing,
        overlap,
        containment,
        vocabulary,
        ordinary,
        function,
        quoted,
        how: if quoted >= QUOTED_SHARE {
            How::Quoted
        } else {
            How::of(phrasing)
        },
    }
}

/// Share of function words among a run of words.
fn function_share(words: &[(passage::Term, bool)]) -> f64 {
    let n = words.iter().filter(|(t, _)| t.is_function()).count();
    n as f64 / words.len().max(1) as f64
}

/// The words of two sides of a passage without the words at either end that start no word
/// 3-gram of the other side: a passage is made of whole sentences, and a copy often starts
/// or ends inside one (the copier's own words before or after). Only for verbatim passages:
/// an edited one shares too few 3-grams near its ends to find them (on the PAN 2013 training
/// pairs, trimming obfuscated passages too, by 3-grams or by shared content words, cost
/// more recall than it gained precision). A side is trimmed within its first and last
/// sentences only, so a sentence that holds nothing of the other side is kept when it lies
/// inside the passage. Each side comes with its span and the sentences it was read from;
/// what comes back for it is its words and span when it was trimmed, `None` when it is
/// whole. Each side's word [`TRIM_GRAM`]-grams are looked up in the other's.
fn trimmed(a: (&SideWords, Span, At), b: (&SideWords, Span, At)) -> (Cut, Cut) {
    const N: usize = TRIM_GRAM;
    if a.0.grams.is_empty() || b.0.grams.is_empty() {
        return (None, None); // a side too short for a 3-gram: nothing to trim by
    }
    let cut = |(side, span, (text, passages, range)): (&SideWords, Span, At), other: &[u64]| {
        let (run, own) = (&side.run, &side.grams);
        let shared = |k: &usize| other.binary_search(&own[*k]).is_ok();
        let (lo, hi) = ((0..own.len()).find(shared)?, (0..own.len()).rfind(shared)?);
        let len = run.words.len();
        // A 3-gram spans three words: the last one shared ends two words on. Never past the
        // end of the first sentence, nor before the start of the last.
        let lo = lo.min(run.first.saturating_sub(1));
        let hi = (hi + N)
            .min(len)
            .max((len + 1).saturating_sub(run.last).min(len));
        if lo == 0 && hi == len {
            return None;
        }
        // An end not cut keeps the sentence's punctuation and closing quotes; a cut one is
        // found among the words of its sentence.
        let word = |i: usize, k: usize| passage::words(text, passages.span(i))[k].0;
        let start = if lo == 0 {
            span.start
        } else {
            word(range.start, lo).start
        };
        let end = if hi == len {
            span.end
        } else {
            word(range.end - 1, hi - 1 - (len - run.last)).end
        };
        Some((run.words[lo..hi].to_vec(), Span::new(start, end)))
    };
    let (sorted_a, sorted_b) = (a.0.sorted(), b.0.sorted());
    (cut(a, sorted_b), cut(b, sorted_a))
}

/// One side of a passage as [`trimmed`] leaves it: its words and span when trimmed, `None`
/// when whole.
type Cut = Option<(Words, Span)>;

/// The word n-grams by which [`trimmed`] finds where a verbatim copy starts and ends.
const TRIM_GRAM: usize = 3;

/// The words of a run of text, each as its term and whether it is a content word that states
/// a fact (see [`is_fact`]), in text order.
type Words = Vec<(passage::Term, bool)>;

/// Where a run of [`Words`] was read: the text, its passages and the range of them.
type At<'a> = (&'a str, &'a Passages, &'a Range<usize>);

/// The words of a range of sentences (and of any text between them) and how many of them
/// its first sentence and its last hold.
struct Run {
    words: Words,
    first: usize,
    last: usize,
    /// Whether every word came from its sentence's recorded order (no word read from the
    /// text, between sentences or of an unrecorded one): its content words are then those of
    /// the sentences' [`Union`].
    recorded: bool,
}

/// The [`Run`] of sentences `range` of a text: their recorded words (see
/// [`passage::Passage::in_order`]), read from the text where they were not recorded, as
/// are the words of any text between two of them (a sentence too short to be a passage).
fn words_of(text: &str, passages: &Passages, range: Range<usize>) -> Run {
    let read = |span: Span, out: &mut Words| {
        let before = out.len();
        out.extend(
            passage::words(text, span)
                .into_iter()
                .map(|(at, term)| (term, !term.is_function() && is_fact(text, at))),
        );
        out.len() - before
    };
    let mut words = Vec::with_capacity(range.clone().map(|i| passages.get(i).words()).sum());
    let (mut first, mut last) = (0, 0);
    let mut recorded = true;
    let mut end = None;
    for i in range.clone() {
        let sentence = passages.get(i);
        if let Some(end) = end {
            let between = Span::new(end, sentence.span.start);
            if text[between.start..between.end]
                .chars()
                .any(|c| !c.is_whitespace())
            {
                recorded &= read(between, &mut words) == 0;
            }
        }
        end = Some(sentence.span.end);
        last = match sentence.in_order() {
            Some(order) => {
                words.extend(order);
                sentence.order_len()
            }
            None => {
                recorded = false;
                read(sentence.span, &mut words)
            }
        };
        if i == range.start {
            first = last;
        }
    }
    Run {
        words,
        first,
        last,
        recorded,
    }
}

/// Whether a word, as it stands in the text, states a fact rather than carries phrasing: a
/// number (it holds a digit) or a name (it starts with a capital letter and does not start a
/// sentence or line).
pub fn is_fact(text: &str, word: Span) -> bool {
    let w = &text[word.start..word.end];
    if w.bytes().any(|b| b.is_ascii_digit()) {
        return true;
    }
    if !w.chars().next().is_some_and(char::is_uppercase) {
        return false;
    }
    // What precedes the word, skipping spaces and opening quotes or brackets.
    let before = text[..word.start]
        .trim_end_matches(|c: char| c == ' ' || c == '\t' || "\"'“‘([".contains(c));
    !(before.is_empty() || before.ends_with(['.', '!', '?', '\n', ':']))
}

/// One side's ordinary content words (the hashes of the terms none of whose occurrences is
/// a fact: see [`is_fact`]), sorted, and how many distinct content words it has.
type Ordinary = (Vec<u64>, usize);

/// [`Ordinary`] of a run of words in text order.
fn ordinary_of(words: &[(passage::Term, bool)]) -> Ordinary {
    // Content words, each with whether it stands as a fact there, in one number: a content
    // term's hash has its lowest bit clear (see [`passage::Term`]), which here tells a fact.
    // Sorted, a term's occurrences are adjacent, and it is ordinary when none of them is a
    // fact.
    let mut content: Vec<u64> = words
        .iter()
        .filter(|(t, _)| !t.is_function())
        .map(|&(t, fact)| t.hash() | u64::from(fact))
        .collect();
    content.sort_unstable();
    let mut ordinary = Vec::new();
    let mut n = 0;
    for run in content.chunk_by(|x, y| x >> 1 == y >> 1) {
        n += 1;
        if run.iter().all(|&x| x & 1 == 0) {
            ordinary.push(run[0]);
        }
    }
    (ordinary, n)
}

/// [`Ordinary`] of a run of sentences from their [`Union`], when the run's words were all
/// recorded ([`Run::recorded`]): the same as [`ordinary_of`] their words, without sorting
/// them.
fn ordinary_of_union(union: &Union) -> Ordinary {
    let content = union.terms.iter().filter(|(t, _)| !t.is_function());
    let n = content.clone().count();
    let ordinary = content
        .filter(|(_, fact)| !fact)
        .map(|(t, _)| t.hash())
        .collect();
    (ordinary, n)
}

/// The distinct terms of a run of sentences, sorted, each with whether one of its
/// occurrences there states a fact.
struct Union {
    /// The facts are known when every sentence's word order was recorded; else a term of an
    /// unrecorded sentence says false.
    terms: Vec<(passage::Term, bool)>,
}

/// The [`Union`] of sentences `range`: their sorted term lists merged, one after another.
fn union(passages: &Passages, range: Range<usize>) -> Union {
    let mut terms: Vec<(passage::Term, bool)> = Vec::new();
    let mut merged = Vec::new();
    let mut flags = [false; passage::ORDERED_TERMS];
    for i in range {
        let sentence = passages.get(i);
        let known = sentence.term_facts(&mut flags);
        let fact = |k: usize| known && flags[k];
        if terms.is_empty() {
            terms.extend(
                sentence
                    .terms
                    .iter()
                    .enumerate()
                    .map(|(k, &t)| (t, fact(k))),
            );
            continue;
        }
        merged.clear();
        merged.reserve(terms.len() + sentence.terms.len());
        let (mut x, mut k) = (0, 0);
        while x < terms.len() && k < sentence.terms.len() {
            let (t, f) = terms[x];
            let u = sentence.terms[k];
            match t.cmp(&u) {
                std::cmp::Ordering::Less => {
                    merged.push((t, f));
                    x += 1;
                }
                std::cmp::Ordering::Greater => {
                    merged.push((u, fact(k)));
                    k += 1;
                }
                std::cmp::Ordering::Equal => {
                    merged.push((t, f || fact(k)));
                    x += 1;
                    k += 1;
                }
            }
        }
        merged.extend_from_slice(&terms[x..]);
        merged.extend(
            sentence.terms[k..]
                .iter()
                .enumerate()
                .map(|(d, &u)| (u, fact(k + d))),
        );
        std::mem::swap(&mut terms, &mut merged);
    }
    Union { terms }
}

/// See [`Reused::vocabulary`] and [`Reused::ordinary`], from each side's [`Ordinary`].
fn vocabulary(x: &Ordinary, y: &Ordinary) -> (f64, f64) {
    let share = |(o, n): &Ordinary| {
        if *n == 0 {
            0.0
        } else {
            o.len() as f64 / *n as f64
        }
    };
    let ordinary = share(x).max(share(y));
    let (small, large) = if x.0.len() <= y.0.len() {
        (x, y)
    } else {
        (y, x)
    };
    // Over all its content words, so that a passage of names and numbers with a word or two
    // between them (a team line-up, a list of results) scores low, not 1.
    if small.1 == 0 {
        return (0.0, ordinary);
    }
    let found = small
        .0
        .iter()
        .filter(|t| large.0.binary_search(t).is_ok())
        .count();
    (found as f64 / small.1 as f64, ordinary)
}

/// Share of `items` found in `sorted` (0 for no items).
fn contained<T: Ord>(items: &[T], sorted: &[T]) -> f64 {
    if items.is_empty() {
        return 0.0;
    }
    let found = items
        .iter()
        .filter(|t| sorted.binary_search(t).is_ok())
        .count();
    found as f64 / items.len() as f64
}

/// Weighted Jaccard and containment of the lighter side of the terms of two runs of
/// sentences.
fn bags(x: &[(passage::Term, bool)], y: &[(passage::Term, bool)]) -> (f64, f64) {
    let weight = |(t, _): &(passage::Term, bool)| {
        if t.is_function() {
            rewrite::FUNCTION_WEIGHT
        } else {
            rewrite::CONTENT_WEIGHT
        }
    };
    let (wx, wy): (u32, u32) = (x.iter().map(weight).sum(), y.iter().map(weight).sum());
    let (mut i, mut j, mut shared) = (0, 0, 0u32);
    while i < x.len() && j < y.len() {
        match x[i].0.cmp(&y[j].0) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                shared += weight(&x[i]);
                i += 1;
                j += 1;
            }
        }
    }
    let ratio = |n: u32, d: u32| {
        if d == 0 {
            0.0
        } else {
            f64::from(n) / f64::from(d)
        }
    };
    (ratio(shared, wx + wy - shared), ratio(shared, wx.min(wy)))
}

/// Share of the shorter side's word 3-grams (of terms) that occur in the other side; for
/// sides shorter than three words, the share of its words.
pub fn phrasing(a: &[(Span, passage::Term)], b: &[(Span, passage::Term)]) -> f64 {
    let terms =
        |w: &[(Span, passage::Term)]| -> Words { w.iter().map(|&(_, t)| (t, false)).collect() };
    phrasing_of(&terms(a), &terms(b))
}

/// [`phrasing`] of two runs of [`Words`].
fn phrasing_of(a: &[(passage::Term, bool)], b: &[(passage::Term, bool)]) -> f64 {
    let n = if a.len().min(b.len()) >= TRIM_GRAM {
        TRIM_GRAM
    } else {
        1
    };
    let (short, long) = if a.len() > b.len() { (b, a) } else { (a, b) };
    // A passage has tens to hundreds of 3-grams, so sorting beats hashing.
    let mut sorted_long = grams(long, n);
    sorted_long.sort_unstable();
    contained(&grams(short, n), &sorted_long)
}

/// The hashes of the word `n`-grams of a run of words, in order.
fn grams(side: &[(passage::Term, bool)], n: usize) -> Vec<u64> {
    side.windows(n)
        .map(|w| {
            w.iter().fold(0u64, |h, (t, _)| {
                (h ^ t.hash())
                    .wrapping_mul(0x9e37_79b9_7f4a_7c15)
                    .rotate_left(29)
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn link(a: usize, b: usize) -> Link {
        Link {
            a,
            b,
            similarity: 0.5,
        }
    }

    fn sorted(mut groups: Vec<Vec<Link>>) -> Vec<Vec<(usize, usize)>> {
        let mut out: Vec<Vec<(usize, usize)>> = groups
            .drain(..)
            .map(|g| g.iter().map(|l| (l.a, l.b)).collect())
            .collect();
        out.sort();
        out
    }

    /// The union of a run of sentences' terms is their terms sorted without repeats, and the
    /// ordinary words read from it are those read from the run's words (tolerance: none),
    /// for every run of sentences of a text with names, numbers and repeated words.
    #[test]
    fn a_union_of_sentences_gives_what_their_words_give() {
        let text = "Ministers met in Brussels on Monday to agree the budget. The budget rose by \
            3 per cent, Ministers said, and Brussels agreed. Critics in Paris said the rise was \
            too small. The Paris office of the Commission did not comment on Monday. A budget \
            vote follows in March, when the ministers meet again.";
        let p = passage::passages(text);
        assert_eq!(p.len(), 5);
        for start in 0..p.len() {
            for end in start + 1..=p.len() {
                let u = union(&p, start..end);
                let mut want: Vec<passage::Term> = (start..end)
                    .flat_map(|i| p.get(i).terms.iter().copied())
                    .collect();
                want.sort_unstable();
                want.dedup();
                let got: Vec<passage::Term> = u.terms.iter().map(|&(t, _)| t).collect();
                assert_eq!(got, want, "{start}..{end}");
                let run = words_of(text, &p, start..end);
                assert!(run.recorded);
                assert_eq!(
                    ordinary_of_union(&u),
                    ordinary_of(&run.words),
                    "{start}..{end}"
                );
            }
        }
        // "Brussels" is a fact wherever it stands; "Ministers" opening a sentence is not,
        // but "Ministers said" in the second is: a word is ordinary when no occurrence is a
        // fact.
        let ordinary = |r: Range<usize>| ordinary_of_union(&union(&p, r)).0;
        let term = |w: &str| passage::words(w, Span::new(0, w.len()))[0].1.hash();
        assert!(!ordinary(0..5).contains(&term("Brussels")));
        assert!(ordinary(0..1).contains(&term("ministers")));
        assert!(ordinary(4..5).contains(&term("ministers")));
        assert!(!ordinary(0..2).contains(&term("ministers")));
        assert!(!ordinary(0..5).contains(&term("ministers")));
    }

    /// A verbatim lift that starts and ends inside sentences, with a sentence too short to be
    /// a passage inside it: the passage is trimmed to the copied words at both ends on the
    /// side that added its own (tolerance: none, byte offsets), its words count the short
    /// sentence, and the words read back match the text's own.
    #[test]
    fn a_verbatim_lift_inside_sentences_is_trimmed_to_the_copied_words() {
        let lift = "the regional council approved a new budget for public schools on Monday \
            evening after a long debate. It passed. Teachers will receive higher salaries from \
            the autumn term, the council said. Parents had protested outside the town hall for \
            three weeks before the vote";
        let a =
            format!("Weather was fine. Reports said that {lift}, and then everyone left early.");
        let b =
            format!("Local news follows below. As we reported, {lift} was finally taken by hand.");
        let (pa, pb) = (passage::passages(&a), passage::passages(&b));
        let (wa, wb) = (
            rewrite::weigh(&pa, |_| false),
            rewrite::weigh(&pb, |_| false),
        );
        let alignment = rewrite::align(&wa, &wb, 0.3);
        let found = passages(&alignment, (&a, &pa, &wa), (&b, &pb, &wb));
        assert_eq!(found.len(), 1, "{found:?}");
        let p = &found[0];
        assert_eq!(p.how, How::Verbatim);
        let (start, end) = (a.find(lift).unwrap(), a.find(lift).unwrap() + lift.len());
        assert_eq!(&a[p.a.start..p.a.end], &a[start..end]);
        let start_b = b.find(lift).unwrap();
        assert_eq!(&b[p.b.start..p.b.end], &b[start_b..start_b + lift.len()]);
        let lift_words = passage::words(lift, Span::new(0, lift.len())).len();
        assert_eq!((p.words_a, p.words_b), (lift_words, lift_words));
        assert_eq!(p.phrasing, 1.0);
        // The run the passage was read from: every word of its sentences, the short one too.
        let range = 1..pa.len();
        let run = words_of(&a, &pa, range.clone());
        let span = Span::new(pa.get(1).span.start, pa.get(pa.len() - 1).span.end);
        let read: Words = passage::words(&a, span)
            .into_iter()
            .map(|(at, t)| (t, !t.is_function() && is_fact(&a, at)))
            .collect();
        assert_eq!(run.words, read);
        assert_eq!(run.first, pa.get(1).words());
        assert_eq!(run.last, pa.get(pa.len() - 1).words());
    }

    /// Three sentences that tests lift from one article into another.
    const LIFT: &str = "The regional council approved a new budget for public schools on \
        Monday evening after a long debate. Teachers will receive higher salaries starting \
        from the autumn term next year, the council said. Parents had protested outside the \
        town hall for three weeks before the vote was finally taken.";

    /// A verbatim lift of three sentences, each article's own sentence before it sharing a
    /// few words with the other's (so extension links the two, and they share the 3-grams
    /// that trimming a verbatim passage keeps): the report starts at the lift.
    #[test]
    fn a_verbatim_lift_is_reported_without_what_only_extension_linked() {
        let lift = LIFT;
        let a = format!("The council said the regional budget vote was expected this week. {lift}");
        let b = format!("The council said it had met the unions twice this week. {lift}");
        let (pa, pb) = (passage::passages(&a), passage::passages(&b));
        let (wa, wb) = (
            rewrite::weigh(&pa, |_| false),
            rewrite::weigh(&pb, |_| false),
        );
        let edge = rewrite::similarity(wa.get(0), wb.get(0));
        assert!((EXTEND_SIMILARITY..0.3).contains(&edge), "{edge}");
        let alignment = rewrite::align(&wa, &wb, 0.3);
        let (sa, sb) = ((a.as_str(), &pa, &wa), (b.as_str(), &pb, &wb));
        let groups = grouped(&alignment, sa, sb, None);
        assert_eq!(groups.len(), 1);
        assert_eq!(groups[0].passage.how, How::Verbatim);
        assert_eq!(
            groups[0].passage.a.start, 0,
            "extension took in the first sentences"
        );
        let reported = condensed(groups, &alignment.candidates, sa, sb, None);
        let starts = (reported[0].a.start, reported[0].b.start);
        assert_eq!(starts, (a.len() - lift.len(), b.len() - lift.len()));
    }

    /// One document judged against several, its sides read from a memo as a scan does,
    /// gives the passages it gives without one, on either side of a pair, verbatim or
    /// edited.
    #[test]
    fn a_memo_changes_no_passage() {
        let lift = LIFT;
        let edited = "The regional council passed a new budget for state schools on Monday \
            night after a long debate. Teachers are to get higher pay starting from the autumn \
            term next year, the council said. Parents protested outside the town hall for \
            three weeks before the vote was taken.";
        let a = format!("Rain is expected all week in the north. {lift} Roads stay closed.");
        let others = [
            format!("The unions met the council twice. {lift}"),
            format!("In other news today. {edited} More follows."),
            format!("{lift} Sport follows after the break."),
        ];
        let pa = passage::passages(&a);
        let wa = rewrite::weigh(&pa, |_| false);
        let memo = Memo::new(&pa);
        let mut found = 0;
        for b in &others {
            let pb = passage::passages(b);
            let wb = rewrite::weigh(&pb, |_| false);
            let (sa, sb) = ((a.as_str(), &pa, &wa), (b.as_str(), &pb, &wb));
            for (x, y, alignment) in [
                (sa, sb, rewrite::align(&wa, &wb, 0.3)),
                (sb, sa, rewrite::align(&wb, &wa, 0.3)),
            ] {
                let report = |memo: Option<&Memo>| {
                    let groups = grouped(&alignment, x, y, memo);
                    let passages: Vec<Reused> = groups.iter().map(|g| g.passage.clone()).collect();
                    (
                        passages,
                        condensed(groups, &alignment.candidates, x, y, memo),
                    )
                };
                let without = report(None);
                assert_eq!(report(Some(&memo)), without, "{b}");
                found += without.0.len();
            }
        }
        assert!(
            found >= 6,
            "every pair shares a passage, both ways: {found}"
        );
        assert!(!memo.is_empty(), "the memo was used");
    }

    #[test]
    fn a_verbatim_core_drops_edge_sentences_that_only_extension_linked() {
        let group = [
            link(1, 10),
            link(2, 11),
            link(3, 12),
            link(4, 13),
            link(5, 15),
        ];
        // 1 and 5 were linked by extension only; 3 inside the seeds stays whatever linked it.
        let seeds = [link(2, 11), link(4, 13)];
        let core = seeded_core(&group, &seeds).expect("the ends change");
        assert_eq!(sorted(vec![core]), vec![vec![(2, 11), (3, 12), (4, 13)]]);
        // Seeds at both ends: nothing to drop.
        assert!(seeded_core(&group, &[link(1, 10), link(5, 15)]).is_none());
        // No seed at all (a group kept on a verbatim sentence that extension reached): kept.
        assert!(seeded_core(&group, &[]).is_none());
    }

    #[test]
    fn a_group_keeps_what_lies_outside_a_larger_one() {
        let taken = [(10..15, 50..55)];
        let two_sentences = |g: &[Link]| sentences(g, |l| l.a).len() >= 2;
        // Extension linked sentence 1 to 52, inside the larger group in b; the rest of the
        // group is a reuse of its own.
        let group = vec![link(1, 52), link(2, 55), link(3, 56), link(4, 57)];
        let seeds = [link(2, 55), link(3, 56), link(4, 57)];
        let kept = outside(group.clone(), &taken, &seeds, two_sentences);
        assert_eq!(sorted(kept), vec![vec![(2, 55), (3, 56), (4, 57)]]);
        // What is left holds one aligned sentence; the other was linked by extension only.
        let seeds = [link(1, 52), link(2, 55)];
        assert!(outside(group, &taken, &seeds, two_sentences).is_empty());
        // Links on both sides of the larger group in `a` are two clusters.
        let group = vec![
            link(8, 60),
            link(9, 61),
            link(12, 62),
            link(16, 63),
            link(17, 64),
        ];
        let kept = outside(group.clone(), &taken, &group, two_sentences);
        assert_eq!(
            sorted(kept),
            vec![vec![(8, 60), (9, 61)], vec![(16, 63), (17, 64)]]
        );
        // Links on both sides of a one-sentence taken range, close enough to cluster: still
        // two pieces, neither spanning the taken sentence.
        let narrow = [(20..21, 70..71)];
        let group = vec![link(19, 80), link(21, 81)];
        let kept = outside(group.clone(), &narrow, &group, |_: &[Link]| true);
        assert_eq!(sorted(kept), vec![vec![(19, 80)], vec![(21, 81)]]);
    }

    #[test]
    fn links_within_the_gap_stay_together_and_far_ones_split() {
        // 0-1-3 in a are within one sentence of each other; 10 is far.
        let links = [link(0, 5), link(1, 6), link(3, 7), link(10, 8)];
        assert_eq!(
            sorted(clusters(&links)),
            vec![vec![(0, 5), (1, 6), (3, 7)], vec![(10, 8)]]
        );
    }

    /// A summary keeps four sentences of a source in order, two from its start and two from
    /// after `filler` sentences it left out: one reuse when the gap is no longer than the
    /// kept sentences there (4), two otherwise.
    fn summary_passages(filler: usize) -> (Vec<Reused>, usize) {
        let kept = [
            "The regional council approved a new budget for public schools on Monday evening.",
            "Teachers will receive higher salaries starting from the autumn term next year.",
            "Parents had protested outside the town hall for three weeks before the vote.",
            "Opposition members argued the plan relies on optimistic forecasts of tax revenue.",
        ];
        let fillers = [
            "A storm damaged several fishing boats in the harbour during the night.",
            "The museum opened an exhibition of medieval maps borrowed from abroad.",
            "Local football fans celebrated a late winning goal against the league leaders.",
            "A new bakery on the main square sells bread made with ancient grains.",
            "Cyclists asked for safer lanes along the coastal road after an accident.",
            "The library extended its opening hours for students preparing exams.",
        ];
        let mut source: Vec<&str> = kept[..2].to_vec();
        source.extend(&fillers[..filler]);
        source.extend(&kept[2..]);
        let (a, b) = (kept.join(" "), source.join(" "));
        let (pa, pb) = (passage::passages(&a), passage::passages(&b));
        let (wa, wb) = (
            rewrite::weigh(&pa, |_| false),
            rewrite::weigh(&pb, |_| false),
        );
        let alignment = rewrite::align(&wa, &wb, 0.3);
        let (sa, sb) = ((a.as_str(), &pa, &wa), (b.as_str(), &pb, &wb));
        let groups = grouped(&alignment, sa, sb, None);
        assert_eq!(groups.len(), 2, "the gap in the source splits the links");
        (
            condensed(groups, &alignment.candidates, sa, sb, None),
            b.len(),
        )
    }

    /// Join runs of groups given as (a, b) sentence ranges.
    fn runs(ranges: &[(Range<usize>, Range<usize>)]) -> Vec<Range<usize>> {
        join_runs(ranges, &vec![false; ranges.len()])
    }

    #[test]
    fn joins_are_judged_pair_by_pair_and_claim_no_other_passage() {
        // Next to each other in a; in b, gaps of 4, 8 and 10 after 2-sentence passages: the
        // first is within the two passages' 4 sentences, the others are not (an earlier
        // join does not widen what the next may bridge).
        let chain = [(0..2, 0..2), (2..4, 6..8), (4..6, 16..18), (6..8, 28..30)];
        assert_eq!(runs(&chain), vec![0..2, 2..3, 3..4]);
        // The two later groups could join (gap 6 in b, 10 sentences around it), but the
        // text between them in b is the first group's.
        let claimed = [(0..2, 7..9), (10..15, 0..5), (16..21, 11..16)];
        assert_eq!(runs(&claimed), vec![0..1, 1..2, 2..3]);
        // Out of order in b, or a quote: no join.
        assert_eq!(runs(&[(0..2, 5..7), (2..4, 0..2)]), vec![0..1, 1..2]);
        let pair = [(0..2, 0..2), (2..4, 3..5)];
        assert_eq!(runs(&pair), vec![0..2]);
        assert_eq!(join_runs(&pair, &[false, true]), vec![0..1, 1..2]);
    }

    #[test]
    fn a_summary_split_by_what_it_left_out_is_one_passage() {
        for filler in [2, 4] {
            let (joined, source_len) = summary_passages(filler);
            assert_eq!(joined.len(), 1, "{filler} sentences left out");
            assert_eq!((joined[0].sentences_a, joined[0].sentences_b), (4, 4));
            // The whole source, what the summary left out included.
            assert_eq!(joined[0].b, Span::new(0, source_len), "{filler}");
        }
        // Five sentences left out: more than the four kept around them.
        assert_eq!(summary_passages(5).0.len(), 2);
    }

    /// Two reports of one match list the same team in their own layout: the sentences
    /// align on the names, but a list is no reused passage; the same list word for word is.
    #[test]
    fn a_line_up_in_other_words_is_no_reused_passage() {
        // Each outlet frames the list in its own words.
        let (own, other) = (
            (
                "Wales have made two changes for Saturday's game in Rome.",
                "The coach said the squad was in good shape.",
            ),
            (
                "Injury forced a late reshuffle before the trip to Italy this weekend.",
                "Tickets for the match have sold out.",
            ),
        );
        let report = |(lead, end): (&str, &str), players: &str, bench: &str| {
            format!("{lead} The side: {players}. Replacements: {bench}. {end}")
        };
        let (players, bench) = (
            "G Thomas (capt); K Morgan, T Shanklin, G Henson, S Williams; S Jones, D Peel; \
             G Jenkins, M Davies, A Jones; B Cockbain, R Sidoli",
            "R McBryde, J Yapp, I Gough, R Sowden-Taylor, M Phillips, C Sweeney",
        );
        let a = report(own, players, bench);
        let b = report(
            other,
            "G Thomas (Toulouse, capt); K Morgan (Dragons), T Shanklin (Blues), \
             G Henson (Ospreys), S Williams (Ospreys); S Jones (Clermont), D Peel (Scarlets); \
             G Jenkins (Blues), M Davies (Gloucester), A Jones (Ospreys); B Cockbain \
             (Ospreys), R Sidoli (Blues)",
            "R McBryde (Scarlets), J Yapp (Blues), I Gough (Dragons), R Sowden-Taylor \
             (Blues), M Phillips (Blues), C Sweeney (Dragons)",
        );
        let found = |a: &str, b: &str| {
            let (pa, pb) = (passage::passages(a), passage::passages(b));
            let (wa, wb) = (
                rewrite::weigh(&pa, |_| false),
                rewrite::weigh(&pb, |_| false),
            );
            let alignment = rewrite::align(&wa, &wb, 0.3);
            let linked = alignment.candidates.len();
            (linked, passages(&alignment, (a, &pa, &wa), (b, &pb, &wb)))
        };
        let (linked, reused) = found(&a, &b);
        assert!(linked >= 2, "the lists align: {linked} links");
        assert!(reused.is_empty(), "{reused:?}");
        // The same list, word for word, in the other outlet's frame.
        let (_, reused) = found(&a, &report(other, players, bench));
        assert_eq!(reused.len(), 1);
        assert_eq!(reused[0].how, How::Verbatim);
        assert!(reused[0].ordinary < LIST_ORDINARY, "{}", reused[0].ordinary);
    }

    #[test]
    fn a_group_close_in_a_but_far_in_b_splits_by_b() {
        // Consecutive in a, but the second pair comes from far away in b.
        let links = [link(0, 0), link(1, 1), link(2, 40), link(3, 41)];
        assert_eq!(
            sorted(clusters(&links)),
            vec![vec![(0, 0), (1, 1)], vec![(2, 40), (3, 41)]]
        );
    }

    #[test]
    fn phrasing_is_one_for_the_same_words_and_low_for_reordered_ones() {
        let w = |s: &str| passage::words(s, Span::new(0, s.len()));
        let a = w("the minister resigned on monday after a row over expenses");
        assert_eq!(phrasing(&a, &a), 1.0);
        let b = w("after a dispute about expenses on monday the minister quit");
        // Shared 3-grams: none but "on monday"-free ones; tolerance: below 0.2.
        assert!(phrasing(&a, &b) < 0.2, "{}", phrasing(&a, &b));
        assert_eq!(How::of(1.0), How::Verbatim);
        assert_eq!(How::of(0.5), How::Edited);
        assert_eq!(How::of(0.1), How::Paraphrased);
    }
}
