use crate::OrInternal;
use sqlx::PgPool;

use crate::domain::money::Currency;

/// Settings the services need, read once at start-up by the server binary.
#[derive(Debug, Clone)]
pub struct ShopConfig {
    pub currency: Currency,
    /// Mark cookies `Secure` (set when the site is served over HTTPS).
    pub secure_cookies: bool,
    /// The name the shop goes by in titles and OpenGraph tags.
    pub shop_name: String,
    /// Catalog prices include tax (VAT-style) or tax is added at checkout (sales-tax-style).
    pub prices_include_tax: bool,
    /// How long a card order holds its stock while the shopper pays.
    pub reservation_minutes: u32,
    /// How long an unpaid bank-transfer (manual) order holds its stock before it is cancelled.
    pub manual_payment_days: u32,
    /// How many days after shipping a shopper may ask to return items.
    pub return_days: u32,
    /// A session ends after this long without a request…
    pub session_idle_minutes: u32,
    /// …and this long after sign-in, whatever the activity.
    pub session_max_days: u32,
    /// How long a password-reset link works.
    pub password_reset_minutes: u32,
}

impl Default for ShopConfig {
    fn default() -> Self {
        ShopConfig {
            currency: Currency::EUR,
            secure_cookies: false,
            shop_name: "Bazaar".into(),
            prices_include_tax: true,
            reservation_minutes: 15,
            manual_payment_days: 7,
            return_days: 30,
            session_idle_minutes: 60 * 24 * 7,
            session_max_days: 30,
            password_reset_minutes: 60,
        }
    }
}

/// Everything a service needs. Cheap to clone: pools are reference counted.
#[derive(Clone)]
pub struct AppState {
    /// The primary: every write, and reads that must see them (the cart).
    pub pool: PgPool,
    /// The primary again, through connections only checkout, orders and payments use.
    pub checkout_pool: PgPool,
    /// Catalog reads. A read replica when one is configured, else the primary again.
    pub read_pool: ReadPool,
    pub config: std::sync::Arc<ShopConfig>,
    /// The keys that seal personal data (addresses) at rest.
    pub keys: std::sync::Arc<super::crypto::DataKeys>,
    /// How orders can be paid: manual always, cards when a provider is configured.
    pub payments: super::payment::Payments,
    /// Per-account rate limits (sign-in, password reset, orders).
    pub account_limits: super::limits::AccountLimits,
    /// Where product images are stored: the local media folder or an S3-compatible bucket.
    pub media: super::media::MediaStore,
    /// The category tree, kept in memory while the server hears of catalog changes.
    pub categories: std::sync::Arc<super::categories::CategoryMemo>,
    /// Feature flags, kept in memory and reloaded when an admin changes one (see `flags`).
    pub flags: std::sync::Arc<super::flags::Flags>,
}

impl AppState {
    /// The shop takes cards, but an admin has taken them offline (the `card_payments` kill switch).
    pub fn cards_paused(&self) -> bool {
        self.payments.card.is_some()
            && !self
                .flags
                .is_on(crate::domain::flags::Flag::CardPayments, None)
    }

    /// What the browser needs for card fields, while the shop takes cards now.
    pub fn card_setup(&self) -> Option<crate::domain::checkout::CardSetup> {
        if self.cards_paused() {
            return None;
        }
        self.payments.card_setup()
    }

    /// The card provider, while a card can be charged now; `Invalid` (on the payment method) when the shop has
    /// none configured, or has taken cards offline.
    pub fn card_provider(
        &self,
    ) -> Result<std::sync::Arc<dyn super::payment::PaymentProvider>, crate::error::AppError> {
        let provider = self.payments.card.clone().ok_or_else(|| {
            crate::error::AppError::invalid(
                "payment_method",
                "This shop does not take cards; please choose another way to pay.",
            )
        })?;
        if self.cards_paused() {
            return Err(crate::error::AppError::invalid(
                "payment_method",
                crate::domain::flags::CARDS_PAUSED,
            ));
        }
        Ok(provider)
    }

    /// A connection to the primary; `Internal` (logged, with `what` it was for) when none can be had.
    pub async fn conn(
        &self,
        what: &'static str,
    ) -> Result<sqlx::pool::PoolConnection<sqlx::Postgres>, crate::error::AppError> {
        timed_acquire(&self.pool, "primary").await.or_internal(what)
    }

    /// A connection for checkout, orders and payments, from their own pool (checkout keeps working while the main
    /// pool is busy).
    pub async fn checkout_conn(
        &self,
        what: &'static str,
    ) -> Result<sqlx::pool::PoolConnection<sqlx::Postgres>, crate::error::AppError> {
        timed_acquire(&self.checkout_pool, "checkout")
            .await
            .or_internal(what)
    }

    /// A transaction on checkout's own pool.
    pub async fn checkout_begin(
        &self,
        what: &'static str,
    ) -> Result<sqlx::Transaction<'static, sqlx::Postgres>, crate::error::AppError> {
        begin_whole(&self.checkout_pool, "checkout", what).await
    }

    /// A connection for catalog reads: the read replica when one is configured.
    pub async fn read_conn(
        &self,
        what: &'static str,
    ) -> Result<sqlx::pool::PoolConnection<sqlx::Postgres>, crate::error::AppError> {
        timed_acquire(&self.read_pool.0, "read")
            .await
            .or_internal(what)
    }

    /// A transaction on the primary; `Internal` (logged, with `what` it was for) when it cannot start.
    pub async fn begin(
        &self,
        what: &'static str,
    ) -> Result<sqlx::Transaction<'static, sqlx::Postgres>, crate::error::AppError> {
        begin_whole(&self.pool, "primary", what).await
    }
}

/// A transaction whose start cannot be cut in half. sqlx counts a transaction as open only once PostgreSQL has
/// answered BEGIN: a caller dropped while it waits for that answer (a client gone, a timeout) leaves the
/// connection inside a transaction nothing will end, and it goes back to the pool that way. Every later statement
/// on it then runs in that transaction, holding its row locks and hiding its writes until some unrelated caller
/// commits on the same connection. Started in a task of its own, BEGIN always completes; if nobody is left to
/// take the transaction, dropping it rolls back before the connection is reused.
async fn begin_whole(
    pool: &PgPool,
    name: &'static str,
    what: &'static str,
) -> Result<sqlx::Transaction<'static, sqlx::Postgres>, crate::error::AppError> {
    let pool = pool.clone();
    let started = std::time::Instant::now();
    tokio::spawn(async move {
        let tx = pool.begin().await;
        metrics::histogram!("bazaar_db_acquire_seconds", "pool" => name)
            .record(started.elapsed().as_secs_f64());
        tx
    })
    .await
    .or_internal(what)?
    .or_internal(what)
}

/// A distinct type so the services cannot mix up the two pools.
#[derive(Clone)]
pub struct ReadPool(pub PgPool);

/// A connection from `pool`, with the wait for it recorded (`bazaar_db_acquire_seconds`, by pool).
async fn timed_acquire(
    pool: &PgPool,
    name: &'static str,
) -> Result<sqlx::pool::PoolConnection<sqlx::Postgres>, sqlx::Error> {
    let started = std::time::Instant::now();
    let conn = pool.acquire().await;
    metrics::histogram!("bazaar_db_acquire_seconds", "pool" => name)
        .record(started.elapsed().as_secs_f64());
    conn
}
