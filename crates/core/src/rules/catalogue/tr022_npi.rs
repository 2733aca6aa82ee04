//! TR-022: every NPI on the claim must be a valid NPI: 10 digits whose last digit is the
//! Luhn check digit of `80840` (the US health-industry prefix) followed by the first nine.
//! The rendering NPI is required, so an empty one is invalid; the referring and
//! certifying NPIs are optional and checked only when present. One finding per event,
//! naming each bad field and why; the NPI values themselves are never repeated.

use crate::domain::npi;
use crate::rules::prelude::*;

pub struct InvalidNpi;

static META: RuleMeta = RuleMeta {
    id: "TR-022",
    title: "Invalid NPI",
    remediation: "Correct the NPI from the provider's NPPES record: an NPI is 10 digits with a \
                  valid check digit.",
    reference: "CMS NPI standard (45 CFR 162.406; NPI final rule, 69 FR 3434): 10 digits, \
                Luhn check digit over 80840 and the first nine digits",
};

impl Rule for InvalidNpi {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn evaluate(&self, ctx: &Context<'_>, out: &mut Emitter<'_>) {
        let event = ctx.event;
        let fields = [
            (
                "rendering_provider.npi",
                Some(event.rendering_provider.npi.as_str()),
            ),
            (
                "referring_provider_npi",
                event.referring_provider_npi.as_deref(),
            ),
            (
                "plan_of_care.certifying_npi",
                event
                    .plan_of_care
                    .as_ref()
                    .and_then(|plan| plan.certifying_npi.as_deref()),
            ),
        ];
        let problem_of = |npi: Option<&str>| npi.and_then(|npi| npi::check(npi).err());
        if fields.iter().all(|(_, npi)| problem_of(*npi).is_none()) {
            return;
        }
        let problems: Vec<String> = fields
            .iter()
            .filter_map(|(field, npi)| {
                problem_of(*npi).map(|problem| format!("{field} {}", problem.describe()))
            })
            .collect();
        out.event(format!("Invalid NPI: {}", problems.join("; ")));
    }
}

#[cfg(test)]
mod tests {
    use crate::domain::PlanType;
    use crate::domain::Severity::Error;
    use crate::testing::*;

    #[test]
    fn cites_the_npi_final_rule_for_the_check_digit() {
        let mut event = clean_encounter();
        event.rendering_provider.npi = "1234567890".into();
        let reference = reference_of(&event, "TR-022");
        assert!(
            reference.contains("NPI final rule, 69 FR 3434"),
            "{reference}"
        );
    }

    #[test]
    fn fires_once_for_a_bad_rendering_check_digit() {
        let mut event = clean_encounter();
        event.rendering_provider.npi = "1234567890".into();
        assert_eq!(findings_of(&event, "TR-022"), vec![(Error, None)]);
        assert_eq!(
            messages_of(&event, "TR-022"),
            vec!["Invalid NPI: rendering_provider.npi fails the NPI check digit"]
        );
    }

    #[test]
    fn treats_an_empty_rendering_npi_as_invalid() {
        let mut event = clean_encounter();
        event.rendering_provider.npi = String::new();
        assert_eq!(
            messages_of(&event, "TR-022"),
            vec!["Invalid NPI: rendering_provider.npi is empty"]
        );
    }

    #[test]
    fn lists_every_bad_field_in_one_finding() {
        let mut event = clean_encounter();
        event.rendering_provider.npi = "1234567890".into();
        event.referring_provider_npi = Some("98765432".into());
        if let Some(plan) = event.plan_of_care.as_mut() {
            plan.certifying_npi = Some("265687350".into());
        }
        assert_eq!(findings_of(&event, "TR-022"), vec![(Error, None)]);
        assert_eq!(
            messages_of(&event, "TR-022"),
            vec![
                "Invalid NPI: rendering_provider.npi fails the NPI check digit; \
                 referring_provider_npi is not 10 digits; \
                 plan_of_care.certifying_npi is not 10 digits"
            ]
        );
    }

    #[test]
    fn names_a_bad_certifying_npi_alone() {
        let mut event = clean_encounter();
        if let Some(plan) = event.plan_of_care.as_mut() {
            plan.certifying_npi = Some("1112223339".into());
        }
        assert_eq!(
            messages_of(&event, "TR-022"),
            vec!["Invalid NPI: plan_of_care.certifying_npi fails the NPI check digit"]
        );
    }

    #[test]
    fn does_not_fire_when_optional_npis_are_absent() {
        let mut event = clean_encounter();
        event.referring_provider_npi = None;
        if let Some(plan) = event.plan_of_care.as_mut() {
            plan.certifying_npi = None;
        }
        assert_eq!(findings_of(&event, "TR-022"), vec![]);
        event.plan_of_care = None;
        assert_eq!(findings_of(&event, "TR-022"), vec![]);
    }

    #[test]
    fn does_not_fire_on_valid_npis() {
        assert_eq!(findings_of(&clean_encounter(), "TR-022"), vec![]);
    }

    #[test]
    fn fires_as_an_error_for_every_plan_type() {
        let mut event = clean_encounter();
        event.referring_provider_npi = Some("9876543210".into());
        assert_eq!(
            findings_by_plan(&event, "TR-022"),
            only_for(&PlanType::ALL, &[(Error, None)])
        );
    }
}
