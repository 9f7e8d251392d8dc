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
