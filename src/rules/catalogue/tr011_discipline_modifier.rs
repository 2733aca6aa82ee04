//! TR-011: PT discipline with GO/GN instead of GP. (Not implemented yet.)

use crate::rules::prelude::*;

pub struct DisciplineModifier;

static META: RuleMeta = RuleMeta {
    id: "TR-011",
    title: "PT discipline with GO/GN instead of GP",
    remediation: "",
    reference: "",
};

impl Rule for DisciplineModifier {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn evaluate(&self, _ctx: &Context<'_>, _out: &mut Emitter<'_>) {}
}
