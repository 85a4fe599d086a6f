//! Shipping addresses: a country Bazaar knows, a postal code in that country's format, and the lines a carrier
//! needs. Each refusal names its field, so the form can point at it.

use super::DomainError;
use serde::{Deserialize, Serialize};

/// How a country writes postal codes. `#` is a digit, `A` a letter, `X` either; a space or dash is itself (and
/// optional when typed); anything else is a literal.
struct CountryRule {
    code: &'static str,
    name: &'static str,
    postal: &'static [&'static str],
}

/// The countries an address can be in (shipping zones decide which ones a shop actually serves). An empty
/// `postal` list means the country has no postal codes.
const COUNTRIES: &[CountryRule] = &[
    CountryRule {
        code: "AT",
        name: "Austria",
        postal: &["####"],
    },
    CountryRule {
        code: "AU",
        name: "Australia",
        postal: &["####"],
    },
    CountryRule {
        code: "BE",
        name: "Belgium",
        postal: &["####"],
    },
    CountryRule {
        code: "BG",
        name: "Bulgaria",
        postal: &["####"],
    },
    CountryRule {
        code: "CA",
        name: "Canada",
        postal: &["A#A #A#"],
    },
    CountryRule {
        code: "CH",
        name: "Switzerland",
        postal: &["####"],
    },
    CountryRule {
        code: "CY",
        name: "Cyprus",
        postal: &["####"],
    },
    CountryRule {
        code: "CZ",
        name: "Czechia",
        postal: &["### ##"],
    },
    CountryRule {
        code: "DE",
        name: "Germany",
        postal: &["#####"],
    },
    CountryRule {
        code: "DK",
        name: "Denmark",
        postal: &["####"],
    },
    CountryRule {
        code: "EE",
        name: "Estonia",
        postal: &["#####"],
    },
    CountryRule {
        code: "ES",
        name: "Spain",
        postal: &["#####"],
    },
    CountryRule {
        code: "FI",
        name: "Finland",
        postal: &["#####"],
    },
    CountryRule {
        code: "FR",
        name: "France",
        postal: &["#####"],
    },
    CountryRule {
        code: "GB",
        name: "United Kingdom",
        postal: &[
            "A# #AA", "A## #AA", "AA# #AA", "AA## #AA", "A#A #AA", "AA#A #AA",
        ],
    },
    CountryRule {
        code: "GR",
        name: "Greece",
        postal: &["### ##"],
    },
    CountryRule {
        code: "HR",
        name: "Croatia",
        postal: &["#####"],
    },
    CountryRule {
        code: "HU",
        name: "Hungary",
        postal: &["####"],
    },
    CountryRule {
        code: "IE",
        name: "Ireland",
        postal: &["A#X XXXX"],
    },
    CountryRule {
        code: "IT",
        name: "Italy",
        postal: &["#####"],
    },
    CountryRule {
        code: "LT",
        name: "Lithuania",
        postal: &["LT-#####", "#####"],
    },
    CountryRule {
        code: "LU",
        name: "Luxembourg",
        postal: &["####", "L-####"],
    },
    CountryRule {
        code: "LV",
        name: "Latvia",
        postal: &["LV-####", "####"],
    },
    CountryRule {
        code: "MT",
        name: "Malta",
        postal: &["AAA ####"],
    },
    CountryRule {
        code: "NL",
        name: "Netherlands",
        postal: &["#### AA"],
    },
    CountryRule {
        code: "NO",
        name: "Norway",
        postal: &["####"],
    },
    CountryRule {
        code: "PL",
        name: "Poland",
        postal: &["##-###"],
    },
    CountryRule {
        code: "PT",
        name: "Portugal",
        postal: &["####-###"],
    },
    CountryRule {
        code: "RO",
        name: "Romania",
        postal: &["######"],
    },
    CountryRule {
        code: "SE",
        name: "Sweden",
        postal: &["### ##"],
    },
    CountryRule {
        code: "SI",
        name: "Slovenia",
        postal: &["####"],
    },
    CountryRule {
        code: "SK",
        name: "Slovakia",
        postal: &["### ##"],
    },
    CountryRule {
        code: "US",
        name: "United States",
        postal: &["#####", "#####-####"],
    },
];

/// An ISO 3166-1 alpha-2 country code that Bazaar knows how to address (its place in the table).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Country(usize);

