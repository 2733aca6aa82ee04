//! TR-041: home traction equipment (HCPCS E0830 … E0900, E0941, E0942, E0944: the pack's
//! `home_traction_equipment` list) is durable medical equipment that a DME supplier bills;
//! it does not belong on a therapy claim, whatever the payer. Every such line is flagged.

use crate::rules::prelude::*;

pub struct HomeTractionEquipment;

static META: RuleMeta = RuleMeta {
    id: "TR-041",
    title: "Home traction equipment on a therapy claim",
    remediation: "Remove the equipment line from the therapy claim; if the patient needs a \
                  home traction unit, have a DME supplier bill it with the required order and \
                  documentation.",
    reference: "DMEPOS billing rules: durable medical equipment is billed by an enrolled \
                supplier, not on a therapy claim",
};

impl Rule for HomeTractionEquipment {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn evaluate(&self, ctx: &Context<'_>, out: &mut Emitter<'_>) {
        let equipment = ctx.event.service_lines.iter().filter(|line| {
            ctx.pack
                .procedures
                .is_home_traction_equipment(&line.procedure_code)
        });
        for line in equipment {
            out.line(
                line.line_number,
                format!(
                    "{} on {} is home traction equipment, which belongs on a DME \
                     supplier's claim, not a therapy claim",
                    line.procedure_code, line.date_of_service
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

    fn with_equipment(code: &str) -> crate::domain::Encounter {
        let mut event = clean_encounter();
        event.service_lines.push(line(3, code));
        event
    }

    #[test]
    fn fires_on_a_home_traction_unit() {
        let event = with_equipment("E0830");
        assert_eq!(findings_of(&event, "TR-041"), vec![(Error, Some(3))]);
        assert_eq!(
            messages_of(&event, "TR-041"),
            vec![
                "E0830 on 2026-03-02 is home traction equipment, which belongs on a DME supplier's claim, not a therapy claim"
            ]
        );
    }

    #[test]
    fn fires_on_every_listed_code() {
        for code in [
            "E0830", "E0840", "E0849", "E0850", "E0855", "E0856", "E0860", "E0890", "E0900",
            "E0941", "E0942", "E0944",
        ] {
            assert_eq!(
                findings_of(&with_equipment(code), "TR-041"),
                vec![(Error, Some(3))],
                "{code}"
            );
        }
    }

    #[test]
    fn does_not_fire_on_neighbouring_codes() {
        for code in ["E0820", "E0831", "E0910", "E083", "E0940", "E0943", "E0945"] {
            assert_eq!(
                findings_of(&with_equipment(code), "TR-041"),
                vec![],
                "{code}"
            );
        }
    }

    #[test]
    fn fires_once_per_equipment_line() {
        let mut event = with_equipment("E0840");
        event.service_lines.push(line(4, "E0849"));
        assert_eq!(
            findings_of(&event, "TR-041"),
            vec![(Error, Some(3)), (Error, Some(4))]
        );
    }

    #[test]
    fn fires_as_an_error_for_every_plan_type() {
        assert_eq!(
            findings_by_plan(&with_equipment("E0860"), "TR-041"),
            only_for(&PlanType::ALL, &[(Error, Some(3))])
        );
    }
}
