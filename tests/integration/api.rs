//! The library API: properties, determinism, and quality on the bundled and shared corpora.

use std::collections::{BTreeSet, HashMap};

use neardup::report::json;
use neardup::{Config, Direction, Document, Index, Kind, Report, normalize, shingle, verify};

use crate::util::{self, Rng, shared_data};

/// `(a, b, kind)` of every match, with `a < b` by id, as a set.
fn pair_set(matches: &[neardup::Match]) -> BTreeSet<(String, String, Kind)> {
    matches
        .iter()
        .map(|m| {
            let (a, b) = if m.a < m.b {
                (&m.a, &m.b)
            } else {
                (&m.b, &m.a)
            };
            (a.clone(), b.clone(), m.kind)
        })
        .collect()
}

fn indexed(docs: Vec<Document>) -> Index {
    let mut index = Index::new(Config::default()).unwrap();
    index.insert_batch(docs).unwrap();
    index
}

/// The sorted shingle set of a text under the default config.
fn shingle_set(text: &str) -> Vec<u64> {
    let k = Config::default().shingle_size;
    shingle::set(&shingle::hashes(&normalize::tokens(text), k))
}

/// Every pair with exact Jaccard >= `threshold`, by brute force over an inverted index of
/// shingles: independent of MinHash and LSH.
fn exact_pairs(docs: &[Document], threshold: f64) -> BTreeSet<(String, String)> {
    let sets: Vec<Vec<u64>> = docs.iter().map(|d| shingle_set(&d.text)).collect();
    let mut postings: HashMap<u64, Vec<usize>> = HashMap::new();
    for (i, set) in sets.iter().enumerate() {
        for &h in set {
            postings.entry(h).or_default().push(i);
        }
    }
    let mut shared: HashMap<(usize, usize), usize> = HashMap::new();
    for list in postings.values() {
        for (x, &i) in list.iter().enumerate() {
            for &j in &list[x + 1..] {
                *shared.entry((i, j)).or_default() += 1;
            }
        }
    }
    shared
        .into_iter()
        .filter(|&((i, j), n)| n as f64 / (sets[i].len() + sets[j].len() - n) as f64 >= threshold)
        .map(|((i, j), _)| {
            let (a, b) = (docs[i].id.clone(), docs[j].id.clone());
            if a < b { (a, b) } else { (b, a) }
        })
        .collect()
}

/// The seeds: exactly the labelled pair is flagged, as a rewrite, in the labelled direction,
/// with passages that are whole sentences of each text. Whole-document Jaccard cannot see it.
#[test]
fn seeds_flag_exactly_the_labelled_rewrite() {
    let seeds = util::seeds();
    let index = indexed(seeds.clone());
    let found = index.pairs();
    let truth = std::fs::read_to_string(util::corpus_dir().join("truth.tsv")).unwrap();
    let rows: Vec<Vec<&str>> = truth
        .lines()
        .skip(1)
        .map(|l| l.split('\t').collect())
        .collect();
    assert_eq!(rows.len(), 1);
    let (source, copy, label) = (rows[0][0], rows[0][1], rows[0][2]);
    assert_eq!(label, "rewrite");
    assert_eq!(found.len(), 1, "{found:#?}");
    let m = &found[0];
    assert_eq!(
        (m.kind, m.a.as_str(), m.b.as_str()),
        (Kind::Rewrite, source, copy)
    );
    assert_eq!(m.direction, Direction::Coverage);
    assert!(
        m.jaccard < 0.05,
        "jaccard {}: only passage alignment can see it",
        m.jaccard
    );
    let text = |id: &str| &seeds.iter().find(|d| d.id == id).unwrap().text;
    assert!(m.passages.len() >= 2);
    for p in &m.passages {
        for (t, span) in [(text(source), p.a), (text(copy), p.b)] {
            let sentence = &t[span.start..span.end];
            assert!(sentence.ends_with(['.', '"', '\u{201d}']), "{sentence:?}");
        }
        assert!(p.similarity >= Config::default().passage_threshold);
    }
    let (cs, cc) = m.coverage.unwrap();
    assert!(cc > cs, "the copy is the more covered: {cs} vs {cc}");
}

