//! Moving a whole instance from one database to another (SQLite to PostgreSQL, typically),
//! keeping every id, then checking that each table arrived whole.

use sqlx::any::AnyRow;
use sqlx::{AssertSqlSafe, Row};

use crate::{Backend, Store, StoreError};

#[derive(Clone, Copy)]
enum Kind {
    Int,
    Text,
    Real,
}

/// A table to copy: its name, its key (for paging in a stable order) and its columns.
struct Table {
    name: &'static str,
    key: &'static str,
    columns: &'static [(&'static str, Kind)],
    /// Whether `id` comes from a sequence that must be moved past the copied ids.
    serial_id: bool,
}

use Kind::{Int, Real, Text};

/// In dependency order: a row's references always arrive before it. Encoder jobs are work
/// not yet done, so they move with their comments. Claims and rate-limit counters are not
/// copied: they are short-lived bookkeeping; `latest_decisions` is rebuilt by
/// the target's triggers as comments and decisions arrive.
const TABLES: [Table; 9] = [
    Table {
        name: "articles",
        key: "id",
        columns: &[
            ("id", Int),
            ("slug", Text),
            ("title", Text),
            ("body", Text),
            ("lang", Text),
            ("comments_open", Int),
            ("created_at", Int),
        ],
        serial_id: true,
    },
    Table {
        name: "users",
        key: "id",
        columns: &[
            ("id", Int),
            ("username", Text),
            ("password_hash", Text),
            ("role", Text),
            ("created_at", Int),
        ],
        serial_id: true,
    },
    Table {
        name: "comments",
        key: "id",
        columns: &[
            ("id", Int),
            ("article_id", Int),
            ("parent_id", Int),
            ("author_name", Text),
            ("author_email", Text),
            ("body", Text),
            ("idempotency_key", Text),
            ("created_at", Int),
        ],
        serial_id: true,
    },
    Table {
        name: "comment_facts",
        key: "comment_id",
        columns: &[
            ("comment_id", Int),
            ("lang", Text),
            ("engine_category", Text),
            ("email_hash", Text),
            ("address_hash", Text),
            ("link_host", Text),
            ("band0", Int),
            ("band1", Int),
            ("band2", Int),
            ("band3", Int),
            ("encoder", Text),
        ],
        serial_id: false,
    },
    Table {
        name: "comment_tokens",
        key: "token_hash",
        columns: &[("token_hash", Text), ("comment_id", Int)],
        serial_id: false,
    },
    Table {
        name: "decisions",
        key: "id",
        columns: &[
            ("id", Int),
            ("comment_id", Int),
            ("decision", Text),
            ("category", Text),
            ("actor_kind", Text),
            ("actor", Text),
            ("note", Text),
            ("risk", Real),
            ("verdict", Text),
            ("created_at", Int),
        ],
        serial_id: true,
    },
    Table {
        name: "encoder_jobs",
        key: "comment_id",
        columns: &[
            ("comment_id", Int),
            ("created_at", Int),
            ("attempts", Int),
            ("lease_holder", Text),
            ("lease_expires_at", Int),
            ("last_error", Text),
        ],
        serial_id: false,
    },
    Table {
        name: "sessions",
        key: "token_hash",
        columns: &[
            ("token_hash", Text),
            ("user_id", Int),
            ("csrf_token", Text),
            ("created_at", Int),
            ("expires_at", Int),
        ],
        serial_id: false,
    },
    Table {
        name: "settings",
        key: "key",
        columns: &[("key", Text), ("value", Text)],
        serial_id: false,
    },
];

const BATCH: i64 = 500;

/// One table's row counts after a copy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableCount {
    pub table: &'static str,
    pub source: i64,
    pub target: i64,
}

enum Value {
    Int(Option<i64>),
    Text(Option<String>),
    Real(Option<f64>),
}

impl Store {
    /// Rows per copied table.
    pub async fn table_counts(&self) -> Result<Vec<(&'static str, i64)>, StoreError> {
        let mut counts = Vec::new();
        for table in &TABLES {
            let sql = format!("SELECT COUNT(*) AS n FROM {}", table.name);
            let row = sqlx::query(AssertSqlSafe(sql))
                .fetch_one(self.pool())
                .await?;
            counts.push((table.name, row.try_get("n")?));
        }
        Ok(counts)
    }

