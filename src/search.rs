//! One query, whatever holds the documents: [`Index`](crate::Index) in memory, or an index on
//! disk that reads the candidates back. Both answer through [`query`], so a probe gets the
//! same matches from either.

use std::collections::HashSet;

use rayon::prelude::*;

use crate::detect::{Detector, MIN_PASSAGE_PAIRS, Profile, Side};
use crate::document::{DocId, Document};
use crate::error::Result;
use crate::report::{Kind, Match};
use crate::rewrite::{self, Stats};

/// What [`query`] needs of the documents it searches.
pub(crate) trait Searched: Sync {
    /// The passage statistics that tell boilerplate.
    fn stats(&self) -> &Stats;

    /// The documents that share a band key or the whole normalised text with `probe`.
    fn candidates(&self, probe: &Profile) -> Vec<DocId>;

    /// The passage entries that share a passage key with `keys` (an entry may come more
    /// than once).
    fn passage_hits(&self, keys: &[u64]) -> Vec<DocId>;

    /// The document and sentence of a passage entry.
    fn entry(&self, entry: DocId) -> (DocId, u32);

    /// The [fingerprint](crate::passage::Passage::fingerprint) of a passage entry's
    /// sentence.
    fn entry_print(&self, entry: DocId) -> u64;

    /// Calls `f` with a document and its profile.
    ///
    /// # Errors
    ///
    /// If the document cannot be read back.
    fn with_side<R>(&self, id: DocId, f: impl FnOnce(Side) -> R) -> Result<R>;
}

/// The documents of `searched` that are exact duplicates, near-duplicates or rewrites of
/// `doc` (whose profile is `probe`), best first: duplicates by Jaccard, then rewrites by
/// coverage (ties by the documents' ids). Documents for which `skip` holds are left out. In each
/// [`Match`], `a` is the searched document and `b` the probe, unless the direction says
/// otherwise. `counted` says whether `searched`'s statistics count the probe already (it is
/// indexed); if not, its sentences are counted with them to tell boilerplate.
///
/// # Errors
///
/// If a candidate cannot be read back (see [`Searched::with_side`]).
pub(crate) fn query(
    detector: &Detector,
    searched: &impl Searched,
    doc: &Document,
    probe: &Profile,
    skip: &(dyn Fn(DocId) -> bool + Sync),
    counted: bool,
) -> Result<Vec<Match>> {
    if probe.is_empty() {
        return Ok(Vec::new());
    }
    let mut candidates = searched.candidates(probe);
    candidates.retain(|&id| !skip(id));
    let probe_exact = detector.exact(&doc.text);
    let checked: Vec<Option<(DocId, Match)>> = candidates
        .par_iter()
        .map(|&id| {
            searched.with_side(id, |indexed| {
                if !detector.worth_verifying(indexed.1, probe) {
                    return None;
                }
                let exact = detector.exact(&indexed.0.text);
                detector
                    .check_duplicate((indexed, &exact), ((doc, probe), &probe_exact))
                    .map(|m| (id, m))
            })
        })
        .collect::<Result<_>>()?;
    let mut found: Vec<(DocId, Match)> = checked.into_iter().flatten().collect();
    let seen: HashSet<DocId> = found.iter().map(|(id, _)| *id).collect();
    // The same rule as `Index::pairs`: enough distinct colliding pairs of sentences,
    // neither boilerplate, similar enough to align.
    let uncounted = (!counted).then_some(&probe.passages);
    let boilerplate = detector.boilerplate(searched.stats(), uncounted);
    let mut hits: Vec<(DocId, usize, DocId)> = detector
        .passage_keys(&probe.passages)
        .iter()
        .filter(|(sentence, _)| !boilerplate.is(probe.passages.get(*sentence).fingerprint()))
        .flat_map(|(sentence, keys)| {
            searched
                .passage_hits(keys)
                .into_iter()
                .filter(|&entry| !boilerplate.is(searched.entry_print(entry)))
                .map(|entry| (searched.entry(entry).0, *sentence, entry))
                .collect::<Vec<_>>()
        })
        .filter(|(id, _, _)| !seen.contains(id) && !skip(*id))
        .collect();
    hits.sort_unstable();
    hits.dedup();
    let weighted_probe = detector.weigh(&probe.passages, &boilerplate);
    let runs: Vec<&[(DocId, usize, DocId)]> = hits
        .chunk_by(|x, y| x.0 == y.0)
        .filter(|run| run.len() >= MIN_PASSAGE_PAIRS)
        .collect();
    let rewrites: Vec<Option<(DocId, Match)>> = runs
        .par_iter()
        .map(|run| {
            let id = run[0].0;
            searched.with_side(id, |indexed| {
                let weighted = detector.weigh(&indexed.1.passages, &boilerplate);
                let similar = run.iter().map(|&(_, sentence, entry)| {
                    let i = searched.entry(entry).1 as usize;
                    (weighted.get(i), weighted_probe.get(sentence))
                });
                if !detector.enough_similar(similar) {
                    return None;
                }
                let aligner = rewrite::Aligner::new(&weighted);
                let alignment = detector.check_rewrite(
                    indexed,
                    (doc, probe),
                    &aligner,
                    &weighted_probe,
                    None,
                )?;
                let set = detector.shingle_set(&indexed.0.text);
                let found = detector.rewrite_match(
                    indexed,
                    (doc, probe),
                    alignment,
                    &set,
                    &probe_exact.set,
                );
                Some((id, found))
            })
        })
        .collect::<Result<_>>()?;
    found.extend(rewrites.into_iter().flatten());
    // Ties by the documents' ids, not their DocIds: the order does not depend on the order
    // in which documents were added.
    found.sort_by(|(_, m), (_, n)| {
        rank(n)
            .total_cmp(&rank(m))
            .then_with(|| (&m.a, &m.b).cmp(&(&n.a, &n.b)))
    });
    Ok(found.into_iter().map(|(_, m)| m).collect())
}

/// The documents that share a band key with a probe (`hits`, from its band tables), and
/// those with its normalised text (`same_text`), sorted, without repeats: what
/// [`Searched::candidates`] gives for an index of either kind.
pub(crate) fn doc_candidates(
    hits: impl Iterator<Item = DocId>,
    same_text: Option<&Vec<DocId>>,
) -> Vec<DocId> {
    let mut candidates: Vec<DocId> = hits
        .chain(same_text.into_iter().flatten().copied())
        .collect();
    candidates.sort_unstable();
    candidates.dedup();
    candidates
}

/// The order of query results: exact duplicates, then near-duplicates by Jaccard, then
/// rewrites by coverage of the more covered document.
fn rank(m: &Match) -> f64 {
    match m.kind {
        Kind::ExactDuplicate => 3.0,
        Kind::NearDuplicate => 1.0 + m.jaccard,
        _ => m.coverage.map_or(0.0, |(a, b)| a.max(b)),
    }
}
