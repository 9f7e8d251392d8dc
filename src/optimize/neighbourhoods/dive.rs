//! The dive that makes a neighbourhood LP's open yes/no decisions whole, after slope
//! scaling where charges are open.

use crate::optimize::formulate::{Meaning, Model};
use crate::optimize::highs::{Change, SolveResult, Status};

/// How many times a neighbourhood's LP is solved again to make its open decisions whole
/// before the fractions left are given up.
const DIVES: usize = 8;

/// Solves of a dive with open charges that re-price them before they are fixed
/// ([`Dive::scale`]).
const SCALINGS: usize = 4;

/// A dive over the open decisions of a neighbourhood's LP
/// ([`open_decisions`](super::reflow::open_decisions)): after each solve the largest
/// fraction is fixed at 1 (the others stay free); when that makes the LP infeasible (an
/// order that cannot ship in full; an expedite or a charge never does that), it goes back
/// to 0. After [`DIVES`] solves the fractions left are fixed, the
/// switches at 0, the expedites and charges at 1: the last LP's point with those orders'
/// flows removed, those receipts' units earlier and those lane-days paid in full is
/// feasible, so the dive ends on a plan. With open charges, [`SCALINGS`] solves of slope
/// scaling ([`Dive::scale`]) come first and fix them; the cap counts the solves after.
pub(super) struct Dive<'a> {
    pub(super) open: &'a [usize],
    /// Per open decision, its objective coefficient when it is a charge.
    pub(super) charge: Vec<Option<f64>>,
    /// Solves left that re-price the open charges (slope scaling): [`SCALINGS`] when a
    /// charge is open, 0 otherwise. They do not count towards [`DIVES`].
    scalings: usize,
    /// Per open decision, whether a fraction left at the end is fixed at 1 rather than 0:
    /// an expedite, whose earlier units only add to every balance, or a charge, which only
    /// lets its lane-day carry more.
    raise: Vec<bool>,
    /// Per open decision, where it is fixed.
    pub(super) fixed: Vec<Option<f64>>,
    /// The decision the last solve fixed at 1 from a fraction.
    pub(super) tried: Option<usize>,
    /// Per open decision, the order whose source choice it is (`Meaning::Source`).
    source_of: Vec<Option<usize>>,
    /// Per open decision, the plan's value.
    pub(super) start: Vec<f64>,
    /// Whether the sources have been rounded ([`Dive::round_sources`]: once a dive, at the
    /// first solve that leaves one fractional).
    rounded: bool,
    /// The source decisions of the orders the last solve's rounding fixed, while it is the
    /// last step.
    rounding: Vec<usize>,
    pub(super) solves: usize,
}

impl<'a> Dive<'a> {
    /// The dive over `open`, from a plan whose value per column is `start`.
    pub(super) fn new(model: &Model, open: &'a [usize], start: &[f64]) -> Self {
        let charge: Vec<Option<f64>> = open
            .iter()
            .map(|&j| {
                matches!(model.meaning[j], Meaning::Charge { .. }).then(|| model.mip.col_cost[j])
            })
            .collect();
        let scalings = if charge.iter().any(Option::is_some) {
            SCALINGS
        } else {
            0
        };
        Dive {
            open,
            charge,
            scalings,
            raise: open
                .iter()
                .map(|&j| {
                    matches!(
                        model.meaning[j],
                        Meaning::Expedite(_) | Meaning::Charge { .. }
                    )
                })
                .collect(),
            fixed: vec![None; open.len()],
            tried: None,
            source_of: open
                .iter()
                .map(|&j| match model.meaning[j] {
                    Meaning::Source { order, .. } => Some(order.ix()),
                    _ => None,
                })
                .collect(),
            start: open.iter().map(|&j| start[j]).collect(),
            rounded: false,
            rounding: Vec::new(),
            solves: 0,
        }
    }

