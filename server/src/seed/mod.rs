//! `server seed --demo` loads the demo catalog; `server seed --products N` adds N generated products;
//! `server seed --orders N` adds N generated orders.

mod bulk;
mod demo;
mod images;
mod orders;
mod shipping;

use crate::cli::SeedArgs;
use crate::config::Config;
use crate::startup::{connect, MIGRATOR};
use crate::BoxError;

pub use bulk::generate;
pub use demo::{load as load_demo, DemoCatalog, Summary, DEMO_CATEGORIES};

pub async fn run(config: &Config, args: SeedArgs) -> Result<(), BoxError> {
    let pool = connect(config.database_url.expose(), 4).await?;
    MIGRATOR.run(&pool).await?;
    match args {
        SeedArgs::Demo => {
            let summary = demo::load(&pool, &config.media_dir).await?;
            // Loading rewrites each product's search and listing rows as its variants and images go in: vacuum
            // leaves the catalog as compact as autovacuum would, with statistics for the planner, so the first
            // minutes of a new shop (and of a benchmark) run the plans of every later minute.
            sqlx::raw_sql(
                "vacuum (analyze) product, variant, product_image, product_search, product_listing, category",
            )
            .execute(&pool)
            .await?;
            tracing::info!(
                products = summary.products,
                variants = summary.variants,
                categories = summary.categories,
                media = %config.media_dir.display(),
                "demo catalog loaded"
            );
        }
        SeedArgs::Products(n) => {
            let started = std::time::Instant::now();
            bulk::generate(&pool, &config.media_dir, n).await?;
            tracing::info!(
                products = n,
                seconds = started.elapsed().as_secs_f64(),
                "generated products"
            );
        }
        SeedArgs::Orders(n) => {
            let started = std::time::Instant::now();
            orders::generate(&pool, config, n).await?;
            tracing::info!(
                orders = n,
                seconds = started.elapsed().as_secs_f64(),
                "generated orders"
            );
        }
    }
    Ok(())
}
