//! Coefficients of the verdict model (see [`verdict`](crate::verdict)). Written by
//! `python3 tools/fit-verdict.py --write` (after `cargo build --release`); do not edit by
//! hand. L2 = 0.001. What the script printed:
//!
//! pan: 4236 judged pairs (3237 positive, 999 negative)
//! clough: 55 judged pairs (30 positive, 25 negative)
//! semeval: 65 judged pairs (0 positive, 65 negative)
//! fitted on all: bias -15.3815; ln_longest 1.90886, ln_reused 0, share_max 1.0415, share_min 0, similarity 1.2807, phrasing 1.08372, ln_sentences 0.803423, overlap 6.33693, containment 1.4754, vocabulary 3.24196
//! CV pan: accuracy 0.882 (3735/4236); no-obfuscation 975/1000, no-plagiarism 996/999, random-obfuscation 808/999, summary-obfuscation 138/238, translation-obfuscation 818/1000
//! CV clough: accuracy 0.927 (51/55); cut 7/9, heavy 10/12, light 9/9, non 25/25
//!   fold taska: cut 3/3 right, heavy 2/3 right, light 2/2 right, non 9/9 right
//!   fold taskb: cut 2/3 right, heavy 3/4 right, light 3/3 right, non 9/9 right
//!   fold taskc: cut 2/3 right, heavy 5/5 right, light 4/4 right, non 7/7 right
//! CV semeval: accuracy 1.000 (65/65); 3 15/15, 4 50/50

/// The model's intercept.
pub const BIAS: f64 = -15.381496;

/// One weight per entry of [`Features::vector`](crate::verdict::Features::vector), in the
/// order of [`NAMES`](crate::verdict::NAMES).
pub const WEIGHTS: [f64; 10] = [
    1.908861, 0.000000, 1.041499, 0.000000, 1.280700, 1.083724, 0.803423, 6.336925, 1.475400,
    3.241961,
];
