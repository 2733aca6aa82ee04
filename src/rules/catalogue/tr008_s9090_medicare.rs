//! TR-008: S9090 billed to Medicare. (Not implemented yet.)

use crate::rules::prelude::*;

pub struct S9090ForMedicare;

static META: RuleMeta = RuleMeta {
    id: "TR-008",
    title: "S9090 billed to Medicare",
    remediation: "",
    reference: "",
};

impl Rule for S9090ForMedicare {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn evaluate(&self, _ctx: &Context<'_>, _out: &mut Emitter<'_>) {}
}
