//! TR-015: 59 together with an X modifier. (Not implemented yet.)

use crate::rules::prelude::*;

pub struct Modifier59WithX;

static META: RuleMeta = RuleMeta {
    id: "TR-015",
    title: "59 together with an X modifier",
    remediation: "",
    reference: "",
};

impl Rule for Modifier59WithX {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn evaluate(&self, _ctx: &Context<'_>, _out: &mut Emitter<'_>) {}
}
