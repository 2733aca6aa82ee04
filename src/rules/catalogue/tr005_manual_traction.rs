//! TR-005: Manual traction billed as 97012. (Not implemented yet.)

use crate::rules::prelude::*;

pub struct ManualTraction;

static META: RuleMeta = RuleMeta {
    id: "TR-005",
    title: "Manual traction billed as 97012",
    remediation: "",
    reference: "",
};

impl Rule for ManualTraction {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn evaluate(&self, _ctx: &Context<'_>, _out: &mut Emitter<'_>) {}
}
