//! The functional suite (`functional/*.txt`): what a newsroom moderator expects of the engine,
//! function by function and language by language, one case per line a moderator can read:
//! `FUNCTION | DECISIONS | CATEGORY | COMMENT` (see `functional/README.md`).

use std::collections::BTreeMap;

use crate::{Category, Decision, Verdict};

/// The suite's functions, in the order of its README.
pub const FUNCTIONS: [&str; 43] = [
    "hate_emotion",
    "hate_attribute",
    "hate_dehumanise",
    "hate_implicit",
    "stereotype",
    "conspiracy",
    "exclusion",
    "slur",
    "slur_homonym",
    "profanity_hate",
    "profanity_plain",
    "pronoun_clause",
    "pronoun_sentence",
    "negated_positive",
    "negated_negative",
    "question",
    "opinion",
    "identity_neutral",
    "identity_positive",
    "counter_quote",
    "counter_reference",
    "threat_direct",
    "threat_normative",
    "threat_wish",
    "threat_deserve",
    "threat_conditional",
    "threat_doxxing",
    "threat_reported",
    "violence_news",
    "attack_person",
    "attack_journalist",
    "attack_commenter",
    "attack_story_person",
    "target_object",
    "criticism_government",
    "criticism_publisher",
    "disagreement",
    "spell_swap",
    "spell_delete",
    "spell_space_added",
    "spell_space_removed",
    "spell_leet",
    "scunthorpe",
];

/// The suite's languages, one file each.
pub const LANGUAGES: [&str; 6] = ["en", "ar", "ckb", "kmr", "tr", "fa"];

/// One case of the suite.
#[derive(Debug, Clone, PartialEq)]
pub struct FunctionalCase {
    pub lang: String,
    /// Line number in its file (from 1).
    pub line: usize,
    pub function: &'static str,
    /// The decisions a moderator accepts from the engine alone (auto-approval on).
    pub decisions: Vec<Decision>,
    /// The categories a rejection may name (empty: none may be rejected).
    pub categories: Vec<Category>,
    pub text: String,
}

impl FunctionalCase {
    /// Whether the engine's verdict is what the case expects: a decision among `decisions`
    /// and, for a rejection, a category among `categories`.
    pub fn judge(&self, v: &Verdict) -> bool {
        self.decisions.contains(&v.decision)
            && (v.decision != Decision::Reject
                || v.category.is_some_and(|c| self.categories.contains(&c)))
    }
}

/// A line of the suite that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{line}: {message}")]
pub struct SuiteError {
    pub file: String,
    pub line: usize,
    pub message: String,
}

