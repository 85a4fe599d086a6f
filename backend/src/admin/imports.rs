//! Bulk imports: staff upload a CSV (products: admins; stock adjustments: staff and admins), a background job
//! works through it in batches of [`BATCH`] rows, and the import's page shows how far it got and which rows it
//! refused and why.
//!
//! Each batch is one transaction that also moves the import's progress on, under a lock on the import's row: a
//! job tried again (a crash, a lease run out) resumes after the last committed batch and never writes a row
//! twice. A product row creates or updates its variant by SKU (and its product by web address), writing only
//! what differs, so importing the same file twice changes nothing the second time.

use super::Staff;
use crate::db::audit as audit_db;
use crate::db::import as db;
use crate::db::stock as stock_db;
use crate::domain::account::Role;
use crate::domain::admin::imports::{
    file_name, Columns, ImportKind, ImportList, ImportState, ImportView, ProductRow, Rejection,
    MAX_FILE_BYTES, MAX_ROWS,
};
use crate::domain::money::Currency;
use crate::domain::DomainError;
use crate::error::AppError;
use crate::jobs::{self, JobError, NewJob};
use crate::{AppState, OrInternal};
use serde_json::json;
use sqlx::PgConnection;
use std::collections::{HashMap, HashSet};

/// Rows per transaction.
pub const BATCH: usize = 1000;
/// Imports on the import page.
pub const LIST_SIZE: i64 = 20;

fn file_error(message: impl Into<String>) -> AppError {
    DomainError::File {
        message: message.into(),
    }
    .into()
}

fn reader(text: &str) -> csv::Reader<&[u8]> {
    csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes())
}

fn columns(kind: ImportKind, reader: &mut csv::Reader<&[u8]>) -> Result<Columns, AppError> {
    let header = reader
        .headers()
        .map_err(|_| file_error("The first line could not be read as CSV."))?;
    let cells: Vec<&str> = header.iter().collect();
    Ok(match kind {
        ImportKind::Products => Columns::products(&cells)?,
        ImportKind::Stock => Columns::stock(&cells)?,
    })
}

/// Takes an uploaded file: checks it is a CSV with the columns its kind needs and at most [`MAX_ROWS`] rows,
/// keeps it, and queues the job that imports it. Returns the import's id.
#[tracing::instrument(skip_all, fields(kind = kind.as_db(), bytes = bytes.len(), by = staff.session.customer_id))]
pub async fn start(
    state: &AppState,
    staff: &Staff,
    kind: ImportKind,
    raw_name: &str,
    bytes: Vec<u8>,
) -> Result<i64, AppError> {
    staff.require(match kind {
        ImportKind::Products => Role::Admin,
        ImportKind::Stock => Role::Staff,
    })?;
    if bytes.is_empty() {
        return Err(file_error("Choose a CSV file to import."));
    }
    if bytes.len() > MAX_FILE_BYTES {
        return Err(file_error(
            "The file is larger than 32 MB; split it into smaller files.",
        ));
    }
    let mut text = String::from_utf8(bytes).map_err(|_| {
        file_error("The file is not UTF-8 text: save it from your spreadsheet as \"CSV UTF-8\".")
    })?;
    if text.contains('\0') {
        return Err(file_error(
            "The file holds characters that are not text: save it from your spreadsheet as \"CSV UTF-8\".",
        ));
    }
    if text.starts_with('\u{feff}') {
        text.drain(..'\u{feff}'.len_utf8());
    }
    let mut r = reader(&text);
    columns(kind, &mut r)?;
    let rows = r.records().count();
    if rows == 0 {
        return Err(file_error("The file has no rows under its first line."));
    }
    if rows > MAX_ROWS {
        return Err(file_error(format!(
            "The file has {rows} rows; import at most {MAX_ROWS} at a time."
        )));
    }
    let name = file_name(raw_name);
    let mut tx = state.begin("starting an import").await?;
    let id = db::insert(
        &mut tx,
        kind.as_db(),
        &name,
        &text,
        rows as i32,
        staff.session.customer_id,
    )
    .await
    .or_internal("keeping an uploaded file")?;
    let key = format!("import:{id}");
    jobs::enqueue(
        &mut tx,
        &NewJob::new(jobs::kind::IMPORT_RUN, json!({ "import_id": id })).dedupe(&key),
    )
    .await
    .or_internal("queueing an import")?;
    staff
        .audit(
            &mut tx,
            "import.start",
            "bulk_import",
            &id.to_string(),
            None,
            Some(json!({ "kind": kind.as_db(), "file": name, "rows": rows })),
        )
        .await?;
    tx.commit().await.or_internal("committing an import")?;
    tracing::info!(import_id = id, rows, "import queued");
    Ok(id)
}