/// One footer appended to many unrelated short articles (briefs, where a footer is a large
/// share of the text) is boilerplate: it flags nothing. The same
/// set with the boilerplate bar above the number of articles flags pairs, so it is the
/// boilerplate rule, not chance, that keeps them apart.
#[test]
fn a_footer_shared_by_many_articles_is_not_copying() {
    // No furniture cue (see `furniture`): only the corpus rule can tell this footer.
    let footer = "The Daily Courier covers the county's news and local events every day.\n\
        The Daily Courier is an independent newspaper serving the county since 1921 with \
        reporting you can trust.";
    let mut rng = Rng::new(11);
    let docs: Vec<Document> = (0..30)
        .map(|i| {
            let text = format!("{}\n{footer}", util::article(&mut rng, 30));
            Document::new(format!("d{i}"), text)
        })
        .collect();
    assert!(indexed(docs.clone()).pairs().is_empty());
    let mut lax = Index::new(Config::default().boilerplate_min_docs(31)).unwrap();
    lax.insert_batch(docs).unwrap();
    assert!(
        !lax.pairs().is_empty(),
        "without the rule the footer links the articles"
    );
}

/// Issue 13, point 5: publisher furniture shared by two articles, with no other documents
/// to show that it is boilerplate, is recognised by its words and place and links nothing;
/// the same two articles with a footer of neutral sentences in its place are flagged, so it
/// is the furniture rule that keeps them apart.
#[test]
fn r13_furniture_shared_by_two_articles_is_not_copying() {
    let furniture = "Sign up for our free morning newsletter, delivered to your inbox.\n\
        Follow us on Twitter and Facebook for the latest updates from the newsroom.\n\
        Copyright 2024 The Daily Courier. All rights reserved.";
    let neutral = "The morning session of the county court was delayed by an hour.\n\
        Heavy traffic on the ring road slowed buses and delivery vans for the newsroom.\n\
        The council library reopens on Monday after repairs to its roof.";
    let pair = |footer: &str| {
        let mut rng = Rng::new(5);
        let a = format!("{}\n{footer}", util::article(&mut rng, 20));
        let b = format!("{}\n{footer}", util::article(&mut rng, 20));
        indexed(vec![Document::new("a", a), Document::new("b", b)]).pairs()
    };
    assert!(pair(furniture).is_empty(), "{:?}", pair(furniture));
    assert!(
        !pair(neutral).is_empty(),
        "the neutral footer links the pair"
    );
}

/// Issue 13, point 5: in the seeds, with no corpus, the furniture is VOA's footer in 002 and
/// 004 and the copyright and comments lines of 003; 001 (all prose) has none.
#[test]
fn r13_seed_furniture_is_the_publishers_lines() {
    let seeds = util::corpus_dir().join("seeds");
    let furniture = |name: &str| -> Vec<String> {
        let text = std::fs::read_to_string(seeds.join(name)).unwrap();
        let found = neardup::passage::passages(&text);
        found
            .iter()
            .filter(|p| p.is_furniture())
            .map(|p| text[p.span.start..p.span.end].to_string())
            .collect()
    };
    let voa = [
        "The Voice of America provides news and information in more than 40 languages to an \
         estimated weekly audience of over 326 million people.",
        "Stories with the VOA News byline are the work of multiple VOA journalists and may \
         contain information from wire service reports.",
    ];
    let with_credit = |credit: &str| {
        let mut lines = vec![credit.to_string()];
        lines.extend(voa.iter().map(|s| s.to_string()));
        lines
    };
    assert_eq!(
        furniture("002_021de7b4a7839b67.txt"),
        with_credit("Some material for this report came from The Associated Press and Reuters.")
    );
    // 004's own credit line ("Some material in this report came from The Associated
    // Press, Agence France-Presse and Reuters.") is six sentences from the end: past the
    // tail, and with one weak cue only, it reads as prose.
    assert_eq!(
        furniture("004_5b6309538b30ade7.txt"),
        with_credit(
            "VOA Mandarin Service reporter John Xie and VOA Ukrainian Service reporter Tatiana \
             Vorozhko also contributed to this report."
        )
    );
    assert_eq!(
        furniture("003_af523ab8388c771a.txt"),
        ["©2023 Bloomberg L.P.", "blog comments powered by Disqus"]
    );
    assert!(furniture("001_a7725bf3c94c141c.txt").is_empty());
}

