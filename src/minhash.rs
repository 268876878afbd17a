//! MinHash signatures: [`OnePermutation`] for documents, [`MinHasher`] for short passages, and
//! the [`Signature`] both produce.
//!
//! **[`MinHasher`]** is classic `n`-function MinHash. Each input is first passed through a
//! 64-bit finaliser (MurmurHash3's `fmix64`), so inputs with structure (consecutive integers,
//! say) behave like random ones; then hash function `i` maps it to `(a_i · x + b_i) mod 2^64 >> 32`,
//! a multiply-add-shift hash with `a_i` odd; `a_i` and `b_i` come from a SplitMix64 stream started
//! at the seed, so the same seed always gives the same functions. The signature keeps, for each
//! function, the smallest 32-bit value over the set. For two sets with Jaccard `J`, each
//! position agrees with probability `J`, so the share of agreeing positions estimates `J` with
//! standard error `sqrt(J (1 - J) / n)`. Cost: `n` multiply-adds per element.
//!
//! **[`OnePermutation`]** is one-permutation hashing (Li, Owen and Zhang 2012) with optimal
//! densification (Shrivastava 2017): each element is hashed once; the high half of the hash
//! picks one of `n` bins and the low half is the value, and each bin keeps its smallest value.
//! A bin that no element reached borrows the value of a non-empty bin chosen by a seeded probe
//! sequence that depends only on the bin and the attempt, so two documents with the same empty
//! bins borrow alike. Positions still agree with probability `J` (exactly for the non-empty
//! bins; the borrowed ones copy such a bin), the estimate is as tight as `n`-function MinHash
//! once a set has a few elements per bin, and it costs one hash per element instead of `n`.
//! Documents (hundreds of shingles) use it; sentences (a dozen words, fewer than the bins, so
//! most bins would be borrowed) use [`MinHasher`].

/// A seeded family of `n` MinHash functions.
///
/// # Example
///
/// ```
/// use neardup::MinHasher;
///
/// let hasher = MinHasher::new(128, 42);
/// let a: Vec<u64> = (0..1000).collect();
/// let b: Vec<u64> = (500..1500).collect(); // Jaccard 500 / 1500 = 0.33
/// let estimate = hasher.signature(&a).jaccard(&hasher.signature(&b));
/// assert!((estimate - 1.0 / 3.0).abs() < 0.15);
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MinHasher {
    mul: Vec<u64>,
    add: Vec<u64>,
}

impl MinHasher {
    /// `n` hash functions drawn from `seed`. Cost: `O(n)`.
    pub fn new(n: usize, seed: u64) -> MinHasher {
        let mut state = seed;
        let mut mul = Vec::with_capacity(n);
        let mut add = Vec::with_capacity(n);
        for _ in 0..n {
            mul.push(splitmix64(&mut state) | 1);
            add.push(splitmix64(&mut state));
        }
        MinHasher { mul, add }
    }

    /// The number of hash functions (the signature length).
    pub fn len(&self) -> usize {
        self.mul.len()
    }

    /// Whether there are no hash functions.
    pub fn is_empty(&self) -> bool {
        self.mul.is_empty()
    }

    /// The minima of functions `functions` only, into `out` (one per function): a slice of
    /// [`MinHasher::signature`], for callers that need a few bands at a time.
    ///
    /// # Panics
    ///
    /// If `functions` is out of range or `out` is not as long.
    pub fn minima(&self, elements: &[u64], functions: std::ops::Range<usize>, out: &mut [u32]) {
        let (mul, add) = (&self.mul[functions.clone()], &self.add[functions]);
        assert_eq!(out.len(), mul.len(), "one minimum per function");
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx512f")
            && std::arch::is_x86_feature_detected!("avx512dq")
        {
            // SAFETY: the processor has AVX-512 F and DQ, checked just above (each check
            // reads a cached flag).
            return unsafe { minima_avx512(elements, mul, add, out) };
        }
        minima_of(elements, mul, add, out);
    }

