//! Coefficients of the verdict model (see [`verdict`](crate::verdict)). Written by
//! `python3 tools/fit-verdict.py --write` (after `cargo build --release`); do not edit by
//! hand. L2 = 0.001. What the script printed:
//!
//! pan: 4236 judged pairs (3237 positive, 999 negative)
//! clough: 55 judged pairs (30 positive, 25 negative)
//! semeval: 65 judged pairs (0 positive, 65 negative)
//! fitted on all: bias -16.804; ln_longest 2.42164, ln_reused 0, share_max 0.806573, share_min 0, similarity 1.86243, phrasing 2.14743, ln_sentences 0.331199, overlap 6.56718, containment 1.90795, vocabulary 2.3299
//! CV pan: accuracy 0.905 (3835/4236); no-obfuscation 984/1000, no-plagiarism 995/999, random-obfuscation 864/999, summary-obfuscation 150/238, translation-obfuscation 842/1000
//! CV clough: accuracy 0.964 (53/55); cut 7/9, heavy 12/12, light 9/9, non 25/25
//!   fold taska: cut 3/3 right, heavy 3/3 right, light 2/2 right, non 9/9 right
//!   fold taskb: cut 2/3 right, heavy 4/4 right, light 3/3 right, non 9/9 right
//!   fold taskc: cut 2/3 right, heavy 5/5 right, light 4/4 right, non 7/7 right
//! CV semeval: accuracy 1.000 (65/65); 3 15/15, 4 50/50

/// The model's intercept.
pub const BIAS: f64 = -16.803959;

/// One weight per entry of [`Features::vector`](crate::verdict::Features::vector), in the
/// order of [`NAMES`](crate::verdict::NAMES).
pub const WEIGHTS: [f64; 10] = [
    2.421640, 0.000000, 0.806573, 0.000000, 1.862430, 2.147433, 0.331199, 6.567184, 1.907948,
    2.329895,
];
