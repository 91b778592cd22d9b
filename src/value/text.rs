//! The text forms of the typed values (decimals, UUIDs, dates and times),
//! written without allocating, and the arithmetic they need.

use std::fmt;

use super::ValueRef;

/// The text form of a decimal, UUID, date or time [`ValueRef`], made by
/// [`ValueRef::text_form`]. It is `Copy` and holds no text: it writes the
/// text when displayed (`to_string()`, `write!`).
///
/// ```
/// use sqlalgebra::value::ValueRef;
/// let u = ValueRef::Uuid([0xab; 16]).text_form().unwrap();
/// assert_eq!(u.to_string(), "abababab-abab-abab-abab-abababababab");
/// assert_eq!(ValueRef::Date(-1).text_form().unwrap().to_string(), "1969-12-31");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TextForm(Form);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Form {
    Decimal { mantissa: i128, scale: u32 },
    Uuid([u8; 16]),
    Date(i64),
    Time(i64),
    Timestamp(i64),
}

impl TextForm {
    /// Writes the text into `buf` and returns it, or `None` when it does
    /// not fit. 64 bytes hold every date, time and UUID, and every decimal
    /// of up to 60 decimal places; backends bind from a buffer on the
    /// stack this way, without allocating.
    ///
    /// ```
    /// use sqlalgebra::value::ValueRef;
    /// let mut buf = [0u8; 64];
    /// let t = ValueRef::Time(45_296_000_000).text_form().unwrap();
    /// assert_eq!(t.write_into(&mut buf), Some("12:34:56"));
    /// assert_eq!(t.write_into(&mut [0u8; 4]), None);
    /// ```
    pub fn write_into<'b>(&self, buf: &'b mut [u8]) -> Option<&'b str> {
        use fmt::Write as _;
        let mut w = SliceWriter { buf, len: 0 };
        write!(w, "{self}").ok()?;
        let SliceWriter { buf, len } = w;
        std::str::from_utf8(&buf[..len]).ok()
    }

    pub(super) fn of(v: ValueRef<'_>) -> Option<TextForm> {
        Some(TextForm(match v {
            ValueRef::Decimal { mantissa, scale } => Form::Decimal { mantissa, scale },
            ValueRef::Uuid(b) => Form::Uuid(b),
            ValueRef::Date(d) => Form::Date(i64::from(d)),
            ValueRef::Time(t) => Form::Time(t),
            ValueRef::Timestamp(t) | ValueRef::TimestampTz(t) => Form::Timestamp(t),
            _ => return None,
        }))
    }
}

const MICROS_PER_DAY: i64 = 86_400_000_000;

impl fmt::Display for TextForm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Form::Decimal { mantissa, scale } => write_decimal(f, mantissa, scale),
            Form::Uuid(b) => {
                for (i, byte) in b.iter().enumerate() {
                    if matches!(i, 4 | 6 | 8 | 10) {
                        f.write_str("-")?;
                    }
                    write!(f, "{byte:02x}")?;
                }
                Ok(())
            }
            Form::Date(days) => write_date(f, days),
            Form::Time(micros) => write_time(f, micros),
            Form::Timestamp(micros) => {
                write_date(f, micros.div_euclid(MICROS_PER_DAY))?;
                f.write_str(" ")?;
                write_time(f, micros.rem_euclid(MICROS_PER_DAY))
            }
        }
    }
}

