//! Feature flags in memory: every request asks [`Flags::is_on`], which reads a map and takes no database round
//! trip. The map is loaded at start and again whenever the `feature_flag` table changes (its trigger notifies
//! `bazaar_flags`, [`Flags::follow`] listens), so a change made on one app server reaches all of them within a
//! second. While the notifications cannot be heard the last settings stay in force, and they are reloaded as soon
//! as the listener is back.

use crate::db::flags as db;
use crate::domain::flags::{Flag, FlagSetting};
use sqlx::postgres::PgListener;
use sqlx::{PgExecutor, PgPool};
use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::Duration;

/// The channel the `feature_flag` trigger notifies.
pub const CHANNEL: &str = "bazaar_flags";

#[derive(Default)]
pub struct Flags {
    /// Flags an admin has set; the others have their default.
    set: RwLock<HashMap<Flag, FlagSetting>>,
}

impl Flags {
    pub fn setting(&self, flag: Flag) -> FlagSetting {
        self.set
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .get(&flag)
            .copied()
            .unwrap_or_else(|| flag.default_setting())
    }

    /// Whether `flag` is on for the shopper with this rollout key (`None`: a shopper we cannot tell apart, who
    /// gets the flag only when it is on for everyone).
    pub fn is_on(&self, flag: Flag, key: Option<&str>) -> bool {
        self.setting(flag).is_on_for(flag, key)
    }

    /// Reads every setting from the database. Rows of flags this build does not know (set by a newer release)
    /// are left alone.
    pub async fn reload(&self, db: impl PgExecutor<'_>) -> sqlx::Result<()> {
        let rows = db::all(db).await?;
        let set: HashMap<Flag, FlagSetting> = rows
            .into_iter()
            .filter_map(|r| {
                Some((
                    Flag::from_key(&r.key)?,
                    FlagSetting {
                        enabled: r.enabled,
                        percent: r.rollout_percent.clamp(0, 100) as u8,
                    },
                ))
            })
            .collect();
        *self.set.write().unwrap_or_else(|e| e.into_inner()) = set;
        Ok(())
    }

    /// Listens for changes on a connection of its own (outside the app's pools) and reloads on each, for as long
    /// as the returned task runs; the first load happens before this returns when the database answers. The task
    /// holds the flags weakly: it ends when they are dropped.
    pub async fn follow(self: &Arc<Self>, pool: &PgPool) -> tokio::task::JoinHandle<()> {
        let pool = sqlx::postgres::PgPoolOptions::new()
            .max_connections(1)
            .connect_lazy_with(pool.connect_options().as_ref().clone());
        let first = self.listen(&pool).await;
        let flags = Arc::downgrade(self);
        tokio::spawn(async move {
            let mut next = first;
            loop {
                let mut listener = match next.take() {
                    Some(listener) => listener,
                    None => {
                        tokio::time::sleep(Duration::from_secs(1)).await;
                        let Some(flags) = flags.upgrade() else { break };
                        match flags.listen(&pool).await {
                            Some(listener) => listener,
                            None => continue,
                        }
                    }
                };
                loop {
                    // Wakes up now and then to see whether the flags are still wanted.
                    let note =
                        tokio::time::timeout(Duration::from_secs(5), listener.try_recv()).await;
                    let Some(flags) = flags.upgrade() else {
                        drop(listener);
                        pool.close().await;
                        return;
                    };
                    match note {
                        Err(_elapsed) => {}
                        Ok(Ok(Some(_))) => {
                            if let Err(e) = flags.reload(&mut listener).await {
                                tracing::warn!(error = %e, "feature flags: cannot reload; keeping the last settings");
                                break;
                            }
                        }
                        Ok(Ok(None) | Err(_)) => break,
                    }
                }
                tracing::warn!(
                    "feature flags: change notifications interrupted; keeping the last settings"
                );
            }
            pool.close().await;
        })
    }

    /// LISTEN, then a full reload (changes made while nobody listened are read now); `None` (logged) when the
    /// database cannot be reached.
    async fn listen(&self, pool: &PgPool) -> Option<PgListener> {
        let attempt = async {
            let mut listener = PgListener::connect_with(pool).await?;
            listener.listen(CHANNEL).await?;
            // On the listener's own connection: the pool has only that one.
            self.reload(&mut listener).await?;
            Ok::<_, sqlx::Error>(listener)
        };
        match attempt.await {
            Ok(listener) => Some(listener),
            Err(e) => {
                tracing::warn!(error = %e, "feature flags: cannot listen for changes; keeping the last settings");
                None
            }
        }
    }
}
