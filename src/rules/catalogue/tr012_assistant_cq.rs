//! TR-012: Assistant-furnished traction without CQ. (Not implemented yet.)

use crate::rules::prelude::*;

pub struct AssistantWithoutCq;

static META: RuleMeta = RuleMeta {
    id: "TR-012",
    title: "Assistant-furnished traction without CQ",
    remediation: "",
    reference: "",
};

impl Rule for AssistantWithoutCq {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn evaluate(&self, _ctx: &Context<'_>, _out: &mut Emitter<'_>) {}
}
