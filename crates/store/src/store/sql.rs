//! A query assembled from constant fragments with its values bound in order: the console's
//! filters are optional, so its queries are built, yet no input ever becomes SQL text.

use sqlx::any::AnyRow;
use sqlx::{AnyPool, AssertSqlSafe};

use super::Result;

/// A value to bind at the next placeholder.
pub(crate) enum Bind {
    Int(i64),
    Real(f64),
    Text(String),
}

pub(crate) struct Sql {
    text: String,
    binds: Vec<Bind>,
}

impl Sql {
    pub(crate) fn new(start: impl Into<String>) -> Sql {
        Sql {
            text: start.into(),
            binds: Vec::new(),
        }
    }

    /// Appends a constant fragment of SQL.
    pub(crate) fn push(&mut self, fragment: &'static str) {
        self.text.push_str(fragment);
    }

    /// Appends the next placeholder (`$n`) and the value it stands for.
    pub(crate) fn bind(&mut self, value: Bind) {
        self.binds.push(value);
        self.text.push_str(&format!("${}", self.binds.len()));
    }

    pub(crate) async fn fetch_all(self, pool: &AnyPool) -> Result<Vec<AnyRow>> {
        let mut query = sqlx::query(AssertSqlSafe(self.text));
        for value in self.binds {
            query = match value {
                Bind::Int(v) => query.bind(v),
                Bind::Real(v) => query.bind(v),
                Bind::Text(v) => query.bind(v),
            };
        }
        Ok(query.fetch_all(pool).await?)
    }
}
