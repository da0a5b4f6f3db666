//! Explanations: the evidence (spans of the original text) and the reasons a moderator reads.
//!
//! Both are bounded whatever the comment: overlapping spans of one category are merged, and
//! the number of items and the length of each are capped, so a verdict stays a few KiB (a
//! comment of spelled-out swearing once made one of 4.8 MB) and is built in time linear in the
//! number of contributions (after one sort).

use std::collections::HashSet;

use crate::{Category, Evidence};

/// At most this many evidence spans per verdict (the strongest are kept).
pub const MAX_EVIDENCE: usize = 32;
/// An evidence span's `text` is cut to this many bytes (on a char boundary) and ends in `…`
/// when the span is longer; `start..end` always covers the whole span.
pub const MAX_EVIDENCE_TEXT: usize = 160;
/// At most this many reasons per verdict; the last says how many more there were.
pub const MAX_REASONS: usize = 24;
/// Text quoted inside a reason is cut to this many bytes.
const MAX_QUOTE: usize = 60;

/// One piece of evidence counted towards a category: its weight in 0..=1, its span of the
/// original text (empty for evidence about the whole comment) and why.
#[derive(Debug, Clone)]
pub(crate) struct Contribution {
    pub category: Category,
    pub weight: f32,
    pub start: usize,
    pub end: usize,
    pub reason: String,
    /// Judged by the default thresholds whatever the comment's language: English swearing,
    /// which means the same in every comment (see `lexical::effective_action`).
    pub portable: bool,
    /// In protected context (quoted, reported, condemned): all such contributions of a
    /// category together count at most this much (see `decide::scores`).
    pub cap: Option<f32>,
}

/// `s` cut to at most `max` bytes on a char boundary, with `…` when it was cut.
pub(crate) fn shorten(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_owned();
    }
    let mut cut = max;
    while !s.is_char_boundary(cut) {
        cut -= 1;
    }
    [&s[..cut], "…"].concat()
}

/// Original text quoted in a reason: `"text"`, cut to a readable length.
pub(crate) fn quote(s: &str) -> String {
    ["\"", &shorten(s, MAX_QUOTE), "\""].concat()
}

/// The evidence of `contributions` over the original `text`: spans with a positive weight, one
/// per category and overlapping run (the strongest contribution's reason speaks for a merged
/// span), at most [`MAX_EVIDENCE`] of them (the strongest), in text order.
pub(crate) fn evidence(text: &str, contributions: &[Contribution]) -> Vec<Evidence> {
    let mut spans: Vec<&Contribution> = contributions
        .iter()
        .filter(|k| {
            k.weight > 0.0
                && k.start < k.end
                && text.is_char_boundary(k.start)
                && k.end <= text.len()
                && text.is_char_boundary(k.end)
        })
        .collect();
    spans.sort_by_key(|k| (k.category, k.start, k.end));
    // (category, start, end, weight, reason) of each merged span.
    let mut merged: Vec<(Category, usize, usize, f32, &str)> = Vec::new();
    for k in spans {
        match merged.last_mut() {
            Some(m) if m.0 == k.category && k.start < m.2 => {
                m.2 = m.2.max(k.end);
                if k.weight > m.3 {
                    m.3 = k.weight;
                    m.4 = &k.reason;
                }
            }
            _ => merged.push((k.category, k.start, k.end, k.weight, &k.reason)),
        }
    }
    if merged.len() > MAX_EVIDENCE {
        // The strongest first (a stable sort keeps text order among equals).
        merged.sort_by(|a, b| b.3.total_cmp(&a.3));
        merged.truncate(MAX_EVIDENCE);
    }
    merged.sort_by_key(|m| (m.1, m.2, m.0));
    merged
        .into_iter()
        .map(|(category, start, end, _, reason)| Evidence {
            category,
            start,
            end,
            text: shorten(&text[start..end], MAX_EVIDENCE_TEXT),
            reason: reason.to_owned(),
        })
        .collect()
}

