//! Properties of the baseline on random small scenarios (see `tests/suite/common`).

use crate::common;

use proptest::prelude::*;
use recourse::risk::analyze;
use recourse::scenario::validate::validate;

proptest! {
    #![proptest_config(common::config(512))]

    /// The checker accepts the baseline exactly when the baseline keeps every frozen
    /// commitment (section 4); without frozen orders it always does.
    #[test]
    fn the_baseline_passes_the_checker_when_it_keeps_frozen_commitments(doc in common::small_scenario()) {
        let (s, _) = validate(&doc).expect("generated scenarios are valid");
        let a = analyze(&s);
        prop_assert_eq!(a.eval.feasible(), a.baseline.keeps_frozen(), "violations: {:?}\nunkept: {:?}", a.eval.violations, a.baseline.unkept_frozen);
        // The plan written out reads back to the same cost.
        let again = a.baseline.plan.to_doc(&s).to_domain(&s, "plan").unwrap();
        let cost = recourse::check::evaluate(&s, &again).cost.total;
        prop_assert!((cost - a.eval.cost.total).abs() <= 1e-6 * cost.abs().max(1.0));
    }

    #[test]
    fn without_frozen_orders_the_baseline_is_always_feasible(doc in common::small_scenario_frozen_free()) {
        let (s, _) = validate(&doc).unwrap();
        let a = analyze(&s);
        prop_assert!(a.eval.feasible(), "violations: {:?}", a.eval.violations);
    }

    /// Every at-risk order is explained, and the at-risk list is what the outcomes say.
    #[test]
    fn every_at_risk_order_has_a_reason(doc in common::small_scenario()) {
        let (s, _) = validate(&doc).unwrap();
        let a = analyze(&s);
        for r in &a.at_risk {
            prop_assert!(!r.reasons.is_empty(), "{} has no reason", s.order(r.order).id);
        }
        let listed: std::collections::HashSet<_> = a.at_risk.iter().map(|r| r.order).collect();
        for (i, o) in s.orders.iter().enumerate() {
            let ix = recourse::scenario::ids::OrderIx::new(i);
            let expected = o.plan.is_empty()
                || a.eval.orders[i].at_risk()
                || a.baseline.unkept_frozen.iter().any(|u| u.order == ix);
            prop_assert_eq!(listed.contains(&ix), expected, "order {}", o.id);
        }
    }
}
