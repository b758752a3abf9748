//! `pestle check DIR`: validate a content folder, print every problem, exit 1 if there are any.

use std::path::Path;
use std::process::ExitCode;

use crate::content::{ContentPack, Problem, read_folder};

pub fn run(dir: &Path) -> ExitCode {
    match load(dir) {
        Ok(pack) => {
            println!(
                "{}: no problems ({} conditions, {} medications, {} testimonials, {} locations)",
                super::folder_label(dir),
                pack.conditions.len(),
                pack.medications.len(),
                pack.testimonials.len(),
                pack.site.locations.len()
            );
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}

/// Reads and checks `dir`; the error is ready to print (every problem, then a count).
pub fn load(dir: &Path) -> Result<ContentPack, String> {
    let files = read_folder(dir).map_err(|e| format!("error: {e:#}"))?;
    ContentPack::from_files(&super::folder_label(dir), &files).map_err(|problems| report(&problems))
}

fn report(problems: &[Problem]) -> String {
    let mut files: Vec<&str> = problems.iter().map(|p| p.file.as_str()).collect();
    files.dedup();
    let mut out: String = problems.iter().map(|p| format!("{p}\n")).collect();
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    out.push_str(&format!(
        "{} in {}",
        plural(problems.len(), "problem"),
        plural(files.len(), "file")
    ));
    out
}
