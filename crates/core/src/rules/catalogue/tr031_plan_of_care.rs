//! TR-031: Medicare pays outpatient therapy only under a plan of care certified by a
//! physician or NPP. An event with no plan of care, or one not (yet) certified, fails once.
//! Whether the certification covers the date of service is TR-032's concern.

use crate::rules::prelude::*;

pub struct NoCertifiedPlan;

static META: RuleMeta = RuleMeta {
    id: "TR-031",
    title: "No certified plan of care",
    remediation: "Obtain the physician's or NPP's signed and dated certification of the plan \
                  of care (a delayed certification is accepted with an explanation) and record \
                  it on the claim before billing.",
    reference: "Medicare Benefit Policy Manual ch. 15 §220.1 (plan of care and certification)",
};

impl Rule for NoCertifiedPlan {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn evaluate(&self, ctx: &Context<'_>, out: &mut Emitter<'_>) {
        match &ctx.event.plan_of_care {
            None => {
                out.event(
                    "The encounter has no plan of care; Medicare therapy needs a certified plan \
                     of care",
                );
            }
            Some(plan) if !plan.certified => {
                out.event(format!(
                    "The plan of care starting {} is not certified; Medicare therapy needs a \
                     certified plan of care",
                    plan.start_date
                ));
            }
            Some(_) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::domain::PlanType;
    use crate::domain::Severity::Error;
    use crate::testing::*;

    #[test]
    fn fires_once_without_a_plan_of_care() {
        let mut event = clean_encounter();
        event.plan_of_care = None;
        assert_eq!(findings_of(&event, "TR-031"), vec![(Error, None)]);
        assert_eq!(
            messages_of(&event, "TR-031"),
            vec![
                "The encounter has no plan of care; Medicare therapy needs a certified plan of care"
            ]
        );
    }

    #[test]
    fn fires_once_when_the_plan_is_not_certified() {
        let mut event = clean_encounter();
        if let Some(plan) = event.plan_of_care.as_mut() {
            plan.certified = false;
        }
        assert_eq!(findings_of(&event, "TR-031"), vec![(Error, None)]);
        assert_eq!(
            messages_of(&event, "TR-031"),
            vec![
                "The plan of care starting 2026-02-16 is not certified; Medicare therapy needs a certified plan of care"
            ]
        );
    }

    #[test]
    fn does_not_fire_with_a_certified_plan() {
        assert_eq!(findings_of(&clean_encounter(), "TR-031"), vec![]);
    }

    #[test]
    fn fires_on_an_event_in_scope_only_through_the_traction_record() {
        let mut event = clean_encounter();
        event.plan_of_care = None;
        event.service_lines.remove(0);
        assert_eq!(findings_of(&event, "TR-031"), vec![(Error, None)]);
    }

    #[test]
    fn applies_to_medicare_part_b_only() {
        let mut event = clean_encounter();
        event.plan_of_care = None;
        assert_eq!(
            findings_by_plan(&event, "TR-031"),
            only_for(&[PlanType::MedicarePartB], &[(Error, None)])
        );
    }
}
