//! TR-017: AT modifier on 97012. (Not implemented yet.)

use crate::rules::prelude::*;

pub struct AtModifier;

static META: RuleMeta = RuleMeta {
    id: "TR-017",
    title: "AT modifier on 97012",
    remediation: "",
    reference: "",
};

impl Rule for AtModifier {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn evaluate(&self, _ctx: &Context<'_>, _out: &mut Emitter<'_>) {}
}
