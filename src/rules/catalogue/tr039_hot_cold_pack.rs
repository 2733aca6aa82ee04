//! TR-039: 97010 billed to Medicare. (Not implemented yet.)

use crate::rules::prelude::*;

pub struct HotColdPack;

static META: RuleMeta = RuleMeta {
    id: "TR-039",
    title: "97010 billed to Medicare",
    remediation: "",
    reference: "",
};

impl Rule for HotColdPack {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn evaluate(&self, _ctx: &Context<'_>, _out: &mut Emitter<'_>) {}
}
