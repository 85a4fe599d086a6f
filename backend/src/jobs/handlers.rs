//! What each kind of job does. Every handler is safe to run twice: emails are sent under an effect key, order
//! and payment changes re-check their state under a row lock.

use super::{effect_once, kind, Handler, Job, JobError, Registry};
use crate::db::job as db;
use crate::email::templates::{self, OrderMessage};
use crate::email::{Email, Mailer};
use crate::orders::{self, Expiry};
use crate::payment::BoxFuture;
use crate::AppState;
use std::sync::Arc;

/// What handlers work with.
pub struct JobContext {
    pub state: AppState,
    pub mailer: Arc<Mailer>,
}

/// Every kind Bazaar runs, with how many of each may run at once in one worker.
pub fn registry(ctx: Arc<JobContext>) -> Registry {
    let order_mail = |message| {
        Arc::new(OrderEmail {
            ctx: ctx.clone(),
            message,
        })
    };
    Registry::default()
        .with(kind::ORDER_PLACED, 4, order_mail(OrderMessage::Placed))
        .with(kind::ORDER_PAID, 4, order_mail(OrderMessage::Paid))
        .with(kind::ORDER_SHIPPED, 4, order_mail(OrderMessage::Shipped))
        .with(kind::STOCK_LOW, 2, Arc::new(LowStock(ctx.clone())))
        .with(
            kind::RESERVATION_EXPIRE,
            4,
            Arc::new(ReservationExpire(ctx.clone())),
        )
        .with(
            kind::PAYMENT_WEBHOOK,
            8,
            Arc::new(PaymentWebhook(ctx.clone())),
        )
        .with(
            kind::PASSWORD_RESET,
            4,
            Arc::new(PasswordReset(ctx.clone())),
        )
        .with(
            kind::ACCOUNT_NOTICE,
            4,
            Arc::new(AccountNotice(ctx.clone())),
        )
        .with(kind::RETURN_UPDATE, 4, Arc::new(ReturnUpdate(ctx.clone())))
        // One file at a time per worker: an import already fills a core.
        .with(kind::IMPORT_RUN, 1, Arc::new(Import(ctx.clone())))
        .with(
            kind::SEARCH_CATEGORY,
            1,
            Arc::new(SearchCategory(ctx.clone())),
        )
        .with(kind::NOOP, 16, Arc::new(Noop(ctx.state.pool.clone())))
}

async fn send_once(ctx: &JobContext, key: &str, job: &Job, email: Email) -> Result<(), JobError> {
    let mut conn = ctx
        .state
        .pool
        .acquire()
        .await
        .map_err(JobError::retry("connecting"))?;
    let sent = effect_once(&mut conn, key, job.id, || ctx.mailer.send(&email)).await?;
    if sent {
        tracing::info!(job = job.id, subject = %email.subject, "email sent");
    }
    Ok(())
}

struct OrderEmail {
    ctx: Arc<JobContext>,
    message: OrderMessage,
}

impl Handler for OrderEmail {
    fn run<'a>(&'a self, job: &'a Job) -> BoxFuture<'a, Result<(), JobError>> {
        Box::pin(async move {
            let order_id: i64 = job.field("order_id")?;
            let (order, token) = match orders::for_message(&self.ctx.state, order_id).await {
                Err(crate::error::AppError::NotFound) => {
                    return Err(JobError::Permanent(format!(
                        "order {order_id} does not exist"
                    )))
                }
                other => other?,
            };
            let mailer = &self.ctx.mailer;
            let link = format!(
                "{}/orders/{}?key={}",
                mailer.public_url, order.number, token
            );
            let email = templates::order(self.message, &mailer.shop_name, &order, &link);
            let key = format!("email:{}:{order_id}", job.kind);
            send_once(&self.ctx, &key, job, email).await
        })
    }
}

/// Tells the shopper of a return's step.
struct ReturnUpdate(Arc<JobContext>);

