//! TR-008: S9090 (vertebral axial decompression, per session) is an HCPCS S-code that
//! Medicare never recognises, and Medicare does not cover the service it describes. Any
//! S9090 line on a Medicare Part B or Medicare Advantage event fails; the pack limits the
//! rule to those plan types.

use crate::rules::prelude::*;

pub struct S9090ForMedicare;

static META: RuleMeta = RuleMeta {
    id: "TR-008",
    title: "S9090 billed to Medicare",
    remediation: "Remove S9090 from the Medicare claim: decompression is not covered by \
                  Medicare (issue an ABN before the service so the patient can be billed), and \
                  S-codes are for commercial payers that accept them.",
    reference: "HCPCS S-codes are not valid for Medicare; NCD 160.16 (id 124) Vertebral Axial \
                Decompression",
};

impl Rule for S9090ForMedicare {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn evaluate(&self, ctx: &Context<'_>, out: &mut Emitter<'_>) {
        for line in ctx.lines_with_code(DECOMPRESSION_S_CODE) {
            // The plan type only picks the wording: the pack decides where the rule applies.
            let payer = match ctx.plan() {
                PlanType::MedicareAdvantage => "a Medicare Advantage plan",
                _ => "Medicare",
            };
            out.line(
                line.line_number,
                format!(
                    "S9090 billed on {} to {payer}; S-codes are not Medicare codes and Medicare \
                     does not cover vertebral axial decompression",
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

    fn with_s9090() -> crate::domain::Encounter {
        let mut event = clean_encounter();
        event.service_lines.push(line(3, "S9090"));
        event
    }

    #[test]
    fn fires_on_an_s9090_line_for_medicare() {
        let event = with_s9090();
        assert_eq!(findings_of(&event, "TR-008"), vec![(Error, Some(3))]);
        assert_eq!(
            messages_of(&event, "TR-008"),
            vec![
                "S9090 billed on 2026-03-02 to Medicare; S-codes are not Medicare codes and \
                 Medicare does not cover vertebral axial decompression"
            ]
        );
    }

    #[test]
    fn names_medicare_advantage_in_the_message() {
        let event = with_plan(with_s9090(), PlanType::MedicareAdvantage);
        assert_eq!(findings_of(&event, "TR-008"), vec![(Error, Some(3))]);
        assert_eq!(
            messages_of(&event, "TR-008"),
            vec![
                "S9090 billed on 2026-03-02 to a Medicare Advantage plan; S-codes are not \
                 Medicare codes and Medicare does not cover vertebral axial decompression"
            ]
        );
    }

    #[test]
    fn fires_on_an_event_in_scope_only_through_s9090() {
        let mut event = clean_encounter();
        event.traction = None;
        event.service_lines[0] = line(1, "S9090");
        event.service_lines.push(crate::domain::ServiceLine {
            date_of_service: date(2026, 3, 4),
            ..line(3, "S9090")
        });
        assert_eq!(
            findings_of(&event, "TR-008"),
            vec![(Error, Some(1)), (Error, Some(3))]
        );
    }

    #[test]
    fn does_not_fire_without_an_s9090_line() {
        assert_eq!(findings_of(&clean_encounter(), "TR-008"), vec![]);
    }

    #[test]
    fn applies_to_medicare_part_b_and_advantage_only() {
        assert_eq!(
            findings_by_plan(&with_s9090(), "TR-008"),
            only_for(
                &[PlanType::MedicarePartB, PlanType::MedicareAdvantage],
                &[(Error, Some(3))]
            )
        );
    }
}