    /// Copies every row of this store into `target`, which must be empty, keeping ids; then
    /// counts both sides. `progress(table, copied_in_table, total_rows)` is called per batch.
    pub async fn copy_into(
        &self,
        target: &Store,
        mut progress: impl FnMut(&str, u64, u64),
    ) -> Result<Vec<TableCount>, StoreError> {
        let occupied: Vec<String> = target
            .table_counts()
            .await?
            .into_iter()
            .filter(|(name, n)| *n > 0 && *name != "settings")
            .map(|(name, n)| format!("{name}: {n} rows"))
            .collect();
        if !occupied.is_empty() {
            return Err(StoreError::TargetNotEmpty(occupied.join(", ")));
        }
        let source_counts = self.table_counts().await?;
        let total: i64 = source_counts.iter().map(|(_, n)| n).sum();
        let mut done: u64 = 0;
        for table in &TABLES {
            let columns: Vec<&str> = table.columns.iter().map(|(name, _)| *name).collect();
            let first_page = format!(
                "SELECT {} FROM {} ORDER BY {} LIMIT {BATCH}",
                columns.join(", "),
                table.name,
                table.key
            );
            let next_page = format!(
                "SELECT {} FROM {} WHERE {} > $1 ORDER BY {} LIMIT {BATCH}",
                columns.join(", "),
                table.name,
                table.key,
                table.key
            );
            // A float column takes a second, integer parameter saying whether it is NULL: see
            // `insert_decision` on why a NULL float cannot be bound directly.
            let mut extra = columns.len();
            let placeholders: Vec<String> = table
                .columns
                .iter()
                .enumerate()
                .map(|(i, (_, kind))| match kind {
                    Real => {
                        extra += 1;
                        format!("CASE WHEN ${extra} = 1 THEN ${} END", i + 1)
                    }
                    Int | Text => format!("${}", i + 1),
                })
                .collect();
            let conflict = if table.name == "settings" {
                " ON CONFLICT (key) DO UPDATE SET value = excluded.value"
            } else {
                ""
            };
            let insert = format!(
                "INSERT INTO {} ({}) VALUES ({}){conflict}",
                table.name,
                columns.join(", "),
                placeholders.join(", ")
            );
            let mut after: Option<Value> = None;
            loop {
                let query = match &after {
                    None => sqlx::query(AssertSqlSafe(first_page.clone())),
                    Some(key) => {
                        let query = sqlx::query(AssertSqlSafe(next_page.clone()));
                        match key {
                            Value::Int(v) => query.bind(*v),
                            Value::Text(v) => query.bind(v.clone()),
                            Value::Real(v) => query.bind(*v),
                        }
                    }
                };
                let rows = query.fetch_all(self.pool()).await?;
                if rows.is_empty() {
                    break;
                }
                let mut tx = target.pool().begin().await?;
                for row in &rows {
                    let mut query = sqlx::query(AssertSqlSafe(insert.clone()));
                    let mut null_flags = Vec::new();
                    for value in read_row(row, table)? {
                        query = match value {
                            Value::Int(v) => query.bind(v),
                            Value::Text(v) => query.bind(v),
                            Value::Real(v) => {
                                null_flags.push(i64::from(v.is_some()));
                                query.bind(v.unwrap_or(0.0))
                            }
                        };
                    }
                    for flag in null_flags {
                        query = query.bind(flag);
                    }
                    query.execute(&mut *tx).await?;
                }
                tx.commit().await?;
                done += rows.len() as u64;
                progress(table.name, done, u64::try_from(total).unwrap_or(0));
                let last = rows.last().map(|row| read_key(row, table)).transpose()?;
                after = last;
            }
            if table.serial_id && target.backend() == Backend::Postgres {
                let sql = format!(
                    "SELECT setval(pg_get_serial_sequence('{0}', 'id'), \
                     COALESCE((SELECT MAX(id) FROM {0}), 0) + 1, false)",
                    table.name
                );
                sqlx::query(AssertSqlSafe(sql))
                    .execute(target.pool())
                    .await?;
            }
        }
        let target_counts = target.table_counts().await?;
        Ok(source_counts
            .into_iter()
            .zip(target_counts)
            .map(|((table, source), (_, target))| TableCount {
                table,
                source,
                target,
            })
            .collect())
    }
}

fn read_value(row: &AnyRow, column: &str, kind: Kind) -> Result<Value, StoreError> {
    Ok(match kind {
        Int => Value::Int(row.try_get(column)?),
        Text => Value::Text(row.try_get(column)?),
        Real => Value::Real(row.try_get(column)?),
    })
}

fn read_row(row: &AnyRow, table: &Table) -> Result<Vec<Value>, StoreError> {
    table
        .columns
        .iter()
        .map(|(column, kind)| read_value(row, column, *kind))
        .collect()
}

fn read_key(row: &AnyRow, table: &Table) -> Result<Value, StoreError> {
    let kind = table
        .columns
        .iter()
        .find(|(name, _)| *name == table.key)
        .map(|(_, kind)| *kind)
        .unwrap_or(Text);
    read_value(row, table.key, kind)
}
