//! TR-021: 97012 billed as telehealth. (Not implemented yet.)

use crate::rules::prelude::*;

pub struct Telehealth;

static META: RuleMeta = RuleMeta {
    id: "TR-021",
    title: "97012 billed as telehealth",
    remediation: "",
    reference: "",
};

impl Rule for Telehealth {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn evaluate(&self, _ctx: &Context<'_>, _out: &mut Emitter<'_>) {}
}