/// The reasons of a verdict: `lead` (what the decision stage says), then one line per distinct
/// contribution reason (`category: reason`), then `trail`; duplicates dropped, at most
/// [`MAX_REASONS`].
pub(crate) fn reasons(
    lead: Vec<String>,
    contributions: &[Contribution],
    trail: impl IntoIterator<Item = String>,
) -> Vec<String> {
    let all = lead
        .into_iter()
        .chain(
            contributions
                .iter()
                // Joined by hand: `format!` costs more than the rest of this loop.
                .map(|k| [k.category.as_str(), ": ", &k.reason].concat()),
        )
        .chain(trail);
    let mut out: Vec<String> = Vec::new();
    // Reasons past the cap, only to count the distinct ones (rare: a set is built for them).
    let mut more: HashSet<String> = HashSet::new();
    for r in all {
        if out.contains(&r) {
            continue;
        }
        if out.len() < MAX_REASONS - 1 {
            out.push(r);
        } else {
            more.insert(r);
        }
    }
    match more.len() {
        0 => {}
        1 => out.push(String::from("… and 1 more reason")),
        n => out.push(format!("… and {n} more reasons")),
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn k(category: Category, weight: f32, start: usize, end: usize, reason: &str) -> Contribution {
        Contribution {
            category,
            weight,
            start,
            end,
            reason: reason.into(),
            portable: false,
            cap: None,
        }
    }

    #[test]
    fn overlapping_spans_of_one_category_merge_under_the_strongest_reason() {
        let text = "you stupid idiot here";
        let e = evidence(
            text,
            &[
                k(Category::PersonalAttack, 0.45, 4, 10, "weak"),
                k(Category::PersonalAttack, 0.9, 0, 16, "strong"),
                k(Category::Profanity, 0.9, 4, 10, "other category"),
                k(Category::PersonalAttack, 0.9, 17, 21, "apart"),
                k(Category::PersonalAttack, 0.0, 0, 3, "no weight"),
            ],
        );
        let got: Vec<(Category, &str, &str)> = e
            .iter()
            .map(|e| (e.category, e.text.as_str(), e.reason.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                (Category::PersonalAttack, "you stupid idiot", "strong"),
                (Category::Profanity, "stupid", "other category"),
                (Category::PersonalAttack, "here", "apart"),
            ]
        );
    }

    #[test]
    fn evidence_is_capped_in_count_and_length() {
        let text = "ab ".repeat(100) + &"é".repeat(200);
        let mut ks: Vec<Contribution> = (0..100)
            .map(|i| k(Category::Profanity, 0.5, i * 3, i * 3 + 2, "r"))
            .collect();
        ks.push(k(Category::Profanity, 0.9, 300, text.len(), "long"));
        let e = evidence(&text, &ks);
        assert_eq!(e.len(), MAX_EVIDENCE);
        let long = e.last().expect("the strongest span is kept");
        assert_eq!((long.start, long.end), (300, text.len()));
        assert!(long.text.len() <= MAX_EVIDENCE_TEXT + '…'.len_utf8());
        assert!(long.text.ends_with('…'));
        assert!(text[long.start..long.end].starts_with(long.text.trim_end_matches('…')));
    }

    #[test]
    fn reasons_are_distinct_and_capped() {
        let ks: Vec<Contribution> = (0..100)
            .map(|i| k(Category::Threat, 0.5, 0, 1, &format!("r{}", i % 50)))
            .collect();
        let r = reasons(vec!["lead".into()], &ks, ["trail".to_owned()]);
        assert_eq!(r.len(), MAX_REASONS);
        assert_eq!(r[0], "lead");
        assert_eq!(r[1], "threat: r0");
        assert_eq!(r.last().map(String::as_str), Some("… and 29 more reasons"));
    }

    #[test]
    fn shortening_keeps_char_boundaries() {
        assert_eq!(shorten("abc", 3), "abc");
        assert_eq!(shorten("ééé", 3), "é…");
        assert_eq!(quote("x"), "\"x\"");
    }
}
