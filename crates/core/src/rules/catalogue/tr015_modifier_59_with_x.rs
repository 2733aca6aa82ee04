//! TR-015: modifier 59 reported together with one of the X{EPSU} modifiers. The X
//! modifiers are the more specific subsets of 59; CMS says to use one or the other on a
//! line, never both. Applies to every service line, not only traction lines.

use crate::rules::modifiers::is_x_modifier;
use crate::rules::prelude::*;

pub struct Modifier59WithX;

static META: RuleMeta = RuleMeta {
    id: "TR-015",
    title: "59 together with an X modifier",
    remediation: "Keep only one distinct-service modifier on the line: the X modifier that \
                  describes why the service is distinct (XE, XS, XP or XU), or 59 when none \
                  of them fits.",
    reference: "CMS MLN1783722, Proper Use of Modifiers 59 & -X{EPSU}",
};

impl Rule for Modifier59WithX {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn evaluate(&self, ctx: &Context<'_>, out: &mut Emitter<'_>) {
        for line in &ctx.event.service_lines {
            if !line.has_modifier("59") || !line.modifiers.iter().any(|m| is_x_modifier(m)) {
                continue;
            }
            let x_modifiers: Vec<&str> = line
                .modifiers
                .iter()
                .filter(|m| is_x_modifier(m))
                .map(String::as_str)
                .collect();
            out.line(
                line.line_number,
                format!(
                    "{} on {} carries modifier 59 together with {}; report 59 or an X modifier, not both",
                    line.procedure_code,
                    line.date_of_service,
                    x_modifiers.join(" and ")
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

    fn modifiers(list: &[&str]) -> Vec<String> {
        list.iter().map(|m| (*m).to_owned()).collect()
    }

    #[test]
    fn fires_on_a_non_traction_line_with_59_and_xs() {
        let mut event = clean_encounter();
        event.service_lines[1].modifiers = modifiers(&["GP", "59", "XS"]);
        assert_eq!(findings_of(&event, "TR-015"), vec![(Error, Some(2))]);
        assert_eq!(
            messages_of(&event, "TR-015"),
            vec![
                "97110 on 2026-03-02 carries modifier 59 together with XS; report 59 or an X modifier, not both"
            ]
        );
    }

    #[test]
    fn names_every_x_modifier_on_the_line() {
        let mut event = clean_encounter();
        event.service_lines[0].modifiers = modifiers(&["GP", "XU", "59", "XE"]);
        assert_eq!(
            messages_of(&event, "TR-015"),
            vec![
                "97012 on 2026-03-02 carries modifier 59 together with XU and XE; report 59 or an X modifier, not both"
            ]
        );
    }

    #[test]
    fn fires_for_each_x_modifier_paired_with_59() {
        for x in ["XE", "XS", "XP", "XU"] {
            let mut event = clean_encounter();
            event.service_lines[0].modifiers = modifiers(&["GP", "59", x]);
            assert_eq!(findings_of(&event, "TR-015"), vec![(Error, Some(1))], "{x}");
        }
    }

    #[test]
    fn fires_once_on_each_offending_line() {
        let mut event = clean_encounter();
        event.service_lines[0].modifiers = modifiers(&["GP", "59", "XS"]);
        event.service_lines[1].modifiers = modifiers(&["GP", "XP", "59"]);
        assert_eq!(
            findings_of(&event, "TR-015"),
            vec![(Error, Some(1)), (Error, Some(2))]
        );
    }

    #[test]
    fn does_not_fire_on_59_alone_or_an_x_modifier_alone() {
        let mut event = clean_encounter();
        event.service_lines[0].modifiers = modifiers(&["GP", "59"]);
        event.service_lines[1].modifiers = modifiers(&["GP", "XS", "XU"]);
        assert_eq!(findings_of(&event, "TR-015"), vec![]);
    }

    #[test]
    fn fires_as_an_error_for_every_plan_type() {
        let mut event = clean_encounter();
        event.service_lines[1].modifiers = modifiers(&["GP", "59", "XS"]);
        assert_eq!(
            findings_by_plan(&event, "TR-015"),
            only_for(&PlanType::ALL, &[(Error, Some(2))])
        );
    }
}