impl Country {
    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        let code = raw.trim().to_ascii_uppercase();
        COUNTRIES
            .iter()
            .position(|c| c.code == code)
            .map(Country)
            .ok_or(DomainError::Country)
    }

    pub fn code(&self) -> &'static str {
        self.rule().code
    }

    pub fn name(&self) -> &'static str {
        self.rule().name
    }

    fn rule(&self) -> &'static CountryRule {
        // Only `parse` builds a Country, with a position in the table.
        &COUNTRIES[self.0]
    }

    /// Every known country, for the form's list: (code, name).
    pub fn all() -> impl Iterator<Item = (&'static str, &'static str)> {
        COUNTRIES.iter().map(|c| (c.code, c.name))
    }

    /// The postal code in its canonical form: upper case, the country's separators in place.
    pub fn postal_code(&self, raw: &str) -> Result<String, DomainError> {
        let rule = self.rule();
        let compact: String = raw
            .trim()
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .collect::<String>()
            .to_uppercase();
        rule.postal
            .iter()
            .find_map(|pattern| fit(pattern, &compact))
            .ok_or(DomainError::PostalCode {
                example: rule.postal.first().copied().unwrap_or(""),
            })
    }
}

/// `compact` (no spaces or dashes) laid out as `pattern`, if it fits.
fn fit(pattern: &str, compact: &str) -> Option<String> {
    let mut out = String::with_capacity(pattern.len());
    let mut chars = compact.chars();
    for p in pattern.chars() {
        match p {
            ' ' | '-' => out.push(p),
            '#' => out.push(chars.next().filter(char::is_ascii_digit)?),
            'A' => out.push(chars.next().filter(char::is_ascii_uppercase)?),
            'X' => out.push(
                chars
                    .next()
                    .filter(|c| c.is_ascii_uppercase() || c.is_ascii_digit())?,
            ),
            literal => {
                if chars.next()? != literal {
                    return None;
                }
                out.push(literal);
            }
        }
    }
    chars.next().is_none().then_some(out)
}

impl TryFrom<String> for Country {
    type Error = DomainError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Country::parse(&value)
    }
}

impl From<Country> for String {
    fn from(value: Country) -> Self {
        value.code().to_string()
    }
}

/// A parsed shipping address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Address {
    pub name: String,
    pub line1: String,
    pub line2: Option<String>,
    pub city: String,
    pub postal_code: String,
    pub country: Country,
    pub phone: Option<String>,
}

/// The address form's fields as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddressInput {
    pub name: String,
    pub line1: String,
    pub line2: String,
    pub city: String,
    pub postal_code: String,
    pub country: String,
    pub phone: String,
}

fn required(field: &'static str, raw: &str, max: usize) -> Result<String, DomainError> {
    let value = raw.trim();
    if value.is_empty() {
        return Err(DomainError::Required { field });
    }
    optional(field, value, max).map(|v| v.unwrap_or_default())
}

fn optional(field: &'static str, raw: &str, max: usize) -> Result<Option<String>, DomainError> {
    let value = raw.trim();
    if value.chars().count() > max {
        return Err(DomainError::TooLong { field, max });
    }
    if value.chars().any(char::is_control) {
        return Err(DomainError::Required { field });
    }
    Ok((!value.is_empty()).then(|| value.to_string()))
}

fn phone(raw: &str) -> Result<Option<String>, DomainError> {
    let phone = optional("phone", raw, 30)?;
    if let Some(phone) = &phone {
        let digits = phone.chars().filter(char::is_ascii_digit).count();
        let allowed = phone
            .chars()
            .all(|c| c.is_ascii_digit() || " +-()./".contains(c));
        if !allowed || !(6..=15).contains(&digits) {
            return Err(DomainError::Phone);
        }
    }
    Ok(phone)
}

impl AddressInput {
    pub fn parse(&self) -> Result<Address, DomainError> {
        let name = required("name", &self.name, 100)?;
        let line1 = required("line1", &self.line1, 120)?;
        let line2 = optional("line2", &self.line2, 120)?;
        let city = required("city", &self.city, 80)?;
        let country = Country::parse(&self.country)?;
        let postal_code = country.postal_code(&self.postal_code)?;
        let phone = phone(&self.phone)?;
        Ok(Address {
            name,
            line1,
            line2,
            city,
            postal_code,
            country,
            phone,
        })
    }
}

