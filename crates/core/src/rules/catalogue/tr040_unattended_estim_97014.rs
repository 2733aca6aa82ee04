//! TR-040: Medicare does not recognize CPT 97014 (unattended electrical stimulation); it
//! pays the same service as HCPCS G0283 (or G0281 for wound care). Every 97014 line on a
//! Medicare claim is flagged, traction line or not.

use crate::rules::prelude::*;

pub struct Unattended97014;

/// Unattended electrical stimulation (CPT).
const UNATTENDED_ESTIM_CODE: &str = "97014";

static META: RuleMeta = RuleMeta {
    id: "TR-040",
    title: "97014 billed to Medicare",
    remediation: "Bill unattended electrical stimulation to Medicare as G0283 (G0281 for wound \
                  care) instead of 97014.",
    reference: "Medicare contractor LCD billing notes: 97014 is not recognized by Medicare; \
                report G0283",
};

impl Rule for Unattended97014 {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn evaluate(&self, ctx: &Context<'_>, out: &mut Emitter<'_>) {
        for line in ctx.lines_with_code(UNATTENDED_ESTIM_CODE) {
            out.line(
                line.line_number,
                format!(
                    "97014 (unattended electrical stimulation) on {} is not recognized by \
                     Medicare, which pays the service as G0283",
                    line.date_of_service
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::domain::PlanType;
    use crate::domain::Severity::Error;
    use crate::testing::*;

    fn with_97014() -> crate::domain::Encounter {
        let mut event = clean_encounter();
        event.service_lines.push(line(3, "97014"));
        event
    }

    #[test]
    fn fires_on_a_97014_line() {
        let event = with_97014();
        assert_eq!(findings_of(&event, "TR-040"), vec![(Error, Some(3))]);
        assert_eq!(
            messages_of(&event, "TR-040"),
            vec![
                "97014 (unattended electrical stimulation) on 2026-03-02 is not recognized by Medicare, which pays the service as G0283"
            ]
        );
    }

    #[test]
    fn fires_once_per_97014_line() {
        let mut event = with_97014();
        event.service_lines.push(line(4, "97014"));
        assert_eq!(
            findings_of(&event, "TR-040"),
            vec![(Error, Some(3)), (Error, Some(4))]
        );
    }

    #[test]
    fn does_not_fire_on_g0283() {
        let mut event = clean_encounter();
        event.service_lines.push(line(3, "G0283"));
        assert_eq!(findings_of(&event, "TR-040"), vec![]);
    }

    #[test]
    fn applies_to_medicare_part_b_only() {
        assert_eq!(
            findings_by_plan(&with_97014(), "TR-040"),
            only_for(&[PlanType::MedicarePartB], &[(Error, Some(3))])
        );
    }
}
