//! Settings with a fixed list of named values. The core knows no clap, so its enums (wire
//! formats, container codecs) list their names and descriptions themselves, and [`parser`]
//! turns such a list into clap's possible values: the help shows them, and clap refuses
//! anything else as it does for its own `ValueEnum`s. The same names are read from variables
//! (`variable::one_of`) and from the `--config` file.

use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
use traction_screen_core::codec::container::Codec;
use traction_screen_core::codec::{InputFormat, OutputFormat};

use crate::config::Delivery;
use crate::telemetry::LogFormat;

/// A setting with a fixed list of named values.
pub trait Choice: Copy + Send + Sync + 'static {
    const ALL: &'static [Self];
    fn name(self) -> &'static str;
    /// Shown next to the name in `--help`; `None` when the name says it all.
    fn description(self) -> Option<&'static str> {
        None
    }

    /// The value named `name` (exactly: names are lower case).
    fn named(name: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|value| value.name() == name)
    }

    /// The names, comma-separated, for messages.
    fn names() -> String {
        let names: Vec<&str> = Self::ALL.iter().map(|value| value.name()).collect();
        names.join(", ")
    }
}

/// clap's parser of a [`Choice`].
pub fn parser<T: Choice>() -> impl TypedValueParser<Value = T> {
    let values = T::ALL
        .iter()
        .map(|value| PossibleValue::new(value.name()).help(value.description()));
    PossibleValuesParser::new(values)
        .map(|name| T::named(&name).expect("clap admits only the listed names"))
}

impl Choice for InputFormat {
    const ALL: &'static [Self] = &InputFormat::ALL;
    fn name(self) -> &'static str {
        InputFormat::name(self)
    }
    fn description(self) -> Option<&'static str> {
        Some(InputFormat::description(self))
    }
}

impl Choice for OutputFormat {
    const ALL: &'static [Self] = &OutputFormat::ALL;
    fn name(self) -> &'static str {
        OutputFormat::name(self)
    }
}

impl Choice for Codec {
    const ALL: &'static [Self] = &Codec::ALL;
    fn name(self) -> &'static str {
        Codec::name(self)
    }
    fn description(self) -> Option<&'static str> {
        Codec::description(self)
    }
}

impl Choice for Delivery {
    const ALL: &'static [Self] = &[Delivery::AtLeastOnce, Delivery::ExactlyOnce];
    fn name(self) -> &'static str {
        match self {
            Delivery::AtLeastOnce => "at-least-once",
            Delivery::ExactlyOnce => "exactly-once",
        }
    }
    fn description(self) -> Option<&'static str> {
        Some(match self {
            Delivery::AtLeastOnce => "Offsets committed after the outcomes are acknowledged",
            Delivery::ExactlyOnce => {
                "Outcomes and offsets in one Kafka transaction per batch (readers need \
                 isolation.level=read_committed)"
            }
        })
    }
}

impl Choice for LogFormat {
    const ALL: &'static [Self] = &[LogFormat::Auto, LogFormat::Json, LogFormat::Text];
    fn name(self) -> &'static str {
        match self {
            LogFormat::Auto => "auto",
            LogFormat::Json => "json",
            LogFormat::Text => "text",
        }
    }
    fn description(self) -> Option<&'static str> {
        (self == LogFormat::Auto).then_some("Text on a terminal, JSON otherwise")
    }
}
