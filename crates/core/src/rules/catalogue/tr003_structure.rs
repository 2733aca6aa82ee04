//! TR-003: an encounter whose structure a claim cannot carry — no service lines, a line
//! billed with fewer than one unit, two lines sharing a line number, two diagnoses sharing
//! a pointer. One event finding lists every problem, so the biller fixes them in one pass.
//! Applies to every in-scope event (one with no lines is in scope only via `traction`).

use crate::rules::prelude::*;

pub struct StructurallyUnsound;

static META: RuleMeta = RuleMeta {
    id: "TR-003",
    title: "Structurally unsound encounter",
    remediation: "Correct the claim structure: bill at least one service line, give every line \
                  at least 1 unit, number the lines uniquely and give every diagnosis its own \
                  pointer.",
    reference: "Claim form rules (CMS-1500 / 837P): unique line and diagnosis pointer numbers, \
                units of at least 1",
};

impl Rule for StructurallyUnsound {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn evaluate(&self, ctx: &Context<'_>, out: &mut Emitter<'_>) {
        let lines = &ctx.event.service_lines;
        let diagnoses = &ctx.event.diagnoses;
        let sound = !lines.is_empty()
            && lines.iter().all(|line| line.units >= 1)
            && !has_repeat(lines, |line| line.line_number)
            && !has_repeat(diagnoses, |diagnosis| diagnosis.pointer);
        if !sound {
            out.event(describe(lines, diagnoses));
        }
    }
}

/// The message: every problem, in the order RULES.md lists them. Only built when firing.
fn describe(lines: &[ServiceLine], diagnoses: &[Diagnosis]) -> String {
    let mut problems: Vec<String> = Vec::new();
    if lines.is_empty() {
        problems.push("no service lines".into());
    }
    for line in lines.iter().filter(|line| line.units < 1) {
        problems.push(format!(
            "line {} has {} units",
            line.line_number, line.units
        ));
    }
    for (number, count) in repeats(lines, |line| line.line_number) {
        problems.push(format!("line number {number} is used by {count} lines"));
    }
    for (pointer, count) in repeats(diagnoses, |diagnosis| diagnosis.pointer) {
        problems.push(format!(
            "diagnosis pointer {pointer} is used by {count} diagnoses"
        ));
    }
    format!("Encounter is structurally unsound: {}", problems.join("; "))
}

/// Whether some key occurs more than once. Lines and diagnoses are a handful per event,
/// so a nested scan beats allocating a set on every event.
fn has_repeat<T>(items: &[T], key: impl Fn(&T) -> i32) -> bool {
    items.iter().enumerate().any(|(index, item)| {
        let k = key(item);
        items[..index].iter().any(|earlier| key(earlier) == k)
    })
}

/// Every key that occurs more than once with its number of occurrences, in order of
/// first occurrence.
fn repeats<T>(items: &[T], key: impl Fn(&T) -> i32) -> Vec<(i32, usize)> {
    items
        .iter()
        .enumerate()
        .filter(|(index, item)| {
            let k = key(item);
            !items[..*index].iter().any(|earlier| key(earlier) == k)
        })
        .map(|(index, item)| {
            let k = key(item);
            (
                k,
                items[index..]
                    .iter()
                    .filter(|other| key(other) == k)
                    .count(),
            )
        })
        .filter(|(_, count)| *count > 1)
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::domain::PlanType;
    use crate::domain::Severity::Error;
    use crate::testing::*;

    #[test]
    fn does_not_fire_on_a_sound_encounter() {
        assert_eq!(findings_of(&clean_encounter(), "TR-003"), vec![]);
    }

    #[test]
    fn fires_once_on_an_event_with_no_service_lines() {
        let mut event = clean_encounter();
        event.service_lines.clear();
        assert_eq!(findings_of(&event, "TR-003"), vec![(Error, None)]);
        assert_eq!(
            messages_of(&event, "TR-003"),
            vec!["Encounter is structurally unsound: no service lines"]
        );
    }

    #[test]
    fn fires_on_a_line_with_zero_units() {
        let mut event = clean_encounter();
        event.service_lines[1].units = 0;
        assert_eq!(findings_of(&event, "TR-003"), vec![(Error, None)]);
        assert_eq!(
            messages_of(&event, "TR-003"),
            vec!["Encounter is structurally unsound: line 2 has 0 units"]
        );
    }

    #[test]
    fn does_not_fire_on_exactly_one_unit() {
        let mut event = clean_encounter();
        event.service_lines[1].units = 1;
        event.service_lines[1].minutes = Some(15);
        assert_eq!(findings_of(&event, "TR-003"), vec![]);
    }

    #[test]
    fn fires_on_a_duplicated_line_number() {
        let mut event = clean_encounter();
        event.service_lines[1].line_number = 1;
        assert_eq!(findings_of(&event, "TR-003"), vec![(Error, None)]);
        assert_eq!(
            messages_of(&event, "TR-003"),
            vec!["Encounter is structurally unsound: line number 1 is used by 2 lines"]
        );
    }

    #[test]
    fn fires_on_a_duplicated_diagnosis_pointer() {
        let mut event = clean_encounter();
        event.diagnoses.push(diagnosis(1, "M5126"));
        assert_eq!(findings_of(&event, "TR-003"), vec![(Error, None)]);
        assert_eq!(
            messages_of(&event, "TR-003"),
            vec!["Encounter is structurally unsound: diagnosis pointer 1 is used by 2 diagnoses"]
        );
    }

    #[test]
    fn lists_every_problem_in_one_finding() {
        let mut event = clean_encounter();
        event.service_lines[1].units = -1;
        event.service_lines.push(line(2, "97140"));
        event.service_lines.push(line(2, "97530"));
        event.service_lines.push(line(1, "97112"));
        event.service_lines[4].units = 0;
        event.diagnoses.push(diagnosis(2, "M5126"));
        event.diagnoses.push(diagnosis(2, "M5127"));
        assert_eq!(findings_of(&event, "TR-003"), vec![(Error, None)]);
        assert_eq!(
            messages_of(&event, "TR-003"),
            vec![
                "Encounter is structurally unsound: line 2 has -1 units; line 1 has 0 units; \
                 line number 1 is used by 2 lines; line number 2 is used by 3 lines; \
                 diagnosis pointer 2 is used by 2 diagnoses"
            ]
        );
    }

    #[test]
    fn fires_for_every_plan_type() {
        let mut event = clean_encounter();
        event.service_lines.clear();
        assert_eq!(
            findings_by_plan(&event, "TR-003"),
            only_for(&PlanType::ALL, &[(Error, None)])
        );
    }

    #[test]
    fn no_lines_and_no_traction_record_is_out_of_scope() {
        let mut event = clean_encounter();
        event.service_lines.clear();
        event.traction = None;
        assert_eq!(findings_of(&event, "TR-003"), vec![]);
    }
}
