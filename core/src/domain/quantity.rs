use super::DomainError;
use serde::{Deserialize, Serialize};

/// How many of one variant a cart line holds: 1 to [`Quantity::MAX`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Quantity(u32);

impl Quantity {
    pub const MAX: u32 = 99;

    /// Takes a wide signed integer so that negative and huge form values are refused here, not by a parser
    /// that would answer with its own wording.
    pub fn parse(n: i64) -> Result<Self, DomainError> {
        u32::try_from(n)
            .ok()
            .filter(|n| (1..=Self::MAX).contains(n))
            .map(Quantity)
            .ok_or(DomainError::Quantity { max: Self::MAX })
    }

    pub fn get(self) -> u32 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn accepts_one_to_max() {
        assert_eq!(Quantity::parse(1).unwrap().get(), 1);
        assert_eq!(Quantity::parse(99).unwrap().get(), 99);
        for bad in [0, -1, 100, i64::MAX, i64::MIN, 4_294_967_297] {
            assert_eq!(
                Quantity::parse(bad),
                Err(DomainError::Quantity { max: 99 }),
                "{bad}"
            );
        }
    }

    proptest! {
        #[test]
        fn parse_agrees_with_the_range(n in any::<i64>()) {
            prop_assert_eq!(Quantity::parse(n).is_ok(), (1..=99).contains(&n));
        }
    }
}
