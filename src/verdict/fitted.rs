//! Coefficients of the verdict model (see [`verdict`](crate::verdict)). Written by
//! `python3 tools/fit-verdict.py --write` (after `cargo build --release`); do not edit by
//! hand. L2 = 0.001. What the script printed:
//!
//! pan: 4236 judged pairs (3237 positive, 999 negative)
//! clough: 55 judged pairs (30 positive, 25 negative)
//! semeval: 65 judged pairs (0 positive, 65 negative)
//! fitted on all: bias -16.605; ln_longest 2.36234, ln_reused 0, share_max 0.810279, share_min 0, similarity 1.92011, phrasing 2.12651, ln_sentences 0.362551, overlap 6.56266, containment 1.89152, vocabulary 2.29596
//! CV pan: accuracy 0.905 (3834/4236); no-obfuscation 984/1000, no-plagiarism 995/999, random-obfuscation 864/999, summary-obfuscation 149/238, translation-obfuscation 842/1000
//! CV clough: accuracy 0.964 (53/55); cut 7/9, heavy 12/12, light 9/9, non 25/25
//!   fold taska: cut 3/3 right, heavy 3/3 right, light 2/2 right, non 9/9 right
//!   fold taskb: cut 2/3 right, heavy 4/4 right, light 3/3 right, non 9/9 right
//!   fold taskc: cut 2/3 right, heavy 5/5 right, light 4/4 right, non 7/7 right
//! CV semeval: accuracy 1.000 (65/65); 3 15/15, 4 50/50

/// The model's intercept.
pub const BIAS: f64 = -16.604982;

/// One weight per entry of [`Features::vector`](crate::verdict::Features::vector), in the
/// order of [`NAMES`](crate::verdict::NAMES).
pub const WEIGHTS: [f64; 10] = [
    2.362337, 0.000000, 0.810279, 0.000000, 1.920114, 2.126513, 0.362551, 6.562664, 1.891517,
    2.295963,
];
