//! Returns in the admin area: one step with one return of an order.

use crate::error::AppError;
use leptos::prelude::*;
use std::collections::BTreeMap;

/// One step (`approve`, `refuse`, `receive`, `refund`) with return `return_id` of order `number`, with a note to
/// the shopper (required to refuse); receiving takes `restock[l<line>]=on` for each line back on the shelf, a
/// refund its amount (blank: what the lines were paid). Answers with the return's status.
#[server(prefix = "/api", endpoint = "admin/order/return")]
pub async fn return_step(
    number: String,
    return_id: String,
    step: String,
    #[server(default)] note: String,
    #[server(default)] restock: BTreeMap<String, String>,
    #[server(default)] amount: String,
) -> Result<String, AppError> {
    use crate::domain::admin::orders::{action_note, refund_amount};
    use crate::domain::returns::{parse_restock, ReturnStep};
    use crate::request::context;
    use backend::admin::returns::{step as take_step, StepInput};
    let state = context::state()?;
    let staff = context::staff(&state).await?;
    let step = ReturnStep::parse(&step)?;
    let return_id = return_id
        .trim()
        .parse::<i64>()
        .map_err(|_| AppError::NotFound)?;
    let input = StepInput {
        step,
        note: action_note(&note)?,
        restock: parse_restock(&restock)?,
        amount_minor: if step == ReturnStep::Refund {
            refund_amount(&amount, state.config.currency.exponent())?
        } else {
            None
        },
    };
    let status = take_step(&state, &staff, number.trim(), return_id, &input).await?;
    context::redirect_back_with("done", step.as_str(), "returns");
    Ok(status.as_db().to_string())
}
