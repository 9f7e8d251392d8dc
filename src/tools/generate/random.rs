//! Random numbers: xoshiro256** seeded by splitmix64, one stream per step of the generator
//! (so that, for one seed, changing a later step leaves the earlier ones as they were).

pub(super) fn splitmix64(x: &mut u64) -> u64 {
    *x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *x;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// xoshiro256**, seeded by splitmix64 from (seed, stream).
pub(super) struct Rng {
    pub(super) s: [u64; 4],
}

impl Rng {
    pub(super) fn new(seed: u64, stream: u64) -> Self {
        let mut x = seed ^ stream.wrapping_mul(0xD1B5_4A32_D192_ED03);
        let s = [
            splitmix64(&mut x),
            splitmix64(&mut x),
            splitmix64(&mut x),
            splitmix64(&mut x),
        ];
        Self { s }
    }

    fn next_u64(&mut self) -> u64 {
        let result = self.s[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let t = self.s[1] << 17;
        self.s[2] ^= self.s[0];
        self.s[3] ^= self.s[1];
        self.s[1] ^= self.s[2];
        self.s[0] ^= self.s[3];
        self.s[2] ^= t;
        self.s[3] = self.s[3].rotate_left(45);
        result
    }

    /// Uniform in 0..n (n > 0), by multiply-shift.
    pub(super) fn below(&mut self, n: usize) -> usize {
        debug_assert!(n > 0);
        ((u128::from(self.next_u64()) * n as u128) >> 64) as usize
    }

    /// Uniform in lo..=hi.
    pub(super) fn range(&mut self, lo: i64, hi: i64) -> i64 {
        debug_assert!(lo <= hi);
        lo + self.below((hi - lo + 1) as usize) as i64
    }

    /// Uniform in [0, 1).
    pub(super) fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    pub(super) fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    pub(super) fn shuffle<T>(&mut self, v: &mut [T]) {
        for i in (1..v.len()).rev() {
            let j = self.below(i + 1);
            v.swap(i, j);
        }
    }

    /// An index drawn by the weights in `cum` (cumulative, last = total).
    pub(super) fn pick_cum(&mut self, cum: &[f64]) -> usize {
        let total = *cum.last().expect("weights");
        let u = self.unit() * total;
        cum.partition_point(|&c| c <= u).min(cum.len() - 1)
    }
}

pub(super) const STREAM_NETWORK: u64 = 1;
pub(super) const STREAM_ORDERS: u64 = 2;
pub(super) const STREAM_SUPPLY: u64 = 3;
pub(super) const STREAM_CAPACITY: u64 = 4;
pub(super) const STREAM_DISRUPTIONS: u64 = 5;
pub(super) const STREAM_SURGE: u64 = 6;
