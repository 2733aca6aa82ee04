//! TR-013: CQ without GP. (Not implemented yet.)

use crate::rules::prelude::*;

pub struct CqWithoutGp;

static META: RuleMeta = RuleMeta {
    id: "TR-013",
    title: "CQ without GP",
    remediation: "",
    reference: "",
};

impl Rule for CqWithoutGp {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn evaluate(&self, _ctx: &Context<'_>, _out: &mut Emitter<'_>) {}
}
