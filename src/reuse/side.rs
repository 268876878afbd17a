//! The words of one side of a passage, read once per document and range of sentences (see
//! [`Memo`]).

use std::cell::{OnceCell, RefCell};
use std::collections::HashMap;
use std::ops::Range;
use std::rc::Rc;

use super::{
    Ordinary, Run, TRIM_GRAM, Union, contained, function_share, grams, ordinary_of,
    ordinary_of_union, phrasing_of, union, words_of,
};
use crate::passage::Passages;

/// What [`passage_of`](super::passage_of) reads of one side of a passage that depends on that
/// side alone: its words, their union, their word 3-grams and ordinary words, for a range of
/// sentences of one text.
pub(super) struct SideWords {
    pub(super) run: Run,
    pub(super) union: Union,
    /// The word [`TRIM_GRAM`]-grams in text order (none for fewer words).
    pub(super) grams: Vec<u64>,
    /// The same, sorted: made on first use (only the longer side of a pair is looked up in,
    /// and both sides of a verbatim one).
    sorted: OnceCell<Vec<u64>>,
    /// [`Ordinary`] of the whole run.
    pub(super) ordinary: Ordinary,
    /// [`function_share`] of the whole run.
    pub(super) function: f64,
}

impl SideWords {
    /// Sentences `range` of a text.
    fn of(text: &str, passages: &Passages, range: Range<usize>) -> SideWords {
        let run = words_of(text, passages, range.clone());
        let union = union(passages, range);
        let grams = if run.words.len() >= TRIM_GRAM {
            grams(&run.words, TRIM_GRAM)
        } else {
            Vec::new()
        };
        // When every word was recorded, the content words are the union's.
        let ordinary = if run.recorded {
            ordinary_of_union(&union)
        } else {
            ordinary_of(&run.words)
        };
        let function = function_share(&run.words);
        SideWords {
            run,
            union,
            grams,
            sorted: OnceCell::new(),
            ordinary,
            function,
        }
    }

    /// [`SideWords::of`], kept in `memo` when the passages are its document's.
    pub(super) fn read(
        memo: Option<&Memo>,
        text: &str,
        passages: &Passages,
        range: Range<usize>,
    ) -> Rc<SideWords> {
        match memo.filter(|m| std::ptr::eq(m.passages, passages)) {
            Some(memo) => {
                let key = (range.start, range.end);
                if let Some(found) = memo.sides.borrow().get(&key) {
                    return Rc::clone(found);
                }
                let made = Rc::new(SideWords::of(text, passages, range));
                memo.sides.borrow_mut().insert(key, Rc::clone(&made));
                made
            }
            None => Rc::new(SideWords::of(text, passages, range)),
        }
    }

    /// [`SideWords::grams`], sorted.
    pub(super) fn sorted(&self) -> &[u64] {
        self.sorted.get_or_init(|| {
            let mut sorted = self.grams.clone();
            sorted.sort_unstable();
            sorted
        })
    }
}

/// The [`SideWords`] of one document's passages, by range of sentences, kept while that
/// document is judged against others: in a scan, each document is aligned with all its
/// candidates in turn, and the same ranges of its sentences make passages from pair to pair
/// (on the 100,000-article bench corpus, two in three of the first document's passages had
/// been read before in its run). The result is the same with or without it. Entries stay
/// until the run ends: one per distinct range of the document's sentences that made a
/// passage (at most its sentences squared over two; a few per candidate in practice).
pub(crate) struct Memo<'a> {
    passages: &'a Passages,
    sides: RefCell<HashMap<(usize, usize), Rc<SideWords>, ahash::RandomState>>,
}

impl<'a> Memo<'a> {
    /// An empty memo for the document with these passages.
    pub(crate) fn new(passages: &'a Passages) -> Memo<'a> {
        Memo {
            passages,
            sides: RefCell::default(),
        }
    }

    /// Whether no side has been kept yet.
    #[cfg(test)]
    pub(super) fn is_empty(&self) -> bool {
        self.sides.borrow().is_empty()
    }
}

/// [`phrasing`](super::phrasing) of two sides: the share of the shorter side's word 3-grams
/// found in the other, or of its words when a side has fewer than three.
pub(super) fn phrasing_of_sides(a: &SideWords, b: &SideWords) -> f64 {
    let (la, lb) = (a.run.words.len(), b.run.words.len());
    if la.min(lb) < TRIM_GRAM {
        return phrasing_of(&a.run.words, &b.run.words);
    }
    let (short, long) = if la > lb { (b, a) } else { (a, b) };
    contained(&short.grams, long.sorted())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::passage;

    /// Every range of sentences read through a memo, first and again, is what reading it
    /// afresh gives, and ranges of another document with the same bounds are never served
    /// from it.
    #[test]
    fn a_memo_serves_each_range_as_read() {
        let a = "The council met on Monday. It approved the budget for 2025. Teachers will \
            get more pay. \"We are pleased,\" the mayor said. Rain fell all day.";
        let b = "Markets rose on Friday. Oil prices fell sharply. The bank held its rate. \
            Traders expect a cut in June. Shares of Acme gained 4%.";
        let (pa, pb) = (passage::passages(a), passage::passages(b));
        assert_eq!((pa.len(), pb.len()), (5, 5));
        let same = |x: &SideWords, y: &SideWords| {
            (x.run.words == y.run.words)
                && (x.run.first, x.run.last, x.run.recorded)
                    == (y.run.first, y.run.last, y.run.recorded)
                && x.union.terms == y.union.terms
                && x.grams == y.grams
                && x.sorted() == y.sorted()
                && x.ordinary == y.ordinary
                && x.function == y.function
        };
        let memo = Memo::new(&pa);
        for round in 0..2 {
            for start in 0..pa.len() {
                for end in start + 1..=pa.len() {
                    let fresh = SideWords::of(a, &pa, start..end);
                    let kept = SideWords::read(Some(&memo), a, &pa, start..end);
                    assert!(same(&kept, &fresh), "round {round}, {start}..{end}");
                    let other = SideWords::read(Some(&memo), b, &pb, start..end);
                    let other_fresh = SideWords::of(b, &pb, start..end);
                    assert!(same(&other, &other_fresh), "b, {start}..{end}");
                }
            }
        }
        assert_eq!(memo.sides.borrow().len(), 15, "one entry per range of a");
    }
}