fn write_decimal(f: &mut impl fmt::Write, mantissa: i128, scale: u32) -> fmt::Result {
    // At most 39 digits: the digits are written into a buffer first.
    let mut digits = [0u8; 40];
    let mut at = digits.len();
    let mut m = mantissa.unsigned_abs();
    loop {
        at -= 1;
        digits[at] = b'0' + (m % 10) as u8;
        m /= 10;
        if m == 0 {
            break;
        }
    }
    let digits = &digits[at..];
    if mantissa < 0 {
        f.write_char('-')?;
    }
    let scale = scale as usize;
    let char_of = |d: &u8| char::from(*d);
    if scale == 0 {
        digits.iter().map(char_of).try_for_each(|c| f.write_char(c))
    } else if digits.len() > scale {
        let (whole, fraction) = digits.split_at(digits.len() - scale);
        whole
            .iter()
            .map(char_of)
            .try_for_each(|c| f.write_char(c))?;
        f.write_char('.')?;
        fraction
            .iter()
            .map(char_of)
            .try_for_each(|c| f.write_char(c))
    } else {
        f.write_str("0.")?;
        for _ in digits.len()..scale {
            f.write_char('0')?;
        }
        digits.iter().map(char_of).try_for_each(|c| f.write_char(c))
    }
}

/// The civil date (year, month, day) of the day `days` after 1970-01-01,
/// in the proleptic Gregorian calendar; year 0 is 1 BC.
pub(crate) fn civil_from_days(days: i64) -> (i64, u32, u32) {
    // Howard Hinnant's algorithm: days counted from 0000-03-01, in eras
    // of 400 years (146 097 days).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

fn write_date(f: &mut fmt::Formatter<'_>, days: i64) -> fmt::Result {
    let (year, month, day) = civil_from_days(days);
    // ISO 8601: four digits, or a sign and at least four outside 0..=9999.
    match year {
        0..=9999 => write!(f, "{year:04}")?,
        y if y < 0 => write!(f, "-{:04}", -y)?,
        y => write!(f, "+{y}")?,
    }
    write!(f, "-{month:02}-{day:02}")
}

fn write_time(f: &mut fmt::Formatter<'_>, micros: i64) -> fmt::Result {
    if micros < 0 {
        f.write_str("-")?;
    }
    let micros = micros.unsigned_abs();
    let secs = micros / 1_000_000;
    write!(
        f,
        "{:02}:{:02}:{:02}",
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    )?;
    let fraction = micros % 1_000_000;
    if fraction != 0 {
        write!(f, ".{fraction:06}")?;
    }
    Ok(())
}

/// The decimal as an integer, when it is a whole number.
pub(crate) fn decimal_integer(mantissa: i128, scale: u32) -> Option<i128> {
    match 10i128.checked_pow(scale) {
        Some(p) if mantissa % p == 0 => Some(mantissa / p),
        Some(_) => None,
        // 10^scale > |mantissa|: a fraction, unless it is zero.
        None => (mantissa == 0).then_some(0),
    }
}

/// A `fmt::Write` into a borrowed buffer; fails when it is full.
struct SliceWriter<'b> {
    buf: &'b mut [u8],
    len: usize,
}

impl fmt::Write for SliceWriter<'_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let end = self.len + s.len();
        let Some(dest) = self.buf.get_mut(self.len..end) else {
            return Err(fmt::Error);
        };
        dest.copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}

/// The nearest `f64` to the decimal: its digits and exponent are parsed by
/// the standard library, which rounds correctly.
pub(crate) fn decimal_to_f64(mantissa: i128, scale: u32) -> f64 {
    use fmt::Write as _;
    // Sign, 39 digits, `e-`, 10 digits of exponent.
    let mut buf = [0u8; 56];
    let mut w = SliceWriter {
        buf: &mut buf,
        len: 0,
    };
    let written = write!(w, "{mantissa}e-{scale}");
    let len = w.len;
    written
        .ok()
        .and_then(|()| std::str::from_utf8(&buf[..len]).ok())
        .and_then(|s| s.parse::<f64>().ok())
        // Unreachable: the buffer holds any i128 and u32.
        .unwrap_or(f64::NAN)
}

