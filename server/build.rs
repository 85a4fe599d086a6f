// `sqlx::migrate!` embeds the migrations folder at compile time, but cargo only knows to rebuild when a Rust file
// changes: without this, a new migration file is silently left out of the next build (sqlx's documented fix).
fn main() {
    println!("cargo:rerun-if-changed=../migrations");
}
