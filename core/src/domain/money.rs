use super::DomainError;
use serde::{Deserialize, Serialize};
use std::fmt;

/// An ISO 4217 currency code, three upper-case ASCII letters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Currency([u8; 3]);

impl Currency {
    pub const EUR: Currency = Currency(*b"EUR");
    pub const USD: Currency = Currency(*b"USD");

    pub fn parse(code: &str) -> Result<Self, DomainError> {
        let bytes = code.trim().as_bytes();
        match bytes {
            [a, b, c] if bytes.iter().all(u8::is_ascii_uppercase) => Ok(Currency([*a, *b, *c])),
            _ => Err(DomainError::Currency),
        }
    }

    pub fn code(&self) -> &str {
        // Only ever built from three ASCII upper-case letters.
        std::str::from_utf8(&self.0).unwrap_or("XXX")
    }

    /// Digits after the decimal point (ISO 4217 minor units) for the currencies that differ from two.
    pub fn exponent(&self) -> u32 {
        match &self.0 {
            b"JPY" | b"KRW" | b"ISK" | b"CLP" | b"VND" => 0,
            b"BHD" | b"KWD" | b"OMR" | b"JOD" | b"TND" => 3,
            _ => 2,
        }
    }

    fn symbol(&self) -> Option<&'static str> {
        match &self.0 {
            b"EUR" => Some("€"),
            b"USD" => Some("$"),
            b"GBP" => Some("£"),
            b"JPY" => Some("¥"),
            _ => None,
        }
    }
}

impl TryFrom<String> for Currency {
    type Error = DomainError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Currency::parse(&value)
    }
}

impl From<Currency> for String {
    fn from(value: Currency) -> Self {
        value.code().to_string()
    }
}

/// A decimal amount as people type it (`12.50`, `12,5`, `7`) in minor units of a currency with `exponent`
/// decimals; `None` when it is not such a number, has more decimals than the currency, or exceeds 12 digits.
pub fn minor_from_decimal(raw: &str, exponent: u32) -> Option<i64> {
    let raw = raw.trim();
    let (whole, fraction) = raw.split_once(['.', ',']).unwrap_or((raw, ""));
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(whole)
        || (!fraction.is_empty() && !digits(fraction))
        || raw.ends_with(['.', ','])
        || fraction.len() > exponent as usize
        || whole.len() > 12
    {
        return None;
    }
    let whole: i64 = whole.parse().ok()?;
    let fraction: i64 = if fraction.is_empty() {
        0
    } else {
        format!("{fraction:0<width$}", width = exponent as usize)
            .parse()
            .ok()?
    };
    whole
        .checked_mul(10i64.pow(exponent))?
        .checked_add(fraction)
}

/// An amount of money: integer minor units (cents) and a currency. Never a float.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Money {
    pub minor: i64,
    pub currency: Currency,
}

impl Money {
    pub fn new(minor: i64, currency: Currency) -> Self {
        Money { minor, currency }
    }

    pub fn zero(currency: Currency) -> Self {
        Money { minor: 0, currency }
    }

    pub fn checked_add(self, other: Money) -> Result<Money, DomainError> {
        if self.currency != other.currency {
            return Err(DomainError::CurrencyMismatch);
        }
        let minor = self
            .minor
            .checked_add(other.minor)
            .ok_or(DomainError::Overflow)?;
        Ok(Money { minor, ..self })
    }

    pub fn checked_mul(self, factor: u32) -> Result<Money, DomainError> {
        let minor = self
            .minor
            .checked_mul(i64::from(factor))
            .ok_or(DomainError::Overflow)?;
        Ok(Money { minor, ..self })
    }

    /// The amount as a plain decimal string, e.g. "12.50", for machine-readable markup (OpenGraph, schema.org).
    pub fn decimal(&self) -> String {
        let exp = self.currency.exponent();
        let sign = if self.minor < 0 { "-" } else { "" };
        let abs = self.minor.unsigned_abs();
        if exp == 0 {
            return format!("{sign}{abs}");
        }
        let unit = 10u64.pow(exp);
        format!(
            "{sign}{}.{:0width$}",
            abs / unit,
            abs % unit,
            width = exp as usize
        )
    }
}

impl fmt::Display for Money {
    /// "€12.50", "$3.00", or "12.50 SEK" for currencies without a well-known symbol.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let amount = self.decimal();
        match self.currency.symbol() {
            Some(symbol) => match amount.strip_prefix('-') {
                Some(positive) => write!(f, "-{symbol}{positive}"),
                None => write!(f, "{symbol}{amount}"),
            },
            None => write!(f, "{amount} {}", self.currency.code()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn currency_parses_only_three_upper_case_letters() {
        for ok in ["EUR", "USD", " SEK "] {
            assert!(Currency::parse(ok).is_ok(), "{ok}");
        }
        for bad in ["", "eur", "EU", "EURO", "E1R", "€€€"] {
            assert_eq!(Currency::parse(bad), Err(DomainError::Currency), "{bad}");
        }
    }

    #[test]
    fn formats_with_symbol_and_minor_units() {
        let cases = [
            (1250, "EUR", "€12.50"),
            (5, "USD", "$0.05"),
            (0, "GBP", "£0.00"),
            (-199, "EUR", "-€1.99"),
            (1500, "JPY", "¥1500"),
            (123456, "SEK", "1234.56 SEK"),
            (1234, "KWD", "1.234 KWD"),
        ];
        for (minor, code, want) in cases {
            let money = Money::new(minor, Currency::parse(code).unwrap());
            assert_eq!(money.to_string(), want);
        }
    }

    #[test]
    fn adding_checks_currency_and_overflow() {
        let a = Money::new(100, Currency::EUR);
        assert_eq!(a.checked_add(a).unwrap().minor, 200);
        assert_eq!(
            a.checked_add(Money::new(1, Currency::USD)),
            Err(DomainError::CurrencyMismatch)
        );
        assert_eq!(
            Money::new(i64::MAX, Currency::EUR).checked_add(a),
            Err(DomainError::Overflow)
        );
        assert_eq!(
            Money::new(i64::MAX, Currency::EUR).checked_mul(2),
            Err(DomainError::Overflow)
        );
        assert_eq!(a.checked_mul(3).unwrap().minor, 300);
    }

    #[test]
    fn currency_round_trips_through_json() {
        let money = Money::new(999, Currency::EUR);
        let json = serde_json::to_string(&money).unwrap();
        assert_eq!(json, r#"{"minor":999,"currency":"EUR"}"#);
        assert_eq!(serde_json::from_str::<Money>(&json).unwrap(), money);
        assert!(serde_json::from_str::<Money>(r#"{"minor":1,"currency":"eu"}"#).is_err());
    }
}
