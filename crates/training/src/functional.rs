//! The functional suite's training part (`functional/train/LANG.txt`, the suite's own format)
//! as labelled records for the encoder heads. The suite's test part (`functional/LANG.txt`)
//! is never read here.

use std::path::Path;

use sha2::{Digest, Sha256};
use tribune_learned::{Head, Labels};
use tribune_moderation::Decision;
use tribune_moderation::eval::functional::{FunctionalCase, LANGUAGES, parse_suite};

use crate::corpus::Record;
use crate::error::TrainingError;
use crate::pipeline::DataFile;

/// The source name of the suite's training rows (its own class-balance group).
pub const FUNCTIONAL_SOURCE: &str = "functional";

/// What a case says of each head. A case that may be rejected is a positive of the umbrella
/// and of each category it names, and unknown for the other categories (a threat may also be
/// identity abuse); one that may not be rejected but may be approved (clean, or counter-speech)
/// is a negative of every abuse head; promotion is never known.
pub fn case_labels(case: &FunctionalCase) -> Labels {
    let mut labels = Labels::unknown();
    if case.decisions.contains(&Decision::Reject) {
        labels.set(Head::Offensive, Some(true));
        for category in &case.categories {
            if let Some(head) = Head::from_name(category.as_str())
                && head != Head::Promotion
            {
                labels.set(head, Some(true));
            }
        }
    } else if case.decisions.contains(&Decision::Approve) {
        for head in Head::ALL.into_iter().filter(|&h| h != Head::Promotion) {
            labels.set(head, Some(false));
        }
    }
    labels
}

/// The suite's training part: its cases as records, and the files they came from.
#[derive(Debug, Clone, Default)]
pub struct FunctionalTrain {
    pub records: Vec<Record>,
    pub files: Vec<DataFile>,
}

/// Reads the training part in `dir` (`LANG.txt` for each suite language present; at least
/// one) as records of source [`FUNCTIONAL_SOURCE`], ids `functional:LANG:LINE`.
pub fn read_functional_train(dir: &Path) -> Result<FunctionalTrain, TrainingError> {
    let folder = dir.file_name().map_or_else(
        || dir.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let mut records = Vec::new();
    let mut files = Vec::new();
    for lang in LANGUAGES {
        let path = dir.join(format!("{lang}.txt"));
        if !path.is_file() {
            continue;
        }
        let bytes = std::fs::read(&path).map_err(|source| TrainingError::Read {
            path: path.display().to_string(),
            source,
        })?;
        let name = path.display().to_string();
        let text = std::str::from_utf8(&bytes).map_err(|e| TrainingError::Parse {
            file: name.clone(),
            line: 0,
            message: format!("not UTF-8: {e}"),
        })?;
        let cases = parse_suite(&name, lang, text).map_err(|e| TrainingError::Parse {
            file: e.file,
            line: e.line,
            message: e.message,
        })?;
        if cases.is_empty() {
            return Err(TrainingError::Empty { file: name });
        }
        files.push(DataFile {
            name: format!("{folder}/{lang}.txt"),
            sha256: Sha256::digest(&bytes)
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect(),
            rows: cases.len(),
        });
        records.extend(cases.iter().map(|case| Record {
            id: format!("{FUNCTIONAL_SOURCE}:{lang}:{}", case.line),
            text: case.text.clone(),
            lang: lang.to_owned(),
            source: FUNCTIONAL_SOURCE.to_owned(),
            labels: case_labels(case),
            video: None,
        }));
    }
    if files.is_empty() {
        return Err(TrainingError::Empty {
            file: format!("{} (no {}.txt)", dir.display(), LANGUAGES.join(".txt, ")),
        });
    }
    Ok(FunctionalTrain { records, files })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn case(line: &str) -> FunctionalCase {
        parse_suite("t.txt", "en", line)
            .expect("parses")
            .pop()
            .expect("one case")
    }

    #[test]
    fn a_rejectable_case_is_a_positive_of_its_categories_and_the_umbrella_only() {
        let l = case_labels(&case(
            "threat_direct | reject | threat/identity_abuse | we will burn their houses",
        ));
        assert_eq!(l.get(Head::Offensive), Some(true));
        assert_eq!(l.get(Head::Threat), Some(true));
        assert_eq!(l.get(Head::IdentityAbuse), Some(true));
        assert_eq!(l.get(Head::Profanity), None);
        assert_eq!(l.get(Head::Promotion), None);
        let implicit = case_labels(&case(
            "hate_implicit | review/reject | identity_abuse | you know what they are like",
        ));
        assert_eq!(implicit.get(Head::IdentityAbuse), Some(true));
        assert_eq!(implicit.get(Head::PersonalAttack), None);
    }

    #[test]
    fn clean_cases_and_counter_speech_are_negatives_of_every_abuse_head() {
        for line in [
            "identity_neutral | approve | - | Muslims across the city marked Eid today.",
            "counter_quote | approve/review | - | Calling them \"rats\" is vile.",
        ] {
            let l = case_labels(&case(line));
            for head in Head::ALL {
                let expected = (head != Head::Promotion).then_some(false);
                assert_eq!(l.get(head), expected, "{line}: {head:?}");
            }
        }
    }

    #[test]
    fn a_case_only_a_human_may_decide_teaches_nothing() {
        let l = case_labels(&case(
            "counter_quote | review | - | they said \"go home\", disgusting",
        ));
        assert!(Head::ALL.iter().all(|&h| l.get(h).is_none()));
    }

    #[test]
    fn reads_each_language_file_and_names_a_bad_line() {
        let dir = std::env::temp_dir().join(format!("tribune-functional-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        std::fs::write(
            dir.join("en.txt"),
            "# header\nopinion | reject | identity_abuse | I find them all vile\n",
        )
        .expect("write");
        std::fs::write(
            dir.join("tr.txt"),
            "disagreement | approve | - | Bence yanılıyorsun.\n",
        )
        .expect("write");
        let FunctionalTrain { records, files } = read_functional_train(&dir).expect("reads");
        assert_eq!(records.len(), 2);
        assert_eq!(records[0].id, "functional:en:2");
        assert_eq!(records[1].lang, "tr");
        assert_eq!(records[1].source, FUNCTIONAL_SOURCE);
        assert_eq!(files.len(), 2);

        std::fs::write(dir.join("fa.txt"), "nonsense line\n").expect("write");
        let err = read_functional_train(&dir)
            .expect_err("bad line")
            .to_string();
        assert!(err.contains("fa.txt") && err.contains("line 1"), "{err}");
        std::fs::remove_dir_all(&dir).expect("clean up");

        let empty =
            std::env::temp_dir().join(format!("tribune-functional-none-{}", std::process::id()));
        std::fs::create_dir_all(&empty).expect("temp dir");
        let err = read_functional_train(&empty)
            .expect_err("no files")
            .to_string();
        assert!(err.contains("en.txt"), "{err}");
        std::fs::remove_dir_all(&empty).expect("clean up");
    }
}
