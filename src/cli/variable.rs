//! Parsers of the flags a `TRACTION_SCREEN_*` variable may also set. clap parses a variable's
//! text with the flag's own parser, whose error would name only the flag; these parse a
//! flag as clap does (its usage error unchanged), but word an invalid *variable* as a setting
//! error naming both the flag and the variable:
//! `invalid --workers (TRACTION_SCREEN_WORKERS): "x" is not a whole number`.

use std::ffi::OsStr;

use clap::builder::{BoolValueParser, PossibleValue, TypedValueParser};
use clap::error::ErrorKind;
use clap::parser::ValueSource;
use clap::{Arg, Command};

use super::Choice;
use super::setting::Setting;

/// A flag's parser `P`, and how the flag's variable is read instead.
#[derive(Clone)]
pub struct OrVariable<P: TypedValueParser> {
    flag: P,
    variable: fn(&str) -> Result<P::Value, String>,
}

impl<P: TypedValueParser> TypedValueParser for OrVariable<P> {
    type Value = P::Value;

    fn parse_ref(
        &self,
        cmd: &Command,
        arg: Option<&Arg>,
        value: &OsStr,
    ) -> Result<Self::Value, clap::Error> {
        self.flag.parse_ref(cmd, arg, value)
    }

    fn parse_ref_(
        &self,
        cmd: &Command,
        arg: Option<&Arg>,
        value: &OsStr,
        source: ValueSource,
    ) -> Result<Self::Value, clap::Error> {
        let setting = arg.and_then(Arg::get_long).and_then(Setting::named);
        match (source, setting) {
            (ValueSource::EnvVariable, Some(setting)) => (self.variable)(&value.to_string_lossy())
                .map_err(|problem| {
                    let message = format!("invalid {}: {problem}\n", setting.names(None));
                    clap::Error::raw(ErrorKind::ValueValidation, message)
                }),
            _ => self.flag.parse_ref_(cmd, arg, value, source),
        }
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        self.flag.possible_values()
    }
}

/// A whole number (`u64`).
pub fn whole_number() -> OrVariable<impl TypedValueParser<Value = u64>> {
    OrVariable {
        flag: clap::value_parser!(u64),
        variable: |text| {
            text.parse()
                .map_err(|_| format!("{text:?} is not a whole number"))
        },
    }
}

/// `true` or `false`.
pub fn true_or_false() -> OrVariable<BoolValueParser> {
    OrVariable {
        flag: BoolValueParser::new(),
        variable: |text| {
            text.parse()
                .map_err(|_| format!("{text:?} is not true or false"))
        },
    }
}

/// One of a [`Choice`]'s names.
pub fn one_of<T: Choice>() -> OrVariable<impl TypedValueParser<Value = T>> {
    OrVariable {
        flag: super::choice::parser::<T>(),
        variable: |text| {
            T::named(text).ok_or_else(|| format!("{text:?} is not one of {}", T::names()))
        },
    }
}