fn view(row: db::ImportRow, rejections: Vec<db::RejectionRow>) -> Result<ImportView, AppError> {
    Ok(ImportView {
        import_id: row.bulk_import_id,
        kind: ImportKind::from_db(&row.kind).ok_or(AppError::Internal)?,
        file_name: row.file_name,
        state: ImportState::from_db(&row.state).ok_or(AppError::Internal)?,
        total_rows: i64::from(row.total_rows),
        processed_rows: i64::from(row.processed_rows),
        created_rows: i64::from(row.created_rows),
        updated_rows: i64::from(row.updated_rows),
        rejected_rows: i64::from(row.rejected_rows),
        by: row.by_email,
        created_at: row.created_at.to_rfc3339(),
        finished_at: row.finished_at.map(|t| t.to_rfc3339()),
        rejections: rejections
            .into_iter()
            .map(|r| Rejection {
                line: i64::from(r.line),
                sku: r.sku,
                reason: r.reason,
            })
            .collect(),
    })
}

/// One import with its first rejected rows. Staff and admins.
pub async fn get(state: &AppState, staff: &Staff, id: i64) -> Result<ImportView, AppError> {
    staff.require(Role::Staff)?;
    let mut conn = state.conn("connecting for an import").await?;
    let row = db::get(&mut conn, id)
        .await
        .or_internal("reading an import")?
        .ok_or(AppError::NotFound)?;
    let rejections = db::rejections(&mut conn, id, ImportView::REJECTIONS_SHOWN)
        .await
        .or_internal("reading rejected rows")?;
    view(row, rejections)
}

/// The latest imports. Staff and admins.
pub async fn list(state: &AppState, staff: &Staff) -> Result<ImportList, AppError> {
    staff.require(Role::Staff)?;
    let mut conn = state.conn("connecting for imports").await?;
    let imports = db::latest(&mut conn, LIST_SIZE)
        .await
        .or_internal("listing imports")?
        .into_iter()
        .map(|r| view(r, Vec::new()))
        .collect::<Result<_, _>>()?;
    Ok(ImportList { imports })
}

/// What a job needs to import one file.
struct Run {
    import_id: i64,
    kind: ImportKind,
    actor: i64,
    actor_email: String,
    columns: Columns,
    currency: Currency,
    categories: HashMap<String, i64>,
}

/// A row refused: its line, its SKU as typed, and why.
type Refused = (i32, Option<String>, String);

#[derive(Default)]
struct Outcome {
    created: i32,
    updated: i32,
    refused: Vec<Refused>,
}

