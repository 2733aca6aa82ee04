//! TR-022: Invalid NPI. (Not implemented yet.)

use crate::rules::prelude::*;

pub struct InvalidNpi;

static META: RuleMeta = RuleMeta {
    id: "TR-022",
    title: "Invalid NPI",
    remediation: "",
    reference: "",
};

impl Rule for InvalidNpi {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn evaluate(&self, _ctx: &Context<'_>, _out: &mut Emitter<'_>) {}
}
