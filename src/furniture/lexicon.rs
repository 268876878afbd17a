//! The cue phrases of [`furniture`](super), in tiers.
//!
//! Phrases are lower-case words separated by single spaces; a sentence matches one when the
//! same words (runs of ASCII letters and digits, compared without case) follow one another in
//! it, so "Sign-up", "sign up" and "SIGN UP" all match `"sign up"`. The lists are of the web
//! page's furniture (calls to action, account and paywall notices, players, sharing, credits,
//! legal lines), as the jusText and trafilatura boilerplate lists are, never of one
//! publisher or one data set. Each list is sorted, so a word is looked up by binary search.
//!
//! - [`STRONG`]: a phrase news prose does not use; one suffices anywhere in the text.
//! - [`WEAK`]: a phrase furniture uses but prose may ("newsletter", "read more",
//!   "contributed to this report"); it makes furniture only near either end of the text, or
//!   together with a second cue.
//! - [`LEADS`]: imperatives and labels that are weak cues only when they open the sentence
//!   ("Follow us", "Read more", "Related:"): prose uses the same words mid-sentence ("the
//!   talks that follow", "voters must register").
//! - [`ADDRESS`]: words that speak to the reader ("you", "our"): outside quotation marks,
//!   news prose seldom does, so one strengthens a weak cue.

/// Phrases that are furniture alone, anywhere in the text. Sorted.
pub const STRONG: &[&str] = &[
    "accept cookies",
    "already a subscriber",
    "already have an account",
    "article continues below",
    "article first appeared",
    "article was originally",
    "articles remaining",
    "audio is not supported",
    "audio player",
    "click here",
    "comments powered by",
    "continue reading",
    "cookie policy",
    "create a free account",
    "create an account",
    "download our app",
    "earn a commission",
    "enable javascript",
    "enter your details",
    "first name last name",
    "follow us on",
    "forgot your password",
    "free articles",
    "image caption",
    "image copyright",
    "informational purposes",
    "javascript is disabled",
    "listen to this article",
    "listen to this story",
    "log in to",
    "min read",
    "minute read",
    "minutes to read",
    "necessarily reflect",
    "originally appeared on",
    "originally published on",
    "published broadcast",
    "reprinted with permission",
    "reproduced without",
    "required fields are marked",
    "rights reserved",
    "scroll down",
    "share on facebook",
    "share on twitter",
    "share this article",
    "share this story",
    "sign in to",
    "sign up for our",
    "sign up to our",
    "skip to content",
    "skip to main",
    "story continues below",
    "story first appeared",
    "story was originally",
    "subscribe here",
    "subscribe now",
    "subscribe to continue",
    "subscribe to our",
    "subscribe today",
    "subscribers only",
    "those of the author",
    "use cookies",
    "views expressed in",
];

/// Phrases that are furniture near the ends of the text or with a second cue. Sorted.
pub const WEAK: &[&str] = &[
    "breaking news alerts",
    "browser does not support",
    "byline",
    "contributed reporting",
    "contributed to this report",
    "digital subscription",
    "download the app",
    "editing by",
    "email address",
    "email addresses",
    "free trial",
    "getty images",
    "inbox",
    "investment advice",
    "log in",
    "material for this report",
    "material in this report",
    "news and information",
    "newsletter",
    "newsletters",
    "not been edited by",
    "online account",
    "originally appeared",
    "originally published",
    "password",
    "paywall",
    "photo by",
    "print subscriber",
    "read more",
    "reporting by",
    "republished",
    "request form",
    "share this",
    "sign in",
    "sponsored content",
    "syndicated feed",
    "unlimited access",
    "weekly audience",
    "wire service",
    "wire services",
    "writing by",
    "your account",
];

/// Phrases that are weak cues when they open the sentence (imperatives, labels). Sorted.
pub const LEADS: &[&str] = &[
    "advertisement",
    "also read",
    "click",
    "contact us",
    "credit",
    "download",
    "email us",
    "filed under",
    "follow",
    "for more information",
    "get the",
    "image",
    "join us",
    "like our",
    "like us on",
    "listen",
    "more from",
    "photo",
    "read",
    "recommended",
    "register",
    "related",
    "see also",
    "share",
    "sign up",
    "sponsored",
    "subscribe",
    "tags",
    "tap",
    "topics",
    "visit",
    "watch",
    "with files from",
];

/// Words that address the reader. Sorted.
pub const ADDRESS: &[&str] = &["our", "us", "you", "your"];

/// Words that, right after a [`LEADS`] phrase, make it an imperative addressed to the reader
/// ("Follow us", "Read more", "Watch the video", "Subscribe to…"): a lead followed by any
/// other word is prose ("Share prices fell", "Tap water…"). A lead followed by a colon, by
/// nothing, or by a handle or a URL counts too. Sorted.
pub const LEAD_OBJECTS: &[&str] = &[
    "for", "here", "me", "more", "now", "on", "our", "the", "this", "to", "us", "your",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_are_sorted_lower_case_and_single_spaced() {
        for list in [STRONG, WEAK, LEADS, ADDRESS, LEAD_OBJECTS] {
            assert!(list.windows(2).all(|w| w[0] < w[1]), "{list:?}");
            for p in list {
                assert!(
                    p.split(' ').all(|w| !w.is_empty()
                        && w.bytes()
                            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())),
                    "{p:?}"
                );
            }
        }
    }
}