/// Issue 13, point 5, on real news: BBC articles (2004-05 text without web furniture) are
/// prose, so furniture found there is almost all false positives; tolerance: at most 1 in
/// 2,000 passages (measured: 4 of 43,584, all of them radio and web notices such as "Listen to
/// the full interview on ... the BBC Sport website"). SemEval's scraped pages carry
/// furniture at their ends: at least a fifth of them have some (measured: 83 of 309).
#[test]
#[cfg_attr(
    not(shared_data),
    ignore = "../shared/data not found: set NEARDUP_DATA to the corpora folder to run it"
)]
fn r13_furniture_is_rare_in_prose_and_common_in_scraped_pages() {
    let count = |folder: &str| {
        let docs = util::shared_docs(folder);
        let (mut passages, mut furniture, mut with) = (0, 0, 0);
        for d in &docs {
            let found = neardup::passage::passages(&d.text);
            let n = found.iter().filter(|p| p.is_furniture()).count();
            passages += found.len();
            furniture += n;
            with += usize::from(n > 0);
        }
        println!(
            "{folder}: {furniture} of {passages} passages, in {with} of {} documents",
            docs.len()
        );
        (passages, furniture, with, docs.len())
    };
    let (passages, furniture, _, _) = count("bbc-news/docs");
    assert!(furniture * 2_000 <= passages, "{furniture} of {passages}");
    let (_, _, with, docs) = count("semeval22-news-similarity/docs");
    assert!(with * 5 >= docs, "{with} of {docs}");
}

#[test]
fn synthetic_corpus_finds_exactly_the_pairs_at_or_above_the_threshold() {
    let docs = util::synthetic_corpus(1, 120);
    let want = exact_pairs(&docs, Config::default().threshold);
    let found = indexed(docs).pairs();
    let got: BTreeSet<(String, String)> = pair_set(&found)
        .into_iter()
        .filter(|(_, _, kind)| *kind != Kind::Rewrite)
        .map(|(a, b, _)| (a, b))
        .collect();
    // 2% of words edited keeps Jaccard near 0.8; 15% brings it near 0.3: the light copies must
    // all be there and the heavy ones must not.
    assert!(
        want.iter()
            .any(|(a, b)| a.starts_with("light") || b.starts_with("light"))
    );
    assert!(
        !want
            .iter()
            .any(|(a, b)| a.starts_with("heavy") || b.starts_with("heavy"))
    );
    eqnice!(format!("{want:#?}"), format!("{got:#?}"));
    for m in &found {
        let is_copy = m.a.starts_with("copy") || m.b.starts_with("copy");
        assert_eq!(m.kind == Kind::ExactDuplicate, is_copy, "{m:?}");
        // Every pair, rewrites included, is an original and a variant of it: nothing links
        // unrelated articles.
        let number = |id: &str| id.split('-').nth(1).unwrap().to_string();
        assert_eq!(number(&m.a), number(&m.b), "{m:?}");
    }
}

#[test]
fn same_output_on_one_thread_or_many() {
    let render = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        pool.install(|| {
            let mut docs = util::synthetic_corpus(2, 200);
            docs.extend(util::seeds());
            let report = Report {
                matches: indexed(docs).pairs(),
                ..Report::default()
            };
            let mut out = Vec::new();
            json::write_jsonl(&mut out, &report).unwrap();
            String::from_utf8(out).unwrap()
        })
    };
    let one = render(1);
    assert!(one.lines().count() > 50, "the corpus must give many pairs");
    for kind in ["exact-duplicate", "near-duplicate", "rewrite"] {
        assert!(
            one.contains(&format!("\"kind\":\"{kind}\"")),
            "no {kind} to compare"
        );
    }
    for kind in ["exact-duplicate", "near-duplicate", "rewrite"] {
        assert!(
            one.contains(&format!("\"kind\":\"{kind}\"")),
            "no {kind} to compare"
        );
    }
    eqnice!(one, render(4));
}

#[test]
fn insertion_order_leaves_the_duplicate_set_unchanged() {
    let docs = util::synthetic_corpus(3, 60);
    let want = pair_set(&indexed(docs.clone()).pairs());
    assert!(!want.is_empty());
    for seed in 0..20 {
        let mut shuffled = docs.clone();
        Rng::new(seed).shuffle(&mut shuffled);
        assert_eq!(pair_set(&indexed(shuffled).pairs()), want, "seed {seed}");
    }
}

