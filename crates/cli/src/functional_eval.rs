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

/// Runs the suite and prints the table (and each wrong case with `failures`); with the
/// encoder stage, its figures beside the fast stages'.
pub fn run(
    path: &Path,
    policy: &Policy,
    failures: bool,
    stage: Option<&crate::encoder_commands::Stage>,
) -> anyhow::Result<()> {
    let mut approving = policy.clone();
    approving.set_auto_approve(true);
    let cases = read_cases(path)?;
    let mut fast = FunctionalReport::default();
    // With the encoder, under each cascade rule (the policy's first).
    let cascades = crate::engine_commands::cascades(policy);
    let mut with: Vec<(FunctionalReport, usize)> = vec![Default::default(); cascades.len()];
    let mut out = std::io::stdout().lock();
    for case in &cases {
        let comment = Comment {
            text: &case.text,
            lang: Some(&case.lang),
        };
        let mut v = tribune_moderation::moderate(&comment, None, &approving);
        fast.add(case, &v);
        if let Some(stage) = stage
            && approving.encoder().enabled
        {
            let e = stage.embed(&case.text)?;
            let read = stage.read_for_figures(&comment, v.clone(), &approving, &e);
            for (k, &c) in cascades.iter().enumerate() {
                let wants = tribune_moderation::cascade_wants(&v, c);
                with[k].1 += usize::from(wants);
                with[k].0.add(case, if wants { &read } else { &v });
            }
            if tribune_moderation::cascade_wants(&v, cascades[0]) {
                v = read;
            }
        }
        let right = case.judge(&v);
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
    let both = stage.is_some() && approving.encoder().enabled;
    let with_policy = &with[0].0;
    let langs = fast.languages();
    write!(out, "{:<22}", "function")?;
    for l in &langs {
        write!(out, " {l:>6}")?;
        if both {
            write!(out, " {:>6}", format!("{l}+enc"))?;
        }
    }
    write!(out, " {:>6}", "all")?;
    if both {
        write!(out, " {:>7}", "all+enc")?;
    }
    writeln!(out)?;
    let cell = |r: &FunctionalReport, l: Option<&str>, f: Option<&str>| match r.count(l, f) {
        (_, 0) => "-".to_owned(),
        _ => format!("{:.3}", r.accuracy(l, f)),
    };
    let mut row = |name: &str, f: Option<&str>| -> std::io::Result<()> {
        write!(out, "{name:<22}")?;
        for l in &langs {
            write!(out, " {:>6}", cell(&fast, Some(l), f))?;
            if both {
                write!(out, " {:>6}", cell(with_policy, Some(l), f))?;
            }
        }
        write!(out, " {:>6}", cell(&fast, None, f))?;
        if both {
            write!(out, " {:>7}", cell(with_policy, None, f))?;
        }
        writeln!(out)
    };
    for f in FUNCTIONS {
        if fast.count(None, Some(f)).1 > 0 {
            row(f, Some(f))?;
        }
    }
    row("all functions", None)?;
    let reports: Vec<(&str, &FunctionalReport)> = if both {
        vec![("fast", &fast), ("+enc", with_policy)]
    } else {
        vec![("fast", &fast)]
    };
    writeln!(
        out,
        "{:<6} {:<5} {:>9} {:>13} {:>9} {:>16}",
        "lang", "stage", "approved", "harm approved", "rejected", "wrongly rejected"
    )?;
    for lang in &langs {
        for (name, r) in &reports {
            if let Some(a) = r.alone.get(*lang) {
                writeln!(
                    out,
                    "{lang:<6} {name:<5} {:>9} {:>13} {:>9} {:>16}",
                    a.approved, a.harm_approved, a.rejected, a.wrongly_rejected
                )?;
            }
        }
    }
    for (name, r) in &reports {
        let (right, total) = r.count(None, None);
        writeln!(
            out,
            "{name}: {right} of {total} cases right ({:.1}%), auto-approval on",
            r.accuracy(None, None) * 100.0
        )?;
    }
    if both {
        writeln!(
            out,
            "{:<10} {:>8} {:>9} {:>13} {:>16} {:>8} {:>9}",
            "cascade",
            "accuracy",
            "approved",
            "harm approved",
            "wrongly rejected",
            "alone",
            "reached"
        )?;
        for ((report, reached), c) in with.iter().zip(&cascades) {
            let sum = |f: fn(&tribune_moderation::eval::functional::Alone) -> usize| {
                report.alone.values().map(f).sum::<usize>()
            };
            let alone = sum(|a| a.approved + a.rejected);
            writeln!(
                out,
                "{:<10} {:>7.1}% {:>9} {:>13} {:>16} {:>7.1}% {:>8.1}%",
                c.as_str(),
                100.0 * report.accuracy(None, None),
                sum(|a| a.approved),
                sum(|a| a.harm_approved),
                sum(|a| a.wrongly_rejected),
                100.0 * alone as f64 / cases.len().max(1) as f64,
                100.0 * *reached as f64 / cases.len().max(1) as f64
            )?;
        }
    }
    Ok(())
}
