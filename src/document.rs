//! [`Document`], [`DocId`], [`Span`] and [`Timestamp`]: the data every stage passes along.

use std::fmt;

/// One article: an id, its original text and optional metadata.
///
/// The text is kept exactly as read; every offset the library reports is a byte offset into it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Document {
    /// The document's id: a path relative to the folder it was found under, or a JSONL `id`.
    pub id: String,
    /// The original text.
    pub text: String,
    /// When the article was published, if known. The earlier of two documents is the source.
    pub published: Option<Timestamp>,
    /// The outlet (publisher) that published it, if known.
    pub outlet: Option<String>,
}

impl Document {
    /// A document with an id and a text, and no metadata.
    pub fn new(id: impl Into<String>, text: impl Into<String>) -> Document {
        Document {
            id: id.into(),
            text: text.into(),
            published: None,
            outlet: None,
        }
    }

    /// Sets [`Document::published`].
    pub fn published(mut self, at: Timestamp) -> Document {
        self.published = Some(at);
        self
    }

    /// Sets [`Document::outlet`].
    pub fn outlet(mut self, outlet: impl Into<String>) -> Document {
        self.outlet = Some(outlet.into());
        self
    }
}

/// The position of a document in an [`Index`](crate::Index): 0, 1, 2, … in insertion order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DocId(pub u32);

impl DocId {
    /// The id as an index into a vector.
    pub fn as_usize(self) -> usize {
        self.0 as usize
    }
}

/// A byte range `[start, end)` into a document's original text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

impl Span {
    /// The span `[start, end)`.
    pub fn new(start: usize, end: usize) -> Span {
        Span { start, end }
    }

    /// Length in bytes.
    pub fn len(&self) -> usize {
        self.end - self.start
    }

    /// Whether the span covers no byte.
    pub fn is_empty(&self) -> bool {
        self.end <= self.start
    }
}

/// A point in time, as whole seconds and nanoseconds since 1970-01-01T00:00:00Z.
///
/// Ordered, so the earlier of two documents can be found.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp {
    /// Seconds since the Unix epoch (negative before 1970).
    pub seconds: i64,
    /// Nanoseconds within the second, 0..1_000_000_000.
    pub nanos: u32,
}

impl Timestamp {
    /// Parses an RFC 3339 date-time such as `2023-03-21T09:30:00Z` or
    /// `2023-03-21T09:30:00.5+03:00` (a space may stand for the `T`; `t` and `z` are accepted).
    ///
    /// Returns `None` when the text is not a valid RFC 3339 date-time.
    ///
    /// ```
    /// use neardup::Timestamp;
    ///
    /// let a = Timestamp::parse_rfc3339("2023-03-21T12:00:00+03:00").unwrap();
    /// let b = Timestamp::parse_rfc3339("2023-03-21T09:00:00Z").unwrap();
    /// assert_eq!(a, b);
    /// assert!(Timestamp::parse_rfc3339("2023-02-30T00:00:00Z").is_none());
    /// ```
    pub fn parse_rfc3339(text: &str) -> Option<Timestamp> {
        let b = text.as_bytes();
        if b.len() < 20 {
            return None;
        }
        let num = |range: std::ops::Range<usize>| -> Option<i64> {
            let digits = b.get(range)?;
            digits.iter().try_fold(0i64, |acc, &d| {
                d.is_ascii_digit().then(|| acc * 10 + i64::from(d - b'0'))
            })
        };
        let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
        let (hour, minute, second) = (num(11..13)?, num(14..16)?, num(17..19)?);
        let separators_ok = b[4] == b'-'
            && b[7] == b'-'
            && matches!(b[10], b'T' | b't' | b' ')
            && b[13] == b':'
            && b[16] == b':';
        if !separators_ok
            || !(1..=12).contains(&month)
            || day < 1
            || day > days_in_month(year, month)
            || hour > 23
            || minute > 59
            || second > 60
        {
            return None;
        }
        let mut pos = 19;
        let mut nanos = 0u32;
        if b[pos] == b'.' {
            pos += 1;
            let start = pos;
            while pos < b.len() && b[pos].is_ascii_digit() {
                if pos - start < 9 {
                    nanos = nanos * 10 + u32::from(b[pos] - b'0');
                }
                pos += 1;
            }
            let digits = pos - start;
            if digits == 0 {
                return None;
            }
            for _ in digits..9 {
                nanos *= 10;
            }
        }
        let offset = match b.get(pos..)? {
            [b'Z' | b'z'] => 0,
            [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
                let two = |x: u8, y: u8| -> Option<i64> {
                    (x.is_ascii_digit() && y.is_ascii_digit())
                        .then(|| i64::from(x - b'0') * 10 + i64::from(y - b'0'))
                };
                let (h, m) = (two(*h1, *h2)?, two(*m1, *m2)?);
                if h > 23 || m > 59 {
                    return None;
                }
                let minutes = h * 60 + m;
                if *sign == b'+' { minutes } else { -minutes }
            }
            _ => return None,
        };
        // A leap second (:60) counts as the next second's start: order is all we need.
        let days = days_from_civil(year, month, day);
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offset * 60;
        Some(Timestamp { seconds, nanos })
    }
}

impl fmt::Display for Timestamp {
    /// Formats as RFC 3339 in UTC, e.g. `2023-03-21T09:00:00Z`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let days = self.seconds.div_euclid(86_400);
        let secs = self.seconds.rem_euclid(86_400);
        let (y, m, d) = civil_from_days(days);
        write!(
            f,
            "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}",
            secs / 3600,
            secs / 60 % 60,
            secs % 60
        )?;
        if self.nanos != 0 {
            let frac = format!("{:09}", self.nanos);
            write!(f, ".{}", frac.trim_end_matches('0'))?;
        }
        write!(f, "Z")
    }
}

fn is_leap(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The inverse of [`days_from_civil`].
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    const CASES: &[(&str, Option<&str>)] = &[
        ("1970-01-01T00:00:00Z", Some("1970-01-01T00:00:00Z")),
        ("2023-03-21T09:30:00Z", Some("2023-03-21T09:30:00Z")),
        ("2023-03-21 12:30:00+03:00", Some("2023-03-21T09:30:00Z")),
        ("2023-03-21t09:30:00.250z", Some("2023-03-21T09:30:00.25Z")),
        ("2024-02-29T23:59:59-00:30", Some("2024-03-01T00:29:59Z")),
        ("1969-12-31T23:59:59Z", Some("1969-12-31T23:59:59Z")),
        ("2023-02-29T00:00:00Z", None),
        ("2023-13-01T00:00:00Z", None),
        ("2023-03-21T24:00:00Z", None),
        ("2023-03-21T09:30:00", None),
        ("2023-03-21T09:30:00.Z", None),
        ("2023-03-21", None),
        ("21/03/2023 09:30", None),
        ("2023-03-21T09:30:00+0300", None),
    ];

    #[test]
    fn rfc3339_round_trips_through_utc() {
        for (input, want) in CASES {
            let got = Timestamp::parse_rfc3339(input).map(|t| t.to_string());
            assert_eq!(got.as_deref(), *want, "input {input:?}");
        }
    }

    #[test]
    fn civil_conversion_is_inverse_over_many_days() {
        for days in (-800_000..800_000).step_by(997) {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
    }
}
