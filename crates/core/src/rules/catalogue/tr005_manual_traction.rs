//! TR-005: manual traction — given by the clinician's hands — is part of 97140 (manual
//! therapy), never 97012, which is mechanical traction only. Each 97012 line of an encounter
//! whose traction is documented as MANUAL is a coding error.

use crate::rules::prelude::*;

pub struct ManualTraction;

static META: RuleMeta = RuleMeta {
    id: "TR-005",
    title: "Manual traction billed as 97012",
    remediation: "Bill manual traction as 97140 (manual therapy, timed, with its minutes) instead \
                  of 97012, or correct the documentation if a mechanical device was used.",
    reference: "CPT 97140 includes manual traction; 97012 is mechanical traction only",
};

impl Rule for ManualTraction {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn evaluate(&self, ctx: &Context<'_>, out: &mut Emitter<'_>) {
        let manual = ctx
            .event
            .traction
            .as_ref()
            .is_some_and(|traction| traction.method == TractionMethod::Manual);
        if !manual {
            return;
        }
        for line in ctx.traction_lines() {
            out.line(
                line.line_number,
                format!(
                    "97012 billed on {} for traction documented as manual; manual traction is \
                     part of 97140, and 97012 is mechanical traction only",
                    line.date_of_service
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::domain::Severity::Error;
    use crate::domain::{PlanType, TractionMethod};
    use crate::testing::*;

    #[test]
    fn fires_on_the_traction_line_when_traction_was_manual() {
        let event = with_method(TractionMethod::Manual);
        assert_eq!(findings_of(&event, "TR-005"), vec![(Error, Some(1))]);
        assert_eq!(
            messages_of(&event, "TR-005"),
            vec![
                "97012 billed on 2026-03-02 for traction documented as manual; manual traction \
                 is part of 97140, and 97012 is mechanical traction only"
            ]
        );
    }

    #[test]
    fn fires_on_each_traction_line() {
        let mut event = with_method(TractionMethod::Manual);
        event.service_lines.push(line(3, "97012"));
        assert_eq!(
            findings_of(&event, "TR-005"),
            vec![(Error, Some(1)), (Error, Some(3))]
        );
    }

    #[test]
    fn does_not_fire_on_mechanical_traction() {
        assert_eq!(findings_of(&clean_encounter(), "TR-005"), vec![]);
    }

    #[test]
    fn does_not_fire_when_manual_traction_is_billed_as_97140() {
        let mut event = with_method(TractionMethod::Manual);
        event.service_lines[0] = crate::domain::ServiceLine {
            minutes: Some(15),
            ..line(1, "97140")
        };
        assert_eq!(findings_of(&event, "TR-005"), vec![]);
    }

    #[test]
    fn does_not_fire_without_a_traction_record() {
        let mut event = clean_encounter();
        event.traction = None;
        assert_eq!(findings_of(&event, "TR-005"), vec![]);
    }

    #[test]
    fn fires_for_every_plan_type() {
        let event = with_method(TractionMethod::Manual);
        assert_eq!(
            findings_by_plan(&event, "TR-005"),
            only_for(&PlanType::ALL, &[(Error, Some(1))])
        );
    }
}