    /// The signature of a set of shingle hashes (repeats do not change it). An empty set gives
    /// a signature of `u32::MAX` everywhere. Cost: `n` multiply-adds per shingle.
    pub fn signature(&self, shingles: &[u64]) -> Signature {
        let mut mins = vec![u32::MAX; self.len()];
        self.minima(shingles, 0..self.len(), &mut mins);
        Signature(mins)
    }
}

/// The minima of the functions `(mul[i], add[i])` over `elements`, into `out`.
#[inline(always)]
fn minima_of(elements: &[u64], mul: &[u64], add: &[u64], out: &mut [u32]) {
    out.fill(u32::MAX);
    for &x in elements {
        let x = fmix64(x);
        for ((min, &a), &b) in out.iter_mut().zip(mul).zip(add) {
            let h = (a.wrapping_mul(x).wrapping_add(b) >> 32) as u32;
            *min = (*min).min(h);
        }
    }
}

/// [`minima_of`] compiled for AVX-512: a portable build multiplies 64-bit numbers two at a
/// time, emulated with 32-bit products; AVX-512 DQ multiplies eight at once.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512dq")]
fn minima_avx512(elements: &[u64], mul: &[u64], add: &[u64], out: &mut [u32]) {
    minima_of(elements, mul, add, out);
}

/// One-permutation hashing with densification into `n` bins (see the module docs).
///
/// # Example
///
/// ```
/// use neardup::OnePermutation;
///
/// let hasher = OnePermutation::new(128, 42);
/// let a: Vec<u64> = (0..1000).collect();
/// let b: Vec<u64> = (500..1500).collect(); // Jaccard 500 / 1500 = 0.33
/// let estimate = hasher.signature(&a).jaccard(&hasher.signature(&b));
/// assert!((estimate - 1.0 / 3.0).abs() < 0.15);
///
/// // Elements can also be fed one at a time, as a document is shingled.
/// let mut sketch = hasher.sketch();
/// a.iter().for_each(|&x| sketch.add(x));
/// assert_eq!(sketch.finish(), hasher.signature(&a));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OnePermutation {
    bins: usize,
    seed: u64,
}

impl OnePermutation {
    /// `n` bins (the signature length), hashing with `seed`.
    ///
    /// # Panics
    ///
    /// If `n` is 0 or above 2^16 (a [`Config`](crate::Config) that passed `validate` never is).
    pub fn new(n: usize, seed: u64) -> OnePermutation {
        assert!(
            (1..=1 << 16).contains(&n),
            "one-permutation hashing needs 1..=65536 bins, got {n}"
        );
        let mut state = seed;
        OnePermutation {
            bins: n,
            seed: splitmix64(&mut state),
        }
    }

    /// The number of bins (the signature length).
    pub fn len(&self) -> usize {
        self.bins
    }

    /// Whether there are no bins (never: [`OnePermutation::new`] refuses 0).
    pub fn is_empty(&self) -> bool {
        self.bins == 0
    }

    /// An empty sketch to [`Sketch::add`] elements to.
    pub fn sketch(&self) -> Sketch<'_> {
        Sketch {
            hasher: self,
            mins: vec![u32::MAX; self.bins],
            filled: vec![0; self.bins.div_ceil(64)],
        }
    }

    /// The signature of a set of element hashes (repeats do not change it). An empty set gives
    /// `u32::MAX` everywhere. Cost: one hash per element, then one probe sequence per empty bin.
    pub fn signature(&self, elements: &[u64]) -> Signature {
        let mut sketch = self.sketch();
        for &x in elements {
            sketch.add(x);
        }
        sketch.finish()
    }

    /// The bin that attempt `attempt` of empty bin `bin` borrows from.
    fn probe(&self, bin: usize, attempt: u32) -> usize {
        let x = fmix64(self.seed ^ ((bin as u64) << 32 | u64::from(attempt)));
        (((x >> 32) * self.bins as u64) >> 32) as usize
    }
}

/// A one-permutation signature under construction (see [`OnePermutation::sketch`]).
#[derive(Clone, Debug)]
pub struct Sketch<'a> {
    hasher: &'a OnePermutation,
    mins: Vec<u32>,
    /// One bit per bin: whether an element reached it.
    filled: Vec<u64>,
}

