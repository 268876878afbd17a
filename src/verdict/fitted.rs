//! Coefficients of the verdict model (see [`verdict`](crate::verdict)). Written by
//! `python3 tools/fit-verdict.py --write` (after `cargo build --release`); do not edit by
//! hand. L2 = 0.01. What the script printed:
//!
//! pan: 4236 judged pairs (3237 positive, 999 negative)
//! clough: 55 judged pairs (30 positive, 25 negative)
//! semeval: 65 judged pairs (0 positive, 65 negative)
//! fitted on all: bias -11.6864; ln_longest 1.03023, ln_reused 0.737745, share_max 0.238346, share_min 0, similarity 0.464637, phrasing 0.670021, ln_sentences 0.66451, overlap 1.82476, containment 1.14954, vocabulary 2.04409
//! CV pan: accuracy 0.864 (3660/4236); no-obfuscation 979/1000, no-plagiarism 995/999, random-obfuscation 774/999, summary-obfuscation 133/238, translation-obfuscation 779/1000
//! CV clough: accuracy 0.927 (51/55); cut 7/9, heavy 10/12, light 9/9, non 25/25
//!   fold taska: cut 3/3 right, heavy 2/3 right, light 2/2 right, non 9/9 right
//!   fold taskb: cut 2/3 right, heavy 3/4 right, light 3/3 right, non 9/9 right
//!   fold taskc: cut 2/3 right, heavy 5/5 right, light 4/4 right, non 7/7 right
//! CV semeval: accuracy 0.985 (64/65); 3 15/15, 4 49/50

/// The model's intercept.
pub const BIAS: f64 = -11.686429;

/// One weight per entry of [`Features::vector`](crate::verdict::Features::vector), in the
/// order of [`NAMES`](crate::verdict::NAMES).
pub const WEIGHTS: [f64; 10] = [
    1.030230, 0.737745, 0.238346, 0.000000, 0.464637, 0.670021, 0.664510, 1.824756, 1.149544,
    2.044088,
];
