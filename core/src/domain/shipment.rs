//! A parcel on its way: the carrier, its tracking number and the page where the shopper follows it.

use super::DomainError;
use serde::{Deserialize, Serialize};

/// Carriers Bazaar knows the tracking pages of; any other carrier needs its tracking link typed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Carrier {
    Dhl,
    Ups,
    FedEx,
    Usps,
    RoyalMail,
    LaPoste,
    Dpd,
    Gls,
    PostNl,
    Other,
}

impl Carrier {
    pub const ALL: [Carrier; 10] = [
        Carrier::Dhl,
        Carrier::Ups,
        Carrier::FedEx,
        Carrier::Usps,
        Carrier::RoyalMail,
        Carrier::LaPoste,
        Carrier::Dpd,
        Carrier::Gls,
        Carrier::PostNl,
        Carrier::Other,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Carrier::Dhl => "dhl",
            Carrier::Ups => "ups",
            Carrier::FedEx => "fedex",
            Carrier::Usps => "usps",
            Carrier::RoyalMail => "royal-mail",
            Carrier::LaPoste => "la-poste",
            Carrier::Dpd => "dpd",
            Carrier::Gls => "gls",
            Carrier::PostNl => "postnl",
            Carrier::Other => "other",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Carrier::Dhl => "DHL",
            Carrier::Ups => "UPS",
            Carrier::FedEx => "FedEx",
            Carrier::Usps => "USPS",
            Carrier::RoyalMail => "Royal Mail",
            Carrier::LaPoste => "La Poste",
            Carrier::Dpd => "DPD",
            Carrier::Gls => "GLS",
            Carrier::PostNl => "PostNL",
            Carrier::Other => "Other",
        }
    }

    /// The carrier's public tracking page for `number`.
    fn tracking_url(self, number: &str) -> Option<String> {
        let base = match self {
            Carrier::Dhl => "https://www.dhl.com/global-en/home/tracking.html?tracking-id=",
            Carrier::Ups => "https://www.ups.com/track?tracknum=",
            Carrier::FedEx => "https://www.fedex.com/fedextrack/?trknbr=",
            Carrier::Usps => "https://tools.usps.com/go/TrackConfirmAction?tLabels=",
            Carrier::RoyalMail => "https://www.royalmail.com/track-your-item#/tracking-results/",
            Carrier::LaPoste => "https://www.laposte.fr/outils/suivre-vos-envois?code=",
            Carrier::Dpd => "https://tracking.dpd.de/status/en_US/parcel/",
            Carrier::Gls => "https://gls-group.com/track/",
            Carrier::PostNl => "https://jouw.postnl.nl/track-and-trace/",
            Carrier::Other => return None,
        };
        Some(format!("{base}{}", number.replace(' ', "")))
    }

    pub fn parse(raw: &str) -> Result<Self, DomainError> {
        Carrier::ALL
            .into_iter()
            .find(|c| c.code() == raw.trim())
            .ok_or(DomainError::Field {
                field: "carrier",
                message: "Choose a carrier from the list.",
            })
    }
}

/// A parcel handed to a carrier: what the shopper needs to follow it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shipment {
    /// The carrier's name as the shopper reads it.
    pub carrier: String,
    pub tracking_number: String,
    pub tracking_url: String,
}

impl Shipment {
    /// Staff's shipping form: a carrier, its tracking number, and for another carrier its tracking link.
    pub fn parse(
        carrier: &str,
        tracking_number: &str,
        tracking_url: &str,
    ) -> Result<Self, DomainError> {
        let carrier = Carrier::parse(carrier)?;
        let number = tracking_number.trim();
        if number.is_empty() {
            return Err(DomainError::Required {
                field: "tracking_number",
            });
        }
        let number_ok = (3..=40).contains(&number.len())
            && number
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == ' ' || c == '-');
        if !number_ok {
            return Err(DomainError::Field {
                field: "tracking_number",
                message: "A tracking number has 3 to 40 letters, digits, spaces or dashes.",
            });
        }
        let url = match carrier.tracking_url(number) {
            Some(url) => url,
            None => {
                let url = tracking_url.trim();
                let host_ok = url
                    .strip_prefix("https://")
                    .and_then(|rest| rest.split(['/', '?', '#']).next())
                    .is_some_and(|host| host.contains('.') && !host.contains('@'));
                if !host_ok
                    || url.len() > 500
                    || url.chars().any(|c| c.is_whitespace() || c.is_control())
                {
                    return Err(DomainError::Field {
                        field: "tracking_url",
                        message: "Enter the carrier's tracking link, starting with https://.",
                    });
                }
                url.to_string()
            }
        };
        Ok(Shipment {
            carrier: carrier.name().to_string(),
            tracking_number: number.to_string(),
            tracking_url: url,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_carriers_link_to_their_tracking_page() {
        let s = Shipment::parse("ups", " 1Z 999 ", "ignored").unwrap();
        assert_eq!(s.carrier, "UPS");
        assert_eq!(s.tracking_url, "https://www.ups.com/track?tracknum=1Z999");
        let s = Shipment::parse("other", "AB-123", " https://track.example.com/AB-123 ").unwrap();
        assert_eq!(s.tracking_url, "https://track.example.com/AB-123");
    }

    #[test]
    fn shipments_refuse_what_a_shopper_could_not_follow() {
        let field = |r: Result<Shipment, DomainError>| r.unwrap_err().field();
        assert_eq!(field(Shipment::parse("pigeon", "123", "")), "carrier");
        assert_eq!(field(Shipment::parse("dhl", "", "")), "tracking_number");
        assert_eq!(
            field(Shipment::parse("dhl", "12<script>", "")),
            "tracking_number"
        );
        for bad in [
            "",
            "http://track.example.com/1",
            "https://",
            "javascript:alert(1)",
            "https://x y.com",
        ] {
            assert_eq!(
                field(Shipment::parse("other", "123", bad)),
                "tracking_url",
                "{bad}"
            );
        }
    }
}
