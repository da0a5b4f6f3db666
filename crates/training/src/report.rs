//! Evaluation: figures per head over all rows, per source and per language, and how well
//! the scores are calibrated in each language.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::Serialize;
use tribune_learned::{
    ECE_BINS, Example, HEAD_COUNT, Head, Model, Thresholds, auto_decisions,
    expected_calibration_error, roc_auc,
};

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
    /// Expected calibration error of the scores over these rows (10 bins).
    pub ece: Option<f64>,
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

/// How well one head's scores are calibrated over the rows of one language.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CalibrationFigures {
    pub head: String,
    pub rows: usize,
    pub positives: usize,
    /// Mean score, to set beside the share of positives.
    pub mean_score: f64,
    /// Expected calibration error (10 bins).
    pub ece: f64,
}

/// Figures over all rows, per source and per language, and calibration per language.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    pub overall: SliceReport,
    pub by_source: BTreeMap<String, SliceReport>,
    pub by_language: BTreeMap<String, SliceReport>,
    /// Per language as the engine detects it (the language a calibration belongs to), each
    /// head's calibration over the rows fit to measure it: every source but the selected ones.
    pub calibration: BTreeMap<String, Vec<CalibrationFigures>>,
    /// Sources left out of `calibration`: see [`selected_sources`].
    pub calibration_left_out: Vec<String>,
}

/// Sources whose every text with a known `offensive` label is offensive (ToxicSpans: only
/// comments already rated toxic). Their labels are true, but their mix of texts is not a
/// comment section's: calibrating on them would lift every score of their language, and a
/// threshold chosen on them would flag everything. They train the heads they label and are
/// evaluated, but neither calibrate nor set thresholds, nor count in [`Report::calibration`].
pub fn selected_sources<'a>(records: impl IntoIterator<Item = &'a Record>) -> BTreeSet<String> {
    let mut seen: BTreeMap<&str, [usize; 2]> = BTreeMap::new();
    for r in records {
        if let Some(y) = r.labels.get(Head::Offensive) {
            seen.entry(&r.source).or_default()[usize::from(y)] += 1;
        }
    }
    seen.into_iter()
        .filter(|(_, [clean, offensive])| *clean == 0 && *offensive > 0)
        .map(|(s, _)| s.to_owned())
        .collect()
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
        ece: expected_calibration_error(&scored, ECE_BINS),
        auto_rejected: rejected,
        auto_reject_precision: (rejected > 0).then(|| ratio(rejected_ok, rejected)),
        auto_approved: approved,
        auto_approve_precision: (approved > 0).then(|| ratio(approved_ok, approved)),
        decided_share: ratio(rejected + approved, rows.len()),
    }
}

/// A scored row: the record, its calibrated scores and the language the model saw.
type Row<'a> = (&'a Record, [f32; HEAD_COUNT], &'a str);

/// The thresholds of a head in a language.
pub type ThresholdsOf<'a> = dyn Fn(Head, &str) -> Thresholds + 'a;

