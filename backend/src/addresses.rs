//! The address book of a signed-in account. Addresses are sealed at rest like checkout's; every read and write
//! goes through the session's own account, so another account's address id is simply not found.

use super::accounts::Session;
use super::crypto::Column;
use super::db::address as db;
use super::AppState;
use crate::domain::account::SavedAddress;
use crate::domain::address::Address;
use crate::error::AppError;
use crate::OrInternal;

/// Enough for home, work, family and a few friends; bounds what one account can store.
pub const MAX_ADDRESSES: i64 = 20;

fn seal(state: &AppState, address: &Address) -> Result<Vec<u8>, AppError> {
    state
        .keys
        .seal_json(Column::SavedAddress, address)
        .or_internal("sealing an address")
}

pub async fn list(state: &AppState, session: &Session) -> Result<Vec<SavedAddress>, AppError> {
    let rows = db::list(
        &mut *state.conn("connecting for the address book").await?,
        session.customer_id,
    )
    .await
    .or_internal("listing addresses")?;
    rows.into_iter()
        .map(|r| {
            let address = state
                .keys
                .open_json(Column::SavedAddress, &r.address_enc)
                .map_err(|e| {
                    tracing::error!(error = %e, "a saved address does not open: wrong or missing data key?");
                    AppError::Internal
                })?;
            Ok(SavedAddress {
                id: r.address_id,
                address,
                is_default: r.is_default,
            })
        })
        .collect()
}

/// The address checkout offers first: the default one.
pub async fn default_address(
    state: &AppState,
    session: &Session,
) -> Result<Option<Address>, AppError> {
    Ok(list(state, session)
        .await?
        .into_iter()
        .find(|a| a.is_default)
        .map(|a| a.address))
}

/// Adds an address (the first one becomes the default) or, with `id`, changes one.
#[tracing::instrument(skip_all, fields(customer = session.customer_id))]
pub async fn save(
    state: &AppState,
    session: &Session,
    id: Option<i64>,
    address: &Address,
    make_default: bool,
) -> Result<i64, AppError> {
    let sealed = seal(state, address)?;
    let mut tx = state.begin("starting an address change").await?;
    let id = match id {
        Some(id) => {
            if !db::update(&mut tx, session.customer_id, id, &sealed)
                .await
                .or_internal("updating an address")?
            {
                return Err(AppError::NotFound);
            }
            id
        }
        None => {
            let count = db::count(&mut tx, session.customer_id)
                .await
                .or_internal("counting addresses")?;
            if count >= MAX_ADDRESSES {
                return Err(AppError::invalid(
                    "address",
                    format!("Your address book is full ({MAX_ADDRESSES} addresses); please remove one first."),
                ));
            }
            let id = db::insert(&mut tx, session.customer_id, &sealed)
                .await
                .or_internal("saving an address")?;
            if count == 0 {
                db::set_default(&mut tx, session.customer_id, id)
                    .await
                    .or_internal("setting the default address")?;
            }
            id
        }
    };
    if make_default {
        db::set_default(&mut tx, session.customer_id, id)
            .await
            .or_internal("setting the default address")?;
    }
    tx.commit()
        .await
        .or_internal("committing an address change")?;
    Ok(id)
}

#[tracing::instrument(skip_all, fields(customer = session.customer_id))]
pub async fn delete(state: &AppState, session: &Session, id: i64) -> Result<(), AppError> {
    let mut tx = state.begin("starting an address change").await?;
    if !db::delete(&mut tx, session.customer_id, id)
        .await
        .or_internal("removing an address")?
    {
        return Err(AppError::NotFound);
    }
    tx.commit()
        .await
        .or_internal("committing an address change")
}

#[tracing::instrument(skip_all, fields(customer = session.customer_id))]
pub async fn make_default(state: &AppState, session: &Session, id: i64) -> Result<(), AppError> {
    let mut tx = state.begin("starting an address change").await?;
    if !db::set_default(&mut tx, session.customer_id, id)
        .await
        .or_internal("setting the default address")?
    {
        return Err(AppError::NotFound);
    }
    tx.commit()
        .await
        .or_internal("committing an address change")
}
