//! The policy: thresholds per category and language, which categories the engine may decide
//! alone, citation domains, extra lexicon entries. Loaded once (from TOML or defaults), then
//! shared read-only between threads.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::Deserialize;
use tribune_learned::Head;

use crate::Category;
use crate::lang::Language;
use crate::lexicon::{self, Action, Kind, Lexicon};
use crate::promotion::PromoPatterns;

/// The documented default policy, embedded.
pub const DEFAULT_POLICY_TOML: &str = include_str!("../policy/default.toml");

/// An error in a policy file.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PolicyError {
    /// The TOML is malformed or has an unknown key or a wrong type (the message names the line
    /// and the key).
    #[error("policy: {0}")]
    Toml(String),
    /// A value is out of range or unknown.
    #[error("policy: key `{key}`: {message}")]
    Invalid { key: String, message: String },
    /// A lexicon entry could not be read.
    #[error("lexicon {source_name} line {line}: {message}")]
    Lexicon {
        source_name: String,
        line: usize,
        message: String,
    },
}

/// Thresholds of one category.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Thresholds {
    /// At or above this score the engine rejects alone (`None`: never).
    pub reject: Option<f32>,
    /// At or above this score a human must look.
    pub review: f32,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPolicy {
    auto_approve: Option<bool>,
    approve_below: Option<f32>,
    block_weight: Option<f32>,
    flag_weight: Option<f32>,
    citation_domains: Option<Vec<String>>,
    #[serde(default)]
    thresholds: BTreeMap<String, BTreeMap<String, RawThreshold>>,
    #[serde(default)]
    lexicon: Vec<RawLexicon>,
    learned: Option<RawLearned>,
    encoder: Option<RawEncoder>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEncoder {
    enabled: Option<bool>,
    cascade: Option<Cascade>,
    heads: Option<Vec<String>>,
    auto_reject: Option<Vec<String>>,
    approve: Option<Vec<String>>,
    review_at: Option<f32>,
    review_at_unmeasured: Option<f32>,
    approve_below: Option<f32>,
    #[serde(default)]
    languages: BTreeMap<String, RawEncoderLanguage>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEncoderLanguage {
    auto_reject: Option<Vec<String>>,
    approve: Option<Vec<String>>,
}

/// Which comments wait for the encoder (policy key `encoder.cascade`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Cascade {
    /// Every comment the fast stages do not reject.
    All,
    /// Those the fast stages neither reject nor flag (a flagged comment goes to a human
    /// anyway): approvals and reviews without a category.
    Unflagged,
    /// Only those the fast stages would approve alone.
    Approved,
}

impl Cascade {
    pub fn as_str(self) -> &'static str {
        match self {
            Cascade::All => "all",
            Cascade::Unflagged => "unflagged",
            Cascade::Approved => "approved",
        }
    }
}

/// How the policy uses the encoder stage (the `[encoder]` table).
#[derive(Debug, Clone, PartialEq)]
pub struct EncoderPolicy {
    /// Whether the stage runs at all (where the model is there).
    pub enabled: bool,
    pub cascade: Cascade,
    /// Heads whose combined score may send a comment to review.
    pub heads: Vec<Head>,
    /// Heads that may reject alone, at their 99%-precision reject threshold measured on dev
    /// texts of the comment's language (and each of its collections); per language below.
    pub auto_reject: Vec<Head>,
    /// Heads that must all score under `approve_below` for a comment to be approved without
    /// a human: one the fast stages approve (else it goes to review) or, with auto-approval
    /// on, one they left to a human unflagged (the stage approves it). An empty list: the
    /// stage never approves, nor holds back a fast approval short of a flag. Per language
    /// below.
    pub approve: Vec<Head>,
    pub review_at: f32,
    /// `review_at` for a head without a calibration of its own in the comment's language.
    pub review_at_unmeasured: f32,
    pub approve_below: f32,
    /// Per language: its own `auto_reject` and `approve` lists, where it sets them.
    pub languages: BTreeMap<Language, EncoderLanguage>,
}

/// A language's own `auto_reject` and `approve` lists (`None`: the table's).
pub type EncoderLanguage = (Option<Vec<Head>>, Option<Vec<Head>>);

