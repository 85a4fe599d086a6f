//! Feature flags in the admin area: admins only (the services check).

use crate::domain::flags::FlagView;
use crate::error::AppError;
use leptos::prelude::*;

#[server(prefix = "/api", endpoint = "admin/flags")]
pub async fn list_flags() -> Result<Vec<FlagView>, AppError> {
    use crate::request::context;
    let state = context::state()?;
    let staff = context::staff(&state).await?;
    backend::admin::flags::list(&state, &staff).await
}

/// Sets one flag: `enabled` is the checkbox (absent when unticked), `percent` the share of shoppers.
#[server(prefix = "/api", endpoint = "admin/flags/set")]
pub async fn set_flag(
    key: String,
    #[server(default)] enabled: Option<String>,
    #[server(default)] percent: String,
) -> Result<(), AppError> {
    use crate::domain::flags::{Flag, FlagSetting};
    use crate::request::context;
    let state = context::state()?;
    let staff = context::staff(&state).await?;
    let flag = Flag::from_key(key.trim())
        .ok_or_else(|| AppError::invalid("key", "There is no such feature flag."))?;
    let setting = FlagSetting::parse(flag, enabled.as_deref(), &percent)?;
    backend::admin::flags::set(&state, &staff, flag, setting).await?;
    context::redirect_back_with("saved", flag.key(), &format!("flag-{}", flag.key()));
    Ok(())
}
