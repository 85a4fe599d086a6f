//! Bulk files staff upload and download: the product CSV (one row per variant, created or updated by SKU), the
//! stock CSV (SKU, quantity, reason), and what the import page shows while a file is worked through.
//!
//! The file's rows are parsed here, one at a time, each into what the shop stores or into a reason in words for
//! the report: a bad row rejects that row only.

use super::catalog::ProductStatus;
use super::stock::StockAdjustment;
use crate::domain::money::{minor_from_decimal, Currency, Money};
use crate::domain::sku::Sku;
use crate::domain::slug::Slug;
use crate::domain::DomainError;
use serde::{Deserialize, Serialize};

/// What a file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ImportKind {
    Products,
    Stock,
}

impl ImportKind {
    pub fn as_db(self) -> &'static str {
        match self {
            ImportKind::Products => "products",
            ImportKind::Stock => "stock",
        }
    }

    pub fn from_db(raw: &str) -> Option<ImportKind> {
        [ImportKind::Products, ImportKind::Stock]
            .into_iter()
            .find(|k| k.as_db() == raw.trim())
    }

    pub fn label(self) -> &'static str {
        match self {
            ImportKind::Products => "Products",
            ImportKind::Stock => "Stock adjustments",
        }
    }
}

/// Where an import has got.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ImportState {
    Queued,
    Running,
    Done,
    /// Stopped by something other than its rows (the database gone for longer than the job's tries).
    Failed,
}

impl ImportState {
    pub fn from_db(raw: &str) -> Option<ImportState> {
        Some(match raw {
            "queued" => ImportState::Queued,
            "running" => ImportState::Running,
            "done" => ImportState::Done,
            "failed" => ImportState::Failed,
            _ => return None,
        })
    }

    pub fn label(self) -> &'static str {
        match self {
            ImportState::Queued => "Waiting to start",
            ImportState::Running => "Importing",
            ImportState::Done => "Finished",
            ImportState::Failed => "Stopped",
        }
    }

    /// Still moving: the page refreshes itself while this holds.
    pub fn is_active(self) -> bool {
        matches!(self, ImportState::Queued | ImportState::Running)
    }
}

/// One rejected row, for the report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rejection {
    /// The file's line, counting the header as line 1.
    pub line: i64,
    pub sku: Option<String>,
    pub reason: String,
}

/// An import as its page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportView {
    pub import_id: i64,
    pub kind: ImportKind,
    pub file_name: String,
    pub state: ImportState,
    pub total_rows: i64,
    pub processed_rows: i64,
    pub created_rows: i64,
    pub updated_rows: i64,
    pub rejected_rows: i64,
    pub by: String,
    pub created_at: String,
    pub finished_at: Option<String>,
    /// The first rejected rows, by line.
    pub rejections: Vec<Rejection>,
}

impl ImportView {
    /// How many rejected rows the page lists.
    pub const REJECTIONS_SHOWN: i64 = 500;

    /// Rows done, in whole percent (100 only when every row is).
    pub fn percent(&self) -> i64 {
        if self.total_rows <= 0 {
            return 100;
        }
        let done = self.processed_rows.clamp(0, self.total_rows);
        if done == self.total_rows {
            100
        } else {
            (done * 100 / self.total_rows).min(99)
        }
    }

    /// Rows that matched what the shop held already.
    pub fn unchanged_rows(&self) -> i64 {
        (self.processed_rows - self.created_rows - self.updated_rows - self.rejected_rows).max(0)
    }
}

/// The latest imports, for the import page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportList {
    pub imports: Vec<ImportView>,
}

/// The largest file accepted: about 100,000 product rows.
pub const MAX_FILE_BYTES: usize = 32 * 1024 * 1024;
/// The most rows one file may hold.
pub const MAX_ROWS: usize = 200_000;

/// A file's name as shown on its page: its last path part, printable, at most 200 characters.
pub fn file_name(raw: &str) -> String {
    let last = raw.rsplit(['/', '\\']).next().unwrap_or("").trim();
    let clean: String = last.chars().filter(|c| !c.is_control()).take(200).collect();
    if clean.is_empty() {
        "upload.csv".to_string()
    } else {
        clean
    }
}

/// A cell as written to a CSV that people open in a spreadsheet: text that a spreadsheet would run as a formula
/// (`=`, `+`, `-`, `@`, tab, carriage return first) gets a leading apostrophe, which [`from_cell`] removes.
pub fn to_cell(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_string()
    }
}

/// Undoes [`to_cell`] on text read from a CSV, and trims it.
pub fn from_cell(raw: &str) -> &str {
    let t = raw.trim();
    match t.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@']) => rest,
        _ => t,
    }
}

