//! TR-007: Decompression device billed as 97012. (Not implemented yet.)

use crate::rules::prelude::*;

pub struct Decompression;

static META: RuleMeta = RuleMeta {
    id: "TR-007",
    title: "Decompression device billed as 97012",
    remediation: "",
    reference: "",
};

impl Rule for Decompression {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn evaluate(&self, _ctx: &Context<'_>, _out: &mut Emitter<'_>) {}
}
