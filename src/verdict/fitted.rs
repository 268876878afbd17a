//! Coefficients of the verdict model (see [`verdict`](crate::verdict)). Written by
//! `python3 tools/fit-verdict.py --write` (after `cargo build --release`); do not edit by
//! hand. L2 = 0.001. What the script printed:
//!
//! pan: 4236 judged pairs (3237 positive, 999 negative)
//! clough: 55 judged pairs (30 positive, 25 negative)
//! semeval: 65 judged pairs (0 positive, 65 negative)
//! fitted on all: bias -16.9332; ln_longest 2.35352, ln_reused 0, share_max 1.14536, share_min 0, similarity 1.66788, phrasing 1.74756, ln_sentences 0.509084, overlap 6.15882, containment 1.30853, vocabulary 3.02642
//! CV pan: accuracy 0.901 (3816/4236); no-obfuscation 986/1000, no-plagiarism 996/999, random-obfuscation 847/999, summary-obfuscation 144/238, translation-obfuscation 843/1000
//! CV clough: accuracy 0.927 (51/55); cut 7/9, heavy 10/12, light 9/9, non 25/25
//!   fold taska: cut 3/3 right, heavy 2/3 right, light 2/2 right, non 9/9 right
//!   fold taskb: cut 2/3 right, heavy 3/4 right, light 3/3 right, non 9/9 right
//!   fold taskc: cut 2/3 right, heavy 5/5 right, light 4/4 right, non 7/7 right
//! CV semeval: accuracy 1.000 (65/65); 3 15/15, 4 50/50

/// The model's intercept.
pub const BIAS: f64 = -16.933194;

/// One weight per entry of [`Features::vector`](crate::verdict::Features::vector), in the
/// order of [`NAMES`](crate::verdict::NAMES).
pub const WEIGHTS: [f64; 10] = [
    2.353516, 0.000000, 1.145364, 0.000000, 1.667876, 1.747563, 0.509084, 6.158819, 1.308527,
    3.026418,
];
