//! TR-024: every traction line must point at the diagnoses it treats (claim form item
//! 24E / SV107), and each pointer must match a diagnosis of the claim. TR-025 reads this
//! rule's findings to stay quiet on the lines it reports.

use crate::rules::prelude::*;

pub struct DiagnosisPointers;

static META: RuleMeta = RuleMeta {
    id: "TR-024",
    title: "Missing or dangling diagnosis pointer",
    remediation: "Point the 97012 line at the diagnoses that justify the traction, using only \
                  pointers of diagnoses listed on the claim.",
    reference: "CMS-1500 item 24E / 837P SV107: each service line points to a diagnosis of \
                the claim",
};

/// Whether a line has no diagnosis pointer, or one that matches no diagnosis.
fn has_pointer_problem(ctx: &Context<'_>, line: &ServiceLine) -> bool {
    line.diagnosis_pointers.is_empty()
        || line
            .diagnosis_pointers
            .iter()
            .any(|pointer| !ctx.has_diagnosis_with_pointer(*pointer))
}

impl Rule for DiagnosisPointers {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn evaluate(&self, ctx: &Context<'_>, out: &mut Emitter<'_>) {
        for line in ctx
            .traction_lines()
            .filter(|line| has_pointer_problem(ctx, line))
        {
            let message = if line.diagnosis_pointers.is_empty() {
                format!("97012 on {} has no diagnosis pointer", line.date_of_service)
            } else {
                let dangling: Vec<String> = line
                    .diagnosis_pointers
                    .iter()
                    .filter(|pointer| !ctx.has_diagnosis_with_pointer(**pointer))
                    .map(i32::to_string)
                    .collect();
                let (noun, verb) = if dangling.len() == 1 {
                    ("pointer", "matches")
                } else {
                    ("pointers", "match")
                };
                format!(
                    "97012 on {} has diagnosis {noun} {} that {verb} no diagnosis on the claim",
                    line.date_of_service,
                    dangling.join(", ")
                )
            };
            out.line(line.line_number, message);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::domain::PlanType;
    use crate::domain::Severity::Error;
    use crate::testing::*;

    #[test]
    fn fires_on_a_traction_line_without_pointers() {
        let mut event = clean_encounter();
        event.service_lines[0].diagnosis_pointers.clear();
        assert_eq!(findings_of(&event, "TR-024"), vec![(Error, Some(1))]);
        assert_eq!(
            messages_of(&event, "TR-024"),
            vec!["97012 on 2026-03-02 has no diagnosis pointer"]
        );
    }

    #[test]
    fn fires_on_a_pointer_that_matches_no_diagnosis() {
        let mut event = clean_encounter();
        event.service_lines[0].diagnosis_pointers = vec![3];
        assert_eq!(findings_of(&event, "TR-024"), vec![(Error, Some(1))]);
        assert_eq!(
            messages_of(&event, "TR-024"),
            vec![
                "97012 on 2026-03-02 has diagnosis pointer 3 that matches no diagnosis on the claim"
            ]
        );
    }

    #[test]
    fn fires_when_one_of_several_pointers_dangles_and_names_only_those() {
        let mut event = clean_encounter();
        event.service_lines[0].diagnosis_pointers = vec![1, 4, 2];
        assert_eq!(findings_of(&event, "TR-024"), vec![(Error, Some(1))]);
        assert_eq!(
            messages_of(&event, "TR-024"),
            vec![
                "97012 on 2026-03-02 has diagnosis pointers 4, 2 that match no diagnosis on the claim"
            ]
        );
    }

    #[test]
    fn does_not_fire_when_every_pointer_matches() {
        let mut event = clean_encounter();
        event.diagnoses.push(diagnosis(2, "M5417"));
        event.service_lines[0].diagnosis_pointers = vec![2, 1];
        assert_eq!(findings_of(&event, "TR-024"), vec![]);
    }

    #[test]
    fn ignores_pointer_problems_on_other_codes() {
        let mut event = clean_encounter();
        event.service_lines[1].diagnosis_pointers = vec![9];
        assert_eq!(findings_of(&event, "TR-024"), vec![]);
    }

    #[test]
    fn fires_once_per_offending_traction_line_for_every_plan_type() {
        let mut event = clean_encounter();
        event.service_lines[0].diagnosis_pointers.clear();
        let mut second = line(3, "97012");
        second.date_of_service = date(2026, 3, 4);
        second.diagnosis_pointers = vec![5];
        event.service_lines.push(second);
        assert_eq!(
            findings_by_plan(&event, "TR-024"),
            only_for(&PlanType::ALL, &[(Error, Some(1)), (Error, Some(3))])
        );
    }
}
