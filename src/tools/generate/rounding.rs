//! Rounding the generated numbers: cents, and quantities to lot sizes.

pub(super) fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// Up to a pallet-friendly multiple: 1 below 50, 5 below 200, 10 below 1000, else 50.
pub(super) fn lot(x: f64) -> f64 {
    let step = if x < 50.0 {
        1.0
    } else if x < 200.0 {
        5.0
    } else if x < 1000.0 {
        10.0
    } else {
        50.0
    };
    (x / step).ceil() * step
}