fn slice(thresholds: &ThresholdsOf<'_>, rows: &[Row<'_>]) -> SliceReport {
    let heads = Head::ALL
        .into_iter()
        .filter_map(|h| {
            let judged: Vec<Judged> = rows
                .iter()
                .filter_map(|&(r, s, l)| {
                    r.labels.get(h).map(|y| (s[h.index()], y, thresholds(h, l)))
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

/// Calibration per head of rows in one language.
fn calibration(rows: &[Row<'_>]) -> Vec<CalibrationFigures> {
    Head::ALL
        .into_iter()
        .filter_map(|h| {
            let scored: Vec<(f32, bool)> = rows
                .iter()
                .filter_map(|&(r, s, _)| Some((s[h.index()], r.labels.get(h)?)))
                .collect();
            let ece = expected_calibration_error(&scored, ECE_BINS)?;
            Some(CalibrationFigures {
                head: h.as_str().to_owned(),
                rows: scored.len(),
                positives: scored.iter().filter(|p| p.1).count(),
                mean_score: scored.iter().map(|p| f64::from(p.0)).sum::<f64>()
                    / scored.len() as f64,
                ece,
            })
        })
        .collect()
}

/// Scores `examples` (the features of `records`, in the same order, in `languages` as the
/// engine detected them) and reports the figures; the sources in `selected` (see
/// [`selected_sources`]) are left out of the calibration figures.
pub fn evaluate(
    model: &Model,
    records: &[Record],
    examples: &[Example],
    languages: &[String],
    selected: &BTreeSet<String>,
) -> Report {
    let scores: Vec<[f32; HEAD_COUNT]> = examples
        .iter()
        .zip(languages)
        .map(|(e, l)| {
            let s = model.predict_in(&e.features, Some(l));
            std::array::from_fn(|h| s.get(Head::ALL[h]))
        })
        .collect();
    evaluate_scores(records, &scores, languages, selected, &|h, l| {
        model.thresholds_in(h, Some(l))
    })
}

/// Reports the figures of calibrated `scores` (one per record, in the same order, in
/// `languages` as the engine detected them), each row judged at `thresholds` of its
/// language; the sources in `selected` are left out of the calibration figures.
pub fn evaluate_scores(
    records: &[Record],
    scores: &[[f32; HEAD_COUNT]],
    languages: &[String],
    selected: &BTreeSet<String>,
    thresholds: &ThresholdsOf<'_>,
) -> Report {
    let scored: Vec<Row<'_>> = records
        .iter()
        .zip(scores)
        .zip(languages)
        .map(|((r, s), l)| (r, *s, l.as_str()))
        .collect();
    let group = |key: fn(&Record) -> &str| {
        let mut groups: BTreeMap<String, Vec<Row<'_>>> = BTreeMap::new();
        for &row in &scored {
            groups.entry(key(row.0).to_owned()).or_default().push(row);
        }
        groups
            .into_iter()
            .map(|(k, rows)| (k, slice(thresholds, &rows)))
            .collect()
    };
    let mut by_detected: BTreeMap<String, Vec<Row<'_>>> = BTreeMap::new();
    for &row in scored.iter().filter(|r| !selected.contains(&r.0.source)) {
        by_detected.entry(row.2.to_owned()).or_default().push(row);
    }
    Report {
        overall: slice(thresholds, &scored),
        by_source: group(|r| &r.source),
        by_language: group(|r| &r.lang),
        calibration: by_detected
            .into_iter()
            .map(|(l, rows)| (l, calibration(&rows)))
            .collect(),
        calibration_left_out: selected.iter().cloned().collect(),
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
                "{name:<22} {:<16} {:>6} {:>6} {:>6.3} {:>6.3} {:>6.3} {:>6.3} {:>6} {:>6} {:>6} {:>6} {:>6}",
                h.head,
                h.support,
                h.positives,
                h.precision,
                h.recall,
                h.f1,
                h.macro_f1,
                opt(h.roc_auc),
                opt(h.ece),
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
        "{:<22} {:<16} {:>6} {:>6} {:>6} {:>6} {:>6} {:>6} {:>6} {:>6} {:>6} {:>6} {:>6}",
        "slice",
        "head",
        "known",
        "pos",
        "prec",
        "recall",
        "F1",
        "macroF",
        "AUC",
        "ECE",
        "alone",
        "rejP",
        "apprP"
    )
}

/// A plain-text table: one line per slice and head. `alone` is the share of rows the head
/// decides by itself at the 99%-precision thresholds; `rejP`/`apprP` the precision reached;
/// `ECE` the expected calibration error. Then the calibration per detected language.
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
        writeln!(
            f,
            "\ncalibration by detected language (10-bin ECE){}:",
            if self.calibration_left_out.is_empty() {
                String::new()
            } else {
                format!(
                    ", without the selected sample(s) {}",
                    self.calibration_left_out.join(", ")
                )
            }
        )?;
        writeln!(
            f,
            "{:<8} {:<16} {:>6} {:>6} {:>7} {:>7} {:>6}",
            "lang", "head", "known", "pos", "pos%", "mean", "ECE"
        )?;
        for (lang, heads) in &self.calibration {
            for c in heads {
                writeln!(
                    f,
                    "{lang:<8} {:<16} {:>6} {:>6} {:>7.3} {:>7.3} {:>6.3}",
                    c.head,
                    c.rows,
                    c.positives,
                    c.positives as f64 / c.rows as f64,
                    c.mean_score,
                    c.ece
                )?;
            }
        }
        Ok(())
    }
}

/// Two reports on the same rows side by side (e.g. the shipped model and a new one): macro-F1
/// per source and head, then ECE per detected language and head.
pub struct Comparison<'a> {
    pub before: (&'a str, &'a Report),
    pub after: (&'a str, &'a Report),
}

/// A figure and its support, looked up in a report by slice name and head name.
type Lookup = fn(&Report, &str, &str) -> Option<(usize, f64)>;

impl Comparison<'_> {
    /// One table: a line per slice (of either report) and head, with the figure of each.
    fn table(
        &self,
        f: &mut fmt::Formatter<'_>,
        title: &str,
        slices: fn(&Report) -> Vec<&String>,
        figure: Lookup,
    ) -> fmt::Result {
        let ((a_name, a), (b_name, b)) = (self.before, self.after);
        writeln!(
            f,
            "{title}: {a_name} -> {b_name}\n{:<18} {:<16} {:>6} {:>8} {:>8} {:>7}",
            "", "head", "known", a_name, b_name, "change"
        )?;
        let fig = |x: Option<f64>| x.map_or_else(|| "-".to_owned(), |v| format!("{v:.3}"));
        let names: BTreeSet<&String> = slices(a).into_iter().chain(slices(b)).collect();
        for name in names {
            for head in Head::ALL.map(Head::as_str) {
                let (x, y) = (figure(a, name, head), figure(b, name, head));
                let Some(known) = y.or(x).map(|p| p.0) else {
                    continue;
                };
                let (x, y) = (x.map(|p| p.1), y.map(|p| p.1));
                let change = x
                    .zip(y)
                    .map_or_else(|| "-".to_owned(), |(x, y)| format!("{:+.3}", y - x));
                writeln!(
                    f,
                    "{name:<18} {head:<16} {known:>6} {:>8} {:>8} {change:>7}",
                    fig(x),
                    fig(y)
                )?;
            }
        }
        Ok(())
    }
}

impl fmt::Display for Comparison<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.table(
            f,
            "macro-F1 per source and head",
            |r| r.by_source.keys().collect(),
            |r, source, head| {
                let h = r
                    .by_source
                    .get(source)?
                    .heads
                    .iter()
                    .find(|h| h.head == head)?;
                Some((h.support, h.macro_f1))
            },
        )?;
        writeln!(f)?;
        self.table(
            f,
            "ECE per detected language and head",
            |r| r.calibration.keys().collect(),
            |r, lang, head| {
                let c = r.calibration.get(lang)?.iter().find(|c| c.head == head)?;
                Some((c.rows, c.ece))
            },
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tribune_learned::Labels;

    fn record(source: &str, offensive: Option<bool>) -> Record {
        let mut labels = Labels::unknown().with(Head::Threat, false);
        labels.set(Head::Offensive, offensive);
        Record::of_source(source, labels)
    }

    fn report(source: &str, scored: &[(f32, bool)]) -> Report {
        let judged: Vec<Judged> = scored
            .iter()
            .map(|&(s, y)| (s, y, Thresholds::default()))
            .collect();
        let slice = SliceReport {
            rows: scored.len(),
            heads: vec![head_figures(Head::Threat, &judged)],
        };
        let ece = expected_calibration_error(scored, ECE_BINS).expect("rows");
        Report {
            overall: slice.clone(),
            by_source: BTreeMap::from([(source.to_owned(), slice)]),
            by_language: BTreeMap::new(),
            calibration: BTreeMap::from([(
                "en".to_owned(),
                vec![CalibrationFigures {
                    head: "threat".to_owned(),
                    rows: scored.len(),
                    positives: scored.iter().filter(|p| p.1).count(),
                    mean_score: 0.5,
                    ece,
                }],
            )]),
            calibration_left_out: Vec::new(),
        }
    }

    #[test]
    fn a_comparison_sets_the_figures_of_two_reports_side_by_side() {
        let rows = [(0.9, true), (0.2, false), (0.4, true), (0.6, false)];
        let before = report("news", &rows);
        let after = report(
            "news",
            &[(0.9, true), (0.2, false), (0.6, true), (0.4, false)],
        );
        let table = Comparison {
            before: ("old", &before),
            after: ("new", &after),
        }
        .to_string();
        let line = |prefix: &str| {
            table
                .lines()
                .find(|l| l.starts_with(prefix))
                .unwrap_or_else(|| panic!("no {prefix} line in {table}"))
                .split_whitespace()
                .collect::<Vec<_>>()
        };
        // Macro-F1 at 0.5: half right before, all right after.
        assert_eq!(
            line("news"),
            ["news", "threat", "4", "0.500", "1.000", "+0.500"]
        );
        // ECE before: |0.9-1| + |0.2-0| + |0.4-1| + |0.6-0| over 4 rows.
        assert_eq!(line("en")[..4], ["en", "threat", "4", "0.375"]);
    }

    #[test]
    fn a_source_with_no_clean_text_is_a_selected_sample() {
        let rows = [
            record("spans", Some(true)),
            record("spans", Some(true)),
            record("spans", None),
            record("tweets", Some(true)),
            record("tweets", Some(false)),
            record("spam", None),
        ];
        let selected = selected_sources(&rows);
        assert_eq!(selected.into_iter().collect::<Vec<_>>(), ["spans"]);
    }
}
