//! TR-020: Traction billed by a chiropractor to Medicare. (Not implemented yet.)

use crate::rules::prelude::*;

pub struct Chiropractor;

static META: RuleMeta = RuleMeta {
    id: "TR-020",
    title: "Traction billed by a chiropractor to Medicare",
    remediation: "",
    reference: "",
};

impl Rule for Chiropractor {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn evaluate(&self, _ctx: &Context<'_>, _out: &mut Emitter<'_>) {}
}