impl Sketch<'_> {
    /// Adds one element hash. Cost: one 64-bit mix, a min and a bit set, without branches.
    #[inline]
    pub fn add(&mut self, x: u64) {
        let h = fmix64(x ^ self.hasher.seed);
        let bin = (((h >> 32) * self.hasher.bins as u64) >> 32) as usize;
        let value = h as u32;
        self.mins[bin] = self.mins[bin].min(value);
        self.filled[bin / 64] |= 1 << (bin % 64);
    }

    fn is_filled(&self, bin: usize) -> bool {
        self.filled[bin / 64] >> (bin % 64) & 1 == 1
    }

    /// The signature: empty bins borrow from non-empty ones (see the module docs).
    pub fn finish(mut self) -> Signature {
        let count: u32 = self.filled.iter().map(|w| w.count_ones()).sum();
        if count == 0 || count as usize == self.mins.len() {
            return Signature(self.mins);
        }
        for bin in 0..self.mins.len() {
            if self.is_filled(bin) {
                continue;
            }
            // Each attempt finds a filled bin with probability count / bins >= 1 / bins.
            let mut attempt = 0;
            loop {
                let from = self.hasher.probe(bin, attempt);
                if self.is_filled(from) {
                    self.mins[bin] = self.mins[from];
                    break;
                }
                attempt += 1;
            }
        }
        Signature(self.mins)
    }
}

/// MurmurHash3's 64-bit finaliser: a bijection that mixes every input bit into every output bit.
pub(crate) fn fmix64(mut x: u64) -> u64 {
    x ^= x >> 33;
    x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
    x ^= x >> 33;
    x = x.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    x ^ (x >> 33)
}

/// One step of SplitMix64 (Steele, Lea and Flood 2014): a fast, well-mixed seeded stream.
fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// A MinHash signature: one 32-bit minimum per hash function.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Signature(pub Vec<u32>);

impl Signature {
    /// The minima, one per hash function.
    pub fn as_slice(&self) -> &[u32] {
        &self.0
    }

