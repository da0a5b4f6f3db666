//! Evaluation: figures per head over all rows, per source and per language.

use std::collections::BTreeMap;
use std::fmt;

use serde::Serialize;
use tribune_learned::{Example, Head, Model, Scores, auto_decisions, binary_metrics};

use crate::corpus::Record;

/// The figures of one head over one slice of rows, at the model's thresholds.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HeadFigures {
    pub head: String,
    /// Rows where the head's label is known.
    pub support: usize,
    pub positives: usize,
    /// At the best-F1 threshold.
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    /// Mean F1 of the positive and the negative class (e.g. OFF and NOT).
    pub macro_f1: f64,
    pub roc_auc: Option<f64>,
    /// Rows at or above the auto-reject threshold, and the precision there.
    pub auto_rejected: usize,
    pub auto_reject_precision: Option<f64>,
    /// Rows at or below the auto-approve threshold, and the precision there.
    pub auto_approved: usize,
    pub auto_approve_precision: Option<f64>,
    /// Share of rows decided by this head alone (auto-reject or auto-approve).
    pub decided_share: f64,
}

/// Figures for every head with known labels in one slice.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SliceReport {
    pub rows: usize,
    pub heads: Vec<HeadFigures>,
}

/// Figures over all rows, per source and per language.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    pub overall: SliceReport,
    pub by_source: BTreeMap<String, SliceReport>,
    pub by_language: BTreeMap<String, SliceReport>,
}

/// The figures of `head` for `(score, label)` pairs under the model's thresholds of `head`.
pub fn head_figures(model: &Model, head: Head, scored: &[(f32, bool)]) -> HeadFigures {
    let t = model.thresholds(head);
    let m = binary_metrics(scored, t.best_f1);
    let d = auto_decisions(scored, &t);
    HeadFigures {
        head: head.as_str().to_owned(),
        support: m.support,
        positives: m.true_pos + m.false_neg,
        precision: m.precision,
        recall: m.recall,
        f1: m.f1,
        macro_f1: m.macro_f1,
        roc_auc: m.roc_auc,
        auto_rejected: d.rejected,
        auto_reject_precision: d.reject_precision(),
        auto_approved: d.approved,
        auto_approve_precision: d.approve_precision(),
        decided_share: d.decided_share(),
    }
}

fn slice(model: &Model, rows: &[(&Record, Scores)]) -> SliceReport {
    let heads = Head::ALL
        .into_iter()
        .filter_map(|h| {
            let scored: Vec<(f32, bool)> = rows
                .iter()
                .filter_map(|(r, s)| r.labels.get(h).map(|y| (s.get(h), y)))
                .collect();
            (!scored.is_empty()).then(|| head_figures(model, h, &scored))
        })
        .collect();
    SliceReport {
        rows: rows.len(),
        heads,
    }
}

/// Scores `examples` (the features of `records`, in the same order) and reports the figures.
pub fn evaluate(model: &Model, records: &[Record], examples: &[Example]) -> Report {
    let scored: Vec<(&Record, Scores)> = records
        .iter()
        .zip(examples)
        .map(|(r, e)| (r, model.predict(&e.features)))
        .collect();
    let group = |key: fn(&Record) -> &str| {
        let mut groups: BTreeMap<String, Vec<(&Record, Scores)>> = BTreeMap::new();
        for &(r, s) in &scored {
            groups.entry(key(r).to_owned()).or_default().push((r, s));
        }
        groups
            .into_iter()
            .map(|(k, rows)| (k, slice(model, &rows)))
            .collect()
    };
    Report {
        overall: slice(model, &scored),
        by_source: group(|r| &r.source),
        by_language: group(|r| &r.lang),
    }
}

fn opt(x: Option<f64>) -> String {
    x.map_or_else(|| "-".to_owned(), |v| format!("{v:.3}"))
}

impl SliceReport {
    fn write_rows(&self, f: &mut fmt::Formatter<'_>, name: &str) -> fmt::Result {
        for h in &self.heads {
            writeln!(
                f,
                "{name:<22} {:<16} {:>6} {:>6} {:>6.3} {:>6.3} {:>6.3} {:>6.3} {:>6} {:>6} {:>6} {:>6}",
                h.head,
                h.support,
                h.positives,
                h.precision,
                h.recall,
                h.f1,
                h.macro_f1,
                opt(h.roc_auc),
                format!("{:.1}%", 100.0 * h.decided_share),
                opt(h.auto_reject_precision),
                opt(h.auto_approve_precision),
            )?;
        }
        Ok(())
    }
}

impl fmt::Display for SliceReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_header(f)?;
        self.write_rows(f, "all")
    }
}

fn write_header(f: &mut fmt::Formatter<'_>) -> fmt::Result {
    writeln!(
        f,
        "{:<22} {:<16} {:>6} {:>6} {:>6} {:>6} {:>6} {:>6} {:>6} {:>6} {:>6} {:>6}",
        "slice", "head", "known", "pos", "prec", "recall", "F1", "macroF", "AUC", "alone", "rejP", "apprP"
    )
}

/// A plain-text table: one line per slice and head. `alone` is the share of rows the head
/// decides by itself at the 99%-precision thresholds; `rejP`/`apprP` the precision reached.
impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_header(f)?;
        self.overall.write_rows(f, "all")?;
        for (name, s) in &self.by_language {
            s.write_rows(f, &format!("lang={name}"))?;
        }
        for (name, s) in &self.by_source {
            s.write_rows(f, &format!("source={name}"))?;
        }
        Ok(())
    }
}
