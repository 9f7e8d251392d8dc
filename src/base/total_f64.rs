//! An `f64` with a total order, for heaps and sort keys.

/// An f64 ordered by `f64::total_cmp`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct TotalF64(i64);

impl TotalF64 {
    pub fn of(x: f64) -> Self {
        // The transformation `f64::total_cmp` applies before comparing as integers.
        let b = x.to_bits() as i64;
        TotalF64(b ^ ((((b >> 63) as u64) >> 1) as i64))
    }
}
