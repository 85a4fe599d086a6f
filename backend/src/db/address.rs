//! The address book. Every statement names the owning account, so one account's id can never reach another's row.

use sqlx::PgConnection;

pub struct AddressRow {
    pub address_id: i64,
    pub address_enc: Vec<u8>,
    pub is_default: bool,
}

/// The account's addresses: the default first, then oldest first.
pub async fn list(conn: &mut PgConnection, customer_id: i64) -> sqlx::Result<Vec<AddressRow>> {
    sqlx::query_as!(
        AddressRow,
        "select address_id, address_enc, is_default from customer_address
         where customer_id = $1 order by is_default desc, address_id",
        customer_id
    )
    .fetch_all(conn)
    .await
}

pub async fn count(conn: &mut PgConnection, customer_id: i64) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        r#"select count(*) as "n!" from customer_address where customer_id = $1"#,
        customer_id
    )
    .fetch_one(conn)
    .await
}

pub async fn insert(conn: &mut PgConnection, customer_id: i64, sealed: &[u8]) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        "insert into customer_address (customer_id, address_enc) values ($1, $2) returning address_id",
        customer_id,
        sealed
    )
    .fetch_one(conn)
    .await
}

/// `false` when the account has no such address.
pub async fn update(
    conn: &mut PgConnection,
    customer_id: i64,
    address_id: i64,
    sealed: &[u8],
) -> sqlx::Result<bool> {
    Ok(sqlx::query!(
        "update customer_address set address_enc = $3 where customer_id = $1 and address_id = $2",
        customer_id,
        address_id,
        sealed
    )
    .execute(conn)
    .await?
    .rows_affected()
        == 1)
}

/// `false` when the account has no such address. When it was the default, the oldest remaining one becomes it.
pub async fn delete(
    conn: &mut PgConnection,
    customer_id: i64,
    address_id: i64,
) -> sqlx::Result<bool> {
    let removed = sqlx::query_scalar!(
        "delete from customer_address where customer_id = $1 and address_id = $2 returning is_default",
        customer_id,
        address_id
    )
    .fetch_optional(&mut *conn)
    .await?;
    if removed == Some(true) {
        sqlx::query!(
            "update customer_address set is_default = true
             where address_id = (select min(address_id) from customer_address where customer_id = $1)",
            customer_id
        )
        .execute(&mut *conn)
        .await?;
    }
    Ok(removed.is_some())
}

/// Makes one address the default (and no other); `false` when the account has no such address.
pub async fn set_default(
    conn: &mut PgConnection,
    customer_id: i64,
    address_id: i64,
) -> sqlx::Result<bool> {
    let owned = sqlx::query_scalar!(
        "select address_id from customer_address where customer_id = $1 and address_id = $2 for update",
        customer_id,
        address_id
    )
    .fetch_optional(&mut *conn)
    .await?;
    if owned.is_none() {
        return Ok(false);
    }
    sqlx::query!(
        "update customer_address set is_default = false where customer_id = $1 and is_default",
        customer_id
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "update customer_address set is_default = true where customer_id = $1 and address_id = $2",
        customer_id,
        address_id
    )
    .execute(&mut *conn)
    .await?;
    Ok(true)
}