/// Runs an import's job: batch after batch from where the last committed one ended, then marks it done.
pub async fn run(state: &AppState, import_id: i64) -> Result<(), JobError> {
    let mut conn = state.conn("connecting for an import").await?;
    let Some(row) = db::get(&mut conn, import_id)
        .await
        .map_err(JobError::retry("reading an import"))?
    else {
        return Err(JobError::Permanent(format!("no import {import_id}")));
    };
    if !ImportState::from_db(&row.state).is_some_and(ImportState::is_active) {
        return Ok(());
    }
    let kind = ImportKind::from_db(&row.kind)
        .ok_or_else(|| JobError::Permanent(format!("unknown import kind {}", row.kind)))?;
    let content = db::content(&mut conn, import_id)
        .await
        .map_err(JobError::retry("reading an import's file"))?
        .unwrap_or_default();
    let categories = match kind {
        ImportKind::Products => db::categories(&mut conn)
            .await
            .map_err(JobError::retry("reading categories"))?
            .into_iter()
            .collect(),
        ImportKind::Stock => HashMap::new(),
    };
    drop(conn);
    let mut reader = reader(&content);
    let columns = columns(kind, &mut reader).map_err(|e| JobError::Permanent(e.to_string()))?;
    let run = Run {
        import_id,
        kind,
        actor: row.created_by,
        actor_email: row.by_email,
        columns,
        currency: state.config.currency,
        categories,
    };
    let done = usize::try_from(row.processed_rows).unwrap_or(0);
    let mut offset = done;
    // Each SKU's first line in the file (product files): a later row with it is refused.
    let mut seen: HashMap<String, i32> = HashMap::new();
    let mut batch: Vec<(i32, Option<csv::StringRecord>)> = Vec::with_capacity(BATCH);
    for (i, record) in reader.into_records().enumerate() {
        // The header is line 1; a record's own line when the parser knows it (a quoted cell may span lines).
        let fallback = i32::try_from(i + 2).unwrap_or(i32::MAX);
        let entry = match record {
            Ok(r) => (
                r.position()
                    .and_then(|p| i32::try_from(p.line()).ok())
                    .unwrap_or(fallback),
                Some(r),
            ),
            Err(e) => (
                e.position()
                    .and_then(|p| i32::try_from(p.line()).ok())
                    .unwrap_or(fallback),
                None,
            ),
        };
        if i < done {
            // Imported by an earlier try: only its SKU is remembered.
            if let (ImportKind::Products, Some(record)) = (run.kind, &entry.1) {
                let cells: Vec<&str> = record.iter().collect();
                if let Ok(p) = run.columns.product_row(&cells, run.currency) {
                    seen.entry(p.sku.as_str().to_string()).or_insert(entry.0);
                }
            }
            continue;
        }
        batch.push(entry);
        if batch.len() == BATCH {
            if !commit_batch(state, &run, offset, &batch, &mut seen).await? {
                return Ok(());
            }
            offset += batch.len();
            batch.clear();
        }
    }
    if !batch.is_empty() && !commit_batch(state, &run, offset, &batch, &mut seen).await? {
        return Ok(());
    }
    finish(state, &run, "done").await
}

/// Marks an import done (or failed) and records it in the audit log.
async fn finish(state: &AppState, run: &Run, outcome: &str) -> Result<(), JobError> {
    let mut tx = state.begin("finishing an import").await?;
    db::finish(&mut tx, run.import_id, outcome)
        .await
        .map_err(JobError::retry("finishing an import"))?;
    let counts = db::get(&mut tx, run.import_id)
        .await
        .map_err(JobError::retry("reading an import"))?;
    if let Some(c) = counts {
        audit_db::insert(
            &mut tx,
            &audit_db::NewEntry {
                actor_id: run.actor,
                actor_email: &run.actor_email,
                action: "import.finish",
                entity: "bulk_import",
                entity_id: &run.import_id.to_string(),
                before: None,
                after: Some(json!({
                    "state": c.state,
                    "rows": c.total_rows,
                    "created": c.created_rows,
                    "updated": c.updated_rows,
                    "rejected": c.rejected_rows,
                })),
                request_id: None,
            },
        )
        .await
        .map_err(JobError::retry("writing the audit log"))?;
    }
    tx.commit()
        .await
        .map_err(JobError::retry("committing an import's end"))?;
    tracing::info!(import_id = run.import_id, outcome, "import finished");
    Ok(())
}

/// Marks an import whose job gave up as failed, keeping what its committed batches did.
pub async fn give_up(state: &AppState, import_id: i64) -> Result<(), JobError> {
    let mut conn = state.conn("connecting for an import").await?;
    db::finish(&mut conn, import_id, "failed")
        .await
        .map_err(JobError::retry("stopping an import"))
}

/// Writes one batch and the import's progress in one transaction. `false`: the import is no longer running
/// (finished by another try), so this try stops.
async fn commit_batch(
    state: &AppState,
    run: &Run,
    offset: usize,
    rows: &[(i32, Option<csv::StringRecord>)],
    seen: &mut HashMap<String, i32>,
) -> Result<bool, JobError> {
    let mut tx = state.begin("starting an import batch").await?;
    let progress = db::lock(&mut tx, run.import_id)
        .await
        .map_err(JobError::retry("locking an import"))?
        .ok_or_else(|| JobError::Permanent("the import is gone".into()))?;
    if !ImportState::from_db(&progress.state).is_some_and(ImportState::is_active) {
        return Ok(false);
    }
    if usize::try_from(progress.processed_rows).ok() != Some(offset) {
        return Err(JobError::Retry(
            "another try of this import moved on; resuming from its last batch".into(),
        ));
    }
    let outcome = match run.kind {
        ImportKind::Products => products(&mut tx, run, rows, seen).await,
        ImportKind::Stock => stock(&mut tx, run, rows).await,
    }
    .map_err(JobError::retry("importing a batch"))?;
    let mut lines = Vec::with_capacity(outcome.refused.len());
    let mut skus = Vec::with_capacity(outcome.refused.len());
    let mut reasons = Vec::with_capacity(outcome.refused.len());
    for (line, sku, reason) in outcome.refused {
        lines.push(line);
        skus.push(sku);
        reasons.push(reason);
    }
    db::reject(&mut tx, run.import_id, &lines, &skus, &reasons)
        .await
        .map_err(JobError::retry("keeping rejected rows"))?;
    db::advance(
        &mut tx,
        run.import_id,
        rows.len() as i32,
        outcome.created,
        outcome.updated,
        lines.len() as i32,
    )
    .await
    .map_err(JobError::retry("counting an import batch"))?;
    tx.commit()
        .await
        .map_err(JobError::retry("committing an import batch"))?;
    Ok(true)
}

