//! Expand/contract as a test: the previous release's code still runs against the current migrations, so two
//! releases can share the database during a blue-green switch.
//!
//! The previous release is the commit before the newest change to `migrations/` (the code that was serving when
//! that migration was applied), or `BAZAAR_PREVIOUS_RELEASE` (any commit, e.g. the one deployed). Its migrations
//! must be the current ones' first files, unchanged. Then, on one database, as a deploy does it: its migrations,
//! every query it checked at compile time (its `.sqlx`) described; the current migrations applied on top; every
//! query described again. A query that no longer prepares, or whose parameters, result columns, their types or
//! nullability changed, is an old instance failing mid-switch.

use sqlx::postgres::{PgTypeInfo, PgTypeKind};
use sqlx::{Either, Executor, PgPool, TypeInfo};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

#[sqlx::test(migrations = false)]
async fn the_previous_release_runs_against_the_current_migrations(pool: PgPool) {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf();
    let previous = match std::env::var("BAZAAR_PREVIOUS_RELEASE") {
        Ok(commit) => commit,
        Err(_) => {
            let newest = git(&root, &["log", "-1", "--format=%H", "--", "migrations"]);
            format!("{}^", newest.trim())
        }
    };
    let dir = crate::helpers::TempDir(
        std::env::temp_dir().join(format!("bazaar-previous-{}", uuid::Uuid::new_v4())),
    );
    std::fs::create_dir_all(&dir.0).unwrap();
    let unpacked = Command::new("sh")
        .arg("-c")
        .arg("git -C \"$1\" archive \"$2\" migrations .sqlx | tar -x -C \"$3\"")
        .args(["sh", root.to_str().unwrap(), &previous])
        .arg(&dir.0)
        .status()
        .expect("git and tar");
    assert!(unpacked.success(), "unpacking {previous}");

    // Its migrations are ours, unchanged (else its migrator refuses the database: a changed checksum).
    let old_migrations = dir.0.join("migrations");
    for entry in std::fs::read_dir(&old_migrations).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_str().unwrap().to_string();
        let current = std::fs::read(root.join("migrations").join(&name)).unwrap_or_else(|_| {
            panic!("migration {name} of {previous} is gone: migrations are never removed")
        });
        assert!(
            current == std::fs::read(&path).unwrap(),
            "migration {name} changed since {previous}: an applied migration is never edited, add a new one"
        );
    }

    let queries = old_queries(&dir.0.join(".sqlx"));
    assert!(
        queries.len() > 100,
        "{previous} has its checked queries in .sqlx ({})",
        queries.len()
    );
    sqlx::migrate::Migrator::new(old_migrations.as_path())
        .await
        .unwrap()
        .run(&pool)
        .await
        .unwrap();
    let mut before = BTreeMap::new();
    for (file, query) in &queries {
        let shape = shape(&pool, query)
            .await
            .unwrap_or_else(|e| panic!("{file} does not prepare on its own schema: {e}"));
        before.insert(file.clone(), shape);
    }

    server::startup::MIGRATOR.run(&pool).await.unwrap();
    let mut broken = Vec::new();
    for (file, query) in &queries {
        match shape(&pool, query).await {
            Ok(now) if now == before[file] => {}
            Ok(now) => broken.push(format!(
                "{file}: {}\n{}",
                first_line(query),
                before[file].changes(&now)
            )),
            Err(e) => broken.push(format!("{file}: {}\n  now: {e}", first_line(query))),
        }
    }
    assert!(
        broken.is_empty(),
        "{} of {}'s {} queries no longer fit the current schema (make the change in two releases: expand now, \
         contract once no release reads the old shape):\n{}",
        broken.len(),
        previous,
        queries.len(),
        broken.join("\n")
    );
}

/// What the old code relies on: parameter types, and each column's name, type (an enum's labels too: a label it
/// does not know fails to decode) and whether it can be null.
#[derive(Debug, PartialEq)]
struct Shape {
    parameters: Vec<String>,
    columns: Vec<(String, String, Option<bool>)>,
}

impl Shape {
    /// What differs, one line each.
    fn changes(&self, now: &Shape) -> String {
        let mut lines = Vec::new();
        if self.parameters != now.parameters {
            lines.push(format!(
                "  parameters: {:?} -> {:?}",
                self.parameters, now.parameters
            ));
        }
        let columns = self.columns.len().max(now.columns.len());
        for i in 0..columns {
            let (then, now) = (self.columns.get(i), now.columns.get(i));
            if then != now {
                lines.push(format!("  column {i}: {then:?} -> {now:?}"));
            }
        }
        lines.join("\n")
    }
}

async fn shape(pool: &PgPool, query: &str) -> Result<Shape, sqlx::Error> {
    let described = pool
        .describe(sqlx::SqlSafeStr::into_sql_str(sqlx::AssertSqlSafe(
            query.to_string(),
        )))
        .await?;
    let parameters = match described.parameters() {
        Some(Either::Left(types)) => types.iter().map(type_name).collect(),
        Some(Either::Right(n)) => vec![format!("{n} untyped")],
        None => Vec::new(),
    };
    let columns = described
        .columns()
        .iter()
        .enumerate()
        .map(|(i, c)| {
            (
                sqlx::Column::name(c).to_string(),
                type_name(sqlx::Column::type_info(c)),
                described.nullable(i),
            )
        })
        .collect();
    Ok(Shape {
        parameters,
        columns,
    })
}

fn type_name(t: &PgTypeInfo) -> String {
    match t.kind() {
        PgTypeKind::Enum(labels) => format!("{}{labels:?}", t.name()),
        _ => t.name().to_string(),
    }
}

/// The `.sqlx` files of a release: (file name, query).
fn old_queries(dir: &Path) -> Vec<(String, String)> {
    let mut queries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .map(|p| {
            let json: serde_json::Value =
                serde_json::from_slice(&std::fs::read(&p).unwrap()).unwrap();
            (
                p.file_name().unwrap().to_str().unwrap().to_string(),
                json["query"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    queries.sort();
    queries
}

fn first_line(query: &str) -> &str {
    query.trim().lines().next().unwrap_or_default()
}

fn git(root: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(args)
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The other half of a switch: the previous release starts (or restarts after a crash) against a database the new
/// release migrated further. Its migrator takes the unknown newer migration as it is.
#[sqlx::test(migrations = "../migrations")]
async fn a_database_migrated_further_is_accepted(pool: PgPool) {
    sqlx::query(
        "insert into _sqlx_migrations (version, description, success, checksum, execution_time)
         values (99991231000000, 'from a newer release', true, '\\x00', 1)",
    )
    .execute(&pool)
    .await
    .unwrap();
    server::startup::MIGRATOR
        .run(&pool)
        .await
        .expect("a newer migration is no reason to refuse to start");
}