impl AddressInput {
    /// Every field's problem at once (`parse` stops at the first), for showing each beside its field. Empty when
    /// `parse` would succeed.
    pub fn problems(&self) -> Vec<DomainError> {
        let country = Country::parse(&self.country);
        [
            required("name", &self.name, 100).err(),
            required("line1", &self.line1, 120).err(),
            optional("line2", &self.line2, 120).err(),
            required("city", &self.city, 80).err(),
            country.as_ref().err().cloned(),
            country
                .ok()
                .and_then(|c| c.postal_code(&self.postal_code).err()),
            phone(&self.phone).err(),
        ]
        .into_iter()
        .flatten()
        .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn problems_name_every_bad_field_and_agree_with_parse() {
        assert!(input().problems().is_empty());
        assert!(input().parse().is_ok());
        let bad = AddressInput {
            name: " ".into(),
            city: "".into(),
            postal_code: "123".into(),
            phone: "call me".into(),
            ..input()
        };
        let fields: Vec<&str> = bad.problems().iter().map(DomainError::field).collect();
        assert_eq!(fields, ["name", "city", "postal_code", "phone"]);
        assert_eq!(bad.parse().unwrap_err().field(), "name");
    }

    fn input() -> AddressInput {
        AddressInput {
            name: "Ana Pérez".into(),
            line1: "Calle Mayor 1".into(),
            line2: "".into(),
            city: "Madrid".into(),
            postal_code: "28013".into(),
            country: "es".into(),
            phone: "".into(),
        }
    }

    #[test]
    fn postal_codes_take_each_countrys_shape() {
        for (country, raw, canonical) in [
            ("DE", "10115", "10115"),
            ("NL", "1234ab", "1234 AB"),
            ("GB", "sw1a1aa", "SW1A 1AA"),
            ("GB", "M1 1AE", "M1 1AE"),
            ("US", "94105-1234", "94105-1234"),
            ("US", "94105", "94105"),
            ("PL", "00950", "00-950"),
            ("PT", "1000-001", "1000-001"),
            ("CA", "k1a 0b1", "K1A 0B1"),
            ("SE", "11455", "114 55"),
            ("LU", "L-1234", "L-1234"),
            ("IE", "d6w 1234", "D6W 1234"),
            ("IE", "A65F4E2", "A65 F4E2"),
        ] {
            let c = Country::parse(country).unwrap();
            assert_eq!(
                c.postal_code(raw).as_deref(),
                Ok(canonical),
                "{country} {raw}"
            );
        }
        for (country, raw) in [
            ("DE", "1011"),
            ("DE", "101155"),
            ("NL", "12345"),
            ("GB", "12345"),
            ("US", "ABCDE"),
            ("FR", ""),
        ] {
            let c = Country::parse(country).unwrap();
            assert!(
                matches!(c.postal_code(raw), Err(DomainError::PostalCode { .. })),
                "{country} {raw}"
            );
        }
    }

    #[test]
    fn a_complete_address_parses() {
        let a = input().parse().unwrap();
        assert_eq!(a.country.code(), "ES");
        assert_eq!(a.line2, None);
        let with_phone = AddressInput {
            phone: "+34 600 123 456".into(),
            ..input()
        };
        assert_eq!(
            with_phone.parse().unwrap().phone.as_deref(),
            Some("+34 600 123 456")
        );
    }

    #[test]
    fn each_problem_names_its_field() {
        let cases: Vec<(AddressInput, &str)> = vec![
            (
                AddressInput {
                    name: "  ".into(),
                    ..input()
                },
                "name",
            ),
            (
                AddressInput {
                    line1: "".into(),
                    ..input()
                },
                "line1",
            ),
            (
                AddressInput {
                    city: "".into(),
                    ..input()
                },
                "city",
            ),
            (
                AddressInput {
                    country: "XX".into(),
                    ..input()
                },
                "country",
            ),
            (
                AddressInput {
                    postal_code: "2801".into(),
                    ..input()
                },
                "postal_code",
            ),
            (
                AddressInput {
                    phone: "call me".into(),
                    ..input()
                },
                "phone",
            ),
            (
                AddressInput {
                    name: "a".repeat(101),
                    ..input()
                },
                "name",
            ),
            (
                AddressInput {
                    line1: "a\u{0}b".into(),
                    ..input()
                },
                "line1",
            ),
        ];
        for (input, field) in cases {
            assert_eq!(input.parse().unwrap_err().field(), field, "{input:?}");
        }
    }
}
