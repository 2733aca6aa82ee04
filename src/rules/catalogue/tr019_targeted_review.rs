//! TR-019: Above the targeted medical review threshold. (Not implemented yet.)

use crate::rules::prelude::*;

pub struct TargetedReview;

static META: RuleMeta = RuleMeta {
    id: "TR-019",
    title: "Above the targeted medical review threshold",
    remediation: "",
    reference: "",
};

impl Rule for TargetedReview {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn evaluate(&self, _ctx: &Context<'_>, _out: &mut Emitter<'_>) {}
}
