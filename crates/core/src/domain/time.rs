//! Calendar dates and instants as the contract carries them.
//!
//! Both have two wire forms: ISO strings in JSON (`2025-01-24`, RFC 3339) and Avro
//! logical types (`date` = days since 1970-01-01, `timestamp-millis`). Deserialization
//! accepts the form its format produces. Serialization writes the Avro form, because the
//! hot path encodes Avro; JSON encoding goes through the views in `codec::json`, which
//! call [`Date::to_iso`] and [`Timestamp::to_rfc3339`].

use std::fmt;

use chrono::{DateTime, Datelike, NaiveDate, SecondsFormat, Utc};
use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Days between 0001-01-01 (chrono's day 1 of the common era) and 1970-01-01.
const UNIX_EPOCH_DAYS_FROM_CE: i32 = 719_163;

/// A calendar date (no time zone), e.g. a date of service.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(NaiveDate);

impl Date {
    /// Builds a date from year, month and day; `None` when it does not exist.
    pub fn from_ymd(year: i32, month: u32, day: u32) -> Option<Self> {
        NaiveDate::from_ymd_opt(year, month, day).map(Self)
    }

    /// Days since 1970-01-01 (the Avro `date` logical type); `None` out of chrono's range.
    pub fn from_epoch_days(days: i32) -> Option<Self> {
        days.checked_add(UNIX_EPOCH_DAYS_FROM_CE)
            .and_then(NaiveDate::from_num_days_from_ce_opt)
            .map(Self)
    }

    pub fn epoch_days(self) -> i32 {
        self.0.num_days_from_ce() - UNIX_EPOCH_DAYS_FROM_CE
    }

    pub fn year(self) -> i32 {
        self.0.year()
    }

    /// This date plus `days` (saturating at the end of the representable range).
    pub fn plus_days(self, days: i64) -> Self {
        Self(
            self.0
                .checked_add_signed(chrono::Duration::days(days))
                .unwrap_or(NaiveDate::MAX),
        )
    }

    /// Whole days from `earlier` to `self` (negative when `self` is earlier).
    pub fn days_since(self, earlier: Date) -> i64 {
        (self.0 - earlier.0).num_days()
    }

    pub fn to_iso(self) -> String {
        self.0.format("%Y-%m-%d").to_string()
    }

    /// Parses `YYYY-MM-DD` exactly (no time part, no other layout).
    pub fn parse_iso(text: &str) -> Option<Self> {
        let bytes = text.as_bytes();
        if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
            return None;
        }
        let digits = |range: std::ops::Range<usize>| -> Option<u32> {
            bytes[range].iter().try_fold(0u32, |acc, &b| {
                b.is_ascii_digit().then(|| acc * 10 + u32::from(b - b'0'))
            })
        };
        let year = i32::try_from(digits(0..4)?).ok()?;
        Self::from_ymd(year, digits(5..7)?, digits(8..10)?)
    }
}

impl fmt::Debug for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_i32(self.epoch_days())
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let date = deserializer.deserialize_any(DateVisitor {
            blank_is_absent: false,
        })?;
        Ok(date.expect("only a blank string is no date, and it is refused here"))
    }
}

/// Deserializes an optional date where a blank string counts as absent (RULES.md
/// "Normalisation": an optional string that is empty or only white space is absent).
pub(super) fn optional_date<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<Date>, D::Error> {
    Ok(Option::<OptionalDate>::deserialize(deserializer)?.and_then(|date| date.0))
}

struct OptionalDate(Option<Date>);

impl<'de> Deserialize<'de> for OptionalDate {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let visitor = DateVisitor {
            blank_is_absent: true,
        };
        deserializer.deserialize_any(visitor).map(OptionalDate)
    }
}

/// A date in either wire form; `None` only for a blank string where that means absent.
struct DateVisitor {
    blank_is_absent: bool,
}

impl Visitor<'_> for DateVisitor {
    type Value = Option<Date>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a date as YYYY-MM-DD (JSON) or days since 1970-01-01 (Avro date)")
    }

    // Avro's `date` logical type arrives as an int. JSON integers arrive as i64/u64 and are
    // deliberately not accepted: JSON dates are ISO strings.
    fn visit_i32<E: de::Error>(self, days: i32) -> Result<Option<Date>, E> {
        Date::from_epoch_days(days)
            .map(Some)
            .ok_or_else(|| E::custom("date out of range"))
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<Option<Date>, E> {
        if self.blank_is_absent && text.trim().is_empty() {
            return Ok(None);
        }
        Date::parse_iso(text)
            .map(Some)
            .ok_or_else(|| E::custom("not a valid YYYY-MM-DD date"))
    }
}

