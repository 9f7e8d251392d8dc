//! Step 3: what each response requires, the earlier responses that give what it takes and
//! the latest earlier one on each strict resource it shares (`models/responses.md`).

use super::construct::{signs, Group, Sign};
use super::units::{Resource, Unit};
use crate::scenario::domain::Scenario;
use rustc_hash::FxHashMap as HashMap;
use std::collections::BTreeSet;

/// A taker names at most this many earlier givers on one resource: medium's and large's
/// lists stay as they are (at most 220 names in all on large seed 1), while 1,000,000
/// orders gave a median of 1,084 names a response (a 4.2 GB document) when every giver
/// was named.
pub(super) const LISTED_GIVERS: usize = 64;

/// The earlier responses each group requires, ascending; `broken` holds the resources the
/// baseline breaks, which are strict.
pub(super) fn requirements(
    s: &Scenario,
    units: &[Unit],
    groups: &[Group],
    broken: &[Resource],
    listed_givers: usize,
) -> Vec<Vec<usize>> {
    // What each response requires depends on those before it: in rank order.
    let mut by_resource: HashMap<Resource, Users> = HashMap::default();
    let strict = |r: &Resource| match *r {
        Resource::Order(_) => true,
        Resource::LaneDay(l, _) => s.lane(l).fixed_cost_per_day > 0.0,
        Resource::Stock(..) | Resource::NodeDay(..) => broken.contains(r),
    };
    groups
        .iter()
        .enumerate()
        .map(|(k, g)| {
            let mut requires: BTreeSet<usize> = BTreeSet::new();
            if !g.repairs_baseline && groups[0].repairs_baseline {
                requires.insert(0);
            }
            for (r, sign) in signs(units, &g.units, 1e-9) {
                let seen = by_resource.entry(r).or_default();
                if strict(&r) {
                    // The latest earlier response on a strict resource requires the one
                    // before it, and so on: naming it alone gives the same closed sets as
                    // naming all of them, in a list that does not grow with the resource's
                    // users.
                    requires.extend(seen.list.last().map(|(j, _)| *j));
                } else if sign.takes {
                    seen.givers_for_taker(listed_givers, &mut requires);
                }
                seen.push(k, sign);
            }
            requires.remove(&k);
            requires.into_iter().collect()
        })
        .collect()
}

/// The responses so far that touch one resource, in rank order.
#[derive(Default)]
struct Users {
    list: Vec<(usize, Sign)>,
    givers: usize,
    /// Position in `list` of the latest taker.
    last_taker: Option<usize>,
}

impl Users {
    fn push(&mut self, k: usize, sign: Sign) {
        if sign.gives {
            self.givers += 1;
        }
        if sign.takes {
            self.last_taker = Some(self.list.len());
        }
        self.list.push((k, sign));
    }

    /// What a new taker requires on a resource that is not strict: every earlier giver.
    /// Past `listed` of them, the latest earlier taker stands for the givers before it (it
    /// required them, or a taker that did), and only the givers after it are named: the
    /// taker is then approved with that one too, a closed set still holds every earlier
    /// giver, and the list no longer grows with the resource's users.
    fn givers_for_taker(&self, listed: usize, requires: &mut BTreeSet<usize>) {
        let from = match self.last_taker {
            Some(t) if self.givers > listed => {
                requires.insert(self.list[t].0);
                t + 1
            }
            _ => 0,
        };
        requires.extend(
            self.list[from..]
                .iter()
                .filter(|(_, x)| x.gives)
                .map(|(j, _)| *j),
        );
    }
}
