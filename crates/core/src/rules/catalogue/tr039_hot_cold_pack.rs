//! TR-039: 97010 (hot or cold packs) has status B on the Medicare physician fee schedule: it
//! is bundled into the other services of the day and never paid separately. Every 97010
//! line on a Medicare claim is flagged, traction line or not.

use crate::rules::prelude::*;

pub struct HotColdPack;

/// Hot or cold packs.
const HOT_COLD_PACK_CODE: &str = "97010";

static META: RuleMeta = RuleMeta {
    id: "TR-039",
    title: "97010 billed to Medicare",
    remediation: "Remove the 97010 line from the Medicare claim: hot and cold packs are bundled \
                  into the day's other services and are not separately payable.",
    reference: "Medicare Physician Fee Schedule: 97010 has status indicator B (bundled)",
};

impl Rule for HotColdPack {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn evaluate(&self, ctx: &Context<'_>, out: &mut Emitter<'_>) {
        for line in ctx.lines_with_code(HOT_COLD_PACK_CODE) {
            out.line(
                line.line_number,
                format!(
                    "97010 (hot or cold packs) on {} is bundled by Medicare and not separately \
                     payable",
                    line.date_of_service
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::domain::PlanType;
    use crate::domain::Severity::Warning;
    use crate::testing::*;

    fn with_hot_pack() -> crate::domain::Encounter {
        let mut event = clean_encounter();
        event.service_lines.push(line(3, "97010"));
        event
    }

    #[test]
    fn fires_on_a_97010_line() {
        let event = with_hot_pack();
        assert_eq!(findings_of(&event, "TR-039"), vec![(Warning, Some(3))]);
        assert_eq!(
            messages_of(&event, "TR-039"),
            vec![
                "97010 (hot or cold packs) on 2026-03-02 is bundled by Medicare and not separately payable"
            ]
        );
    }

    #[test]
    fn fires_once_per_97010_line() {
        let mut event = with_hot_pack();
        let mut another_day = line(4, "97010");
        another_day.date_of_service = date(2026, 3, 4);
        event.service_lines.push(another_day);
        assert_eq!(
            findings_of(&event, "TR-039"),
            vec![(Warning, Some(3)), (Warning, Some(4))]
        );
    }

    #[test]
    fn does_not_fire_without_97010() {
        assert_eq!(findings_of(&clean_encounter(), "TR-039"), vec![]);
        let mut event = clean_encounter();
        event.service_lines.push(line(3, "97018"));
        assert_eq!(findings_of(&event, "TR-039"), vec![]);
    }

    #[test]
    fn applies_to_medicare_part_b_only() {
        assert_eq!(
            findings_by_plan(&with_hot_pack(), "TR-039"),
            only_for(&[PlanType::MedicarePartB], &[(Warning, Some(3))])
        );
    }
}
