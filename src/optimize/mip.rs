//! A solver-neutral mixed-integer program: what a formulation builds and a backend solves
//! (or `export` writes). Rows are stored compressed (CSR) because formulations emit them
//! one at a time and backends read them in bulk.

/// Minimise `offset + cost . x` subject to `row_lower <= A x <= row_upper`,
/// `col_lower <= x <= col_upper`, `x_j` integer where `integer[j]`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Mip {
    pub offset: f64,
    pub col_cost: Vec<f64>,
    pub col_lower: Vec<f64>,
    pub col_upper: Vec<f64>,
    pub integer: Vec<bool>,
    pub row_lower: Vec<f64>,
    pub row_upper: Vec<f64>,
    /// Row r's entries are `row_index[row_start[r]..row_start[r + 1]]` with their values.
    pub row_start: Vec<usize>,
    pub row_index: Vec<u32>,
    pub row_value: Vec<f64>,
    /// Names for export and debugging; empty unless the builder was asked for them.
    pub col_names: Vec<String>,
    pub row_names: Vec<String>,
}

/// A column handle.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Var(pub u32);

impl Var {
    pub fn ix(self) -> usize {
        self.0 as usize
    }
}

impl Mip {
    pub fn new() -> Self {
        Self {
            row_start: vec![0],
            ..Self::default()
        }
    }

    pub fn num_cols(&self) -> usize {
        self.col_cost.len()
    }
    pub fn num_rows(&self) -> usize {
        self.row_lower.len()
    }
    pub fn num_nonzeros(&self) -> usize {
        self.row_index.len()
    }
    pub fn num_integer(&self) -> usize {
        self.integer.iter().filter(|&&i| i).count()
    }

    pub fn add_col(&mut self, cost: f64, lower: f64, upper: f64, integer: bool) -> Var {
        let v = Var(u32::try_from(self.col_cost.len()).expect("more than 2^32 columns"));
        self.col_cost.push(cost);
        self.col_lower.push(lower);
        self.col_upper.push(upper);
        self.integer.push(integer);
        v
    }

    /// Adds `lower <= sum(coef * var) <= upper`. Entries with a zero coefficient are dropped.
    pub fn add_row(
        &mut self,
        lower: f64,
        upper: f64,
        entries: impl IntoIterator<Item = (Var, f64)>,
    ) -> usize {
        for (v, c) in entries {
            if c != 0.0 {
                self.row_index.push(v.0);
                self.row_value.push(c);
            }
        }
        self.row_start.push(self.row_index.len());
        self.row_lower.push(lower);
        self.row_upper.push(upper);
        self.row_lower.len() - 1
    }

    pub fn row(&self, r: usize) -> impl Iterator<Item = (Var, f64)> + '_ {
        let (a, b) = (self.row_start[r], self.row_start[r + 1]);
        self.row_index[a..b]
            .iter()
            .zip(&self.row_value[a..b])
            .map(|(&i, &v)| (Var(i), v))
    }

    /// The objective value of `x` (offset included).
    pub fn objective(&self, x: &[f64]) -> f64 {
        self.offset + self.col_cost.iter().zip(x).map(|(c, v)| c * v).sum::<f64>()
    }
}

/// The constraint matrix column by column: column j's entries are
/// `row[start[j]..start[j + 1]]` with their values. For pricing columns against row duals.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Columns {
    pub start: Vec<usize>,
    pub row: Vec<u32>,
    pub value: Vec<f64>,
}

impl Columns {
    pub fn entries(&self, j: usize) -> impl Iterator<Item = (usize, f64)> + '_ {
        let (a, b) = (self.start[j], self.start[j + 1]);
        self.row[a..b]
            .iter()
            .zip(&self.value[a..b])
            .map(|(&r, &v)| (r as usize, v))
    }

    /// Whether column j has no entry in any row.
    pub fn is_empty(&self, j: usize) -> bool {
        self.start[j] == self.start[j + 1]
    }

    /// `cost - sum_i a_ij y_i`: column j's reduced cost under row duals `y`.
    pub fn reduced_cost(&self, cost: f64, j: usize, y: &[f64]) -> f64 {
        self.entries(j).fold(cost, |d, (r, a)| d - a * y[r])
    }
}

impl Mip {
    /// The matrix transposed to columns (a counting sort: linear in the nonzeros).
    pub fn columns(&self) -> Columns {
        let n = self.num_cols();
        let mut start = vec![0usize; n + 1];
        for &j in &self.row_index {
            start[j as usize + 1] += 1;
        }
        for j in 0..n {
            start[j + 1] += start[j];
        }
        let mut next = start.clone();
        let mut row = vec![0u32; self.num_nonzeros()];
        let mut value = vec![0.0; self.num_nonzeros()];
        for r in 0..self.num_rows() {
            for (v, a) in self.row(r) {
                let p = next[v.ix()];
                row[p] = r as u32;
                value[p] = a;
                next[v.ix()] += 1;
            }
        }
        Columns { start, row, value }
    }

    /// The LP relaxation: the same model with every column continuous.
    pub fn relaxed(mut self) -> Mip {
        self.integer.iter_mut().for_each(|i| *i = false);
        self
    }

    /// The model restricted to `cols` (in that order), every row kept: the columns left out
    /// are fixed at 0. A restriction of a minimisation, so any feasible point of it,
    /// padded with zeros, is feasible for `self` when 0 is within the bounds of every
    /// column left out.
    pub fn restricted(&self, cols: &[usize]) -> Mip {
        let mut at = vec![u32::MAX; self.num_cols()];
        for (k, &j) in cols.iter().enumerate() {
            at[j] = k as u32;
        }
        let mut sub = Mip::new();
        sub.offset = self.offset;
        for &j in cols {
            sub.add_col(
                self.col_cost[j],
                self.col_lower[j],
                self.col_upper[j],
                self.integer[j],
            );
        }
        for r in 0..self.num_rows() {
            let entries = self
                .row(r)
                .filter(|(v, _)| at[v.ix()] != u32::MAX)
                .map(|(v, a)| (Var(at[v.ix()]), a));
            sub.add_row(self.row_lower[r], self.row_upper[r], entries);
        }
        sub
    }
}
