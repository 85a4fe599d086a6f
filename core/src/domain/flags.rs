//! Feature flags: switches an admin turns in the admin area, that take effect on every app server within a second.
//! The flags are the ones the code knows (an unknown key is refused); each is on or off, and when on it can reach
//! a share of shoppers (a percentage rollout, by a stable key per shopper).

use super::DomainError;
use serde::{Deserialize, Serialize};

/// What shoppers read while card payments are offline (the `card_payments` flag off).
pub const CARDS_PAUSED: &str =
    "Card payments are offline for a moment. You can pay by bank transfer now, or come back \
     a little later to pay by card.";

/// The flags Bazaar knows. Each one's default is what a shop has before anyone touched it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Flag {
    /// Suggestions as the shopper types in the search box (products and categories). Off: the search box is a
    /// plain search form, and the database is spared a query per pause in typing.
    SearchSuggestions,
    /// Stock changes pushed to open product pages. Off: product pages show the stock as rendered.
    LiveStock,
    /// Card payments. Off is the kill switch: checkout takes no cards (with a clear message) while bank transfer
    /// stays; payments already under way still complete.
    CardPayments,
}

impl Flag {
    pub const ALL: [Flag; 3] = [Flag::SearchSuggestions, Flag::LiveStock, Flag::CardPayments];

    pub fn key(self) -> &'static str {
        match self {
            Flag::SearchSuggestions => "search_suggestions",
            Flag::LiveStock => "live_stock",
            Flag::CardPayments => "card_payments",
        }
    }

    pub fn from_key(key: &str) -> Option<Flag> {
        Flag::ALL.into_iter().find(|f| f.key() == key)
    }

    pub fn label(self) -> &'static str {
        match self {
            Flag::SearchSuggestions => "Search suggestions",
            Flag::LiveStock => "Live stock on product pages",
            Flag::CardPayments => "Card payments",
        }
    }

    pub fn description(self) -> &'static str {
        match self {
            Flag::SearchSuggestions => {
                "Products and categories suggested as shoppers type in the search box. Off: a plain search form."
            }
            Flag::LiveStock => {
                "Open product pages show stock changes as they happen. Off: the stock as the page was loaded."
            }
            Flag::CardPayments => {
                "Off takes card payments offline at once: checkout says so and offers bank transfer; payments \
                 already under way still complete."
            }
        }
    }

    /// Before anyone has changed it: on, for everyone.
    pub fn default_setting(self) -> FlagSetting {
        FlagSetting {
            enabled: true,
            percent: 100,
        }
    }

    /// Whether a percentage below 100 makes sense: a kill switch is all or nothing.
    pub fn allows_rollout(self) -> bool {
        !matches!(self, Flag::CardPayments)
    }
}

/// A flag's state: off, or on for `percent` % of shoppers (100: everyone).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FlagSetting {
    pub enabled: bool,
    pub percent: u8,
}

impl FlagSetting {
    /// From the admin form: `enabled` a checkbox (`on`, `true` or absent), `percent` 0–100 (blank: 100).
    pub fn parse(flag: Flag, enabled: Option<&str>, percent: &str) -> Result<Self, DomainError> {
        let enabled = matches!(enabled.map(str::trim), Some("on" | "true" | "1"));
        let percent = match percent.trim() {
            "" => 100,
            p => p
                .trim_end_matches('%')
                .trim()
                .parse::<u8>()
                .ok()
                .filter(|p| *p <= 100)
                .ok_or(DomainError::Field {
                    field: "percent",
                    message: "Please enter a share of shoppers from 0 to 100.",
                })?,
        };
        if percent < 100 && !flag.allows_rollout() {
            return Err(DomainError::Field {
                field: "percent",
                message: "This switch is for everyone or no one: leave the share at 100.",
            });
        }
        Ok(FlagSetting { enabled, percent })
    }

    /// Whether the flag is on for the shopper with this rollout key (see [`rollout_bucket`]). At 100 % it is on
    /// for everyone, key or not; below, only for shoppers with a key whose bucket falls under the share.
    pub fn is_on_for(self, flag: Flag, key: Option<&str>) -> bool {
        self.enabled
            && (self.percent >= 100
                || key.is_some_and(|k| rollout_bucket(flag, k) < u32::from(self.percent)))
    }
}

/// A shopper's bucket (0–99) for a flag: stable for the same key (the same shopper stays in or out as the share
/// grows), independent between flags (FNV-1a over the flag's key and the shopper's).
pub fn rollout_bucket(flag: Flag, key: &str) -> u32 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in flag.key().bytes().chain([0]).chain(key.bytes()) {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    (hash % 100) as u32
}

/// A flag as the admin area lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FlagView {
    pub key: String,
    pub label: String,
    pub description: String,
    pub setting: FlagSetting,
    pub allows_rollout: bool,
    /// When and by whom it was last changed; `None` while it has its default.
    pub changed: Option<(String, Option<String>)>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_round_trip() {
        for flag in Flag::ALL {
            assert_eq!(Flag::from_key(flag.key()), Some(flag));
        }
        assert_eq!(Flag::from_key("nope"), None);
    }

    #[test]
    fn settings_parse_from_the_form() {
        let f = Flag::SearchSuggestions;
        assert_eq!(
            FlagSetting::parse(f, Some("on"), "25"),
            Ok(FlagSetting {
                enabled: true,
                percent: 25
            })
        );
        assert_eq!(
            FlagSetting::parse(f, None, ""),
            Ok(FlagSetting {
                enabled: false,
                percent: 100
            })
        );
        assert_eq!(
            FlagSetting::parse(f, Some("on"), " 40 % ").unwrap().percent,
            40
        );
        assert!(FlagSetting::parse(f, Some("on"), "101").is_err());
        assert!(FlagSetting::parse(f, Some("on"), "-1").is_err());
        assert!(FlagSetting::parse(f, Some("on"), "half").is_err());
        assert!(FlagSetting::parse(Flag::CardPayments, Some("on"), "50").is_err());
        assert!(FlagSetting::parse(Flag::CardPayments, None, "100").is_ok());
    }

    #[test]
    fn a_rollout_reaches_about_its_share_and_keeps_its_shoppers() {
        let on = |percent: u8, key: &str| {
            FlagSetting {
                enabled: true,
                percent,
            }
            .is_on_for(Flag::LiveStock, Some(key))
        };
        let keys: Vec<String> = (0..10_000).map(|i| format!("cart-{i}")).collect();
        let at_30 = keys.iter().filter(|k| on(30, k)).count();
        assert!((2_700..3_300).contains(&at_30), "{at_30} of 10000 at 30 %");
        // Growing the share keeps everyone who had it.
        assert!(keys.iter().filter(|k| on(30, k)).all(|k| on(60, k)));
        assert!(keys.iter().all(|k| on(100, k) && !on(0, k)));
        // No key: only at 100 %; off is off for everyone.
        let setting = |enabled, percent| FlagSetting { enabled, percent };
        assert!(setting(true, 100).is_on_for(Flag::LiveStock, None));
        assert!(!setting(true, 99).is_on_for(Flag::LiveStock, None));
        assert!(!setting(false, 100).is_on_for(Flag::LiveStock, Some("k")));
    }

    #[test]
    fn buckets_differ_between_flags() {
        let same = (0..1000)
            .filter(|i| {
                let k = format!("k{i}");
                rollout_bucket(Flag::LiveStock, &k) == rollout_bucket(Flag::SearchSuggestions, &k)
            })
            .count();
        assert!(same < 50, "{same} of 1000 keys share a bucket");
    }
}