/// `\uXXXX` escapes let a case show invisible characters.
pub fn unescape(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find("\\u") {
        out.push_str(&rest[..i]);
        let hex = rest.get(i + 2..i + 6).unwrap_or("");
        match u32::from_str_radix(hex, 16).ok().and_then(char::from_u32) {
            Some(c) => {
                out.push(c);
                rest = &rest[i + 6..];
            }
            None => {
                out.push_str("\\u");
                rest = &rest[i + 2..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Reads one language's file of the suite (`file` names it in errors).
pub fn parse_suite(file: &str, lang: &str, text: &str) -> Result<Vec<FunctionalCase>, SuiteError> {
    let mut cases = Vec::new();
    for (n, raw) in text.lines().enumerate() {
        let err = |message: String| SuiteError {
            file: file.to_owned(),
            line: n + 1,
            message,
        };
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let parts: Vec<&str> = line.splitn(4, '|').map(str::trim).collect();
        let [function, decisions, categories, comment] = parts[..] else {
            return Err(err(
                "expected `FUNCTION | DECISIONS | CATEGORY | COMMENT`".into()
            ));
        };
        let function = FUNCTIONS
            .iter()
            .find(|f| **f == function)
            .ok_or_else(|| err(format!("unknown function {function:?}")))?;
        let decisions = decisions
            .split('/')
            .map(|d| match d.trim() {
                "approve" => Ok(Decision::Approve),
                "review" => Ok(Decision::Review),
                "reject" => Ok(Decision::Reject),
                other => Err(err(format!(
                    "unknown decision {other:?} (expected approve, review or reject)"
                ))),
            })
            .collect::<Result<Vec<_>, _>>()?;
        let categories = match categories {
            "-" => Vec::new(),
            list => list
                .split('/')
                .map(|c| c.trim().parse::<Category>().map_err(|e| err(e.to_string())))
                .collect::<Result<Vec<_>, _>>()?,
        };
        if decisions.contains(&Decision::Reject) && categories.is_empty() {
            return Err(err(
                "a case that may be rejected must name its category".into()
            ));
        }
        if comment.is_empty() {
            return Err(err("the comment is empty".into()));
        }
        cases.push(FunctionalCase {
            lang: lang.to_owned(),
            line: n + 1,
            function,
            decisions,
            categories,
            text: unescape(comment),
        });
    }
    Ok(cases)
}

/// Right and total per (language, function), and what the engine decided alone per language.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FunctionalReport {
    pub cells: BTreeMap<(String, &'static str), (usize, usize)>,
    pub alone: BTreeMap<String, Alone>,
}

/// The decisions the engine took without a human in one language, and the wrong ones.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Alone {
    pub approved: usize,
    /// Approved, where the case may not be approved: harm published.
    pub harm_approved: usize,
    pub rejected: usize,
    /// Rejected where the case may be approved, or for a guideline it did not break.
    pub wrongly_rejected: usize,
}

impl FunctionalReport {
    pub fn add(&mut self, case: &FunctionalCase, verdict: &Verdict) -> bool {
        let right = case.judge(verdict);
        let cell = self
            .cells
            .entry((case.lang.clone(), case.function))
            .or_default();
        cell.0 += usize::from(right);
        cell.1 += 1;
        let alone = self.alone.entry(case.lang.clone()).or_default();
        match verdict.decision {
            Decision::Approve => {
                alone.approved += 1;
                alone.harm_approved += usize::from(!case.decisions.contains(&Decision::Approve));
            }
            Decision::Reject => {
                alone.rejected += 1;
                alone.wrongly_rejected += usize::from(!right);
            }
            Decision::Review => {}
        }
        right
    }

    /// (right, total) over the cells that match the language and function, where given.
    pub fn count(&self, lang: Option<&str>, function: Option<&str>) -> (usize, usize) {
        self.cells
            .iter()
            .filter(|((l, f), _)| lang.is_none_or(|x| x == l) && function.is_none_or(|x| x == *f))
            .fold((0, 0), |(r, t), (_, &(cr, ct))| (r + cr, t + ct))
    }

    /// Accuracy in 0..=1 over the matching cells (0 when there are none).
    pub fn accuracy(&self, lang: Option<&str>, function: Option<&str>) -> f64 {
        let (right, total) = self.count(lang, function);
        if total == 0 {
            0.0
        } else {
            right as f64 / total as f64
        }
    }

    /// The languages with cases, in the suite's order.
    pub fn languages(&self) -> Vec<&'static str> {
        LANGUAGES
            .into_iter()
            .filter(|l| self.cells.keys().any(|(k, _)| k == l))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_cases_and_names_the_line_of_a_bad_one() {
        let text = "# header\n\nthreat_direct | reject | threat | I will kill you\n\
                    counter_quote | approve/review | - | Saying \"x\" is vile\n";
        let cases = parse_suite("en.txt", "en", text).expect("valid");
        assert_eq!(cases.len(), 2);
        assert_eq!(cases[0].function, "threat_direct");
        assert_eq!(cases[0].line, 3);
        assert_eq!(cases[1].decisions, [Decision::Approve, Decision::Review]);
        let bad = parse_suite("en.txt", "en", "threat | reject | threat | x\n");
        assert_eq!(
            bad.map_err(|e| e.to_string()),
            Err("en.txt:1: unknown function \"threat\"".to_owned())
        );
        let bad = parse_suite("en.txt", "en", "slur | reject | - | x\n");
        assert!(bad.is_err());
        let bad = parse_suite("en.txt", "en", "slur | maybe | - | x\n");
        assert!(bad.is_err());
    }

    #[test]
    fn unescapes_invisible_characters() {
        assert_eq!(unescape("a\\u200bb\\uZZ"), "a\u{200b}b\\uZZ");
    }

    #[test]
    fn a_rejection_must_name_an_expected_category() {
        let case = &parse_suite("x", "en", "slur | reject | identity_abuse | x").expect("valid")[0];
        let mut v = Verdict {
            decision: Decision::Reject,
            category: Some(Category::IdentityAbuse),
            scores: BTreeMap::new(),
            evidence: Vec::new(),
            reasons: Vec::new(),
            language: "en".into(),
            engine_version: String::new(),
        };
        assert!(case.judge(&v));
        v.category = Some(Category::Profanity);
        assert!(!case.judge(&v));
        v.decision = Decision::Approve;
        assert!(!case.judge(&v));
    }

    #[test]
    fn the_report_sums_cells() {
        let cases = parse_suite(
            "x",
            "tr",
            "slur | reject | identity_abuse | a\nslur | reject | identity_abuse | b\n\
             scunthorpe | approve | - | c\n",
        )
        .expect("valid");
        let verdict = |decision, category| Verdict {
            decision,
            category,
            scores: BTreeMap::new(),
            evidence: Vec::new(),
            reasons: Vec::new(),
            language: "tr".into(),
            engine_version: String::new(),
        };
        let mut r = FunctionalReport::default();
        let got = [
            verdict(Decision::Reject, Some(Category::IdentityAbuse)),
            verdict(Decision::Approve, None),
            verdict(Decision::Reject, Some(Category::Profanity)),
        ];
        for (c, v) in cases.iter().zip(&got) {
            r.add(c, v);
        }
        assert_eq!(r.count(Some("tr"), Some("slur")), (1, 2));
        assert_eq!(r.count(None, None), (1, 3));
        assert_eq!(r.languages(), ["tr"]);
        assert!((r.accuracy(Some("tr"), None) - 1.0 / 3.0).abs() < 1e-9);
        let alone = r.alone["tr"];
        assert_eq!((alone.approved, alone.harm_approved), (1, 1));
        assert_eq!((alone.rejected, alone.wrongly_rejected), (2, 1));
    }
}