#[test]
fn query_agrees_with_the_all_pairs_scan() {
    let docs = util::synthetic_corpus(4, 80);
    let index = indexed(docs.clone());
    let all = pair_set(&index.pairs());
    let mut from_queries = BTreeSet::new();
    for doc in &docs {
        for m in index.query(doc).unwrap() {
            // The probe finds itself as an exact duplicate; that is not a pair.
            if m.a != m.b {
                let (a, b) = if m.a < m.b { (m.a, m.b) } else { (m.b, m.a) };
                from_queries.insert((a, b, m.kind));
            }
        }
    }
    assert_eq!(from_queries, all);
}

#[test]
fn jaccard_is_symmetric_and_within_bounds() {
    for seed in 0..200 {
        let mut rng = Rng::new(seed);
        let mut set = |n: usize| {
            let mut s: Vec<u64> = (0..n).map(|_| rng.below(300) as u64).collect();
            s.sort_unstable();
            s.dedup();
            s
        };
        let (a, b) = (set(100), set(150));
        let (x, y) = (verify::scores(&a, &b), verify::scores(&b, &a));
        assert_eq!(x.jaccard, y.jaccard, "seed {seed}");
        assert_eq!(
            (x.containment_a, x.containment_b),
            (y.containment_b, y.containment_a)
        );
        assert!(
            x.jaccard <= x.containment_a.min(x.containment_b),
            "seed {seed}"
        );
        assert!((0.0..=1.0).contains(&x.jaccard));
    }
}

/// On the BBC News set (2,225 articles): every labelled pair is an exact duplicate, and LSH
/// recall against the brute-force set of pairs with exact Jaccard >= the threshold is at
/// least 0.99; every reported pair really is at or above it (precision 1).
#[test]
#[cfg_attr(
    not(shared_data),
    ignore = "../shared/data not found: set NEARDUP_DATA to the corpora folder to run it"
)]
fn bbc_exact_duplicates_and_lsh_recall() {
    let dir = shared_data().join("bbc-news");
    let docs = util::shared_docs("bbc-news/docs");
    assert_eq!(docs.len(), 2225);
    let found = indexed(docs.clone()).pairs();
    let kinds: HashMap<(String, String), Kind> = pair_set(&found)
        .into_iter()
        .filter(|(_, _, k)| matches!(k, Kind::ExactDuplicate | Kind::NearDuplicate))
        .map(|(a, b, k)| ((a, b), k))
        .collect();

    let labels = std::fs::read_to_string(dir.join("pairs.tsv")).unwrap();
    let mut labelled = 0;
    for line in labels.lines().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        let (a, b) = (format!("{}.txt", cols[0]), format!("{}.txt", cols[1]));
        let key = if a < b { (a, b) } else { (b, a) };
        assert_eq!(kinds.get(&key), Some(&Kind::ExactDuplicate), "{key:?}");
        labelled += 1;
    }
    assert_eq!(labelled, 100);

    let truth = exact_pairs(&docs, Config::default().threshold);
    let reported: BTreeSet<(String, String)> = kinds.keys().cloned().collect();
    let hits = truth.intersection(&reported).count();
    let recall = hits as f64 / truth.len() as f64;
    println!(
        "bbc: {} pairs with exact Jaccard >= threshold, {} reported, recall {recall:.4}",
        truth.len(),
        reported.len()
    );
    assert!(
        recall >= 0.99,
        "recall {recall}: missed {:?}",
        truth.difference(&reported)
    );
    let false_alarms: Vec<_> = reported.difference(&truth).collect();
    assert!(false_alarms.is_empty(), "below threshold: {false_alarms:?}");
}

