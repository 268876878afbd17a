//! Coefficients of the verdict model (see [`verdict`](crate::verdict)). Written by
//! `python3 tools/fit-verdict.py --write` (after `cargo build --release`); do not edit by
//! hand. L2 = 0.001. What the script printed:
//!
//! pan: 4236 judged pairs (3237 positive, 999 negative)
//! clough: 55 judged pairs (30 positive, 25 negative)
//! semeval: 65 judged pairs (0 positive, 65 negative)
//! fitted on all: bias -16.4238; ln_longest 2.11395, ln_reused 0, share_max 0.37819, share_min 0, similarity 0, phrasing 0, ln_sentences 1.30452, overlap 4.68584, containment 2.58564, vocabulary 2.99692, meaning 0.112554
//! CV pan: accuracy 0.875 (3708/4236); no-obfuscation 978/1000, no-plagiarism 995/999, random-obfuscation 797/999, summary-obfuscation 135/238, translation-obfuscation 803/1000
//! CV clough: accuracy 0.927 (51/55); cut 7/9, heavy 10/12, light 9/9, non 25/25
//!   fold taska: cut 3/3 right, heavy 2/3 right, light 2/2 right, non 9/9 right
//!   fold taskb: cut 2/3 right, heavy 3/4 right, light 3/3 right, non 9/9 right
//!   fold taskc: cut 2/3 right, heavy 5/5 right, light 4/4 right, non 7/7 right
//! CV semeval: accuracy 0.969 (63/65); 3 15/15, 4 48/50

/// The model's intercept.
pub const BIAS: f64 = -16.423791;

/// One weight per entry of [`Features::vector`](crate::verdict::Features::vector), in the
/// order of [`NAMES`](crate::verdict::NAMES).
pub const WEIGHTS: [f64; 11] = [2.113950, 0.000000, 0.378190, 0.000000, 0.000000, 0.000000, 1.304523, 4.685841, 2.585645, 2.996923, 0.112554];
