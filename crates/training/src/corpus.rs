//! Reading the labelled corpus (JSON Lines, one record per line).

use std::collections::BTreeMap;
use std::io::BufRead;
use std::path::Path;

use serde::Deserialize;
use tribune_learned::{Head, Labels};

use crate::error::TrainingError;

/// One labelled text of the corpus.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    pub id: String,
    pub text: String,
    /// ISO 639-1 code of the dataset's language (`en`, `ar`, ...), or `ckb`/`kmr`.
    pub lang: String,
    pub source: String,
    /// A category absent from the record is unknown.
    pub labels: Labels,
    /// YouTube video of a promotion record, for leave-one-video-out tuning.
    pub video: Option<String>,
}

#[cfg(test)]
impl Record {
    /// A record of `source` with these labels, for tests.
    pub(crate) fn of_source(source: &str, labels: Labels) -> Record {
        Record {
            id: format!("{source}:0"),
            text: "text".to_owned(),
            lang: "en".to_owned(),
            source: source.to_owned(),
            labels,
            video: None,
        }
    }
}

#[derive(Deserialize)]
struct RawRecord {
    #[serde(default)]
    id: Option<String>,
    text: String,
    #[serde(default)]
    lang: Option<String>,
    #[serde(default)]
    source: Option<String>,
    #[serde(default)]
    labels: BTreeMap<String, u8>,
    #[serde(default)]
    video: Option<String>,
}

/// Parses JSON Lines from `reader`; `name` is the file name used in errors. Blank lines are
/// skipped; any other line that is not a valid record is an error naming the line.
pub fn parse_jsonl(reader: impl BufRead, name: &str) -> Result<Vec<Record>, TrainingError> {
    let mut out = Vec::new();
    for (n, line) in reader.lines().enumerate() {
        let line_no = n + 1;
        let line = line.map_err(|source| TrainingError::Read {
            path: format!("{name}, line {line_no}"),
            source,
        })?;
        if line.trim().is_empty() {
            continue;
        }
        let bad = |message: String| TrainingError::Parse {
            file: name.to_owned(),
            line: line_no,
            message,
        };
        let raw: RawRecord = serde_json::from_str(&line).map_err(|e| bad(e.to_string()))?;
        let mut labels = Labels::unknown();
        for (category, value) in &raw.labels {
            let head = Head::from_name(category)
                .ok_or_else(|| bad(format!("unknown category {category:?} in labels")))?;
            let value = match value {
                0 => false,
                1 => true,
                v => return Err(bad(format!("label {category} is {v}, expected 0 or 1"))),
            };
            labels.set(head, Some(value));
        }
        out.push(Record {
            id: raw.id.unwrap_or_else(|| format!("{name}:{line_no}")),
            text: raw.text,
            lang: raw.lang.unwrap_or_default(),
            source: raw.source.unwrap_or_default(),
            labels,
            video: raw.video,
        });
    }
    Ok(out)
}

/// Reads a JSON Lines file of records.
pub fn read_jsonl(path: &Path) -> Result<Vec<Record>, TrainingError> {
    let bytes = std::fs::read(path).map_err(|source| TrainingError::Read {
        path: path.display().to_string(),
        source,
    })?;
    let name = path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    parse_jsonl(bytes.as_slice(), &name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absent_labels_are_unknown() {
        let rows = parse_jsonl(
            br#"{"id": "a:1", "text": "hi", "lang": "en", "source": "a", "labels": {"offensive": 0}}

{"text": "buy", "labels": {"promotion": 1}, "video": "psy"}"#
                .as_slice(),
            "x.jsonl",
        )
        .expect("parses");
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].labels.get(Head::Offensive), Some(false));
        assert_eq!(rows[0].labels.get(Head::Threat), None);
        assert_eq!(rows[1].id, "x.jsonl:3");
        assert_eq!(rows[1].video.as_deref(), Some("psy"));
    }

    #[test]
    fn bad_rows_name_the_file_and_line() {
        for (input, needle) in [
            ("{\"text\": \"ok\"}\n{not json", "line 2"),
            (
                "{\"text\": \"ok\", \"labels\": {\"rude\": 1}}",
                "unknown category",
            ),
            (
                "{\"text\": \"ok\", \"labels\": {\"threat\": 2}}",
                "expected 0 or 1",
            ),
            ("{\"labels\": {}}", "text"),
        ] {
            let err = parse_jsonl(input.as_bytes(), "dev.jsonl").expect_err(input);
            let msg = err.to_string();
            assert!(msg.contains("dev.jsonl") && msg.contains(needle), "{msg}");
        }
    }
}
