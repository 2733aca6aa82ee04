//! TR-014: services furnished by a therapy aide are not skilled therapy and are not billable
//! as such, traction included. Fires once on any in-scope event whose traction record says
//! an aide performed it, with or without a 97012 line. ERROR for Medicare and Medicaid,
//! WARNING for other payers (pack).

use crate::rules::prelude::*;

pub struct PerformedByAide;

static META: RuleMeta = RuleMeta {
    id: "TR-014",
    title: "Traction performed by an aide",
    remediation: "Do not bill traction set up or given by an aide as therapy: remove the \
                  traction charge, or correct the documentation if a therapist or PT assistant \
                  furnished it.",
    reference: "Medicare Benefit Policy Manual ch. 15 §230.1 (services by therapy aides are \
                not covered therapy)",
};

impl Rule for PerformedByAide {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn evaluate(&self, ctx: &Context<'_>, out: &mut Emitter<'_>) {
        let by_aide = ctx
            .event
            .traction
            .as_ref()
            .is_some_and(|traction| traction.performed_by == Some(PerformedBy::Aide));
        if by_aide {
            out.event(
                "Traction is documented as performed by an aide; aide services are not billable \
                 as skilled therapy",
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::domain::Severity::{Error, Warning};
    use crate::domain::{PerformedBy, PlanType};
    use crate::testing::*;

    fn performed_by(who: Option<PerformedBy>) -> crate::domain::Encounter {
        let mut event = clean_encounter();
        if let Some(traction) = event.traction.as_mut() {
            traction.performed_by = who;
        }
        event
    }

    #[test]
    fn fires_once_when_an_aide_performed_the_traction() {
        let event = performed_by(Some(PerformedBy::Aide));
        assert_eq!(findings_of(&event, "TR-014"), vec![(Error, None)]);
        assert_eq!(
            messages_of(&event, "TR-014"),
            vec![
                "Traction is documented as performed by an aide; aide services are not \
                 billable as skilled therapy"
            ]
        );
    }

    #[test]
    fn does_not_fire_for_a_therapist_an_assistant_or_no_performer() {
        for who in [
            Some(PerformedBy::Therapist),
            Some(PerformedBy::Assistant),
            None,
        ] {
            assert_eq!(findings_of(&performed_by(who), "TR-014"), vec![], "{who:?}");
        }
    }

    #[test]
    fn fires_on_an_event_in_scope_only_through_the_traction_record() {
        let mut event = performed_by(Some(PerformedBy::Aide));
        event.service_lines.remove(0);
        assert_eq!(findings_of(&event, "TR-014"), vec![(Error, None)]);
    }

    #[test]
    fn is_an_error_for_medicare_and_medicaid_and_a_warning_otherwise() {
        for plan in PlanType::ALL {
            let severity = match plan {
                PlanType::MedicarePartB | PlanType::MedicareAdvantage | PlanType::Medicaid => Error,
                PlanType::Commercial | PlanType::WorkersComp | PlanType::Auto | PlanType::Other => {
                    Warning
                }
            };
            let event = with_plan(performed_by(Some(PerformedBy::Aide)), plan);
            assert_eq!(
                findings_of(&event, "TR-014"),
                vec![(severity, None)],
                "{plan:?}"
            );
        }
    }
}
