//! TR-027: Traction contraindication. (Not implemented yet.)

use crate::rules::prelude::*;

pub struct Contraindication;

static META: RuleMeta = RuleMeta {
    id: "TR-027",
    title: "Traction contraindication",
    remediation: "",
    reference: "",
};

impl Rule for Contraindication {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn evaluate(&self, _ctx: &Context<'_>, _out: &mut Emitter<'_>) {}
}