impl Handler for ReturnUpdate {
    fn run<'a>(&'a self, job: &'a Job) -> BoxFuture<'a, Result<(), JobError>> {
        Box::pin(async move {
            let return_id: i64 = job.field("return_id")?;
            let step: String = job.field("step")?;
            let state = &self.0.state;
            let order_id = {
                let mut conn = state
                    .checkout_pool
                    .acquire()
                    .await
                    .map_err(JobError::retry("connecting"))?;
                crate::db::returns::order_of(&mut conn, return_id)
                    .await
                    .map_err(JobError::retry("finding a return"))?
            };
            let missing = || JobError::Permanent(format!("return {return_id} does not exist"));
            let order_id = order_id.ok_or_else(missing)?;
            let (order, token) = orders::for_message(state, order_id).await?;
            let ret = order
                .returns
                .iter()
                .find(|r| r.id == return_id)
                .ok_or_else(missing)?;
            let mailer = &self.0.mailer;
            let link = format!(
                "{}/orders/{}?key={}",
                mailer.public_url, order.number, token
            );
            let Some(email) =
                crate::email::returns::step(&step, &mailer.shop_name, &order, ret, &link)
            else {
                return Err(JobError::Permanent(format!(
                    "no message for a return's {step}"
                )));
            };
            send_once(
                &self.0,
                &format!("email:return:{return_id}:{step}"),
                job,
                email,
            )
            .await
        })
    }
}

struct LowStock(Arc<JobContext>);

impl Handler for LowStock {
    fn run<'a>(&'a self, job: &'a Job) -> BoxFuture<'a, Result<(), JobError>> {
        Box::pin(async move {
            let sku: String = job.field("sku")?;
            let available: i64 = job.field("available")?;
            let threshold: i64 = job.field("threshold")?;
            let mailer = &self.0.mailer;
            let email =
                templates::low_stock(&mailer.shop_name, &mailer.staff, &sku, available, threshold);
            send_once(&self.0, &format!("email:stock.low:{}", job.id), job, email).await
        })
    }
}

/// Sends a reset link when the email has an account; nothing otherwise (the request looked the same either way).
struct PasswordReset(Arc<JobContext>);

impl Handler for PasswordReset {
    fn run<'a>(&'a self, job: &'a Job) -> BoxFuture<'a, Result<(), JobError>> {
        Box::pin(async move {
            let email: String = job.field("email")?;
            // A retry after the email went out (but before the job was marked done) stores one more token that is
            // never sent; it expires unused like any other.
            let Some(reset) = crate::accounts::issue_reset(&self.0.state, &email).await? else {
                tracing::info!(
                    job = job.id,
                    "password reset asked for an email without an account"
                );
                return Ok(());
            };
            let mailer = &self.0.mailer;
            let link = format!("{}/account/reset?token={}", mailer.public_url, reset.token);
            let message =
                templates::password_reset(&mailer.shop_name, &reset.to, &link, reset.minutes);
            send_once(
                &self.0,
                &format!("email:password_reset:{}", job.id),
                job,
                message,
            )
            .await
        })
    }
}

/// A security notice about a change to an account, to the address it concerns.
struct AccountNotice(Arc<JobContext>);

impl Handler for AccountNotice {
    fn run<'a>(&'a self, job: &'a Job) -> BoxFuture<'a, Result<(), JobError>> {
        Box::pin(async move {
            let to: String = job.field("to")?;
            let change: String = job.field("change")?;
            let change = match change.as_str() {
                "password" => templates::AccountChange::Password,
                "email" => templates::AccountChange::Email {
                    new_email: job.field("new_email")?,
                },
                other => {
                    return Err(JobError::Permanent(format!(
                        "unknown account change {other:?}"
                    )))
                }
            };
            let mailer = &self.0.mailer;
            let link = format!("{}/account/forgot", mailer.public_url);
            let message = templates::account_notice(&mailer.shop_name, &to, &change, &link);
            send_once(
                &self.0,
                &format!("email:account.notice:{}", job.id),
                job,
                message,
            )
            .await
        })
    }
}

