//! The policy: penalties by priority, and the rest of its fields.

use super::validator::Validator;
use crate::base::limits::{gap_ok, time_limit_ok, MAX_THREADS, MAX_TIME_LIMIT_S};
use crate::base::text::number;
use crate::scenario::domain::*;
use crate::scenario::wire::*;
use std::collections::HashSet;

impl Validator {
    pub(super) fn policy_penalties(&mut self, doc: &PolicyDoc) -> Vec<PriorityPenalty> {
        let Some(list) = &doc.priority_penalties else {
            return Policy::default_priority_penalties();
        };
        if list.is_empty() {
            self.err(
                "empty_penalties",
                "policy.priority_penalties",
                "priority_penalties is empty",
                "leave the field out for the defaults, or give at least one entry",
            );
            return Policy::default_priority_penalties();
        }
        let mut out = Vec::new();
        let mut seen = HashSet::new();
        for (i, e) in list.iter().enumerate() {
            let p = format!("policy.priority_penalties[{i}]");
            if e.priority < 1 {
                self.err(
                    "bad_priority",
                    format!("{p}.priority"),
                    format!("priority is {}, below 1", e.priority),
                    "priorities start at 1 (most important)",
                );
                continue;
            }
            if !seen.insert(e.priority) {
                self.err(
                    "duplicate_priority",
                    format!("{p}.priority"),
                    format!("priority {} listed twice", e.priority),
                    "keep one entry per priority",
                );
                continue;
            }
            self.amount(
                &format_args!("{p}.late_per_unit_day"),
                e.late_per_unit_day,
                "late_per_unit_day",
            );
            self.amount(
                &format_args!("{p}.short_per_unit"),
                e.short_per_unit,
                "short_per_unit",
            );
            out.push(PriorityPenalty {
                priority: e.priority.min(i64::from(u32::MAX)) as u32,
                late_per_unit_day: e.late_per_unit_day,
                short_per_unit: e.short_per_unit,
            });
        }
        out.sort_by_key(|p| p.priority);
        if out.is_empty() {
            return Policy::default_priority_penalties();
        }
        out
    }

    /// The policy of `doc`, with the priority `penalties` already validated; each field is
    /// its own check, in document order (the order of the diagnostics).
    pub(super) fn policy(
        &mut self,
        doc: &PolicyDoc,
        penalties: Vec<PriorityPenalty>,
        index: &Index,
        inbound: &[Inbound],
    ) -> Policy {
        self.policy_numbers(doc);
        let mut forbid = Vec::new();
        for (i, f) in doc.forbid.iter().enumerate() {
            let p = format!("policy.forbid[{i}]");
            if let Some(f) = self.forbid(&p, f, index, inbound) {
                forbid.push(f);
            }
        }
        Policy {
            priority_penalties: penalties,
            change_penalty_per_unit: doc.change_penalty_per_unit.unwrap_or(0.5),
            integer_quantities: doc.integer_quantities.unwrap_or(true),
            forbid,
            time_limit_s: doc.time_limit_s.unwrap_or(30.0),
            mip_gap: doc.mip_gap.unwrap_or(1e-4),
            threads: doc.threads.unwrap_or(0).clamp(0, MAX_THREADS) as u32,
        }
    }

    /// Checks the policy's numbers: the change penalty, the time limit, the MIP gap and the
    /// threads.
    fn policy_numbers(&mut self, doc: &PolicyDoc) {
        if let Some(c) = doc.change_penalty_per_unit {
            self.amount(
                &"policy.change_penalty_per_unit",
                c,
                "change_penalty_per_unit",
            );
        }
        if let Some(t) = doc.time_limit_s {
            if !time_limit_ok(t) {
                self.err(
                    "bad_time_limit",
                    "policy.time_limit_s",
                    format!(
                        "time_limit_s is {}; expected above 0 and at most {MAX_TIME_LIMIT_S:e} seconds",
                        number(t)
                    ),
                    "give the seconds a solve may take, reading and writing included, e.g. 30",
                );
            }
        }
        if let Some(g) = doc.mip_gap {
            if !gap_ok(g) {
                self.err(
                    "bad_mip_gap",
                    "policy.mip_gap",
                    format!("mip_gap is {}, outside 0..=1", number(g)),
                    "a relative gap such as 0.0001 (0.01 %)",
                );
            }
        }
        if let Some(t) = doc.threads {
            if !(0..=MAX_THREADS).contains(&t) {
                self.err(
                    "bad_threads",
                    "policy.threads",
                    format!("threads is {t}, outside 0..={MAX_THREADS}"),
                    "0 means all cores; otherwise a count from 1",
                );
            }
        }
    }

    /// The forbid entry `f`, at path `p`; `None` when a reference in it does not resolve.
    fn forbid(
        &mut self,
        p: &str,
        f: &ForbidDoc,
        index: &Index,
        inbound: &[Inbound],
    ) -> Option<Forbid> {
        match f {
            ForbidDoc::Shipment(s) => self.forbid_shipment(p, s, index),
            ForbidDoc::Transfer(t) => {
                let tp = format!("{p}.transfer");
                let lane = self.lane_ref(index, &format_args!("{tp}.lane"), &t.lane);
                let sku = t
                    .sku
                    .as_ref()
                    .map(|x| self.sku_ref(index, &format_args!("{tp}.sku"), x));
                let (Some(lane), Some(sku)) = (lane, sku.map_or(Some(None), |x| x.map(Some)))
                else {
                    return None;
                };
                Some(Forbid::Transfer { lane, sku })
            }
            ForbidDoc::ExpediteInbound(id) => {
                let r = self.inbound_ref(index, &format_args!("{p}.expedite_inbound"), id)?;
                if inbound
                    .get(r.ix())
                    .is_some_and(|x| x.expedite.is_none() && !x.cancelled)
                {
                    self.warn(
                        "forbid_without_option",
                        p,
                        format!("inbound \"{id}\" has no expedite option; nothing to forbid"),
                    );
                }
                Some(Forbid::ExpediteInbound(r))
            }
        }
    }

    /// The forbidden shipment `s` of the forbid entry at `p`; `None` when a reference in it
    /// does not resolve.
    fn forbid_shipment(&mut self, p: &str, s: &ForbidShipmentDoc, index: &Index) -> Option<Forbid> {
        let sp = format!("{p}.shipment");
        let order = self.order_ref(index, &format_args!("{sp}.order"), &s.order);
        let sku = s
            .sku
            .as_ref()
            .map(|x| self.sku_ref(index, &format_args!("{sp}.sku"), x));
        let node = s
            .node
            .as_ref()
            .map(|x| self.node_ref(index, &format_args!("{sp}.node"), x));
        let lane = s.lane.as_ref().map(|l| {
            l.as_ref()
                .map(|x| self.lane_ref(index, &format_args!("{sp}.lane"), x))
        });
        let (Some(order), Some(sku), Some(node), Some(lane)) = (
            order,
            sku.map_or(Some(None), |x| x.map(Some)),
            node.map_or(Some(None), |x| x.map(Some)),
            lane.map_or(Some(None), |x| {
                x.map_or(Some(Some(None)), |y| y.map(|z| Some(Some(z))))
            }),
        ) else {
            return None;
        };
        Some(Forbid::Shipment {
            order,
            sku,
            node,
            lane,
        })
    }
}