/// The Clough-Stevenson answers (tasks a-c), each against its own task's source: every light
/// answer and every cut answer but the two that copied text outside the excerpt are flagged,
/// at least 9 of the 12 heavy ones, no "non" answer, and no answer against another task's
/// source. `also` adds documents (BBC articles) that must change none of this and must never
/// pair with a Clough document.
fn check_clough(also: &[std::path::PathBuf]) {
    let dir = shared_data().join("clough-stevenson");
    // Each folder read on its own, so ids stay relative to it (read together, they would
    // start with the folder's path) and match the labels.
    let mut documents = Vec::new();
    for path in std::iter::once(&dir.join("docs")).chain(also) {
        let options = neardup::input::Options::default();
        let batch = neardup::input::read_all(std::slice::from_ref(path), &[], &options, &|| {});
        assert!(batch.skipped.is_empty(), "{:?}", batch.skipped);
        documents.extend(batch.documents);
    }
    let ids: Vec<String> = documents.iter().map(|d| d.id.clone()).collect();
    let found = indexed(documents).pairs();
    let path = dir.join("pairs.tsv");
    let labels =
        neardup::eval::Labels::parse(&path, &std::fs::read_to_string(&path).unwrap()).unwrap();
    let positive = ["cut".to_string(), "light".into(), "heavy".into()];
    let e = neardup::eval::evaluate(
        &found,
        &ids,
        &labels,
        &positive,
        Config::default().min_score,
        &[],
    );
    let count = |label: &str| e.labels.iter().find(|l| l.label == label).unwrap();
    assert_eq!((count("light").pairs, count("light").flagged), (10, 10));
    let missed_cut: Vec<&(String, String)> = count("cut").errors.iter().collect();
    assert_eq!(
        missed_cut,
        [
            &("g2pE_taskc.txt".to_string(), "orig_taskc.txt".to_string()),
            &("g4pD_taskb.txt".to_string(), "orig_taskb.txt".to_string())
        ]
    );
    assert_eq!(count("heavy").pairs, 12);
    assert!(
        count("heavy").flagged >= 9,
        "heavy: {:?}",
        count("heavy").errors
    );
    assert_eq!(count("non").flagged, 0, "non: {:?}", count("non").errors);
    assert_eq!(e.cross_pairs, 114);
    assert!(e.cross_flagged.is_empty(), "{:?}", e.cross_flagged);
    let clough =
        |id: &str| id.starts_with('g') && id.contains("_task") || id.starts_with("orig_task");
    for m in &found {
        assert_eq!(
            clough(&m.a),
            clough(&m.b),
            "a Clough document paired with another set: {m:?}"
        );
    }
    println!(
        "clough (+{} more folders): light {}/10, cut {}/10, heavy {}/12, non {}/25, cross {}/114",
        also.len(),
        count("light").flagged,
        count("cut").flagged,
        count("heavy").flagged,
        count("non").flagged,
        e.cross_flagged.len()
    );
}

#[test]
#[cfg_attr(
    not(shared_data),
    ignore = "../shared/data not found: set NEARDUP_DATA to the corpora folder to run it"
)]
fn clough_rewrites_are_flagged_and_unrelated_answers_are_not() {
    check_clough(&[]);
}

#[test]
#[cfg_attr(
    not(shared_data),
    ignore = "../shared/data not found: set NEARDUP_DATA to the corpora folder to run it"
)]
fn clough_mixed_into_bbc_keeps_its_recall_and_never_pairs_across() {
    check_clough(&[shared_data().join("bbc-news/docs")]);
}

/// The sentence-level verifier on MSRP (train): accuracy and F1 of "similarity at or above
/// `passage_threshold`" as a paraphrase judgement.
/// The floor (accuracy 0.70) sits below the measured figure so that a regression fails.
#[test]
#[cfg_attr(
    not(shared_data),
    ignore = "../shared/data not found: set NEARDUP_DATA to the corpora folder to run it"
)]
fn msrp_sentence_verifier_accuracy() {
    use neardup::passage;
    use neardup::rewrite::{similarity, weigh};
    let text = std::fs::read_to_string(shared_data().join("msrp/pairs.tsv")).unwrap();
    let rows: Vec<(bool, passage::Passages, passage::Passages)> = text
        .lines()
        .skip(1)
        .map(|line| {
            let cols: Vec<&str> = line.split('\t').collect();
            (
                cols[0] == "equivalent",
                passage::whole(cols[3]),
                passage::whole(cols[4]),
            )
        })
        .collect();
    assert_eq!(rows.len(), 4076);
    let scores: Vec<(f64, bool)> = rows
        .iter()
        .map(|(label, a, b)| {
            let (wa, wb) = (weigh(a, |_| false), weigh(b, |_| false));
            (similarity(wa.get(0), wb.get(0)), *label)
        })
        .collect();
    let at = |t: f64| {
        let tp = scores.iter().filter(|&&(s, y)| s >= t && y).count();
        let fp = scores.iter().filter(|&&(s, y)| s >= t && !y).count();
        let fn_ = scores.iter().filter(|&&(s, y)| s < t && y).count();
        let tn = scores.len() - tp - fp - fn_;
        let accuracy = (tp + tn) as f64 / scores.len() as f64;
        (accuracy, 2.0 * tp as f64 / (2 * tp + fp + fn_) as f64)
    };
    let t = Config::default().passage_threshold;
    let (accuracy, f1) = at(t);
    let (best_acc, best_t) = (10..80)
        .map(|i| (at(i as f64 / 100.0).0, i as f64 / 100.0))
        .fold((0.0, 0.0), |best, x| if x.0 > best.0 { x } else { best });
    let majority = scores.iter().filter(|s| s.1).count() as f64 / scores.len() as f64;
    println!(
        "msrp train: at passage_threshold {t}: accuracy {accuracy:.3}, F1 {f1:.3}; \
         best threshold {best_t:.2}: accuracy {best_acc:.3}; majority class {majority:.3}"
    );
    assert!(accuracy >= 0.70, "accuracy {accuracy}");
}

