//! Modifier sets several rules share (TR-015, TR-016).

use crate::domain::ServiceLine;

/// The X{EPSU} modifiers: the specific forms of 59 (separate encounter, practitioner,
/// structure, unusual non-overlapping service).
pub const X_MODIFIERS: [&str; 4] = ["XE", "XS", "XP", "XU"];

/// Whether `modifier` is one of the [`X_MODIFIERS`].
pub fn is_x_modifier(modifier: &str) -> bool {
    X_MODIFIERS.contains(&modifier)
}

/// Whether a line carries 59 or an X modifier, i.e. claims a distinct service.
pub fn has_distinct_service_modifier(line: &ServiceLine) -> bool {
    line.modifiers.iter().any(|m| m == "59" || is_x_modifier(m))
}
