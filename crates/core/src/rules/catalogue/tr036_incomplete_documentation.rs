//! TR-036: payers expect traction documentation to show the mode, region, force, duration
//! and the patient's response. When 97012 is billed and the traction record lacks any of
//! them, one finding lists the missing fields by their contract names (never their
//! values: `patient_response` is free text). A missing record is TR-035's concern.

use crate::rules::prelude::*;

pub struct IncompleteDocumentation;

static META: RuleMeta = RuleMeta {
    id: "TR-036",
    title: "Traction documentation incomplete",
    remediation: "Complete the traction documentation with each listed item (mode, region, \
                  force in pounds, duration in minutes, the patient's response) from the \
                  treatment note before billing.",
    reference: "Payer documentation requirements for mechanical traction (e.g. Cigna CPG275, \
                Medicare Benefit Policy Manual ch. 15 §220.3)",
};

impl Rule for IncompleteDocumentation {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn evaluate(&self, ctx: &Context<'_>, out: &mut Emitter<'_>) {
        let Some(traction) = ctx.billed_traction() else {
            return;
        };
        // In contract order, so the message lists them the way the record is laid out.
        let fields = [
            ("mode", traction.mode.is_none()),
            ("region", traction.region.is_none()),
            ("force_lbs", traction.force_lbs.is_none()),
            ("duration_minutes", traction.duration_minutes.is_none()),
            ("patient_response", traction.patient_response.is_none()),
        ];
        if !fields.iter().any(|(_, missing)| *missing) {
            return;
        }
        let missing: Vec<&str> = fields
            .iter()
            .filter(|(_, missing)| *missing)
            .map(|(name, _)| *name)
            .collect();
        out.event(format!(
            "The traction documentation for the billed 97012 lacks {}",
            missing.join(", ")
        ));
    }
}

#[cfg(test)]
mod tests {
    use crate::domain::Severity::Warning;
    use crate::domain::{Encounter, PlanType, Traction};
    use crate::testing::*;

    fn documented(change: impl FnOnce(&mut Traction)) -> Encounter {
        let mut event = clean_encounter();
        if let Some(traction) = event.traction.as_mut() {
            change(traction);
        }
        event
    }

    #[test]
    fn fires_once_listing_the_missing_fields() {
        let event = documented(|t| {
            t.force_lbs = None;
            t.patient_response = None;
        });
        assert_eq!(findings_of(&event, "TR-036"), vec![(Warning, None)]);
        assert_eq!(
            messages_of(&event, "TR-036"),
            vec![
                "The traction documentation for the billed 97012 lacks force_lbs, patient_response"
            ]
        );
    }

    #[test]
    fn fires_for_each_field_missing_alone() {
        type Removal = fn(&mut Traction);
        let cases: [(&str, Removal); 5] = [
            ("mode", |t| t.mode = None),
            ("region", |t| t.region = None),
            ("force_lbs", |t| t.force_lbs = None),
            ("duration_minutes", |t| t.duration_minutes = None),
            ("patient_response", |t| t.patient_response = None),
        ];
        for (name, change) in cases {
            let event = documented(change);
            assert_eq!(
                findings_of(&event, "TR-036"),
                vec![(Warning, None)],
                "{name}"
            );
            assert_eq!(
                messages_of(&event, "TR-036"),
                vec![format!(
                    "The traction documentation for the billed 97012 lacks {name}"
                )]
            );
        }
    }

    #[test]
    fn lists_all_five_fields_in_contract_order() {
        let event = documented(|t| {
            t.patient_response = None;
            t.duration_minutes = None;
            t.force_lbs = None;
            t.region = None;
            t.mode = None;
        });
        assert_eq!(
            messages_of(&event, "TR-036"),
            vec![
                "The traction documentation for the billed 97012 lacks mode, region, force_lbs, duration_minutes, patient_response"
            ]
        );
    }

    #[test]
    fn does_not_fire_when_only_optional_extras_are_missing() {
        let event = documented(|t| {
            t.device_name = None;
            t.patient_position = None;
            t.performed_by = None;
        });
        assert_eq!(findings_of(&event, "TR-036"), vec![]);
    }

    #[test]
    fn does_not_fire_on_complete_documentation() {
        assert_eq!(findings_of(&clean_encounter(), "TR-036"), vec![]);
    }

    #[test]
    fn does_not_fire_without_a_traction_line() {
        let mut event = documented(|t| t.force_lbs = None);
        event.service_lines.remove(0);
        assert_eq!(findings_of(&event, "TR-036"), vec![]);
    }

    #[test]
    fn does_not_fire_without_a_traction_record() {
        let mut event = clean_encounter();
        event.traction = None;
        assert_eq!(findings_of(&event, "TR-036"), vec![]);
    }

    #[test]
    fn fires_as_a_warning_for_every_plan_type() {
        assert_eq!(
            findings_by_plan(&documented(|t| t.mode = None), "TR-036"),
            only_for(&PlanType::ALL, &[(Warning, None)])
        );
    }
}
