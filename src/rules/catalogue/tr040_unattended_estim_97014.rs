//! TR-040: 97014 billed to Medicare. (Not implemented yet.)

use crate::rules::prelude::*;

pub struct Unattended97014;

static META: RuleMeta = RuleMeta {
    id: "TR-040",
    title: "97014 billed to Medicare",
    remediation: "",
    reference: "",
};

impl Rule for Unattended97014 {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn evaluate(&self, _ctx: &Context<'_>, _out: &mut Emitter<'_>) {}
}
