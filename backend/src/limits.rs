//! Per-account rate limits: sign-in and sign-up attempts per email, password-reset requests per email, and order
//! placements per account (or per contact email for guests). They sit beside the per-IP limits of the HTTP layer
//! (`server/src/http/rate_limit.rs`): those stop one address from trying many accounts, these stop many addresses
//! from trying one account. Kept in memory per app server (GCRA through `governor`), like the per-IP ones; see the
//! README for several instances.

use crate::error::AppError;
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use std::num::NonZeroU32;
use std::sync::Arc;

/// Attempts per hour for each account; `None` turns one off.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AccountLimitsConfig {
    pub sign_in_per_hour: Option<NonZeroU32>,
    pub password_reset_per_hour: Option<NonZeroU32>,
    pub orders_per_hour: Option<NonZeroU32>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountAction {
    /// Signing in to, or signing up with, an email.
    SignIn,
    /// Asking for a password-reset email.
    PasswordReset,
    /// Placing an order.
    PlaceOrder,
}

type Limiter = Arc<DefaultKeyedRateLimiter<String>>;

/// Cheap to clone; all clones share the counts.
#[derive(Clone, Default)]
pub struct AccountLimits {
    sign_in: Option<Limiter>,
    password_reset: Option<Limiter>,
    orders: Option<Limiter>,
}

fn limiter(per_hour: Option<NonZeroU32>) -> Option<Limiter> {
    // Bursts of a third of the hour's allowance (at least 1): a few quick tries are normal, a stream is not.
    per_hour.map(|n| {
        let burst = NonZeroU32::new((n.get() / 3).max(1)).unwrap_or(NonZeroU32::MIN);
        Arc::new(RateLimiter::keyed(Quota::per_hour(n).allow_burst(burst)))
    })
}

impl AccountLimits {
    pub fn new(config: &AccountLimitsConfig) -> Self {
        AccountLimits {
            sign_in: limiter(config.sign_in_per_hour),
            password_reset: limiter(config.password_reset_per_hour),
            orders: limiter(config.orders_per_hour),
        }
    }

    /// Counts one attempt at `action` for `account` (an email, any case, or an account id); `RateLimited`, with
    /// the wait, when over the limit. The count is per account whether or not it exists, so
    /// a refusal says nothing about which emails have accounts.
    pub fn check(&self, action: AccountAction, account: &str) -> Result<(), AppError> {
        let limiter = match action {
            AccountAction::SignIn => &self.sign_in,
            AccountAction::PasswordReset => &self.password_reset,
            AccountAction::PlaceOrder => &self.orders,
        };
        let Some(limiter) = limiter else {
            return Ok(());
        };
        match limiter.check_key(&account.trim().to_lowercase()) {
            Ok(()) => Ok(()),
            Err(not_until) => {
                let wait = not_until.wait_time_from(DefaultClock::default().now());
                tracing::warn!(
                    ?action,
                    retry_after_s = wait.as_secs(),
                    "account rate limited"
                );
                Err(AppError::rate_limited(wait))
            }
        }
    }

    /// Forgets accounts that have been quiet long enough to be back at a full allowance.
    pub fn sweep(&self) {
        for l in [&self.sign_in, &self.password_reset, &self.orders]
            .into_iter()
            .flatten()
        {
            l.retain_recent();
            l.shrink_to_fit();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_per_account_whatever_the_case_and_leaves_others_alone() {
        let limits = AccountLimits::new(&AccountLimitsConfig {
            sign_in_per_hour: NonZeroU32::new(9),
            ..Default::default()
        });
        for _ in 0..3 {
            limits
                .check(AccountAction::SignIn, "ana@shop.test")
                .unwrap();
        }
        assert!(matches!(
            limits.check(AccountAction::SignIn, " ANA@shop.test"),
            Err(AppError::RateLimited { .. })
        ));
        limits
            .check(AccountAction::SignIn, "ben@shop.test")
            .unwrap();
        // Other actions are not limited by this one, nor when turned off.
        limits
            .check(AccountAction::PasswordReset, "ana@shop.test")
            .unwrap();
        limits
            .check(AccountAction::PlaceOrder, "ana@shop.test")
            .unwrap();
    }
}