struct ReservationExpire(Arc<JobContext>);

impl Handler for ReservationExpire {
    fn run<'a>(&'a self, job: &'a Job) -> BoxFuture<'a, Result<(), JobError>> {
        Box::pin(async move {
            let order_id: i64 = job.field("order_id")?;
            match orders::expire_one(&self.0.state, order_id, chrono::Utc::now()).await? {
                Expiry::Expired => {
                    tracing::info!(
                        order_id,
                        "reservation ran out; order cancelled, stock released"
                    );
                    Ok(())
                }
                Expiry::Settled => Ok(()),
                Expiry::NotYet => Err(JobError::Retry(
                    "not due yet, or a card payment is under way".into(),
                )),
            }
        })
    }
}

struct PaymentWebhook(Arc<JobContext>);

impl Handler for PaymentWebhook {
    fn run<'a>(&'a self, job: &'a Job) -> BoxFuture<'a, Result<(), JobError>> {
        Box::pin(async move {
            let event_id: String = job.field("event_id")?;
            match crate::payments::process_event(&self.0.state, &event_id).await {
                Ok(_) => Ok(()),
                Err(crate::error::AppError::NotFound) => Err(JobError::Permanent(format!(
                    "event {event_id} is not stored"
                ))),
                Err(e) => Err(e.into()),
            }
        })
    }
}

/// Sleeps `sleep_ms` (if given), then records the effect key `effect` (if given) once. For benchmarks, tests
/// and checking that a worker runs.
struct Noop(sqlx::PgPool);

impl Handler for Noop {
    fn run<'a>(&'a self, job: &'a Job) -> BoxFuture<'a, Result<(), JobError>> {
        Box::pin(async move {
            if let Some(ms) = job.payload.get("sleep_ms").and_then(|v| v.as_u64()) {
                tokio::time::sleep(std::time::Duration::from_millis(ms.min(60_000))).await;
            }
            if let Some(effect) = job.payload.get("effect").and_then(|v| v.as_str()) {
                let mut conn = self
                    .0
                    .acquire()
                    .await
                    .map_err(JobError::retry("connecting"))?;
                db::record_effect(&mut conn, effect, job.id)
                    .await
                    .map_err(JobError::retry("recording the effect"))?;
            }
            Ok(())
        })
    }
}

/// Imports an uploaded CSV file; a try resumes after the last batch the previous one committed. An import
/// whose last try fails is marked failed, keeping what its committed batches did.
struct Import(Arc<JobContext>);

impl Handler for Import {
    fn run<'a>(&'a self, job: &'a Job) -> BoxFuture<'a, Result<(), JobError>> {
        Box::pin(async move {
            let id: i64 = job.field("import_id")?;
            let state = &self.0.state;
            match crate::admin::imports::run(state, id).await {
                Err(e)
                    if job.attempt >= job.max_attempts || matches!(e, JobError::Permanent(_)) =>
                {
                    crate::admin::imports::give_up(state, id).await?;
                    Err(e)
                }
                other => other,
            }
        })
    }
}

/// Rebuilds the search and listing rows of every product below a renamed or moved category, 1,000 products per
/// transaction, so a large subtree never holds one long transaction. Running it twice does the same work again.
struct SearchCategory(Arc<JobContext>);

impl Handler for SearchCategory {
    fn run<'a>(&'a self, job: &'a Job) -> BoxFuture<'a, Result<(), JobError>> {
        Box::pin(async move {
            let category_id: i64 = job.field("category_id")?;
            let pool = &self.0.state.pool;
            let mut after = 0;
            while let Some(last) =
                crate::db::search::refresh_category_batch(pool, category_id, after, 1_000)
                    .await
                    .map_err(JobError::retry("refreshing search rows"))?
            {
                after = last;
            }
            Ok(())
        })
    }
}