/// The product CSV's columns, in the order exports write them. `sku`, `product` and `price` are required; the
/// others may be left out (a left-out or blank column keeps what the shop has, or takes the default for a new
/// product). `stock_on_hand` is what an export reports and is ignored on import: stock changes go through the
/// ledger (the stock CSV), and `opening_stock` is booked as received only when the row creates its variant.
pub const PRODUCT_COLUMNS: [&str; 17] = [
    "sku",
    "product",
    "name",
    "description",
    "category",
    "status",
    "option1_name",
    "option1_value",
    "option2_name",
    "option2_value",
    "option3_name",
    "option3_value",
    "price",
    "compare_at_price",
    "low_stock_threshold",
    "opening_stock",
    "stock_on_hand",
];

/// The stock CSV's columns: `quantity` adds units (negative: removes them); `reason` is one of received,
/// correction, damaged, returned; `note` is optional.
pub const STOCK_COLUMNS: [&str; 4] = ["sku", "quantity", "reason", "note"];

/// Where each known column is in a file's header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Columns {
    index: Vec<Option<usize>>,
    known: &'static [&'static str],
}

impl Columns {
    fn read(
        header: &[&str],
        known: &'static [&'static str],
        required: &[&str],
    ) -> Result<Self, DomainError> {
        let names: Vec<String> = header
            .iter()
            .map(|h| h.trim().trim_start_matches('\u{feff}').to_lowercase())
            .collect();
        let missing: Vec<&str> = required
            .iter()
            .copied()
            .filter(|r| !names.iter().any(|n| n == r))
            .collect();
        if !missing.is_empty() {
            return Err(DomainError::File {
                message: format!(
                    "The first line must name the columns; this file has no {} column. Columns: {}.",
                    missing.join(", "),
                    known.join(", ")
                ),
            });
        }
        if let Some(dup) = known
            .iter()
            .find(|k| names.iter().filter(|n| n == k).count() > 1)
        {
            return Err(DomainError::File {
                message: format!("The column {dup} appears twice in the first line."),
            });
        }
        Ok(Columns {
            index: known
                .iter()
                .map(|k| names.iter().position(|n| n == k))
                .collect(),
            known,
        })
    }

    /// The product CSV's header.
    pub fn products(header: &[&str]) -> Result<Self, DomainError> {
        Self::read(header, &PRODUCT_COLUMNS, &["sku", "product", "price"])
    }

    /// The stock CSV's header.
    pub fn stock(header: &[&str]) -> Result<Self, DomainError> {
        Self::read(header, &STOCK_COLUMNS, &["sku", "quantity", "reason"])
    }

    /// The cell of column `name` in `record`: trimmed, "" when the column or the cell is absent.
    fn get<'r>(&self, record: &[&'r str], name: &str) -> &'r str {
        self.known
            .iter()
            .position(|k| *k == name)
            .and_then(|i| self.index[i])
            .and_then(|i| record.get(i).copied())
            .map(from_cell)
            .unwrap_or("")
    }

    /// The row's SKU as typed (upper-cased), for the report, whether or not the row parses.
    pub fn sku_of(&self, record: &[&str]) -> Option<String> {
        let raw = self.get(record, "sku");
        (!raw.is_empty()).then(|| raw.chars().take(64).collect::<String>().to_uppercase())
    }

    /// One row of the product CSV, or why it is refused.
    pub fn product_row(&self, record: &[&str], currency: Currency) -> Result<ProductRow, String> {
        let get = |name: &str| self.get(record, name);
        let optional = |name: &str| Some(get(name)).filter(|v| !v.is_empty());
        let sku = Sku::parse(&get("sku").to_uppercase()).map_err(|_| {
            "the SKU must be capital letters, digits and dashes (up to 64), like SHIRT-M-BLUE."
                .to_string()
        })?;
        let product = Slug::parse(get("product")).map_err(|_| {
            "product is the product's web address: lower-case letters, digits and single dashes, like linen-shirt."
                .to_string()
        })?;
        let name = optional("name").map(str::to_string);
        if name.as_ref().is_some_and(|n| n.chars().count() > 200) {
            return Err("the name is longer than 200 characters.".into());
        }
        let description = optional("description").map(str::to_string);
        if description
            .as_ref()
            .is_some_and(|d| d.chars().count() > 10_000)
        {
            return Err("the description is longer than 10000 characters.".into());
        }
        let category = optional("category")
            .map(|c| {
                Slug::parse(c).map_err(|_| {
                    "category is the category's web address, like knitwear.".to_string()
                })
            })
            .transpose()?;
        let status = optional("status")
            .map(|s| {
                ProductStatus::from_db(&s.to_lowercase())
                    .ok_or_else(|| "status is draft, active or archived.".to_string())
            })
            .transpose()?;
        let mut options: Vec<(String, String)> = Vec::new();
        for i in 1..=3 {
            let name = get(&format!("option{i}_name"));
            let value = get(&format!("option{i}_value"));
            match (name.is_empty(), value.is_empty()) {
                (true, true) => continue,
                (false, false) => {}
                (true, false) => return Err(format!("option{i}_value has no option{i}_name.")),
                (false, true) => return Err(format!("option{i}_name {name} has no value.")),
            }
            if name.chars().count() > 60 || value.chars().count() > 60 {
                return Err("option names and values are at most 60 characters.".into());
            }
            if options
                .iter()
                .any(|(n, _)| n.to_lowercase() == name.to_lowercase())
            {
                return Err(format!("the option {name} appears twice."));
            }
            options.push((name.to_string(), value.to_string()));
        }
        let exponent = currency.exponent();
        let max = super::product_form::ProductInput::MAX_PRICE_MAJOR * 10i64.pow(exponent);
        let price_minor = minor_from_decimal(get("price"), exponent)
            .filter(|p| *p > 0 && *p <= max)
            .ok_or_else(|| {
                format!(
                    "the price must be like {} (more than zero, at most {}).",
                    Money::new(1250 * 10i64.pow(exponent) / 100, currency).decimal(),
                    super::product_form::ProductInput::MAX_PRICE_MAJOR
                )
            })?;
        let compare_at_minor = optional("compare_at_price")
            .map(|raw| {
                minor_from_decimal(raw, exponent)
                    .filter(|c| *c > price_minor && *c <= max)
                    .ok_or_else(|| {
                        "the compare-at price must be higher than the price, or blank.".to_string()
                    })
            })
            .transpose()?;
        let whole = |name: &str, max: i32, message: &str| {
            optional(name)
                .map(|raw| {
                    raw.parse::<i32>()
                        .ok()
                        .filter(|n| (0..=max).contains(n))
                        .ok_or_else(|| message.to_string())
                })
                .transpose()
        };
        let low_stock_threshold = whole(
            "low_stock_threshold",
            100_000,
            "low_stock_threshold is a whole number from 0 to 100000.",
        )?;
        let opening_stock = whole(
            "opening_stock",
            super::product_form::ProductInput::MAX_OPENING_STOCK,
            "opening_stock is a whole number from 0 to 100000.",
        )?
        .unwrap_or(0);
        Ok(ProductRow {
            sku,
            product,
            name,
            description,
            category,
            status,
            options,
            price_minor,
            compare_at_minor,
            low_stock_threshold,
            opening_stock,
        })
    }

    /// One row of the stock CSV, or why it is refused.
    pub fn stock_row(&self, record: &[&str]) -> Result<StockAdjustment, String> {
        let get = |name: &str| self.get(record, name);
        StockAdjustment::parse(
            &get("sku").to_uppercase(),
            get("quantity"),
            &get("reason").to_lowercase(),
            get("note"),
        )
        .map_err(|e| match e.field() {
            "sku" => "the SKU must be capital letters, digits and dashes, like SHIRT-M-BLUE.".into(),
            "delta" if matches!(e, DomainError::Field { message, .. } if message.starts_with("Enter")) => {
                "quantity is a whole number of units to add (or, negative, remove), up to 100000 either way."
                    .into()
            }
            "reason" => "reason is one of received, correction, damaged, returned.".into(),
            _ => {
                let message = e.to_string();
                let mut chars = message.chars();
                chars
                    .next()
                    .map(|c| c.to_lowercase().collect::<String>() + chars.as_str())
                    .unwrap_or_default()
            }
        })
    }
}

