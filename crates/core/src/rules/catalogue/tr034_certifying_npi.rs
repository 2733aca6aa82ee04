//! TR-034: a Medicare therapy claim must name the physician or NPP who certified the plan of
//! care, either as the referring provider or as the plan's certifying NPI. Once per event
//! when both are absent (an absent plan of care has no certifying NPI). Whether a present
//! NPI is valid is TR-022's concern.

use crate::rules::prelude::*;

pub struct NoCertifyingNpi;

static META: RuleMeta = RuleMeta {
    id: "TR-034",
    title: "No referring or certifying NPI",
    remediation: "Enter the NPI of the physician or NPP who certified the plan of care as the \
                  referring provider on the claim.",
    reference: "Medicare Benefit Policy Manual ch. 15 §220.1 and claim instructions: the \
                certifying practitioner's NPI is reported on the therapy claim",
};

impl Rule for NoCertifyingNpi {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn evaluate(&self, ctx: &Context<'_>, out: &mut Emitter<'_>) {
        let event = ctx.event;
        let certifying = event
            .plan_of_care
            .as_ref()
            .and_then(|plan| plan.certifying_npi.as_ref());
        if event.referring_provider_npi.is_none() && certifying.is_none() {
            out.event(
                "The claim has neither a referring provider NPI nor a certifying NPI on the plan \
                 of care",
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::domain::PlanType;
    use crate::domain::Severity::Error;
    use crate::testing::*;

    /// The clean encounter with the referring and certifying NPIs set as given.
    fn with_npis(referring: Option<&str>, certifying: Option<&str>) -> crate::domain::Encounter {
        let mut event = clean_encounter();
        event.referring_provider_npi = referring.map(str::to_owned);
        if let Some(plan) = event.plan_of_care.as_mut() {
            plan.certifying_npi = certifying.map(str::to_owned);
        }
        event
    }

    #[test]
    fn fires_once_when_both_npis_are_absent() {
        let event = with_npis(None, None);
        assert_eq!(findings_of(&event, "TR-034"), vec![(Error, None)]);
        assert_eq!(
            messages_of(&event, "TR-034"),
            vec![
                "The claim has neither a referring provider NPI nor a certifying NPI on the plan of care"
            ]
        );
    }

    #[test]
    fn does_not_fire_with_only_a_referring_npi() {
        assert_eq!(
            findings_of(&with_npis(Some(REFERRING_NPI), None), "TR-034"),
            vec![]
        );
    }

    #[test]
    fn does_not_fire_with_only_a_certifying_npi() {
        assert_eq!(
            findings_of(&with_npis(None, Some(CERTIFYING_NPI)), "TR-034"),
            vec![]
        );
    }

    #[test]
    fn fires_without_a_referring_npi_and_without_a_plan_of_care() {
        let mut event = with_npis(None, None);
        event.plan_of_care = None;
        assert_eq!(findings_of(&event, "TR-034"), vec![(Error, None)]);
    }

    #[test]
    fn does_not_fire_without_a_plan_of_care_when_the_referring_npi_is_present() {
        let mut event = clean_encounter();
        event.plan_of_care = None;
        assert_eq!(findings_of(&event, "TR-034"), vec![]);
    }

    #[test]
    fn applies_to_medicare_part_b_only() {
        let event = with_npis(None, None);
        assert_eq!(
            findings_by_plan(&event, "TR-034"),
            only_for(&[PlanType::MedicarePartB], &[(Error, None)])
        );
    }
}