/// The text a float cell loads as into a `String` (or a `Decimal`):
/// the shortest decimal that parses back to the same `f64`, in plain
/// notation, never with an exponent (`0.1`, `0.30000000000000004`,
/// `0.0000001`, `1000000000000000000000`, `3` for `3.0`), and `0` for
/// `-0.0`. `None` for infinities and NaN, which are no decimal.
pub(crate) fn float_text(f: f64) -> Option<String> {
    if !f.is_finite() {
        return None;
    }
    // `Display` for `f64` writes the shortest round-tripping digits and
    // never an exponent.
    Some(if f == 0.0 {
        "0".to_owned()
    } else {
        f.to_string()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn float_texts_are_plain_and_round_trip() {
        for (f, want) in [
            (0.1, "0.1"),
            (0.1 + 0.2, "0.30000000000000004"),
            (1e-7, "0.0000001"),
            (1e21, "1000000000000000000000"),
            (3.0, "3"),
            (-2.5, "-2.5"),
            (-0.0, "0"),
            (120.6, "120.6"),
        ] {
            let t = float_text(f).unwrap();
            assert_eq!(t, want);
            assert_eq!(t.parse::<f64>().unwrap(), f);
        }
        assert_eq!(float_text(f64::INFINITY), None);
        assert_eq!(float_text(f64::NAN), None);
    }

    fn text(v: ValueRef<'_>) -> String {
        v.text_form().unwrap().to_string()
    }

    #[test]
    fn decimals_keep_their_digits_and_scale() {
        let d = |mantissa, scale| text(ValueRef::Decimal { mantissa, scale });
        assert_eq!(d(0, 0), "0");
        assert_eq!(d(110, 2), "1.10");
        assert_eq!(d(-1, 28), "-0.0000000000000000000000000001");
        assert_eq!(
            d(79_228_162_514_264_337_593_543_950_335, 0),
            "79228162514264337593543950335"
        );
        assert_eq!(d(i128::MIN, 0), i128::MIN.to_string());
        assert_eq!(d(-5, 1), "-0.5");
        assert_eq!(d(12345, 5), "0.12345");
    }

    #[test]
    fn dates_and_times_are_iso() {
        assert_eq!(text(ValueRef::Date(0)), "1970-01-01");
        assert_eq!(text(ValueRef::Date(19_782)), "2024-02-29");
        assert_eq!(text(ValueRef::Date(-719_162)), "0001-01-01");
        assert_eq!(text(ValueRef::Date(2_932_896)), "9999-12-31");
        assert_eq!(text(ValueRef::Date(2_932_897)), "+10000-01-01");
        assert_eq!(text(ValueRef::Date(-719_528)), "0000-01-01");
        assert_eq!(text(ValueRef::Date(-719_893)), "-0001-01-01");
        assert_eq!(text(ValueRef::Time(0)), "00:00:00");
        assert_eq!(text(ValueRef::Time(MICROS_PER_DAY - 1)), "23:59:59.999999");
        assert_eq!(text(ValueRef::Time(-3_600_000_000)), "-01:00:00");
        assert_eq!(text(ValueRef::Timestamp(-1)), "1969-12-31 23:59:59.999999");
        assert_eq!(
            text(ValueRef::TimestampTz(1_711_892_700_000_500)),
            "2024-03-31 13:45:00.000500"
        );
    }

    #[test]
    fn whole_decimals_are_integers() {
        assert_eq!(decimal_integer(500, 2), Some(5));
        assert_eq!(decimal_integer(-7000, 3), Some(-7));
        assert_eq!(decimal_integer(25, 1), None);
        assert_eq!(decimal_integer(0, 90), Some(0));
        assert_eq!(decimal_integer(1, 90), None);
    }

    #[test]
    fn decimals_round_to_the_nearest_float() {
        assert_eq!(decimal_to_f64(25, 1), 2.5);
        assert_eq!(decimal_to_f64(1, 1), 0.1);
        assert_eq!(decimal_to_f64(-3, 0), -3.0);
        // 2^53 + 1 is halfway between two doubles and rounds to even.
        assert_eq!(
            decimal_to_f64(9_007_199_254_740_993, 0),
            9_007_199_254_740_992.0
        );
        assert_eq!(decimal_to_f64(1, 400), 0.0);
    }
}
