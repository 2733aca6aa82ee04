//! TR-037: Progress report overdue. (Not implemented yet.)

use crate::rules::prelude::*;

pub struct ProgressReportOverdue;

static META: RuleMeta = RuleMeta {
    id: "TR-037",
    title: "Progress report overdue",
    remediation: "",
    reference: "",
};

impl Rule for ProgressReportOverdue {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn evaluate(&self, _ctx: &Context<'_>, _out: &mut Emitter<'_>) {}
}
