//! Evaluation: figures per head over all rows, per source and per language.

use std::collections::BTreeMap;
use std::fmt;

use serde::Serialize;
use tribune_learned::{Example, Head, Model, Scores, Thresholds, auto_decisions, roc_auc};

use crate::corpus::Record;

/// The figures of one head over one slice of rows, each row judged at the thresholds of its
/// language.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HeadFigures {
    pub head: String,
    /// Rows where the head's label is known.
    pub support: usize,
    pub positives: usize,
    /// At the best (macro-F1) threshold.
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

/// One row as a head sees it: calibrated score, label, and the thresholds of the row's
/// language.
pub type Judged = (f32, bool, Thresholds);

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 { 0.0 } else { a as f64 / b as f64 }
}

fn f1(tp: usize, fp: usize, fn_: usize) -> f64 {
    ratio(2 * tp, 2 * tp + fp + fn_)
}

/// The figures of `head` over judged rows.
pub fn head_figures(head: Head, rows: &[Judged]) -> HeadFigures {
    let (mut tp, mut fp, mut tn, mut fn_) = (0, 0, 0, 0);
    let (mut rejected, mut rejected_ok, mut approved, mut approved_ok) = (0, 0, 0, 0);
    for &(s, y, t) in rows {
        match (s >= t.best_f1, y) {
            (true, true) => tp += 1,
            (true, false) => fp += 1,
            (false, false) => tn += 1,
            (false, true) => fn_ += 1,
        }
        let d = auto_decisions(&[(s, y)], &t);
        rejected += d.rejected;
        rejected_ok += d.rejected_correct;
        approved += d.approved;
        approved_ok += d.approved_correct;
    }
    let scored: Vec<(f32, bool)> = rows.iter().map(|&(s, y, _)| (s, y)).collect();
    HeadFigures {
        head: head.as_str().to_owned(),
        support: rows.len(),
        positives: tp + fn_,
        precision: ratio(tp, tp + fp),
        recall: ratio(tp, tp + fn_),
        f1: f1(tp, fp, fn_),
        macro_f1: (f1(tp, fp, fn_) + f1(tn, fn_, fp)) / 2.0,
        roc_auc: roc_auc(&scored),
        auto_rejected: rejected,
        auto_reject_precision: (rejected > 0).then(|| ratio(rejected_ok, rejected)),
        auto_approved: approved,
        auto_approve_precision: (approved > 0).then(|| ratio(approved_ok, approved)),
        decided_share: ratio(rejected + approved, rows.len()),
    }
}

/// A scored row: the record, its scores and the language the model saw.
type Row<'a> = (&'a Record, Scores, &'a str);

fn slice(model: &Model, rows: &[Row<'_>]) -> SliceReport {
    let heads = Head::ALL
        .into_iter()
        .filter_map(|h| {
            let judged: Vec<Judged> = rows
                .iter()
                .filter_map(|&(r, s, l)| {
                    r.labels
                        .get(h)
                        .map(|y| (s.get(h), y, model.thresholds_in(h, Some(l))))
                })
                .collect();
            (!judged.is_empty()).then(|| head_figures(h, &judged))
        })
        .collect();
    SliceReport {
        rows: rows.len(),
        heads,
    }
}

/// Scores `examples` (the features of `records`, in the same order, in `languages` as the
/// engine detected them) and reports the figures.
pub fn evaluate(
    model: &Model,
    records: &[Record],
    examples: &[Example],
    languages: &[String],
) -> Report {
    let scored: Vec<Row<'_>> = records
        .iter()
        .zip(examples)
        .zip(languages)
        .map(|((r, e), l)| (r, model.predict_in(&e.features, Some(l)), l.as_str()))
        .collect();
    let group = |key: fn(&Record) -> &str| {
        let mut groups: BTreeMap<String, Vec<Row<'_>>> = BTreeMap::new();
        for &row in &scored {
            groups.entry(key(row.0).to_owned()).or_default().push(row);
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
        "slice",
        "head",
        "known",
        "pos",
        "prec",
        "recall",
        "F1",
        "macroF",
        "AUC",
        "alone",
        "rejP",
        "apprP"
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
