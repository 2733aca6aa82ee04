//! TR-004: Timed units exceed the 8-minute rule. (Not implemented yet.)

use crate::rules::prelude::*;

pub struct EightMinuteRule;

static META: RuleMeta = RuleMeta {
    id: "TR-004",
    title: "Timed units exceed the 8-minute rule",
    remediation: "",
    reference: "",
};

impl Rule for EightMinuteRule {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn evaluate(&self, _ctx: &Context<'_>, _out: &mut Emitter<'_>) {}
}
