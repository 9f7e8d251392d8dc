//! The yes/no charges of a model, found from its matrix alone: what the LP-guided search
//! prices by slope scaling (`guided`) and what the link cuts tie each flow to
//! (`link_cuts`). Reading the matrix, not the formulation, keeps both usable on any model
//! a formulation builds.

use crate::optimize::mip::{Columns, Mip};

/// A fixed charge: binary column `col` with cost `cost` opening row `row`,
/// `sum of flows - m * col <= 0`.
#[derive(Clone, Copy, Debug)]
pub struct Charge {
    pub col: usize,
    pub row: usize,
    pub m: f64,
    pub cost: f64,
}

/// Binary columns with a positive cost whose entries are all negative, in rows
/// `... <= 0` whose other entries are positive: yes/no charges that open flows. The row
/// with the largest coefficient is the one slope scaling reads the flow from.
pub fn find_charges(mip: &Mip, columns: &Columns) -> Vec<Charge> {
    (0..mip.num_cols())
        .filter(|&j| {
            mip.integer[j]
                && mip.col_cost[j] > 0.0
                && mip.col_lower[j] == 0.0
                && mip.col_upper[j] == 1.0
                && !columns.is_empty(j)
        })
        .filter_map(|j| {
            let mut link: Option<(usize, f64)> = None;
            for (r, a) in columns.entries(j) {
                let opens = a < 0.0
                    && mip.row_lower[r] == f64::NEG_INFINITY
                    && mip.row_upper[r] == 0.0
                    && mip.row(r).all(|(v, c)| v.ix() == j || c > 0.0);
                if !opens {
                    return None;
                }
                if link.is_none_or(|(_, m)| -a > m) {
                    link = Some((r, -a));
                }
            }
            let (row, m) = link?;
            Some(Charge {
                col: j,
                row,
                m,
                cost: mip.col_cost[j],
            })
        })
        .collect()
}
