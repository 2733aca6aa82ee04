//! TR-018: KX modifier missing above the threshold. (Not implemented yet.)

use crate::rules::prelude::*;

pub struct KxThreshold;

static META: RuleMeta = RuleMeta {
    id: "TR-018",
    title: "KX modifier missing above the threshold",
    remediation: "",
    reference: "",
};

impl Rule for KxThreshold {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn evaluate(&self, _ctx: &Context<'_>, _out: &mut Emitter<'_>) {}
}
