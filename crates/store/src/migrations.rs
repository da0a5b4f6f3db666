//! The schema's migrations, written once (`migrations/*.sql`) and rendered for each backend.

use std::borrow::Cow;

use sqlx::migrate::{Migration, MigrationType, Migrator};
use sqlx::{AssertSqlSafe, SqlSafeStr};

use crate::Backend;

/// Every migration, in order: (version, description, source).
const SOURCES: [(i64, &str, &str); 4] = [
    (1, "initial", include_str!("../migrations/0001_initial.sql")),
    (
        2,
        "hold under abuse",
        include_str!("../migrations/0002_hold_under_abuse.sql"),
    ),
    (3, "console", include_str!("../migrations/0003_console.sql")),
    (
        4,
        "encoder jobs",
        include_str!("../migrations/0004_encoder_jobs.sql"),
    ),
];

/// Renders one migration's source for a backend: substitutes the type placeholders, keeps
/// only this backend's `--@sqlite` / `--@postgres` blocks, and leaves out whole-line comments
/// (they document the source, and may name the placeholders themselves).
pub fn render(source: &str, backend: Backend) -> String {
    let (id, int, real) = match backend {
        Backend::Sqlite => ("INTEGER PRIMARY KEY AUTOINCREMENT", "INTEGER", "REAL"),
        Backend::Postgres => ("BIGSERIAL PRIMARY KEY", "BIGINT", "DOUBLE PRECISION"),
    };
    let mut out = String::with_capacity(source.len());
    let mut keep = true;
    for line in source.lines() {
        match line.trim() {
            "--@sqlite" => keep = backend == Backend::Sqlite,
            "--@postgres" => keep = backend == Backend::Postgres,
            "--@end" => keep = true,
            comment if comment.starts_with("--") => {}
            _ if keep => {
                out.push_str(
                    &line
                        .replace("{{id}}", id)
                        .replace("{{int}}", int)
                        .replace("{{real}}", real),
                );
                out.push('\n');
            }
            _ => {}
        }
    }
    out
}

/// The migrator for a backend; on PostgreSQL it holds an advisory lock while it runs, so nodes
/// starting together migrate once.
pub fn migrator(backend: Backend) -> Migrator {
    let migrations = SOURCES
        .iter()
        .map(|(version, description, source)| {
            Migration::new(
                *version,
                Cow::Borrowed(*description),
                MigrationType::Simple,
                // The SQL is our own source file, not input.
                AssertSqlSafe(render(source, backend)).into_sql_str(),
                false,
            )
        })
        .collect();
    Migrator::with_migrations(migrations)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_backend_gets_its_own_types_and_blocks() {
        let source = "-- {{id}}\na {{id}} {{int}} {{real}}\n--@sqlite\nlite\n--@end\n--@postgres\npg\n--@end\nz\n";
        assert_eq!(
            render(source, Backend::Sqlite),
            "a INTEGER PRIMARY KEY AUTOINCREMENT INTEGER REAL\nlite\nz\n"
        );
        assert_eq!(
            render(source, Backend::Postgres),
            "a BIGSERIAL PRIMARY KEY BIGINT DOUBLE PRECISION\npg\nz\n"
        );
    }

    #[test]
    fn no_placeholder_or_marker_survives_rendering() {
        for backend in [Backend::Sqlite, Backend::Postgres] {
            for (_, _, source) in SOURCES {
                let sql = render(source, backend);
                assert!(!sql.contains("{{"), "{backend:?}");
                assert!(!sql.contains("--@"), "{backend:?}");
            }
        }
    }
}
