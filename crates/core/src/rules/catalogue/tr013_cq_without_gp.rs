//! TR-013: CQ marks a service furnished by a PT assistant and is reported together with
//! GP; a traction line with CQ but no GP cannot be priced as a PT assistant service.

use crate::rules::prelude::*;

pub struct CqWithoutGp;

static META: RuleMeta = RuleMeta {
    id: "TR-013",
    title: "CQ without GP",
    remediation: "Report CQ together with GP on the 97012 line (CO goes with GO for an \
                  occupational therapy assistant).",
    reference: "CMS CQ/CO modifier instructions: CQ is reported with GP",
};

impl Rule for CqWithoutGp {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn evaluate(&self, ctx: &Context<'_>, out: &mut Emitter<'_>) {
        for line in ctx
            .traction_lines()
            .filter(|line| line.has_modifier("CQ") && !line.has_modifier("GP"))
        {
            out.line(
                line.line_number,
                format!(
                    "97012 on {} carries CQ without GP; CQ is reported with GP",
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

    #[test]
    fn fires_on_cq_with_go() {
        let event = with_modifiers(&["GO", "CQ"]);
        assert_eq!(findings_of(&event, "TR-013"), vec![(Error, Some(1))]);
        assert_eq!(
            messages_of(&event, "TR-013"),
            vec!["97012 on 2026-03-02 carries CQ without GP; CQ is reported with GP"]
        );
    }

    #[test]
    fn fires_on_cq_alone() {
        assert_eq!(
            findings_of(&with_modifiers(&["CQ"]), "TR-013"),
            vec![(Error, Some(1))]
        );
    }

    #[test]
    fn does_not_fire_on_cq_with_gp() {
        assert_eq!(
            findings_of(&with_modifiers(&["GP", "CQ"]), "TR-013"),
            vec![]
        );
    }

    #[test]
    fn does_not_fire_without_cq() {
        assert_eq!(findings_of(&with_modifiers(&["GO"]), "TR-013"), vec![]);
    }

    #[test]
    fn ignores_cq_on_other_codes() {
        let mut event = clean_encounter();
        event.service_lines[1].modifiers = vec!["CQ".into()];
        assert_eq!(findings_of(&event, "TR-013"), vec![]);
    }

    #[test]
    fn fires_once_per_offending_traction_line_for_every_plan_type() {
        let mut event = with_modifiers(&["CQ"]);
        event.service_lines.push(crate::domain::ServiceLine {
            date_of_service: date(2026, 3, 4),
            modifiers: vec!["GP".into(), "CQ".into()],
            ..line(3, "97012")
        });
        event.service_lines.push(crate::domain::ServiceLine {
            date_of_service: date(2026, 3, 5),
            modifiers: vec!["GN".into(), "CQ".into()],
            ..line(4, "97012")
        });
        assert_eq!(
            findings_by_plan(&event, "TR-013"),
            only_for(&PlanType::ALL, &[(Error, Some(1)), (Error, Some(4))])
        );
    }
}
