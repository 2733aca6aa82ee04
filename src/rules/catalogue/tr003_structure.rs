//! TR-003: Structurally unsound encounter. (Not implemented yet.)

use crate::rules::prelude::*;

pub struct StructurallyUnsound;

static META: RuleMeta = RuleMeta {
    id: "TR-003",
    title: "Structurally unsound encounter",
    remediation: "",
    reference: "",
};

impl Rule for StructurallyUnsound {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn evaluate(&self, _ctx: &Context<'_>, _out: &mut Emitter<'_>) {}
}