impl EncoderPolicy {
    /// The heads that may reject alone in `lang`.
    pub fn auto_reject_in(&self, lang: &str) -> &[Head] {
        Language::from_code(lang)
            .and_then(|l| self.languages.get(&l))
            .and_then(|(r, _)| r.as_deref())
            .unwrap_or(&self.auto_reject)
    }

    /// The heads that must be clean for an approval by the stage in `lang`.
    pub fn approve_in(&self, lang: &str) -> &[Head] {
        Language::from_code(lang)
            .and_then(|l| self.languages.get(&l))
            .and_then(|(_, a)| a.as_deref())
            .unwrap_or(&self.approve)
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLearned {
    enabled: Option<bool>,
    heads: Option<Vec<String>>,
    auto_reject: Option<Vec<String>>,
    review_at: Option<f32>,
    review_at_unmeasured: Option<f32>,
    approve_gate: Option<ApproveGate>,
}

/// What a comment the lexicon stage finds clean needs from the learned stage before it is
/// approved without a human (policy key `learned.approve_gate`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ApproveGate {
    /// No learned head at or above `learned.review_at` (the learned stage vetoes only what it
    /// finds likely violating).
    NotFlagged,
    /// `offensive` and `identity_abuse` under the model's 99%-precision approve thresholds
    /// (measured on dev tweets: few news comments pass).
    Confident,
    /// `offensive` and every abuse head under `approve_below`, as the rule evidence must be:
    /// one bar, on calibrated probabilities, for both stages.
    Below,
}

/// How the policy uses the learned classifier.
#[derive(Debug, Clone, PartialEq)]
pub struct LearnedPolicy {
    /// Whether the learned stage runs at all.
    pub enabled: bool,
    /// Heads whose scores may send a comment to review (and, in `auto_reject`, reject it).
    pub heads: Vec<Head>,
    /// Heads that may reject alone, at the model's 99%-precision reject threshold for the
    /// comment's language, where the model measured one on dev texts of that language.
    pub auto_reject: Vec<Head>,
    /// A learned score at or above this sends the comment to review.
    pub review_at: f32,
    /// The same for a head the model has no calibration of its own for in the comment's
    /// language (no labelled dev texts of it: Kurdish), whose scores mean less.
    pub review_at_unmeasured: f32,
    pub approve_gate: ApproveGate,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawThreshold {
    reject: Option<f32>,
    review: Option<f32>,
    auto_reject: Option<bool>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLexicon {
    lang: String,
    category: String,
    action: Action,
    entries: Vec<String>,
}

#[derive(Debug)]
struct Inner {
    approve_below: f32,
    block_weight: f32,
    flag_weight: f32,
    citation_domains: Vec<String>,
    /// The thresholds of every (language or none, category), resolved once: see `slot`.
    thresholds: Vec<Thresholds>,
    lexicon: Lexicon,
    promo: PromoPatterns,
    learned: LearnedPolicy,
    encoder: EncoderPolicy,
}

/// Where the thresholds of `(lang, category)` sit in `Inner::thresholds`: every comment
/// reads all of them, so they are an array, not a map.
fn slot(lang: Option<Language>, category: Category) -> usize {
    lang.map_or(0, |l| l as usize + 1) * Category::ALL.len() + category as usize
}

/// The thresholds of every (language or none, category): the language's own where the policy
/// sets them, else the defaults.
fn resolve_thresholds(set: &BTreeMap<(Option<Language>, Category), Thresholds>) -> Vec<Thresholds> {
    let fallback = Thresholds {
        reject: None,
        review: 0.4,
    };
    let languages = std::iter::once(None).chain(
        Language::KNOWN
            .into_iter()
            .chain([Language::Other])
            .map(Some),
    );
    let mut out = vec![fallback; (Language::KNOWN.len() + 2) * Category::ALL.len()];
    for lang in languages {
        for category in Category::ALL {
            out[slot(lang, category)] = set
                .get(&(lang, category))
                .or_else(|| set.get(&(None, category)))
                .copied()
                .unwrap_or(fallback);
        }
    }
    out
}

/// A moderation policy. Cheap to clone (the compiled lexicons are shared), `Send + Sync`.
#[derive(Debug, Clone)]
pub struct Policy {
    inner: Arc<Inner>,
    auto_approve: bool,
}

impl Default for Policy {
    /// The documented default policy (`policy/default.toml`): reject only confident violations,
    /// everything else to review, auto-approval off.
    fn default() -> Self {
        static DEFAULT: std::sync::OnceLock<Policy> = std::sync::OnceLock::new();
        DEFAULT
            .get_or_init(|| {
                // The embedded default is checked by the test suite; an error is a build bug.
                Policy::from_toml_str(DEFAULT_POLICY_TOML)
                    .expect("embedded default policy is valid")
            })
            .clone()
    }
}

fn key_err(key: impl Into<String>, message: impl Into<String>) -> PolicyError {
    PolicyError::Invalid {
        key: key.into(),
        message: message.into(),
    }
}

fn check_unit(key: &str, v: f32) -> Result<f32, PolicyError> {
    if (0.0..=1.0).contains(&v) {
        Ok(v)
    } else {
        Err(key_err(key, format!("{v} is outside 0..=1")))
    }
}

impl Policy {
    /// Reads a policy from TOML. Keys left out take their value from the default policy; the
    /// default lexicons are always included and `[[lexicon]]` tables add entries to them.
    pub fn from_toml_str(s: &str) -> Result<Policy, PolicyError> {
        let raw: RawPolicy = toml::from_str(s).map_err(|e| PolicyError::Toml(e.to_string()))?;
        let defaults: Option<RawPolicy> = if std::ptr::eq(s, DEFAULT_POLICY_TOML) {
            None
        } else {
            Some(
                toml::from_str(DEFAULT_POLICY_TOML)
                    .map_err(|e| PolicyError::Toml(e.to_string()))?,
            )
        };
        let pick = |f: fn(&RawPolicy) -> Option<f32>, key: &str, fallback: f32| {
            let v = f(&raw)
                .or_else(|| defaults.as_ref().and_then(f))
                .unwrap_or(fallback);
            check_unit(key, v)
        };
        let approve_below = pick(|r| r.approve_below, "approve_below", 0.2)?;
        let block_weight = pick(|r| r.block_weight, "block_weight", 0.9)?;
        let flag_weight = pick(|r| r.flag_weight, "flag_weight", 0.45)?;
        let auto_approve = raw
            .auto_approve
            .or_else(|| defaults.as_ref().and_then(|d| d.auto_approve))
            .unwrap_or(false);
        let citation_domains = raw
            .citation_domains
            .clone()
            .or_else(|| defaults.as_ref().and_then(|d| d.citation_domains.clone()))
            .unwrap_or_default()
            .into_iter()
            .map(|d| d.trim().trim_start_matches("www.").to_ascii_lowercase())
            .collect();

        let mut thresholds = BTreeMap::new();
        for c in Category::ALL {
            thresholds.insert(
                (None, c),
                Thresholds {
                    reject: (c != Category::OffTopic).then_some(0.8),
                    review: 0.4,
                },
            );
        }
        let layers = defaults
            .iter()
            .map(|d| &d.thresholds)
            .chain([&raw.thresholds]);
        for layer in layers {
            for (scope, cats) in layer {
                let lang = if scope == "default" {
                    None
                } else {
                    Some(Language::from_code(scope).ok_or_else(|| {
                        key_err(
                            format!("thresholds.{scope}"),
                            "unknown language (expected default, en, ar, ckb, kmr, tr, fa, other)",
                        )
                    })?)
                };
                for (cat, t) in cats {
                    let key = format!("thresholds.{scope}.{cat}");
                    let category: Category = cat
                        .parse()
                        .map_err(|e: crate::ParseCategoryError| key_err(&key, e.to_string()))?;
                    let base = thresholds
                        .get(&(lang, category))
                        .or_else(|| thresholds.get(&(None, category)))
                        .copied()
                        .unwrap_or(Thresholds {
                            reject: None,
                            review: 0.4,
                        });
                    let mut next = base;
                    if let Some(r) = t.review {
                        next.review = check_unit(&format!("{key}.review"), r)?;
                    }
                    if let Some(r) = t.reject {
                        next.reject = Some(check_unit(&format!("{key}.reject"), r)?);
                    }
                    if t.auto_reject == Some(false) {
                        next.reject = None;
                    }
                    if category == Category::OffTopic && next.reject.is_some() {
                        return Err(key_err(
                            key,
                            "off_topic never rejects alone; remove `reject` (it may only send to review)",
                        ));
                    }
                    if let Some(r) = next.reject
                        && r < next.review
                    {
                        return Err(key_err(key, "`reject` must not be below `review`"));
                    }
                    thresholds.insert((lang, category), next);
                }
            }
        }

        let learned = learned_policy(
            raw.learned.as_ref(),
            defaults.as_ref().and_then(|d| d.learned.as_ref()),
        )?;

        let encoder = encoder_policy(
            raw.encoder.as_ref(),
            defaults.as_ref().and_then(|d| d.encoder.as_ref()),
        )?;

        let mut extra = Vec::new();
        for (i, l) in raw.lexicon.iter().enumerate() {
            let key = format!("lexicon[{i}]");
            let lang = Language::from_code(&l.lang).ok_or_else(|| {
                key_err(
                    format!("{key}.lang"),
                    format!("unknown language {:?}", l.lang),
                )
            })?;
            let kind = match l.category.as_str() {
                "allow" => Kind::Allow,
                c => Kind::Guideline(c.parse().map_err(|e: crate::ParseCategoryError| {
                    key_err(format!("{key}.category"), e.to_string())
                })?),
            };
            for e in &l.entries {
                extra.push((lang, kind, l.action, e.clone()));
            }
        }
        let lexicon = Lexicon::build(lexicon::builtin_sources(), &extra).map_err(|e| {
            PolicyError::Lexicon {
                source_name: e.source,
                line: e.line,
                message: e.message,
            }
        })?;

        Ok(Policy {
            inner: Arc::new(Inner {
                approve_below,
                block_weight,
                flag_weight,
                citation_domains,
                thresholds: resolve_thresholds(&thresholds),
                lexicon,
                promo: PromoPatterns::default(),
                learned,
                encoder,
            }),
            auto_approve,
        })
    }

    /// Turns auto-approval of confidently clean comments on or off.
    pub fn set_auto_approve(&mut self, on: bool) {
        self.auto_approve = on;
    }

    /// Whether confidently clean comments are approved without a human.
    pub fn auto_approve(&self) -> bool {
        self.auto_approve
    }

    /// Every category must score below this for a comment to count as confidently clean.
    pub fn approve_below(&self) -> f32 {
        self.inner.approve_below
    }

    /// The thresholds of `category` for comments in `lang` (language override, else default).
    pub fn thresholds(&self, category: Category, lang: &str) -> Thresholds {
        self.thresholds_for(category, Language::from_code(lang))
    }

    /// The thresholds of `category` for comments in `lang` (`None`: the defaults).
    pub(crate) fn thresholds_for(&self, category: Category, lang: Option<Language>) -> Thresholds {
        self.inner.thresholds[slot(lang, category)]
    }

    /// Domains whose links are citations, not promotion.
    pub fn citation_domains(&self) -> &[String] {
        &self.inner.citation_domains
    }

    /// How the learned classifier is used.
    pub fn learned(&self) -> &LearnedPolicy {
        &self.inner.learned
    }

    /// How the encoder stage is used.
    pub fn encoder(&self) -> &EncoderPolicy {
        &self.inner.encoder
    }

    pub(crate) fn block_weight(&self) -> f32 {
        self.inner.block_weight
    }

    pub(crate) fn flag_weight(&self) -> f32 {
        self.inner.flag_weight
    }

    pub(crate) fn lexicon(&self) -> &Lexicon {
        &self.inner.lexicon
    }

    pub(crate) fn promo(&self) -> &PromoPatterns {
        &self.inner.promo
    }
}

/// Head names of a policy list, each checked.
fn head_list(key: &str, names: &[String]) -> Result<Vec<Head>, PolicyError> {
    names
        .iter()
        .map(|n| {
            Head::from_name(n).ok_or_else(|| {
                key_err(
                    key,
                    format!(
                        "unknown head {n:?} (expected offensive, profanity, vulgarity, threat, personal_attack, identity_abuse or promotion)"
                    ),
                )
            })
        })
        .collect()
}

/// The `[encoder]` table: keys from the given policy, else from the default policy (a
/// language's lists from the given policy's table of it, else the default's).
fn encoder_policy(
    raw: Option<&RawEncoder>,
    defaults: Option<&RawEncoder>,
) -> Result<EncoderPolicy, PolicyError> {
    fn pick<T: Clone>(
        raw: Option<&RawEncoder>,
        defaults: Option<&RawEncoder>,
        f: impl Fn(&RawEncoder) -> Option<T>,
    ) -> Option<T> {
        raw.and_then(&f).or_else(|| defaults.and_then(&f))
    }
    let list = |key: &str, f: fn(&RawEncoder) -> Option<Vec<String>>| {
        head_list(key, &pick(raw, defaults, f).unwrap_or_default())
    };
    let heads = list("encoder.heads", |r| r.heads.clone())?;
    let auto_reject = list("encoder.auto_reject", |r| r.auto_reject.clone())?;
    let approve = list("encoder.approve", |r| r.approve.clone())?;
    let outside = |key: &str, list: &[Head]| -> Result<(), PolicyError> {
        match list.iter().find(|h| !heads.contains(h)) {
            Some(h) => Err(key_err(key, format!("{h} is not among encoder.heads"))),
            None => Ok(()),
        }
    };
    outside("encoder.auto_reject", &auto_reject)?;
    let mut languages = BTreeMap::new();
    let codes: std::collections::BTreeSet<&String> = raw
        .iter()
        .chain(defaults.iter())
        .flat_map(|r| r.languages.keys())
        .collect();
    for code in codes {
        let key = format!("encoder.languages.{code}");
        let lang = Language::from_code(code).ok_or_else(|| {
            key_err(
                &key,
                "unknown language (expected en, ar, ckb, kmr, tr, fa, other)",
            )
        })?;
        let (own, default) = (
            raw.and_then(|r| r.languages.get(code.as_str())),
            defaults.and_then(|r| r.languages.get(code.as_str())),
        );
        let reject = own
            .and_then(|l| l.auto_reject.clone())
            .or_else(|| default.and_then(|l| l.auto_reject.clone()))
            .map(|names| head_list(&format!("{key}.auto_reject"), &names))
            .transpose()?;
        let approve = own
            .and_then(|l| l.approve.clone())
            .or_else(|| default.and_then(|l| l.approve.clone()))
            .map(|names| head_list(&format!("{key}.approve"), &names))
            .transpose()?;
        if let Some(r) = &reject {
            outside(&format!("{key}.auto_reject"), r)?;
        }
        languages.insert(lang, (reject, approve));
    }
    let unit = |key: &str, f: fn(&RawEncoder) -> Option<f32>, fallback: f32| {
        check_unit(key, pick(raw, defaults, f).unwrap_or(fallback))
    };
    Ok(EncoderPolicy {
        enabled: pick(raw, defaults, |r| r.enabled).unwrap_or(true),
        cascade: pick(raw, defaults, |r| r.cascade).unwrap_or(Cascade::All),
        heads,
        auto_reject,
        approve,
        review_at: unit("encoder.review_at", |r| r.review_at, 0.7)?,
        review_at_unmeasured: unit(
            "encoder.review_at_unmeasured",
            |r| r.review_at_unmeasured,
            0.9,
        )?,
        approve_below: unit("encoder.approve_below", |r| r.approve_below, 0.2)?,
        languages,
    })
}

/// The `[learned]` table: keys from the given policy, else from the default policy.
fn learned_policy(
    raw: Option<&RawLearned>,
    defaults: Option<&RawLearned>,
) -> Result<LearnedPolicy, PolicyError> {
    fn pick<T: Clone>(
        raw: Option<&RawLearned>,
        defaults: Option<&RawLearned>,
        f: fn(&RawLearned) -> Option<T>,
    ) -> Option<T> {
        raw.and_then(f).or_else(|| defaults.and_then(f))
    }
    let heads = |key: &str, names: Vec<String>| head_list(key, &names);
    let flagging = heads(
        "learned.heads",
        pick(raw, defaults, |r| r.heads.clone()).unwrap_or_default(),
    )?;
    let auto_reject = heads(
        "learned.auto_reject",
        pick(raw, defaults, |r| r.auto_reject.clone()).unwrap_or_default(),
    )?;
    if let Some(h) = auto_reject.iter().find(|h| !flagging.contains(h)) {
        return Err(key_err(
            "learned.auto_reject",
            format!("{h} is not among learned.heads"),
        ));
    }
    Ok(LearnedPolicy {
        enabled: pick(raw, defaults, |r| r.enabled).unwrap_or(true),
        heads: flagging,
        auto_reject,
        review_at: check_unit(
            "learned.review_at",
            pick(raw, defaults, |r| r.review_at).unwrap_or(0.7),
        )?,
        review_at_unmeasured: check_unit(
            "learned.review_at_unmeasured",
            pick(raw, defaults, |r| r.review_at_unmeasured).unwrap_or(0.9),
        )?,
        approve_gate: pick(raw, defaults, |r| r.approve_gate).unwrap_or(ApproveGate::NotFlagged),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_policy_matches_the_documented_defaults() {
        let p = Policy::default();
        assert!(!p.auto_approve());
        let t = p.thresholds(Category::Profanity, "en");
        assert_eq!(t.reject, Some(0.8));
        assert_eq!(p.thresholds(Category::OffTopic, "en").reject, None);
        assert!(p.citation_domains().iter().any(|d| d == "un.org"));
    }

    #[test]
    fn policy_is_send_and_sync() {
        fn check<T: Send + Sync>() {}
        check::<Policy>();
    }

    #[test]
    fn language_overrides_apply() {
        let p = Policy::from_toml_str(
            "[thresholds.fa.profanity]\nreject = 0.95\n[thresholds.default.promotion]\nauto_reject = false\n",
        )
        .expect("valid policy");
        assert_eq!(p.thresholds(Category::Profanity, "fa").reject, Some(0.95));
        assert_eq!(p.thresholds(Category::Profanity, "en").reject, Some(0.8));
        assert_eq!(p.thresholds(Category::Promotion, "tr").reject, None);
    }

    #[test]
    fn errors_name_the_wrong_key_or_line() {
        let e = Policy::from_toml_str("auto_approve = true\napprove_blow = 0.1\n")
            .expect_err("unknown key");
        let msg = e.to_string();
        assert!(
            msg.contains("approve_blow") && msg.contains("line 2"),
            "{msg}"
        );
        let e =
            Policy::from_toml_str("[thresholds.en.profanity]\nreject = 1.5\n").expect_err("range");
        assert!(
            e.to_string().contains("thresholds.en.profanity.reject"),
            "{e}"
        );
        let e = Policy::from_toml_str("[thresholds.en.off_topic]\nreject = 0.9\n")
            .expect_err("off_topic");
        assert!(e.to_string().contains("off_topic"), "{e}");
        let e =
            Policy::from_toml_str("[thresholds.xx.profanity]\nreview = 0.5\n").expect_err("lang");
        assert!(e.to_string().contains("thresholds.xx"), "{e}");
    }

    #[test]
    fn the_learned_table_is_read_and_checked() {
        let p = Policy::default();
        let l = p.learned();
        assert!(l.enabled);
        assert_eq!(l.auto_reject, [Head::Offensive, Head::IdentityAbuse]);
        assert_eq!(l.approve_gate, ApproveGate::NotFlagged);
        let off = Policy::from_toml_str("[learned]\nenabled = false\n").expect("valid");
        assert!(!off.learned().enabled);
        assert_eq!(off.learned().review_at, l.review_at);
        let e = Policy::from_toml_str("[learned]\nauto_reject = [\"rude\"]\n")
            .expect_err("unknown head");
        assert!(e.to_string().contains("learned.auto_reject"), "{e}");
        let e = Policy::from_toml_str("[learned]\nheads = [\"threat\"]\n")
            .expect_err("auto_reject outside heads");
        assert!(e.to_string().contains("offensive"), "{e}");
        let e = Policy::from_toml_str("[learned]\napprove_gate = \"maybe\"\n").expect_err("gate");
        assert!(e.to_string().contains("approve_gate"), "{e}");
    }

    #[test]
    fn extra_lexicon_entries_are_used() {
        let p = Policy::from_toml_str(
            "[[lexicon]]\nlang = \"en\"\ncategory = \"profanity\"\naction = \"block\"\nentries = [\"frak\"]\n",
        )
        .expect("valid policy");
        let v = crate::moderate(
            &crate::Comment {
                text: "what the frak",
                lang: Some("en"),
            },
            None,
            &p,
        );
        assert_eq!(v.decision, crate::Decision::Reject);
    }
}