/// An instant, held as milliseconds since the Unix epoch (UTC).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub struct Timestamp(pub i64);

impl Timestamp {
    pub fn now() -> Self {
        Self(Utc::now().timestamp_millis())
    }

    pub fn millis(self) -> i64 {
        self.0
    }

    /// RFC 3339 in UTC with millisecond precision, e.g. `2025-01-27T18:15:44.000Z`.
    pub fn to_rfc3339(self) -> String {
        DateTime::<Utc>::from_timestamp_millis(self.0)
            .unwrap_or(DateTime::<Utc>::MIN_UTC)
            .to_rfc3339_opts(SecondsFormat::Millis, true)
    }

    pub fn parse_rfc3339(text: &str) -> Option<Self> {
        DateTime::parse_from_rfc3339(text)
            .ok()
            .map(|instant| Self(instant.timestamp_millis()))
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_i64(self.0)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(TimestampVisitor)
    }
}

struct TimestampVisitor;

impl Visitor<'_> for TimestampVisitor {
    type Value = Timestamp;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an RFC 3339 instant (JSON) or milliseconds since the epoch (Avro)")
    }

    fn visit_i64<E: de::Error>(self, millis: i64) -> Result<Timestamp, E> {
        Ok(Timestamp(millis))
    }

    fn visit_u64<E: de::Error>(self, millis: u64) -> Result<Timestamp, E> {
        i64::try_from(millis)
            .map(Timestamp)
            .map_err(|_| E::custom("timestamp out of range"))
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<Timestamp, E> {
        Timestamp::parse_rfc3339(text).ok_or_else(|| E::custom("not a valid RFC 3339 instant"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_dates_parse_strictly() {
        assert_eq!(Date::parse_iso("2025-01-24"), Date::from_ymd(2025, 1, 24));
        assert_eq!(Date::parse_iso("2025-02-30"), None);
        assert_eq!(Date::parse_iso("2025-1-24"), None);
        assert_eq!(Date::parse_iso("2025-01-24T00:00:00Z"), None);
        assert_eq!(Date::parse_iso("+025-01-24"), None);
    }

    #[test]
    fn epoch_days_round_trip() {
        let date = Date::from_ymd(2025, 1, 24).unwrap();
        assert_eq!(date.epoch_days(), 20_112);
        assert_eq!(Date::from_epoch_days(20_112), Some(date));
        assert_eq!(Date::from_epoch_days(0), Date::from_ymd(1970, 1, 1));
    }

    #[test]
    fn date_arithmetic_crosses_months_and_years() {
        let start = Date::from_ymd(2025, 12, 1).unwrap();
        assert_eq!(start.plus_days(90), Date::from_ymd(2026, 3, 1).unwrap());
        assert_eq!(Date::from_ymd(2026, 3, 1).unwrap().days_since(start), 90);
    }

    #[test]
    fn a_blank_optional_date_is_absent_and_a_bad_one_still_an_error() {
        #[derive(Deserialize)]
        struct Holder {
            #[serde(default, deserialize_with = "optional_date")]
            date: Option<Date>,
        }
        let read = |json: &str| serde_json::from_str::<Holder>(json).map(|h| h.date);
        assert_eq!(read(r#"{"date": ""}"#).unwrap(), None);
        assert_eq!(read(r#"{"date": " \t"}"#).unwrap(), None);
        assert_eq!(read(r#"{"date": null}"#).unwrap(), None);
        assert_eq!(read("{}").unwrap(), None);
        assert_eq!(
            read(r#"{"date": "2026-03-02"}"#).unwrap(),
            Date::from_ymd(2026, 3, 2)
        );
        let error = read(r#"{"date": "2026-02-30"}"#).unwrap_err().to_string();
        assert!(error.starts_with("not a valid YYYY-MM-DD date"), "{error}");
    }

    #[test]
    fn timestamps_render_in_utc_with_millis() {
        let instant = Timestamp::parse_rfc3339("2025-01-27T19:15:44.5+01:00").unwrap();
        assert_eq!(instant.to_rfc3339(), "2025-01-27T18:15:44.500Z");
    }
}
