//! Each flow linked to its lane-day charge on its own (`x <= u * open`, the `strong_link`
//! rows of `time-expanded-strong`), added as cuts to a whole model before HiGHS's MIP,
//! wherever the charge's row does not already imply them. They raise the LP bound HiGHS's
//! root starts from; the mathematics, why they are valid and what they buy:
//! `models/tight.md`, "L1: each flow linked to its charge".
//!
//! A link is added for each flow `x` with a positive coefficient `a` in a charge's row
//! (`charges::find_charges`: `sum a_w x_w - m * open <= 0`, every other entry positive,
//! none with a negative lower bound) whose column bound `u` is below `m / a`; where
//! `u >= m / a`, the row already implies `x <= u * open`. Only rows are added: the
//! columns, and so the decoding of a solution, are the model's.

use std::time::Instant;

use crate::optimize::charges::find_charges;
use crate::optimize::mip::{Mip, Var};

/// What was added.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LinkCuts {
    /// The charges whose rows were read, and the links added over them.
    pub charges: usize,
    pub added: usize,
    pub seconds: f64,
}

/// Adds to `mip` the links its charges' rows do not imply, as rows `link_cut[flow,charge]`
/// when `mip` keeps names. `None` when `mip` has no charge.
pub fn add(mip: &mut Mip) -> Option<LinkCuts> {
    let start = Instant::now();
    let charges = find_charges(mip, &mip.columns());
    if charges.is_empty() {
        return None;
    }
    let mut links: Vec<(usize, usize, f64)> = Vec::new();
    for c in &charges {
        // With a negative lower bound a flow could offset another in the row, and a
        // closed charge would no longer force each flow to 0.
        if mip.row(c.row).any(|(v, _)| mip.col_lower[v.ix()] < 0.0) {
            continue;
        }
        for (v, a) in mip.row(c.row) {
            let (j, u) = (v.ix(), mip.col_upper[v.ix()]);
            if j != c.col && u * a < c.m {
                links.push((j, c.col, u));
            }
        }
    }
    let named = !mip.row_names.is_empty();
    for &(flow, charge, u) in &links {
        mip.add_row(
            f64::NEG_INFINITY,
            0.0,
            [(Var(flow as u32), 1.0), (Var(charge as u32), -u)],
        );
        if named {
            mip.row_names.push(format!("link_cut[{flow},{charge}]"));
        }
    }
    Some(LinkCuts {
        charges: charges.len(),
        added: links.len(),
        seconds: start.elapsed().as_secs_f64(),
    })
}