const UNREADABLE: &str = "this line could not be read as CSV (check its quotes).";

/// Where a new variant goes: a product the shop has, or one this batch creates (by its index).
enum Target {
    Existing(i64),
    New(usize),
}

struct NewProduct {
    slug: String,
    name: String,
    description: String,
    category_id: i64,
    status: &'static str,
    options: Vec<String>,
}

/// Field changes to a product the shop has; the first row that gives a field wins.
#[derive(Default)]
struct ProductChange {
    name: Option<String>,
    description: Option<String>,
    category_id: Option<i64>,
    status: Option<&'static str>,
}

impl ProductChange {
    fn merge(&mut self, row: &ProductRow, category_id: Option<i64>) {
        self.name = self.name.take().or_else(|| row.name.clone());
        self.description = self.description.take().or_else(|| row.description.clone());
        self.category_id = self.category_id.or(category_id);
        self.status = self.status.or(row.status.map(|s| s.as_db()));
    }
}

fn options_json(row: &ProductRow) -> String {
    let map: serde_json::Map<String, serde_json::Value> = row
        .options
        .iter()
        .map(|(k, v)| (k.clone(), json!(v)))
        .collect();
    serde_json::Value::Object(map).to_string()
}

fn options_refusal(expected: &[String]) -> String {
    if expected.is_empty() {
        "the product has no options; leave the option columns blank.".into()
    } else {
        format!(
            "the product's options are {}: give a value for each, in that order.",
            expected.join(", ")
        )
    }
}

