//! Inventory balances per (node, SKU, day), and the surplus rows of a neighbourhood's
//! farthest pairs.

use super::builder::{Builder, Pair};
use crate::optimize::formulate::model::Meaning;
use crate::optimize::mip::Var;

impl Builder<'_> {
    /// `balance[n,k,t]`: `inv[t] - inv[t-1] + outflow[t] - inflow[t] = constants[t]`, `inv >= 0`.
    /// B2: inv is at most every unit of k that exists (a finite bound keeps the Lagrangian
    /// bound of `crate::optimize::guided` finite).
    pub(super) fn balances(&mut self, pairs: &[Pair]) {
        let s = self.s;
        let supply = self.total_supply();
        for &p in pairs {
            let (entries, rhs) = self.balance.remove(&p).expect("pair");
            if let Some(h) = self.held.as_mut() {
                h.balance_row.insert(p, self.mip.num_rows() as u32);
            }
            let mut prev: Option<Var> = None;
            for (t, (mut row, b)) in entries.into_iter().zip(rhs).enumerate() {
                let (nid, kid) = (s.node(p.0).id.clone(), s.sku(p.1).id.clone());
                let inv = self.col(0.0, supply[p.1.ix()], false, Meaning::Aux, || {
                    format!("inv[{nid},{kid},{t}]")
                });
                row.push((inv, 1.0));
                if let Some(v) = prev {
                    row.push((v, -1.0));
                }
                self.row(b, b, row, || format!("balance[{nid},{kid},{t}]"));
                prev = Some(inv);
            }
        }
        self.surpluses();
    }

    /// `surplus[n,k]`, per farthest pair of a hold's transfer hops: the transfers leaving it,
    /// over the horizon, take at most the least stock the plan's constants leave it at the
    /// end of any day. Every
    /// day's balance then holds: a restriction of the model (`models/neighbourhoods.md`).
    fn surpluses(&mut self) {
        let s = self.s;
        let mut origins: Vec<Pair> = self.origins.iter().copied().collect();
        origins.sort();
        for p in origins {
            let (entries, rhs) = self.balance.remove(&p).expect("pair");
            let row: Vec<(Var, f64)> = entries.into_iter().flatten().collect();
            if row.is_empty() {
                continue;
            }
            let mut stock = 0.0;
            let mut least = f64::INFINITY;
            for b in rhs {
                stock += b;
                least = least.min(stock);
            }
            let (nid, kid) = (s.node(p.0).id.clone(), s.sku(p.1).id.clone());
            self.row(f64::NEG_INFINITY, least.max(0.0), row, || {
                format!("surplus[{nid},{kid}]")
            });
        }
    }
}
