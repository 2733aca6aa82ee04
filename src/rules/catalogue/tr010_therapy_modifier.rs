//! TR-010: Missing or conflicting GP/GO/GN. (Not implemented yet.)

use crate::rules::prelude::*;

pub struct TherapyModifier;

static META: RuleMeta = RuleMeta {
    id: "TR-010",
    title: "Missing or conflicting GP/GO/GN",
    remediation: "",
    reference: "",
};

impl Rule for TherapyModifier {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn evaluate(&self, _ctx: &Context<'_>, _out: &mut Emitter<'_>) {}
}
