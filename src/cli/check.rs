//! `pestle check DIR`: validate a content folder, print every problem and warning, exit 1 if
//! there are errors (or, with `--strict`, warnings).

use std::path::Path;
use std::process::ExitCode;

use crate::content::{BODY_GRADE, ContentPack, FLAG_GRADE, PageGrade, Problem, read_folder};

pub fn run(dir: &Path, strict: bool, report: bool) -> ExitCode {
    let label = super::folder_label(dir);
    let files = match read_folder(dir) {
        Ok(files) => files,
        Err(error) => {
            eprintln!("error: {error:#}");
            return ExitCode::FAILURE;
        }
    };
    // The pharmacist's calendar day where the check runs: that is when a review falls due.
    let today = jiff::Timestamp::now()
        .to_zoned_datetime(jiff::tz::TimeZone::system())
        .date();
    let checked = ContentPack::check(&label, &files, today);
    let pack = match checked.pack {
        Ok(pack) => pack,
        Err(problems) => {
            eprintln!("{}", summary(&problems, "problem"));
            return ExitCode::FAILURE;
        }
    };
    if report {
        print!("{}", grades(&checked.grades));
    }
    if !checked.warnings.is_empty() {
        eprintln!("{}", summary(&checked.warnings, "warning"));
        if strict {
            eprintln!("--strict: warnings count as errors");
            return ExitCode::FAILURE;
        }
    }
    println!(
        "{label}: no problems ({} conditions, {} medications, {} testimonials, {} locations){}",
        pack.conditions.len(),
        pack.medications.len(),
        pack.testimonials.len(),
        pack.site.locations.len(),
        match checked.warnings.len() {
            0 => String::new(),
            n => format!("; {n} warning{}", if n == 1 { "" } else { "s" }),
        }
    );
    ExitCode::SUCCESS
}

/// Reads and checks `dir`; the error is ready to print (every problem, then a count).
pub fn load(dir: &Path) -> Result<ContentPack, String> {
    let files = read_folder(dir).map_err(|e| format!("error: {e:#}"))?;
    ContentPack::from_files(&super::folder_label(dir), &files)
        .map_err(|problems| summary(&problems, "problem"))
}

/// Every problem on its own line, then "N problems in M files".
fn summary(problems: &[Problem], noun: &str) -> String {
    let mut files: Vec<&str> = problems.iter().map(|p| p.file.as_str()).collect();
    files.sort_unstable();
    files.dedup();
    let mut out: String = problems.iter().map(|p| format!("{p}\n")).collect();
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    out.push_str(&format!(
        "{} in {}",
        plural(problems.len(), noun),
        plural(files.len(), "file")
    ));
    out
}

/// The `--report` table: each page's body grade and its hardest pressing warning sign.
fn grades(grades: &[PageGrade]) -> String {
    let mut out = format!(
        "reading grade (Flesch-Kincaid; warned above {BODY_GRADE:.0} for a page, \
         {FLAG_GRADE:.0} for an emergency or urgent warning sign)\n"
    );
    let width = grades.iter().map(|g| g.file.len()).max().unwrap_or(0);
    for grade in grades {
        let flag = grade
            .hardest_flag
            .map_or_else(|| "-".to_owned(), |g| format!("{g:.1}"));
        out.push_str(&format!(
            "{:width$}  page {:>5.1}  hardest warning sign {flag:>5}\n",
            grade.file, grade.body
        ));
    }
    out
}