/// One row of the product CSV parsed: a variant, and (from its first row in a file) its product.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProductRow {
    pub sku: Sku,
    /// The product's web address: rows with the same one are variants of one product.
    pub product: Slug,
    /// `None`: keep (required for a new product).
    pub name: Option<String>,
    pub description: Option<String>,
    /// The category's web address; `None`: keep (required for a new product).
    pub category: Option<Slug>,
    /// `None`: keep (a new product is active).
    pub status: Option<ProductStatus>,
    /// Option name → value, in order.
    pub options: Vec<(String, String)>,
    pub price_minor: i64,
    /// `None`: no compare-at price.
    pub compare_at_minor: Option<i64>,
    /// `None`: keep (5 for a new variant).
    pub low_stock_threshold: Option<i32>,
    /// Units booked as received when this row creates the variant.
    pub opening_stock: i32,
}

impl ProductRow {
    /// The option names, in order.
    pub fn option_names(&self) -> Vec<String> {
        self.options.iter().map(|(n, _)| n.clone()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn columns() -> Columns {
        Columns::products(&PRODUCT_COLUMNS).unwrap()
    }

    fn row(cells: &[(&str, &str)]) -> Vec<String> {
        PRODUCT_COLUMNS
            .iter()
            .map(|c| {
                cells
                    .iter()
                    .find(|(k, _)| k == c)
                    .map(|(_, v)| v.to_string())
                    .unwrap_or_default()
            })
            .collect()
    }

    fn parse(cells: &[(&str, &str)]) -> Result<ProductRow, String> {
        let r = row(cells);
        let refs: Vec<&str> = r.iter().map(String::as_str).collect();
        columns().product_row(&refs, Currency::EUR)
    }

    #[test]
    fn a_full_row_parses() {
        let p = parse(&[
            ("sku", "tee-m"),
            ("product", "tee"),
            ("name", "Tee"),
            ("category", "tops"),
            ("status", "Draft"),
            ("option1_name", "Size"),
            ("option1_value", "M"),
            ("price", "12.50"),
            ("compare_at_price", "15"),
            ("low_stock_threshold", "3"),
            ("opening_stock", "10"),
        ])
        .unwrap();
        assert_eq!(p.sku.as_str(), "TEE-M");
        assert_eq!(p.price_minor, 1250);
        assert_eq!(p.compare_at_minor, Some(1500));
        assert_eq!(p.status, Some(ProductStatus::Draft));
        assert_eq!(p.options, vec![("Size".to_string(), "M".to_string())]);
        assert_eq!(p.low_stock_threshold, Some(3));
        assert_eq!(p.opening_stock, 10);
    }

    #[test]
    fn bad_rows_say_why() {
        let base = [("sku", "A-1"), ("product", "a"), ("price", "5")];
        assert!(parse(&base).is_ok());
        let with = |k: &'static str, v: &'static str| {
            let mut cells = base.to_vec();
            cells.retain(|(c, _)| *c != k);
            cells.push((k, v));
            parse(&cells).unwrap_err()
        };
        assert!(with("price", "-3").contains("price"));
        assert!(with("price", "9999999").contains("price"));
        assert!(with("compare_at_price", "4").contains("compare-at"));
        assert!(with("sku", "a b").contains("SKU"));
        assert!(with("product", "Not A Slug").contains("web address"));
        assert!(with("status", "live").contains("status"));
        assert!(with("opening_stock", "-1").contains("opening_stock"));
        assert!(with("option1_value", "M").contains("option1_name"));
    }

    #[test]
    fn headers_need_the_key_columns_in_any_order() {
        assert!(Columns::products(&["price", "SKU", "product"]).is_ok());
        let e = Columns::products(&["sku", "name"]).unwrap_err();
        assert!(e.to_string().contains("product, price"));
        assert!(Columns::products(&["sku", "sku", "product", "price"]).is_err());
        let c = Columns::products(&["\u{feff}sku", "price", "product"]).unwrap();
        let p = c.product_row(&["B-2", "3.00", "b"], Currency::EUR).unwrap();
        assert_eq!(p.sku.as_str(), "B-2");
        assert_eq!(p.name, None);
    }

    #[test]
    fn stock_rows_parse_or_say_why() {
        let c = Columns::stock(&STOCK_COLUMNS).unwrap();
        let a = c.stock_row(&["tee-m", "+4", "Received", ""]).unwrap();
        assert_eq!(a.delta, 4);
        assert!(c
            .stock_row(&["TEE-M", "x", "received", ""])
            .unwrap_err()
            .contains("quantity"));
        assert!(c
            .stock_row(&["TEE-M", "4", "sold", ""])
            .unwrap_err()
            .contains("reason"));
        assert!(c
            .stock_row(&["TEE-M", "-4", "received", ""])
            .unwrap_err()
            .starts_with("received"));
    }

    #[test]
    fn formula_cells_round_trip() {
        assert_eq!(to_cell("=SUM(A1)"), "'=SUM(A1)");
        assert_eq!(from_cell(&to_cell("=SUM(A1)")), "=SUM(A1)");
        assert_eq!(to_cell("Tee"), "Tee");
        assert_eq!(from_cell("'quoted"), "'quoted");
    }

    #[test]
    fn progress_reaches_100_only_at_the_end() {
        let mut v = ImportView {
            import_id: 1,
            kind: ImportKind::Products,
            file_name: file_name("C:\\x\\p.csv"),
            state: ImportState::Running,
            total_rows: 1000,
            processed_rows: 999,
            created_rows: 0,
            updated_rows: 0,
            rejected_rows: 0,
            by: String::new(),
            created_at: String::new(),
            finished_at: None,
            rejections: vec![],
        };
        assert_eq!(v.file_name, "p.csv");
        assert_eq!(v.percent(), 99);
        v.processed_rows = 1000;
        assert_eq!(v.percent(), 100);
        v.total_rows = 0;
        v.processed_rows = 0;
        assert_eq!(v.percent(), 100);
    }
}