/// A batch of product rows.
async fn products(
    tx: &mut PgConnection,
    run: &Run,
    rows: &[(i32, Option<csv::StringRecord>)],
    first_line: &mut HashMap<String, i32>,
) -> sqlx::Result<Outcome> {
    let mut out = Outcome::default();
    let mut parsed: Vec<(i32, ProductRow)> = Vec::with_capacity(rows.len());
    for (line, record) in rows {
        let Some(record) = record else {
            out.refused.push((*line, None, UNREADABLE.into()));
            continue;
        };
        let cells: Vec<&str> = record.iter().collect();
        match run.columns.product_row(&cells, run.currency) {
            Err(reason) => out
                .refused
                .push((*line, run.columns.sku_of(&cells), reason)),
            Ok(p) => match first_line.get(p.sku.as_str()) {
                Some(first) => out.refused.push((
                    *line,
                    Some(p.sku.as_str().into()),
                    format!("the SKU is on line {first} already; give each SKU one row."),
                )),
                None => {
                    first_line.insert(p.sku.as_str().into(), *line);
                    parsed.push((*line, p));
                }
            },
        }
    }
    let skus: Vec<String> = parsed.iter().map(|(_, p)| p.sku.as_str().into()).collect();
    let known_variants: HashMap<String, db::KnownVariant> = db::variants_by_sku(tx, &skus)
        .await?
        .into_iter()
        .map(|v| (v.sku.clone(), v))
        .collect();
    let slugs: Vec<String> = parsed
        .iter()
        .map(|(_, p)| p.product.as_str().to_string())
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let known_products: HashMap<String, db::KnownProduct> = db::products_by_slug(tx, &slugs)
        .await?
        .into_iter()
        .map(|p| (p.slug.clone(), p))
        .collect();

    let mut new_products: Vec<NewProduct> = Vec::new();
    let mut new_index: HashMap<String, usize> = HashMap::new();
    let mut changes: HashMap<i64, ProductChange> = HashMap::new();
    let mut updates: Vec<(i32, i64, ProductRow)> = Vec::new();
    let mut inserts: Vec<(i32, Target, ProductRow)> = Vec::new();
    for (line, p) in parsed {
        let sku = Some(p.sku.as_str().to_string());
        let slug = p.product.as_str().to_string();
        let category_id = match &p.category {
            None => None,
            Some(c) => match run.categories.get(c.as_str()) {
                Some(id) => Some(*id),
                None => {
                    out.refused.push((
                        line,
                        sku,
                        format!("no category has the web address {}.", c.as_str()),
                    ));
                    continue;
                }
            },
        };
        let names = p.option_names();
        if let Some(v) = known_variants.get(p.sku.as_str()) {
            if v.slug != slug {
                out.refused.push((
                    line,
                    sku,
                    format!(
                        "the SKU belongs to the product {}; a SKU cannot move to another product.",
                        v.slug
                    ),
                ));
            } else if v.option_names != names {
                out.refused
                    .push((line, sku, options_refusal(&v.option_names)));
            } else {
                changes
                    .entry(v.product_id)
                    .or_default()
                    .merge(&p, category_id);
                updates.push((line, v.product_id, p));
            }
        } else if let Some(known) = known_products.get(&slug) {
            if known.option_names != names {
                out.refused
                    .push((line, sku, options_refusal(&known.option_names)));
            } else {
                changes
                    .entry(known.product_id)
                    .or_default()
                    .merge(&p, category_id);
                inserts.push((line, Target::Existing(known.product_id), p));
            }
        } else if let Some(&i) = new_index.get(&slug) {
            if new_products[i].options != names {
                out.refused
                    .push((line, sku, options_refusal(&new_products[i].options)));
            } else {
                inserts.push((line, Target::New(i), p));
            }
        } else {
            let (Some(name), Some(category_id)) = (p.name.clone(), category_id) else {
                out.refused.push((
                    line,
                    sku,
                    format!("{slug} is a new product: give it a name and a category."),
                ));
                continue;
            };
            new_index.insert(slug.clone(), new_products.len());
            new_products.push(NewProduct {
                slug,
                name,
                description: p.description.clone().unwrap_or_default(),
                category_id,
                status: p.status.map_or("active", |s| s.as_db()),
                options: names,
            });
            inserts.push((line, Target::New(new_products.len() - 1), p));
        }
    }

    // New products: those whose web address someone else took meanwhile are refused with their rows.
    let mut columns = db::NewProducts::default();
    for n in &new_products {
        columns.slugs.push(n.slug.clone());
        columns.names.push(n.name.clone());
        columns.descriptions.push(n.description.clone());
        columns.category_ids.push(n.category_id);
        columns.statuses.push(n.status.to_string());
    }
    let created: HashMap<String, i64> = if new_products.is_empty() {
        HashMap::new()
    } else {
        db::insert_products(tx, &columns, run.currency.code())
            .await?
            .into_iter()
            .map(|(id, slug)| (slug, id))
            .collect()
    };
    let (mut option_products, mut option_names, mut option_positions) = (vec![], vec![], vec![]);
    for n in &new_products {
        if let Some(id) = created.get(&n.slug) {
            for (i, name) in n.options.iter().enumerate() {
                option_products.push(*id);
                option_names.push(name.clone());
                option_positions.push(i as i32);
            }
        }
    }
    if !option_products.is_empty() {
        db::insert_options(tx, &option_products, &option_names, &option_positions).await?;
    }

    let mut change_columns = db::ProductChanges::default();
    let mut change_ids: Vec<i64> = changes.keys().copied().collect();
    change_ids.sort_unstable();
    for id in change_ids {
        let c = &changes[&id];
        change_columns.ids.push(id);
        change_columns.names.push(c.name.clone());
        change_columns.descriptions.push(c.description.clone());
        change_columns.category_ids.push(c.category_id);
        change_columns.statuses.push(c.status.map(str::to_string));
    }
    let changed_products: HashSet<i64> = if change_columns.ids.is_empty() {
        HashSet::new()
    } else {
        db::update_products(tx, &change_columns)
            .await?
            .into_iter()
            .collect()
    };

    // Existing variants, locked in SKU order as checkouts lock them, so neither waits on the other in a cycle.
    let mut variant_columns = db::VariantColumns::default();
    updates.sort_by(|a, b| a.2.sku.as_str().cmp(b.2.sku.as_str()));
    for (_, _, p) in &updates {
        variant_columns.skus.push(p.sku.as_str().into());
        variant_columns.options.push(options_json(p));
        variant_columns.prices.push(p.price_minor);
        variant_columns.compare_ats.push(p.compare_at_minor);
        variant_columns.low_stock.push(p.low_stock_threshold);
    }
    let changed_variants: HashSet<String> = if updates.is_empty() {
        HashSet::new()
    } else {
        db::lock_variants(tx, &variant_columns.skus).await?;
        db::update_variants(tx, &variant_columns)
            .await?
            .into_iter()
            .collect()
    };
    for (_, product_id, p) in &updates {
        if changed_variants.contains(p.sku.as_str()) || changed_products.contains(product_id) {
            out.updated += 1;
        }
    }

    let mut new_variants = db::VariantColumns::default();
    let mut wanted: Vec<(i32, String)> = Vec::new();
    for (line, target, p) in &inserts {
        let product_id = match target {
            Target::Existing(id) => Some(*id),
            Target::New(i) => created.get(&new_products[*i].slug).copied(),
        };
        let Some(product_id) = product_id else {
            out.refused.push((
                *line,
                Some(p.sku.as_str().into()),
                format!(
                    "another product with the web address {} was created meanwhile; import the file again.",
                    p.product.as_str()
                ),
            ));
            continue;
        };
        wanted.push((*line, p.sku.as_str().into()));
        new_variants.product_ids.push(product_id);
        new_variants.skus.push(p.sku.as_str().into());
        new_variants.options.push(options_json(p));
        new_variants.prices.push(p.price_minor);
        new_variants.compare_ats.push(p.compare_at_minor);
        new_variants.low_stock.push(p.low_stock_threshold);
        new_variants.positions.push(*line);
        new_variants.opening_stock.push(p.opening_stock);
    }
    if !wanted.is_empty() {
        let note = format!("opening stock, import #{}", run.import_id);
        let made: HashSet<String> =
            db::insert_variants(tx, &new_variants, run.currency.code(), run.actor, &note)
                .await?
                .into_iter()
                .collect();
        for (line, sku) in wanted {
            if made.contains(&sku) {
                out.created += 1;
            } else {
                out.refused.push((
                    line,
                    Some(sku),
                    "another product took this SKU meanwhile; import the file again.".into(),
                ));
            }
        }
    }
    Ok(out)
}

