//! `GET /admin/export/products.csv` and `GET /admin/export/orders.csv?from=YYYY-MM-DD&to=YYYY-MM-DD`: CSV
//! downloads for staff, streamed page by page as the backend reads them, so a million rows never sit in memory
//! and the first bytes leave at once. The role is checked before the response starts; a page that fails later
//! ends the stream with an error, so the browser reports a failed download rather than keeping a cut file.

use axum::body::{Body, Bytes};
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use backend::admin::exports::{self, ORDER_COLUMNS};
use backend::admin::Staff;
use backend::AppState;
use futures_util::stream::{self, Stream, StreamExt};
use std::collections::HashMap;

pub fn routes() -> Router<super::SiteState> {
    Router::new()
        .route("/admin/export/products.csv", get(products))
        .route("/admin/export/orders.csv", get(orders))
}

/// A refusal as plain text with its status; never a 500 with internals.
fn refuse(e: app::error::AppError) -> Response {
    use app::error::AppError;
    let status = match &e {
        AppError::SignInRequired => StatusCode::UNAUTHORIZED,
        AppError::Forbidden => StatusCode::FORBIDDEN,
        AppError::Invalid { .. } => StatusCode::BAD_REQUEST,
        AppError::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    };
    let text = match &e {
        AppError::SignInRequired => "Sign in with a staff account to export.".to_string(),
        other => other.to_string(),
    };
    (status, [(header::CACHE_CONTROL, "private, no-store")], text).into_response()
}

async fn staff(state: &AppState, headers: &HeaderMap) -> Result<Staff, app::error::AppError> {
    let token = app::request::cookies::session_token(headers);
    let session = backend::accounts::current(state, token.as_deref())
        .await?
        .ok_or(app::error::AppError::SignInRequired)?;
    let request_id = headers
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .map(|v| v.chars().take(100).collect());
    Ok(Staff {
        session,
        request_id,
    })
}

fn download(
    file_name: &str,
    body: impl Stream<Item = Result<Bytes, std::io::Error>> + Send + 'static,
) -> Response {
    let mut response = Response::new(Body::from_stream(body));
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{file_name}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    response
}

fn failed(e: app::error::AppError) -> std::io::Error {
    tracing::error!(error = %e, "an export stopped part way");
    std::io::Error::other("the export stopped part way")
}

/// Where a page-by-page export has got: the next cursor, or done.
enum Cursor<C> {
    Next(C),
    Done,
}

async fn products(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let staff = match staff(&state, &headers)
        .await
        .and_then(|s| exports::allowed(&s).map(|_| s))
    {
        Ok(s) => s,
        Err(e) => return refuse(e),
    };
    let header = stream::once(async {
        Ok(Bytes::from(exports::header(
            &app::domain::admin::imports::PRODUCT_COLUMNS,
        )))
    });
    let pages = stream::unfold(Cursor::Next(0i64), move |cursor| {
        let state = state.clone();
        let staff = staff.clone();
        async move {
            let Cursor::Next(after) = cursor else {
                return None;
            };
            Some(match exports::products_page(&state, &staff, after).await {
                Ok(page) => {
                    let next = page.next.map_or(Cursor::Done, Cursor::Next);
                    (Ok(Bytes::from(page.csv)), next)
                }
                Err(e) => (Err(failed(e)), Cursor::Done),
            })
        }
    });
    let day = chrono::Utc::now().format("%Y-%m-%d");
    download(&format!("products-{day}.csv"), header.chain(pages))
}

async fn orders(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    use app::domain::admin::Day;
    let arg = |k: &str| query.get(k).map(String::as_str).unwrap_or("");
    let start = async {
        let staff = staff(&state, &headers).await?;
        let from = Day::parse(arg("from"), "from")?;
        let to = Day::parse(arg("to"), "to")?;
        if let (Some(f), Some(t)) = (from, to) {
            if f > t {
                return Err(app::error::AppError::invalid(
                    "to",
                    "The end date is before the start date.",
                ));
            }
        }
        let range = exports::begin_orders(&state, &staff, from, to).await?;
        Ok((staff, range))
    };
    let (staff, range) = match start.await {
        Ok(s) => s,
        Err(e) => return refuse(e),
    };
    let header = stream::once(async { Ok(Bytes::from(exports::header(&ORDER_COLUMNS))) });
    let pages = stream::unfold(Cursor::Next(None), move |cursor| {
        let state = state.clone();
        let staff = staff.clone();
        async move {
            let Cursor::Next(after) = cursor else {
                return None;
            };
            Some(
                match exports::orders_page(&state, &staff, range, after).await {
                    Ok(page) => {
                        let next = page.next.map_or(Cursor::Done, |c| Cursor::Next(Some(c)));
                        (Ok(Bytes::from(page.csv)), next)
                    }
                    Err(e) => (Err(failed(e)), Cursor::Done),
                },
            )
        }
    });
    let name = match (arg("from"), arg("to")) {
        ("", "") => "orders.csv".to_string(),
        (f, t) => format!("orders-{}-{}.csv", f.trim(), t.trim()),
    };
    download(&name, header.chain(pages))
}