/// The sentence-pair model (`semantic::sentence_score`) on MSRP train, at its cut: it was
/// fitted on these pairs, so this is its training accuracy, measured 0.7674 (10-fold
/// cross-validated 0.7657, `cargo run --release --example fit_sentence`). The floor 0.76 is
/// the acceptance figure of issue 13; a change to a signal that costs more than 0.75 points
/// (31 of 4,076 pairs) fails.
#[test]
#[cfg_attr(
    not(shared_data),
    ignore = "../shared/data not found: set NEARDUP_DATA to the corpora folder to run it"
)]
fn msrp_sentence_score_accuracy() {
    use neardup::semantic::sentence::{CUT, sentence_score};
    let text = std::fs::read_to_string(shared_data().join("msrp/pairs.tsv")).unwrap();
    let (mut right, mut n) = (0, 0);
    for line in text.lines().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        let said = sentence_score(cols[3], cols[4]) >= CUT;
        right += usize::from(said == (cols[0] == "equivalent"));
        n += 1;
    }
    assert_eq!(n, 4076);
    let accuracy = right as f64 / n as f64;
    println!("msrp train: sentence_score accuracy {accuracy:.4}");
    assert!(accuracy >= 0.76, "accuracy {accuracy}");
}

/// Answers written without seeing the source share its topic, not its sentences: each of
/// their sentences' best `sentence_score` against the source's sentences stays under the
/// cut for all but 2 of 246 (measured 2026-12-02, since wrapped lines are joined into their
/// sentences; 1 of 286 before). The test allows 1% (2 sentences).
#[test]
#[cfg_attr(
    not(shared_data),
    ignore = "../shared/data not found: set NEARDUP_DATA to the corpora folder to run it"
)]
fn clough_unrelated_answer_sentences_score_low() {
    use neardup::passage;
    use neardup::semantic::sentence::{CUT, sentence_score};
    let dir = shared_data().join("clough-stevenson");
    let read = |name: &str| std::fs::read_to_string(dir.join(format!("docs/{name}.txt"))).unwrap();
    let sentences = |text: &str| -> Vec<String> {
        let found = passage::passages(text);
        found
            .iter()
            .map(|p| text[p.span.start..p.span.end].to_string())
            .collect()
    };
    let pairs = std::fs::read_to_string(dir.join("pairs.tsv")).unwrap();
    let (mut high, mut n) = (0, 0);
    for line in pairs.lines().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        if cols[2] != "non" {
            continue;
        }
        let source = sentences(&read(cols[0]));
        for s in sentences(&read(cols[1])) {
            let best = source
                .iter()
                .map(|t| sentence_score(&s, t))
                .fold(0f64, f64::max);
            high += usize::from(best >= CUT);
            n += 1;
        }
    }
    assert_eq!(n, 246);
    println!("clough non answers: {high} of {n} sentences at or above the cut");
    assert!(high as f64 <= 0.01 * n as f64, "{high} of {n}");
}