/// A batch of stock rows: each an adjustment with its ledger row, in SKU order (as checkouts lock variants).
async fn stock(
    tx: &mut PgConnection,
    run: &Run,
    rows: &[(i32, Option<csv::StringRecord>)],
) -> sqlx::Result<Outcome> {
    let mut out = Outcome::default();
    let mut parsed = Vec::with_capacity(rows.len());
    for (line, record) in rows {
        let Some(record) = record else {
            out.refused.push((*line, None, UNREADABLE.into()));
            continue;
        };
        let cells: Vec<&str> = record.iter().collect();
        match run.columns.stock_row(&cells) {
            Ok(a) => parsed.push((*line, a)),
            Err(reason) => out
                .refused
                .push((*line, run.columns.sku_of(&cells), reason)),
        }
    }
    parsed.sort_by(|a, b| a.1.sku.as_str().cmp(b.1.sku.as_str()));
    for (line, a) in parsed {
        let note = match &a.note {
            Some(n) => format!("import #{}: {n}", run.import_id),
            None => format!("import #{}", run.import_id),
        };
        let sku = Some(a.sku.as_str().to_string());
        match stock_db::adjust(
            tx,
            a.sku.as_str(),
            a.delta,
            a.reason.as_db(),
            run.actor,
            Some(&note),
        )
        .await?
        {
            stock_db::Adjusted::Done { .. } => out.updated += 1,
            stock_db::Adjusted::Unknown => {
                out.refused
                    .push((line, sku, "no product variant has this SKU.".into()))
            }
            stock_db::Adjusted::Refused { on_hand, reserved } => {
                let message = if a.delta > 0 {
                    "that would hold more stock than one variant can count.".to_string()
                } else {
                    let removable = (on_hand - reserved).max(0);
                    format!(
                        "only {removable} of the {on_hand} on hand are not held by unpaid orders; remove at most {removable}."
                    )
                };
                out.refused.push((line, sku, message));
            }
        }
    }
    Ok(out)
}