    /// The changes to make before the next solve, or `None` when `r` ends the dive.
    pub(super) fn next(&mut self, r: &SolveResult) -> Option<Vec<Change>> {
        let values = r.values.as_ref().filter(|_| r.status == Status::Optimal);
        if self.scalings > 0 {
            self.scalings -= 1;
            return Some(self.scale(values?));
        }
        self.solves += 1;
        if r.status == Status::Infeasible {
            if !self.rounding.is_empty() {
                // Those orders back on the plan's sources, where the plan ships them.
                let back = std::mem::take(&mut self.rounding);
                return Some(
                    back.into_iter()
                        .map(|k| {
                            self.fixed[k] = Some(self.start[k]);
                            Change::Fix(self.open[k], self.start[k])
                        })
                        .collect(),
                );
            }
            let k = self.tried.take()?;
            self.fixed[k] = Some(0.0);
            return Some(vec![Change::Fix(self.open[k], 0.0)]);
        }
        let values = values?;
        self.tried = None;
        self.rounding.clear();
        if !self.rounded {
            if let Some(fix) = self.round_sources(values) {
                self.rounded = true;
                return Some(fix);
            }
        }
        let mut fix = Vec::new();
        let mut largest: Option<(usize, f64)> = None;
        for (k, &j) in self.open.iter().enumerate() {
            if self.fixed[k].is_some() {
                continue;
            }
            let v = values[j];
            if !fraction(v) {
                continue;
            }
            if largest.is_none_or(|(_, w)| v > w) {
                largest = Some((k, v));
            }
        }
        let (k, _) = largest?;
        if self.solves >= DIVES {
            for (k, &j) in self.open.iter().enumerate() {
                let v = values[j];
                if self.fixed[k].is_none() && fraction(v) {
                    let w = if self.raise[k] { 1.0 } else { 0.0 };
                    self.fixed[k] = Some(w);
                    fix.push(Change::Fix(j, w));
                }
            }
            return Some(fix);
        }
        self.fixed[k] = Some(1.0);
        self.tried = Some(k);
        fix.push(Change::Fix(self.open[k], 1.0));
        Some(fix)
    }

    /// The dive's step at the first solve that leaves a source fractional (usually the
    /// first): every order with a fractional source gets its largest at 1, all in one solve
    /// (its source limit then closes the others when it is 1). One at a time, the dives of
    /// the late or short groups of medium seeds 1-2 needed 9-12 solves, more than
    /// [`DIVES`], and the orders left over went unserved. When that solve is infeasible (a
    /// ship-complete order the source cannot serve in full), those orders' sources go back
    /// to the plan's, which the plan's own point satisfies when this is the dive's first
    /// step; otherwise that LP may be infeasible too and the dive ends with no plan, the
    /// neighbourhood giving nothing. `None` when no source is fractional.
    fn round_sources(&mut self, values: &[f64]) -> Option<Vec<Change>> {
        use std::collections::{BTreeMap, BTreeSet};
        // Per order with a source decision left open, its largest source.
        let mut largest: BTreeMap<usize, (usize, f64)> = BTreeMap::new();
        let mut fractional: BTreeSet<usize> = BTreeSet::new();
        for (k, o) in self.source_of.iter().enumerate() {
            let Some(o) = *o else {
                continue;
            };
            if self.fixed[k].is_some() {
                continue;
            }
            let v = values[self.open[k]];
            if fraction(v) {
                fractional.insert(o);
            }
            let e = largest.entry(o).or_insert((k, v));
            if v > e.1 {
                *e = (k, v);
            }
        }
        if fractional.is_empty() {
            return None;
        }
        let rounds = |o: &usize| fractional.contains(o);
        self.rounding = (0..self.open.len())
            .filter(|&k| self.fixed[k].is_none() && self.source_of[k].is_some_and(|o| rounds(&o)))
            .collect();
        let mut fix = Vec::new();
        for (o, (k, _)) in largest {
            if rounds(&o) {
                self.fixed[k] = Some(1.0);
                fix.push(Change::Fix(self.open[k], 1.0));
            }
        }
        Some(fix)
    }

    /// Slope scaling over the open charges (Kim and Pardalos's dynamic slope scaling): an
    /// LP charges a lane-day in proportion to its load, `c * z` with `z` = load / `M`, so
    /// it gains nothing by putting two lane-days' loads on one. Each solve but the last of
    /// [`SCALINGS`] re-prices every charge the LP used at `c / z`, what a whole charge
    /// costs per unit of the load it carried, so the next LP sees a lightly used lane-day
    /// as dear and moves its load where a charge is used more; the last fixes every charge
    /// at 1 where the LP used it and 0 where not, at its own cost again.
    pub(super) fn scale(&mut self, values: &[f64]) -> Vec<Change> {
        let mut changes = Vec::new();
        for (k, &j) in self.open.iter().enumerate() {
            let Some(c) = self.charge[k] else {
                continue;
            };
            let z = values[j];
            if self.scalings > 0 {
                // A charge the LP left at 0 keeps its last price.
                if z > 1e-6 {
                    changes.push(Change::Cost(j, c / z.min(1.0)));
                }
            } else {
                let w = if z > 1e-6 { 1.0 } else { 0.0 };
                self.fixed[k] = Some(w);
                changes.push(Change::Fix(j, w));
                changes.push(Change::Cost(j, c));
            }
        }
        changes
    }

