//! How the checker compares quantities: one tolerance, used by every rule and cost.

/// Absolute tolerance for comparing quantities, scaled by the magnitude when that exceeds 1.
pub const TOLERANCE: f64 = 1e-6;

/// The tolerance for quantities of this magnitude: [`TOLERANCE`] absolute, relative above 1.
pub fn tolerance(magnitude: f64) -> f64 {
    TOLERANCE * magnitude.abs().max(1.0)
}

/// `a` exceeds `b` by more than the tolerance.
pub(crate) fn exceeds(a: f64, b: f64) -> bool {
    a > b + tolerance(a.abs().max(b.abs()))
}

/// Whole within the tolerance: |q - round(q)| <= 1e-6.
pub(crate) fn is_whole(q: f64) -> bool {
    (q - q.round()).abs() <= TOLERANCE
}

/// A quantity for a message: whole numbers without decimals, others with at most six.
pub(crate) fn num(x: f64) -> String {
    if is_whole(x) {
        let r = x.round();
        if r == 0.0 {
            "0".to_owned()
        } else {
            format!("{r}")
        }
    } else {
        let t = format!("{x:.6}");
        t.trim_end_matches('0').trim_end_matches('.').to_owned()
    }
}
