//! `AppError`: the one error type that crosses the wire. Its variants carry only what a person may read;
//! internal causes are logged on the server (see `backend::internal`) and cross as `Internal`.

use crate::domain::DomainError;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// Input that was refused; `field` names the form field or query parameter.
    #[error("{message}")]
    Invalid { field: String, message: String },
    #[error("We couldn't find that page.")]
    NotFound,
    #[error("{}", out_of_stock_message(*available))]
    OutOfStock { sku: String, available: u32 },
    /// The request contradicts what already happened (e.g. one checkout submitted twice with different
    /// details, or a cart that changed after the summary was shown).
    #[error("{message}")]
    Conflict { message: String },
    /// The card was refused by its issuer or the payment provider; `message` is the provider's text for shoppers.
    #[error("{message}")]
    PaymentDeclined { message: String },
    /// Every failed sign-in, whatever failed: no hint whether the email has an account.
    #[error("That email and password do not match an account.")]
    SignInFailed,
    #[error("Please sign in to continue.")]
    SignInRequired,
    /// Signed in, but this account may not do that.
    #[error("Your account is not allowed to do that.")]
    Forbidden,
    /// Over a rate limit; the answer's `Retry-After` says the same wait.
    #[error("Too many requests; please wait a moment and try again.")]
    RateLimited { retry_after_secs: u64 },
    #[error("The shop is busy right now; please try again in a moment.")]
    Unavailable,
    #[error("Something went wrong on our side. Please try again.")]
    Internal,
    /// The request did not reach the server or its answer could not be read (browser side only).
    #[error("We couldn't reach the shop. Check your connection and try again.")]
    Network,
}

fn out_of_stock_message(available: u32) -> String {
    match available {
        0 => "Sorry, this item is sold out.".into(),
        n => format!("Only {n} left: please choose {n} or fewer."),
    }
}

impl AppError {
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        AppError::Invalid {
            field: field.into(),
            message: message.into(),
        }
    }

    /// The HTTP status this error is answered with, for pages and server functions alike.
    /// A stable name for the kind of error, for metrics labels and logs (never shown to shoppers).
    pub fn kind(&self) -> &'static str {
        match self {
            AppError::Invalid { .. } => "invalid",
            AppError::NotFound => "not_found",
            AppError::OutOfStock { .. } => "out_of_stock",
            AppError::Conflict { .. } => "conflict",
            AppError::PaymentDeclined { .. } => "payment_declined",
            AppError::SignInFailed => "sign_in_failed",
            AppError::SignInRequired => "sign_in_required",
            AppError::Forbidden => "forbidden",
            AppError::RateLimited { .. } => "rate_limited",
            AppError::Unavailable => "unavailable",
            AppError::Internal => "internal",
            AppError::Network => "network",
        }
    }

    pub fn status(&self) -> http::StatusCode {
        use http::StatusCode;
        match self {
            AppError::Invalid { .. } => StatusCode::BAD_REQUEST,
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::OutOfStock { .. } | AppError::Conflict { .. } => StatusCode::CONFLICT,
            AppError::PaymentDeclined { .. } => StatusCode::PAYMENT_REQUIRED,
            AppError::SignInFailed | AppError::SignInRequired => StatusCode::UNAUTHORIZED,
            AppError::Forbidden => StatusCode::FORBIDDEN,
            AppError::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            AppError::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal => StatusCode::INTERNAL_SERVER_ERROR,
            AppError::Network => StatusCode::BAD_GATEWAY,
        }
    }

    /// Over a limit for `wait`, as `Retry-After` gives it: whole seconds, rounded up, at least one.
    pub fn rate_limited(wait: std::time::Duration) -> Self {
        AppError::RateLimited {
            retry_after_secs: (wait.as_secs() + u64::from(wait.subsec_nanos() > 0)).max(1),
        }
    }

    /// How long to wait before trying again, for `Retry-After`.
    pub fn retry_after_secs(&self) -> Option<u64> {
        match self {
            AppError::RateLimited { retry_after_secs } => Some(*retry_after_secs),
            _ => None,
        }
    }

    /// The field this error is about, if any, so a form can show it beside the right input.
    pub fn field(&self) -> Option<&str> {
        match self {
            AppError::Invalid { field, .. } if !field.is_empty() => Some(field),
            AppError::OutOfStock { .. } => Some("quantity"),
            _ => None,
        }
    }
}

impl From<DomainError> for AppError {
    fn from(e: DomainError) -> Self {
        AppError::invalid(e.field(), e.to_string())
    }
}

#[cfg(feature = "server-fn")]
impl server_fn::error::FromServerFnError for AppError {
    type Encoder = server_fn::codec::JsonEncoding;

    /// Errors raised by the server-function machinery itself. Argument errors are the shopper's (a form field
    /// that is not a number, a missing field) and get a plain message; serde's wording is not shown, as it
    /// can name our internal types.
    fn from_server_fn_error(value: server_fn::error::ServerFnErrorErr) -> Self {
        use server_fn::error::ServerFnErrorErr;
        match value {
            ServerFnErrorErr::Args(_)
            | ServerFnErrorErr::MissingArg(_)
            | ServerFnErrorErr::Deserialization(_) => {
                AppError::invalid("", "Some of the form's values are missing or not valid.")
            }
            ServerFnErrorErr::Request(_) | ServerFnErrorErr::Response(_) => AppError::Network,
            ServerFnErrorErr::Registration(_) | ServerFnErrorErr::UnsupportedRequestMethod(_) => {
                AppError::NotFound
            }
            _ => AppError::Internal,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_are_client_errors_except_internal() {
        assert_eq!(AppError::invalid("q", "bad").status(), 400);
        assert_eq!(AppError::NotFound.status(), 404);
        assert_eq!(
            AppError::OutOfStock {
                sku: "A".into(),
                available: 3
            }
            .status(),
            409
        );
        assert_eq!(AppError::Internal.status(), 500);
    }

    #[test]
    fn out_of_stock_says_how_many_are_left() {
        let e = AppError::OutOfStock {
            sku: "A".into(),
            available: 3,
        };
        assert_eq!(e.to_string(), "Only 3 left: please choose 3 or fewer.");
        assert_eq!(
            AppError::OutOfStock {
                sku: "A".into(),
                available: 0
            }
            .to_string(),
            "Sorry, this item is sold out."
        );
    }

    #[cfg(feature = "server-fn")]
    #[test]
    fn framework_errors_never_carry_their_text() {
        use server_fn::error::{FromServerFnError, ServerFnErrorErr};
        let e = AppError::from_server_fn_error(ServerFnErrorErr::Args(
            "invalid digit at types::Quantity".into(),
        ));
        assert!(!e.to_string().contains("types::"));
        assert_eq!(e.status(), 400);
        let e = AppError::from_server_fn_error(ServerFnErrorErr::ServerError(
            "relation \"cart\" does not exist".into(),
        ));
        assert_eq!(e, AppError::Internal);
    }

    #[test]
    fn domain_errors_keep_their_field() {
        let e: AppError = DomainError::Quantity { max: 99 }.into();
        assert_eq!(e.field(), Some("quantity"));
        assert_eq!(e.status(), 400);
    }
}