    /// `r` (the dive's last solve) when it is optimal with every open decision whole; the
    /// decisions still free are then fixed where `r` has them.
    pub(super) fn finished(&mut self, r: SolveResult) -> Option<SolveResult> {
        let values = r.values.as_ref().filter(|_| r.status == Status::Optimal)?;
        for (k, &j) in self.open.iter().enumerate() {
            let v = values[j];
            if fraction(v) {
                return None;
            }
            self.fixed[k].get_or_insert(v.round());
        }
        Some(r)
    }
}

/// Whether a yes/no column's value is neither 0 nor 1 (beyond rounding).
fn fraction(v: f64) -> bool {
    v > 1e-6 && v < 1.0 - 1e-6
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::optimize::highs::{Change, Limit, SolveResult, Status};

    fn lp(status: Status, values: Option<Vec<f64>>) -> SolveResult {
        SolveResult {
            status,
            values,
            objective: None,
            bound: None,
            gap: None,
            seconds: 0.0,
            handoff_seconds: 0.0,
            rows: 0,
            cols: 2,
            nonzeros: 0,
            integer_cols: 0,
            solver: String::new(),
        }
    }

    /// Column 0 a ship-complete switch, column 1 an expedite, both free.
    fn dive(open: &[usize]) -> Dive<'_> {
        Dive {
            open,
            charge: vec![None, None],
            scalings: 0,
            raise: vec![false, true],
            fixed: vec![None, None],
            tried: None,
            source_of: vec![None, None],
            start: vec![0.0, 0.0],
            rounded: false,
            rounding: Vec::new(),
            solves: 0,
        }
    }

    #[test]
    fn the_largest_fraction_goes_to_1_and_back_to_0_when_that_is_infeasible() {
        let open = [0, 1];
        let mut d = dive(&open);
        assert_eq!(
            d.next(&lp(Status::Optimal, Some(vec![0.7, 0.4]))),
            Some(vec![Change::Fix(0, 1.0)])
        );
        assert_eq!(
            d.next(&lp(Status::Infeasible, None)),
            Some(vec![Change::Fix(0, 0.0)])
        );
        assert_eq!(d.fixed, vec![Some(0.0), None]);
        assert_eq!(
            d.next(&lp(Status::Optimal, Some(vec![0.0, 0.4]))),
            Some(vec![Change::Fix(1, 1.0)])
        );
        // Every decision whole: the dive ends, and the last solve is its plan.
        assert_eq!(d.next(&lp(Status::Optimal, Some(vec![0.0, 1.0]))), None);
        let last = lp(Status::Optimal, Some(vec![0.0, 1.0]));
        assert!(d.finished(last).is_some());
        assert_eq!(d.fixed, vec![Some(0.0), Some(1.0)]);
    }

    /// Columns 0 and 1 the sources of order 7, 2 and 3 those of order 9, all free; the plan
    /// ships 7 from the first and 9 from the second of its own.
    fn sources(open: &[usize]) -> Dive<'_> {
        Dive {
            open,
            charge: vec![None; 4],
            scalings: 0,
            raise: vec![false; 4],
            fixed: vec![None; 4],
            tried: None,
            source_of: vec![Some(7), Some(7), Some(9), Some(9)],
            start: vec![1.0, 0.0, 0.0, 1.0],
            rounded: false,
            rounding: Vec::new(),
            solves: 0,
        }
    }

    #[test]
    fn fractional_sources_are_rounded_in_one_solve_and_go_back_to_the_plans_when_infeasible() {
        let open = [0, 1, 2, 3];
        // Each order's largest source at 1, both in one step.
        let mut d = sources(&open);
        let split = lp(Status::Optimal, Some(vec![0.4, 0.6, 0.3, 0.7]));
        assert_eq!(
            d.next(&split),
            Some(vec![Change::Fix(1, 1.0), Change::Fix(3, 1.0)])
        );
        // Infeasible: both orders' sources back where the plan has them.
        assert_eq!(
            d.next(&lp(Status::Infeasible, None)),
            Some(vec![
                Change::Fix(0, 1.0),
                Change::Fix(1, 0.0),
                Change::Fix(2, 0.0),
                Change::Fix(3, 1.0)
            ])
        );
        assert_eq!(d.fixed, vec![Some(1.0), Some(0.0), Some(0.0), Some(1.0)]);
        // Feasible: the other sources whole, the dive ends; only once a dive.
        let mut d = sources(&open);
        d.next(&split);
        let whole = lp(Status::Optimal, Some(vec![0.0, 1.0, 0.0, 1.0]));
        assert_eq!(d.next(&whole), None);
        assert!(d.finished(whole).is_some());
        assert_eq!(d.fixed, vec![Some(0.0), Some(1.0), Some(0.0), Some(1.0)]);
        let mut d = sources(&open);
        d.next(&split);
        // Order 9 may use two sources: its other one, left at a half, is dived on as usual.
        let half = lp(Status::Optimal, Some(vec![0.0, 1.0, 0.5, 1.0]));
        assert_eq!(d.next(&half), Some(vec![Change::Fix(2, 1.0)]));
        assert!(d.rounding.is_empty());
        // An order whose sources are whole is not rounded.
        let mut d = sources(&open);
        let one = lp(Status::Optimal, Some(vec![1.0, 0.0, 0.3, 0.7]));
        assert_eq!(d.next(&one), Some(vec![Change::Fix(3, 1.0)]));
        assert_eq!(d.rounding, vec![2, 3]);
    }

    #[test]
    fn at_the_cap_a_switch_left_fractional_goes_to_0_and_an_expedite_to_1() {
        let open = [0, 1];
        let mut d = dive(&open);
        d.solves = DIVES - 1;
        assert_eq!(
            d.next(&lp(Status::Optimal, Some(vec![0.5, 0.5]))),
            Some(vec![Change::Fix(0, 0.0), Change::Fix(1, 1.0)])
        );
    }

    #[test]
    fn a_solve_stopped_with_a_fraction_left_gives_no_plan() {
        let open = [0, 1];
        let mut d = dive(&open);
        let stopped = Status::Feasible { limit: Limit::Time };
        assert_eq!(d.next(&lp(stopped, Some(vec![0.5, 0.0]))), None);
        assert!(d.finished(lp(stopped, Some(vec![0.5, 0.0]))).is_none());
        assert!(d
            .finished(lp(Status::Optimal, Some(vec![0.5, 0.0])))
            .is_none());
    }

    /// Column 0 a ship-complete switch; columns 1 and 2 charges of 100 and 50, both free.
    #[test]
    fn open_charges_are_repriced_by_their_use_then_fixed_by_it_before_the_dive() {
        let open = [0, 1, 2];
        let mut d = Dive {
            open: &open,
            charge: vec![None, Some(100.0), Some(50.0)],
            scalings: SCALINGS,
            raise: vec![false, true, true],
            fixed: vec![None; 3],
            tried: None,
            source_of: vec![None; 3],
            start: vec![0.0; 3],
            rounded: false,
            rounding: Vec::new(),
            solves: 0,
        };
        // A charge used at a quarter costs 4 times its price per unit of load; one the LP
        // leaves at 0 keeps its price.
        let quarter = lp(Status::Optimal, Some(vec![0.5, 0.25, 0.0]));
        assert_eq!(d.next(&quarter), Some(vec![Change::Cost(1, 400.0)]));
        let half = lp(Status::Optimal, Some(vec![0.5, 0.5, 0.0]));
        assert_eq!(d.next(&half), Some(vec![Change::Cost(1, 200.0)]));
        assert_eq!(d.next(&half), Some(vec![Change::Cost(1, 200.0)]));
        // The last scaling solve: used at 1, unused at 0, each at its own price again.
        assert_eq!(
            d.next(&half),
            Some(vec![
                Change::Fix(1, 1.0),
                Change::Cost(1, 100.0),
                Change::Fix(2, 0.0),
                Change::Cost(2, 50.0)
            ])
        );
        assert_eq!(d.fixed, vec![None, Some(1.0), Some(0.0)]);
        // Then the dive over the switch, its cap counted after the scaling.
        let after = lp(Status::Optimal, Some(vec![0.5, 1.0, 0.0]));
        assert_eq!(d.next(&after), Some(vec![Change::Fix(0, 1.0)]));
        assert_eq!(d.solves, 1, "the scaling solves are not the dive's");
        d.solves = DIVES - 1;
        d.tried = None;
        d.fixed[0] = None;
        assert_eq!(d.next(&after), Some(vec![Change::Fix(0, 0.0)]));
    }
}
