//! Responses the plan is better without. Approving every response but a set that no other
//! response requires is a closed approval set, so its plan is feasible and costs the
//! baseline's less the others' net benefits (SCENARIO.md section 5, `models/responses.md`):
//! a response that raises the cost on its own and that nothing kept requires only makes
//! the plan dearer. A search that stops at a limit can leave such changes in its plan (a
//! neighbourhood's LP moves units at no gain to it; the response around them costs more).

use super::deltas::apply_deltas;
use super::response::Response;
use crate::plan::Plan;

/// Below this net benefit a response raises the cost (half a cent, as its explanation's
/// head rounds it).
const RAISES: f64 = -0.005;

/// The responses, ascending, that raise the cost on their own and that no response left
/// requires. Decided latest first, so a response whose only dependents go goes too; the
/// response that repairs the baseline always stays (every plan needs it).
pub fn unneeded(responses: &[Response]) -> Vec<usize> {
    let view: Vec<Costly<'_>> = responses
        .iter()
        .map(|r| Costly {
            net_benefit: r.net_benefit,
            requires: &r.requires,
            repairs_baseline: r.repairs_baseline,
        })
        .collect();
    unneeded_of(&view)
}

/// What [`unneeded`] reads of a response, or of a group the construction predicts.
pub(super) struct Costly<'a> {
    pub(super) net_benefit: f64,
    pub(super) requires: &'a [usize],
    pub(super) repairs_baseline: bool,
}

/// [`unneeded`] over the construction's view of the responses.
pub(super) fn unneeded_of(responses: &[Costly<'_>]) -> Vec<usize> {
    let mut required = vec![false; responses.len()];
    let mut out = Vec::new();
    for (k, r) in responses.iter().enumerate().rev() {
        if !required[k] && !r.repairs_baseline && r.net_benefit <= RAISES {
            out.push(k);
            continue;
        }
        for &j in r.requires {
            required[j] = true;
        }
    }
    out.reverse();
    out
}

/// `baseline` with every delta but those in `left_out` (ascending), in order.
pub(super) fn plan_without(baseline: &Plan, deltas: &[(Plan, Plan)], left_out: &[usize]) -> Plan {
    apply_deltas(
        baseline,
        deltas
            .iter()
            .enumerate()
            .filter(|(k, _)| left_out.binary_search(k).is_err())
            .map(|(_, d)| d),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn response(net_benefit: f64, requires: &[usize]) -> Response {
        Response {
            requires: requires.to_vec(),
            net_benefit,
            cost: 0.0,
            running: 0.0,
            protects: Vec::new(),
            helps: Vec::new(),
            donors: Vec::new(),
            actions: Vec::new(),
            explanation: String::new(),
            remove: Plan::default(),
            add: Plan::default(),
            repairs_baseline: false,
        }
    }

    #[test]
    fn a_costly_response_nothing_requires_goes_and_so_do_those_only_it_required() {
        // R2 raises the cost and only R3 requires it; R3 raises it too and nothing
        // requires it: both go. R1 lowers the cost and stays.
        let rs = [
            response(5.0, &[]),
            response(-1.0, &[]),
            response(-2.0, &[1]),
        ];
        assert_eq!(unneeded(&rs), [1, 2]);
    }

    #[test]
    fn a_costly_response_a_kept_one_requires_stays() {
        // R1 raises the cost, but R2 needs it and lowers the cost by more.
        let rs = [response(-1.0, &[]), response(5.0, &[0]), response(0.0, &[])];
        assert!(unneeded(&rs).is_empty());
        // Half a cent is no change, as the explanations round it.
        assert!(unneeded(&[response(-0.004, &[])]).is_empty());
    }

    #[test]
    fn the_response_that_repairs_the_baseline_always_stays() {
        let mut first = response(-3.0, &[]);
        first.repairs_baseline = true;
        assert!(unneeded(&[first, response(-1.0, &[0])]) == [1]);
    }
}
