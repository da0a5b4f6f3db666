//! `tribune eval` on the functional suite (a folder of `LANG.txt` files, or one of them):
//! accuracy per language × function with auto-approval on.

use std::io::Write;
use std::path::Path;

use anyhow::Context;
use tribune_moderation::eval::functional::{
    FUNCTIONS, FunctionalCase, FunctionalReport, LANGUAGES, parse_suite,
};
use tribune_moderation::{Comment, Policy};

/// Whether `path` is the functional suite (a folder) or one of its files (`LANG.txt`).
pub fn is_suite(path: &Path) -> bool {
    path.is_dir() || path.extension().is_some_and(|e| e == "txt")
}

fn read_cases(path: &Path) -> anyhow::Result<Vec<FunctionalCase>> {
    let files: Vec<(String, std::path::PathBuf)> = if path.is_dir() {
        LANGUAGES
            .iter()
            .map(|l| (l.to_string(), path.join(format!("{l}.txt"))))
            .filter(|(_, p)| p.exists())
            .collect()
    } else {
        let lang = path
            .file_stem()
            .and_then(|s| s.to_str())
            .filter(|s| LANGUAGES.contains(s))
            .with_context(|| {
                format!(
                    "{}: a suite file is named after its language ({})",
                    path.display(),
                    LANGUAGES.join(", ")
                )
            })?;
        vec![(lang.to_owned(), path.to_path_buf())]
    };
    anyhow::ensure!(
        !files.is_empty(),
        "{}: no suite files ({}.txt)",
        path.display(),
        LANGUAGES.join(".txt, ")
    );
    let mut cases = Vec::new();
    for (lang, file) in files {
        let text = std::fs::read_to_string(&file)
            .with_context(|| format!("reading {}", file.display()))?;
        cases.extend(parse_suite(&file.display().to_string(), &lang, &text)?);
    }
    Ok(cases)
}

/// Runs the suite and prints the table (and each wrong case with `failures`).
pub fn run(path: &Path, policy: &Policy, failures: bool) -> anyhow::Result<()> {
    let mut approving = policy.clone();
    approving.set_auto_approve(true);
    let cases = read_cases(path)?;
    let mut report = FunctionalReport::default();
    let mut out = std::io::stdout().lock();
    for case in &cases {
        let v = tribune_moderation::moderate(
            &Comment {
                text: &case.text,
                lang: Some(&case.lang),
            },
            None,
            &approving,
        );
        let right = report.add(case, &v);
        if failures && !right {
            let category = v.category.map_or("-", |c| c.as_str());
            writeln!(
                out,
                "wrong {}:{} {} -> {} {category}: {}",
                case.lang,
                case.line,
                case.function,
                v.decision.as_str(),
                case.text
            )?;
        }
    }
    let langs = report.languages();
    write!(out, "{:<22}", "function")?;
    for l in &langs {
        write!(out, " {l:>6}")?;
    }
    writeln!(out, " {:>6}", "all")?;
    let row = |out: &mut dyn Write, name: &str, f: Option<&str>| -> std::io::Result<()> {
        write!(out, "{name:<22}")?;
        for l in &langs {
            match report.count(Some(l), f) {
                (_, 0) => write!(out, " {:>6}", "-")?,
                _ => write!(out, " {:>6.3}", report.accuracy(Some(l), f))?,
            }
        }
        writeln!(out, " {:>6.3}", report.accuracy(None, f))
    };
    for f in FUNCTIONS {
        if report.count(None, Some(f)).1 > 0 {
            row(&mut out, f, Some(f))?;
        }
    }
    row(&mut out, "all functions", None)?;
    writeln!(
        out,
        "{:<6} {:>9} {:>13} {:>9} {:>16}",
        "lang", "approved", "harm approved", "rejected", "wrongly rejected"
    )?;
    for (lang, a) in &report.alone {
        writeln!(
            out,
            "{lang:<6} {:>9} {:>13} {:>9} {:>16}",
            a.approved, a.harm_approved, a.rejected, a.wrongly_rejected
        )?;
    }
    let (right, total) = report.count(None, None);
    writeln!(
        out,
        "{right} of {total} cases right ({:.1}%), auto-approval on",
        report.accuracy(None, None) * 100.0
    )?;
    Ok(())
}
