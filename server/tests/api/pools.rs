use crate::helpers::spawn_app;
use futures::FutureExt;
use sqlx::PgPool;
use std::time::Duration;

/// A transaction whose start is cut short (the client went away while BEGIN was on the wire) must not hand its
/// connection back to the pool still inside that transaction. sqlx counts a transaction only once PostgreSQL has
/// answered BEGIN, so a caller dropped in between used to return the connection "idle in transaction": every
/// later statement on it ran inside that transaction, its row locks held until some unrelated request on the
/// same connection happened to commit. (A staff page once waited on such a lock on its session row.)
#[sqlx::test(migrations = "../migrations")]
async fn a_transaction_start_cut_short_leaves_no_connection_inside_a_transaction(pool: PgPool) {
    let app = spawn_app(pool.clone()).await;
    // One connection, so the one a cut-short start used is the one handed out next; handed out without a ping
    // first, as production's pools do (see `startup::connect`).
    let one = sqlx::postgres::PgPoolOptions::new()
        .max_connections(1)
        .test_before_acquire(false)
        .acquire_timeout(Duration::from_secs(10))
        .connect_with((*pool.connect_options()).clone())
        .await
        .unwrap();
    let mut state = app.state.clone();
    state.pool = one.clone();
    state.checkout_pool = one.clone();
    for round in 0..20 {
        for begin in [
            state.begin("a start cut short").boxed(),
            state.checkout_begin("a start cut short").boxed(),
        ] {
            // The connection is back in the pool, so the start below gets as far as sending BEGIN.
            while one.num_idle() == 0 {
                tokio::time::sleep(Duration::from_millis(1)).await;
            }
            // Polled once, then dropped: BEGIN is sent and its answer not yet read.
            assert!(
                begin.now_or_never().is_none(),
                "round {round}: BEGIN answered at once"
            );
            let mut conn = one.acquire().await.unwrap();
            // A statement that gets a transaction id, then one that asks whether it still has one: only inside
            // an open transaction does the second see the first's.
            sqlx::query("select pg_current_xact_id()")
                .execute(&mut *conn)
                .await
                .unwrap();
            let still_open: bool =
                sqlx::query_scalar("select pg_current_xact_id_if_assigned() is not null")
                    .fetch_one(&mut *conn)
                    .await
                    .unwrap();
            assert!(
                !still_open,
                "round {round}: the pool handed out a connection inside a transaction"
            );
        }
    }
}
