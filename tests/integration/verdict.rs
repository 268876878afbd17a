//! Issue 13: the verdict on reused passages (partial copies, shared quotes, same-event reports).

use neardup::reuse::How;
use neardup::{Config, DocId, Document, Index, Kind};

use crate::util;

/// Compares two texts as `neardup compare` does.
fn compare(a: &str, b: &str) -> neardup::Comparison {
    let mut index = Index::new(Config::default()).unwrap();
    index
        .insert_batch(vec![Document::new("a", a), Document::new("b", b)])
        .unwrap();
    index.compare(DocId(0), DocId(1)).unwrap()
}

fn seed(prefix: &str) -> String {
    util::seeds()
        .into_iter()
        .find(|d| d.id.starts_with(&format!("seeds/{prefix}")))
        .unwrap()
        .text
}

/// Point 1: three paragraphs lifted word for word into a long story (about 2% of it, among
/// two other reports of the same event and unrelated text) are flagged as a partial copy, and
/// the one reused passage is the lifted one, verbatim, with its share of the story.
#[test]
fn three_lifted_paragraphs_are_a_partial_copy_at_two_percent_of_a_long_story() {
    let source = seed("000");
    let paragraphs: Vec<&str> = source
        .lines()
        .filter(|p| p.split_whitespace().count() >= 25)
        .collect();
    let lifted = paragraphs[4..7].join("\n\n");
    let mut rng = util::Rng::new(13);
    let filler = |rng: &mut util::Rng| util::article(rng, 2000).replace(". W", ".\n\nW");
    let before = format!("{}\n\n{}\n\n", seed("002"), filler(&mut rng));
    let story = format!(
        "{before}{lifted}\n\n{}\n\n{}",
        seed("003"),
        filler(&mut rng)
    );
    let lifted_at = before.len()..before.len() + lifted.len();
    let share = lifted.split_whitespace().count() as f64 / story.split_whitespace().count() as f64;
    assert!(
        (0.015..0.025).contains(&share),
        "the lift is {share:.3} of the story"
    );

    let c = compare(&source, &story);
    assert!(c.flagged, "{:?}", c.not_flagged(&Config::default()));
    let m = &c.found;
    assert_eq!(m.kind, Kind::PartialCopy);
    // Ids are compared in order: the source is `a` or `b` as the direction decided.
    let source_is_a = m.a == "a";
    let side = |p: &neardup::reuse::Reused| if source_is_a { p.a } else { p.b };
    let story_side = |p: &neardup::reuse::Reused| if source_is_a { p.b } else { p.a };
    let found: Vec<_> = m.reused.iter().filter(|p| p.how != How::Quoted).collect();
    assert_eq!(found.len(), 1, "{:#?}", m.reused);
    let p = found[0];
    let in_story = story_side(p);
    // Tolerance: the passage runs from the first lifted sentence to the last, give or take
    // nothing (sentences are whole).
    assert_eq!(in_story.start..in_story.end, lifted_at.start..lifted_at.end);
    assert_eq!(&source[side(p).start..side(p).end], lifted);
    assert_eq!(p.how, How::Verbatim);
    assert!(p.words() >= 120, "{p:?}");
    let story_share = if source_is_a { p.share_b } else { p.share_a };
    assert!(story_share < 0.03, "{p:?}");
    assert!(m.score >= Config::default().min_score && m.score <= 1.0);
}

/// Point 4: two texts that share only a quote (the words of someone both report) are not
/// flagged; the quote is reported, with its offsets, as a quoted passage.
#[test]
fn a_shared_quote_alone_is_not_copying() {
    let quote = "\u{201c}We have agreed to expand our cooperation on energy, trade and security, \
                 and we will keep working together on a plan for peace that both sides can \
                 accept,\u{201d} the minister said.";
    let a = format!(
        "The two delegations met for six hours in the capital on Tuesday. Officials from \
         both countries described the atmosphere as friendly but businesslike. {quote} \
         Markets in the region barely moved on the news, and analysts said the deal \
         changed little for now."
    );
    let b = format!(
        "After a long day of talks, the foreign ministers appeared before the press late \
         in the evening. {quote} Critics at home called the agreement vague and said it \
         left the main disputes for later."
    );
    let c = compare(&a, &b);
    assert!(!c.flagged, "{:#?}", c.found);
    let why = c.not_flagged(&Config::default()).unwrap();
    assert_eq!(why.reason, "quotes-only", "{}", why.message);
    let quoted: Vec<_> = c
        .found
        .reused
        .iter()
        .filter(|p| p.how == How::Quoted)
        .collect();
    assert_eq!(quoted.len(), 1);
    assert_eq!(&a[quoted[0].a.start..quoted[0].a.end], quote);
    assert_eq!(&b[quoted[0].b.start..quoted[0].b.end], quote);
}