/// The HTML evidence page of the seeds' rewrite: one self-contained document (no script, no
/// external asset), both whole texts (escaped), every passage anchored on both sides and
/// linked to its counterpart, and the scores.
#[test]
fn html_page_is_self_contained_and_links_both_sides() {
    use neardup::report::html;
    let seeds = util::seeds();
    let index = indexed(seeds.clone());
    let m = &index.pairs()[0];
    let text = |id: &str| seeds.iter().find(|d| d.id == id).unwrap().text.as_str();
    let page = html::pair_page(m, text(&m.a), text(&m.b));
    assert!(page.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"));
    assert!(page.trim_end().ends_with("</html>"));
    for banned in ["<script", "<link", "src=", "url(", "@import"] {
        assert!(!page.contains(banned), "{banned} in the page");
    }
    assert_eq!(page.matches("<section").count(), 2, "two columns");
    // Both texts in full: each, escaped, is the text of its column once the markup of the
    // passages (numbers, marks, links) is taken out.
    let columns: Vec<String> = page
        .split("<pre>")
        .skip(1)
        .map(|c| visible_text(c.split("</pre>").next().unwrap()))
        .collect();
    assert_eq!(
        columns,
        [html::escape(text(&m.a)), html::escape(text(&m.b))]
    );
    for n in 1..=m.passages.len() {
        assert!(
            page.contains(&format!("id=\"a-{n}\" href=\"#b-{n}\"")),
            "passage {n}, side a"
        );
        assert!(
            page.contains(&format!("id=\"b-{n}\" href=\"#a-{n}\"")),
            "passage {n}, side b"
        );
    }
    assert!(page.contains("coverage by aligned passages"));
    assert!(page.contains("<mark>"), "shared words are marked");
    let pages = ["pair-00001.html".to_string()];
    let index_page = html::index_page(std::slice::from_ref(m), &pages, &|_| None);
    assert!(index_page.contains("<a href=\"pair-00001.html\">1</a>"));
}

/// HTML with the passage numbers (`<sup>…</sup>`) and every tag removed.
fn visible_text(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        out.push_str(&rest[..open]);
        let after = &rest[open..];
        let skip = if after.starts_with("<sup>") {
            after.find("</sup>").unwrap() + "</sup>".len()
        } else {
            after.find('>').unwrap() + 1
        };
        rest = &after[skip..];
    }
    out.push_str(rest);
    out
}

/// Duplicates-only mode finds exactly the duplicates the full run finds, and no rewrite.
#[test]
fn without_rewrites_the_duplicates_are_the_same() {
    let docs = util::synthetic_corpus(6, 100);
    let full = indexed(docs.clone()).pairs();
    let mut lean = Index::new(Config::default().rewrites(false)).unwrap();
    lean.insert_batch(docs).unwrap();
    let lean = lean.pairs();
    assert!(full.iter().any(|m| m.kind == Kind::Rewrite));
    let want: Vec<&neardup::Match> = full
        .iter()
        .filter(|m| matches!(m.kind, Kind::ExactDuplicate | Kind::NearDuplicate))
        .collect();
    assert_eq!(lean.iter().collect::<Vec<_>>(), want);

    let mut seeds = Index::new(Config::default().rewrites(false)).unwrap();
    seeds.insert_batch(util::seeds()).unwrap();
    assert!(seeds.pairs().is_empty());
}

/// Two sentence-sized documents are judged by the sentence verifier alone: a paraphrase is a
/// rewrite, a sentence on another subject is not. An article of several sentences that holds
/// the paraphrase as one of them is judged by its reused passages, and one aligned sentence
/// (not word for word the same) is not a reused passage.
#[test]
fn one_sentence_documents_are_judged_by_the_sentence_verifier() {
    use neardup::{Config, DocId, Document, Index, Kind};
    let judge = |a: &str, b: &str| {
        let mut index = Index::new(Config::default()).unwrap();
        index
            .insert_batch(vec![Document::new("a", a), Document::new("b", b)])
            .unwrap();
        let c = index.compare(DocId(0), DocId(1)).unwrap();
        (c.flagged, c.found.kind, c.found.passages.len())
    };
    let one = "Amrozi accused his brother, whom he called the witness, of deliberately distorting his evidence.";
    let other = "Referring to him as only the witness, Amrozi accused his brother of deliberately distorting his evidence.";
    assert_eq!(judge(one, other), (true, Kind::Rewrite, 1));
    let longer = format!(
        "{other} The trial resumes on Monday in the capital. Judges heard from three \
         police officers last week. The verdict is expected before the end of the year, \
         lawyers for both sides said outside the court."
    );
    let (flagged, _, aligned) = judge(one, &longer);
    assert_eq!(
        (flagged, aligned),
        (false, 1),
        "one aligned sentence of an article is not enough"
    );
    let unrelated = "Heavy snow closed schools across the whole region for a week.";
    assert!(!judge(one, unrelated).0);
}