    /// The estimated Jaccard: the share of positions where the two signatures agree.
    /// Signatures of different lengths are compared over the shorter; two empty ones give 0.
    pub fn jaccard(&self, other: &Signature) -> f64 {
        let n = self.0.len().min(other.0.len());
        if n == 0 {
            return 0.0;
        }
        let same = self.0.iter().zip(&other.0).filter(|(a, b)| a == b).count();
        same as f64 / n as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two random sets of `union` elements in all, `shared` of them in both.
    fn pair(state: &mut u64, union: usize, shared: usize) -> (Vec<u64>, Vec<u64>) {
        let all: Vec<u64> = (0..union).map(|_| splitmix64(state)).collect();
        let only = union - shared;
        let a = all[..shared + only / 2].to_vec();
        let mut b = all[..shared].to_vec();
        b.extend_from_slice(&all[shared + only / 2..]);
        (a, b)
    }

    /// The share of trials in which the estimate stays within 3 standard errors,
    /// `3 sqrt(J (1 - J) / K)`, of the exact Jaccard, for sets of `sizes` elements in all.
    fn share_within_three_standard_errors(
        sign: &dyn Fn(u64, &[u64]) -> Signature,
        sizes: std::ops::Range<u64>,
    ) -> f64 {
        let mut state = 7;
        let k = 128;
        let mut within = 0;
        let trials = 1000;
        for trial in 0..trials {
            let union = (sizes.start + splitmix64(&mut state) % (sizes.end - sizes.start)) as usize;
            let share = 0.05 + 0.9 * (splitmix64(&mut state) % 1000) as f64 / 1000.0;
            let shared = ((union as f64) * share) as usize;
            let (a, b) = pair(&mut state, union, shared);
            let exact = shared as f64 / union as f64;
            let estimate = sign(trial, &a).jaccard(&sign(trial, &b));
            let bound = 3.0 * (exact * (1.0 - exact) / k as f64).sqrt();
            if (estimate - exact).abs() <= bound {
                within += 1;
            }
        }
        within as f64 / trials as f64
    }

    /// A normal approximation gives 99.7% within 3 standard errors; we ask for 99%.
    #[test]
    fn minhash_estimate_stays_within_three_standard_errors() {
        let sign = |seed, set: &[u64]| MinHasher::new(128, seed).signature(set);
        let share = share_within_three_standard_errors(&sign, 200..1000);
        assert!(share >= 0.99, "{share}");
    }

    /// One-permutation hashing samples bins without replacement, so on sets with a few
    /// elements per bin it is at least as tight as `n` functions: 99% again.
    #[test]
    fn one_permutation_estimate_stays_within_three_standard_errors() {
        let sign = |seed, set: &[u64]| OnePermutation::new(128, seed).signature(set);
        let share = share_within_three_standard_errors(&sign, 200..1000);
        assert!(share >= 0.99, "{share}");
    }

    /// On sets of 20 to 120 elements (fewer than the 128 bins) many bins are borrowed, and a
    /// borrowed bin repeats the error of the bin it copies, so the estimate is looser than
    /// `n` functions would give: 98.9% of trials in 3 standard errors when written; we ask 97%.
    #[test]
    fn one_permutation_on_small_sets_is_looser_but_sound() {
        let sign = |seed, set: &[u64]| OnePermutation::new(128, seed).signature(set);
        let share = share_within_three_standard_errors(&sign, 20..120);
        assert!(share >= 0.97, "{share}");
    }

    #[test]
    fn one_permutation_fills_every_bin_and_equal_sets_agree() {
        let hasher = OnePermutation::new(128, 5);
        for n in [1u64, 2, 7, 300] {
            let set: Vec<u64> = (0..n).map(|i| i * 7919).collect();
            let sig = hasher.signature(&set);
            assert!(sig.as_slice().iter().all(|&v| v != u32::MAX), "n={n}");
            let mut reversed = set.clone();
            reversed.reverse();
            reversed.extend_from_slice(&set);
            assert_eq!(sig, hasher.signature(&reversed), "n={n}");
        }
        assert_eq!(hasher.signature(&[]).as_slice(), &[u32::MAX; 128]);
    }

    #[test]
    fn same_seed_same_signature_other_seed_other() {
        let set: Vec<u64> = (0..100).map(|i| i * 7919).collect();
        let one = MinHasher::new(64, 1).signature(&set);
        assert_eq!(one, MinHasher::new(64, 1).signature(&set));
        assert_ne!(one, MinHasher::new(64, 2).signature(&set));
        assert_eq!(one.jaccard(&one), 1.0);
    }

    /// The minima `minima` computes (with AVX-512 where the processor has it, else the
    /// portable loop) are those of the definition, written out one function and one element
    /// at a time, for every slice of functions, including ragged ones; on a processor
    /// without AVX-512 this checks the portable loop alone.
    #[test]
    fn minima_are_those_of_the_definition() {
        let hasher = MinHasher::new(96, 3);
        let mut state = 11;
        for n in [0usize, 1, 5, 12, 40] {
            let set: Vec<u64> = (0..n).map(|_| splitmix64(&mut state)).collect();
            for functions in [0..96, 0..3, 5..29, 90..96, 17..18] {
                let mut found = vec![0; functions.len()];
                hasher.minima(&set, functions.clone(), &mut found);
                let want: Vec<u32> = functions
                    .clone()
                    .map(|f| {
                        let h = |x: u64| {
                            let product = u128::from(hasher.mul[f]) * u128::from(fmix64(x));
                            let sum = (product as u64).wrapping_add(hasher.add[f]);
                            (sum >> 32) as u32
                        };
                        set.iter().map(|&x| h(x)).min().unwrap_or(u32::MAX)
                    })
                    .collect();
                assert_eq!(found, want, "n={n} functions={functions:?}");
            }
        }
    }

    #[test]
    fn empty_set_gives_max_everywhere() {
        let sig = MinHasher::new(8, 0).signature(&[]);
        assert_eq!(sig.as_slice(), &[u32::MAX; 8]);
    }
}