/// Point 4: the seeds' independent reports of one event (002, 003) and the later related
/// story (004) are not flagged against each other or against 000, in a pair compared alone.
#[test]
fn same_event_reports_are_not_flagged_when_compared_alone() {
    for (a, b) in [
        ("000", "002"),
        ("000", "003"),
        ("002", "003"),
        ("002", "004"),
        ("003", "004"),
    ] {
        let c = compare(&seed(a), &seed(b));
        assert!(!c.flagged, "{a} ~ {b}: {:#?}", c.found.reused);
        assert!(c.found.score < Config::default().min_score);
    }
    let c = compare(&seed("000"), &seed("001"));
    assert!(c.flagged);
    assert_eq!(c.found.kind, Kind::Rewrite);
}

/// Point 4: two reports of one match that print the same team, each in its own layout,
/// share a list of names, not prose; compared alone they are not flagged, and the reason
/// says so.
#[test]
fn two_line_ups_of_one_team_are_not_copying() {
    let a = "Wales have made two changes for Saturday's game in Rome. The side: G Thomas \
             (capt); K Morgan, T Shanklin, G Henson, S Williams; S Jones, D Peel; G Jenkins, \
             M Davies, A Jones; B Cockbain, R Sidoli. Replacements: R McBryde, J Yapp, \
             I Gough, R Sowden-Taylor, M Phillips, C Sweeney. The coach said the squad was \
             in good shape.";
    let b = "Injury forced a late reshuffle before the trip to Italy this weekend. The side: \
             G Thomas (Toulouse, capt); K Morgan (Dragons), T Shanklin (Blues), G Henson \
             (Ospreys), S Williams (Ospreys); S Jones (Clermont), D Peel (Scarlets); \
             G Jenkins (Blues), M Davies (Gloucester), A Jones (Ospreys); B Cockbain \
             (Ospreys), R Sidoli (Blues). Replacements: R McBryde (Scarlets), J Yapp \
             (Blues), I Gough (Dragons), R Sowden-Taylor (Blues), M Phillips (Blues), \
             C Sweeney (Dragons). Tickets for the match have sold out.";
    let c = compare(a, b);
    assert!(!c.flagged, "{:#?}", c.found.reused);
    assert!(
        c.found.passages.len() >= 2,
        "the lists align: {:#?}",
        c.found
    );
    let why = neardup::NotFlagged::new(c.found, &Config::default());
    assert_eq!(why.reason, "no-reused-passage");
    assert!(why.message.contains("list of names"), "{}", why.message);
}

/// Names are told by their capitals, so text in capitals looks like names from end to end;
/// its function words keep it prose: the seeds' rewrite, upper-cased, is still a rewrite.
#[test]
fn a_rewrite_in_capitals_is_no_list() {
    let c = compare(&seed("000").to_uppercase(), &seed("001").to_uppercase());
    assert!(c.flagged, "{:#?}", c.found);
    assert_eq!(c.found.kind, Kind::Rewrite);
    assert!(
        c.found.reused.iter().all(|p| p.ordinary < 0.2),
        "names by capitals"
    );
}

/// Point 5: two pages that are mostly publisher furniture (the same sign-up and paywall
/// lines) are not duplicates of one another: furniture never counts as copying.
#[test]
fn pages_of_furniture_are_not_duplicates() {
    let furniture = "Subscribe to our newsletter for the latest news. Follow us on Twitter and \
                     Facebook for updates. Already a subscriber? Log in to read the full article. \
                     Copyright 2023 Example Media Group. All rights reserved.";
    let a = format!("Markets rallied on Friday.\n\n{furniture}");
    let b = format!("Rain is expected on Sunday.\n\n{furniture}");
    let c = compare(&a, &b);
    assert!(!c.flagged, "{:#?}", c.found);
    // The same footer under two real articles' prose, lightly edited: still a duplicate.
    let prose = seed("003");
    let c = compare(
        &format!("{prose}\n\n{furniture}"),
        &format!("{prose} Updated.\n\n{furniture}"),
    );
    assert!(c.flagged);
    assert_eq!(c.found.kind, Kind::NearDuplicate);
}

/// An editor's page for a flagged rewrite says its score and each reused passage (offsets,
/// words, shares, how), and the index sorts rewrites by score.
#[test]
fn the_html_page_shows_the_score_and_the_reused_passages() {
    let (a, b) = (seed("000"), seed("001"));
    let c = compare(&a, &b);
    assert!(c.flagged);
    let m = &c.found;
    let page = neardup::report::html::pair_page(m, &a, &b);
    assert!(
        page.contains(&format!("<tr><th>score</th><td>{:.2}</td></tr>", m.score)),
        "{page}"
    );
    let p = &m.reused[0];
    let row = format!(
        "[{}, {}) ~ {} [{}, {}): {} words",
        p.a.start,
        p.a.end,
        if m.direction.is_known() { "copy" } else { "b" },
        p.b.start,
        p.b.end,
        p.words()
    );
    assert!(page.contains(&row), "{row} not in the page");
    assert!(page.contains(p.how.as_str()));
}
