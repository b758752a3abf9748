//! `pestle check`'s warnings (issue 12): each rule on the sample pack with one mistake put in,
//! at its exact file, line and column with its suggestion — and the fixed pack gives none.

use jiff::civil::{Date, date};
use pestle::content::{ContentPack, Problem, RawFile, Severity, read_folder};

use crate::helpers::{pestle, repo_root};

const TODAY: Date = date(2026, 11, 30);

/// The sample pack in English only: each test here puts one mistake in an English page, and a
/// changed English page makes its translation differ or go out of date — rules of their own,
/// tested in `src/content/translation.rs` and `tests/api/spanish.rs`.
fn sample() -> Vec<RawFile> {
    let mut files = read_folder(&repo_root().join("content")).unwrap();
    files.retain(|f| !f.path.contains(".es."));
    files
}

fn text(files: &[RawFile], path: &str) -> String {
    let file = files.iter().find(|f| f.path == path).unwrap();
    String::from_utf8(file.bytes.clone()).unwrap()
}

/// `files` with `path` changed by `change`.
fn edited(
    mut files: Vec<RawFile>,
    path: &str,
    change: impl FnOnce(String) -> String,
) -> Vec<RawFile> {
    let file = files.iter_mut().find(|f| f.path == path).unwrap();
    let before = String::from_utf8(file.bytes.clone()).unwrap();
    let after = change(before.clone());
    assert_ne!(before, after, "the edit of {path} changed nothing");
    file.bytes = after.into_bytes();
    files
}

/// Line and column (1-based, in characters) of the first `needle` in `text`.
fn place(text: &str, needle: &str) -> (usize, usize) {
    let at = text
        .find(needle)
        .unwrap_or_else(|| panic!("{needle:?} not found"));
    let line = text[..at].matches('\n').count() + 1;
    let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    (line, text[start..at].chars().count() + 1)
}

fn warnings(files: &[RawFile]) -> Vec<Problem> {
    let checked = ContentPack::check("content", files, TODAY);
    if let Err(problems) = &checked.pack {
        panic!("the edited pack has errors: {problems:#?}");
    }
    assert!(
        checked
            .warnings
            .iter()
            .all(|w| w.severity == Severity::Warning)
    );
    checked.warnings
}

/// The one warning, checked for its place and field; returns its message.
fn only(warnings: &[Problem], file: &str, (line, column): (usize, usize), field: &str) -> String {
    assert_eq!(warnings.len(), 1, "{warnings:#?}");
    let w = &warnings[0];
    assert_eq!(w.file, format!("content/{file}"));
    assert_eq!((w.line, w.column), (Some(line), Some(column)), "{w}");
    assert_eq!(w.field.as_deref(), Some(field));
    w.message.clone()
}

#[test]
fn the_fixed_pack_passes_strict_and_reports_every_pages_grade() {
    assert_eq!(warnings(&sample()), [], "the sample pack has no warnings");
    let (status, stdout, stderr) = pestle(&["check", "--strict", "--report", "content"], &[]);
    assert_eq!(status, 0, "stdout: {stdout}\nstderr: {stderr}");
    // English pages are graded (the reading-level formula is English's).
    let conditions = std::fs::read_dir(repo_root().join("content/conditions"))
        .unwrap()
        .filter(|f| {
            !f.as_ref()
                .unwrap()
                .path()
                .to_string_lossy()
                .contains(".es.")
        })
        .count();
    let graded = stdout.lines().filter(|l| l.contains("  page ")).count();
    assert_eq!(graded, conditions, "{stdout}");
    assert!(
        stdout.contains("content/conditions/foot-and-leg-cramps.md"),
        "{stdout}"
    );
}

#[test]
fn misspelled_drug_names_in_prose_are_caught_with_the_right_spelling() {
    let path = "conditions/foot-and-leg-cramps.md";
    let files = edited(sample(), path, |t| {
        t.replace(
            "cyclobenzaprine (once sold as Flexeril)",
            "cyclobenzaprine (once sold as Flexiril, often taken with Guafenesin)",
        )
    });
    let found = warnings(&files);
    let body = text(&files, path);
    assert_eq!(found.len(), 2, "{found:#?}");
    for (warning, word, right) in [
        (&found[0], "Flexiril", "Flexeril"),
        (&found[1], "Guafenesin", "guaifenesin"),
    ] {
        let (line, column) = place(&body, word);
        assert_eq!(
            (warning.line, warning.column),
            (Some(line), Some(column)),
            "{warning}"
        );
        assert_eq!(warning.field.as_deref(), Some("body"));
        assert_eq!(
            warning.message,
            format!("\"{word}\" is not a known word; did you mean {right}?")
        );
    }
    // In a warning sign too (a TOML string: the column is the word's own).
    let files = edited(sample(), path, |t| {
        t.replace("if you take a statin.", "if you take Flexiril.")
    });
    let found = warnings(&files);
    let message = only(
        &found,
        path,
        place(&text(&files, path), "Flexiril"),
        "red_flags[2].text",
    );
    assert!(message.ends_with("did you mean Flexeril?"), "{message}");
}

#[test]
fn brands_and_ordinary_words_near_drug_names_are_not_flagged() {
    let path = "conditions/foot-and-leg-cramps.md";
    let files = edited(sample(), path, |t| {
        t.replacen(
            "## Overview\n",
            "## Overview\nFlexeril, Mucinex, Lyrica's label and flexible, gentle stretches help statins users.\n\n",
            1,
        )
    });
    assert_eq!(warnings(&files), []);
}

#[test]
fn a_hard_warning_sign_and_a_hard_page_name_their_grade_and_hardest_sentence() {
    let path = "conditions/foot-and-leg-cramps.md";
    let hard = "Immediately contact emergency medical services if unexplained unilateral \
                extremity pallor, coolness and excruciating discomfort materialize.";
    let files = edited(sample(), path, |t| {
        t.replacen(
            "text = \"Get seen today for bad muscle pain",
            &format!("text = \"{hard} Get seen today for bad muscle pain"),
            1,
        )
    });
    let found = warnings(&files);
    let message = only(
        &found,
        path,
        place(&text(&files, path), hard),
        "red_flags[2].text",
    );
    assert!(
        message.starts_with("this warning sign reads at grade "),
        "{message}"
    );
    assert!(message.contains("above 6"), "{message}");
    let line = place(&text(&files, path), hard).0;
    assert!(
        message.contains(&format!(
            "line {line} \"Immediately contact emergency medical services if"
        )),
        "{message}"
    );

    let long = "Pharmacological interventions, notwithstanding their considerable popularity, \
                demonstrate inconsistent effectiveness regarding nocturnal musculoskeletal \
                contractions, necessitating individualized therapeutic consideration. ";
    let files = edited(sample(), path, |t| {
        t.replacen(
            "## Overview\n",
            &format!("## Overview\n{}\n", long.repeat(30)),
            1,
        )
    });
    let body = text(&files, path);
    let body_start = body.match_indices("+++\n").nth(1).unwrap().0 + 4;
    let start_line = body[..body_start].matches('\n').count() + 1;
    let message = only(&warnings(&files), path, (start_line, 1), "body");
    assert!(message.starts_with("the page reads at grade "), "{message}");
    assert!(message.contains("above 8"), "{message}");
    assert!(
        message.contains("\"Pharmacological interventions, notwithstanding"),
        "{message}"
    );
}

#[test]
fn a_compounded_form_also_sold_commercially_needs_a_reason() {
    let path = "medications/baclofen.toml";
    let files = edited(sample(), path, |t| {
        let start = t.find("[compounding.reasons]").unwrap();
        let end = start + t[start..].find("\n\n").unwrap() + 2;
        format!("{}{}", &t[..start], &t[end..])
    });
    let at = place(&text(&files, path), "\"oral-suspension\", \"cream\"");
    let message = only(&warnings(&files), path, at, "compounding.forms[0]");
    assert!(
        message.starts_with("\"oral-suspension\" is also sold commercially"),
        "{message}"
    );
    assert!(message.contains("[compounding.reasons]"), "{message}");

    // A reason for a form that is not compounded is an error, not a silent extra.
    let files = edited(sample(), path, |t| {
        t.replace(
            "[compounding.reasons]\n",
            "[compounding.reasons]\ntroche = \"Custom strength.\"\n",
        )
    });
    let problems = ContentPack::check("content", &files, TODAY)
        .pack
        .unwrap_err();
    assert_eq!(problems.len(), 1, "{problems:#?}");
    assert_eq!(
        problems[0].field.as_deref(),
        Some("compounding.reasons.troche")
    );
    assert!(
        problems[0].message.contains("is not one of `forms`"),
        "{}",
        problems[0]
    );
}

#[test]
fn a_condition_without_an_emergency_or_urgent_sign_is_warned_unless_it_says_why() {
    let path = "conditions/scars.md";
    let files = edited(sample(), path, |t| {
        t.replace("level = \"urgent\"", "level = \"routine\"")
    });
    let message = only(&warnings(&files), path, (2, 1), "red_flags");
    assert!(
        message.starts_with("no emergency or urgent warning sign"),
        "{message}"
    );

    let files = edited(files, path, |t| {
        t.replacen(
            "+++\n",
            "+++\nno_warning_signs = \"Scars themselves are never urgent.\"\n",
            1,
        )
    });
    assert_eq!(warnings(&files), []);
}

#[test]
fn a_review_that_is_due_warns_and_a_reviewed_page_needs_sources() {
    let path = "conditions/scars.md";
    let reviewed = |on: &str, next: &str| {
        edited(sample(), path, |t| {
            t.replace(
                "by = \"\"",
                &format!("by = \"Ana Ruiz, PharmD\"\non = {on}\nnext = {next}"),
            )
        })
    };
    assert_eq!(warnings(&reviewed("2026-06-01", "2027-06-01")), []);
    let files = reviewed("2025-01-01", "2026-01-01");
    let at = place(&text(&files, path), "2026-01-01");
    let message = only(&warnings(&files), path, at, "review.next");
    assert_eq!(
        message,
        "the review was due on 2026-01-01; review the page again and update `on` and `next`"
    );

    let unsourced = edited(reviewed("2026-06-01", "2027-06-01"), path, |t| {
        let first = t.find("[[sources]]").unwrap();
        let end = t[first..].find("+++").unwrap() + first;
        format!("{}{}", &t[..first], &t[end..])
    });
    let problems = ContentPack::check("content", &unsourced, TODAY)
        .pack
        .unwrap_err();
    assert_eq!(problems.len(), 1, "{problems:#?}");
    assert_eq!(problems[0].field.as_deref(), Some("review.by"));
    assert!(
        problems[0]
            .message
            .starts_with("a reviewed page needs its sources"),
        "{}",
        problems[0]
    );
}

#[test]
fn an_example_testimonial_on_a_reviewed_page_is_warned() {
    let path = "conditions/foot-and-leg-cramps.md";
    let files = edited(sample(), path, |t| {
        t.replace(
            "by = \"\"",
            "by = \"Ana Ruiz, PharmD\"\non = 2026-06-01\nnext = 2027-06-01",
        )
    });
    let at = place(&text(&files, path), "\"clair-c\"");
    let message = only(&warnings(&files), path, at, "testimonials[0]");
    assert!(
        message.starts_with("`clair-c` is an example testimonial, on a page marked reviewed"),
        "{message}"
    );
}

#[test]
fn strict_turns_warnings_into_a_failing_exit_status() {
    let dir = tempfile::tempdir().unwrap();
    let files = edited(sample(), "conditions/scars.md", |t| {
        t.replace("level = \"urgent\"", "level = \"routine\"")
    });
    for file in &files {
        let path = dir.path().join(&file.path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, &file.bytes).unwrap();
    }
    let folder = dir.path().to_str().unwrap();
    let (status, stdout, stderr) = pestle(&["check", folder], &[]);
    assert_eq!(status, 0, "warnings alone pass without --strict: {stderr}");
    assert!(stdout.contains("1 warning"), "{stdout}");
    assert!(
        stderr.contains("scars.md:2:1: warning: field `red_flags`: no emergency or urgent"),
        "{stderr}"
    );
    let (status, _, stderr) = pestle(&["check", "--strict", folder], &[]);
    assert_eq!(status, 1, "{stderr}");
    assert!(
        stderr.contains("--strict: warnings count as errors"),
        "{stderr}"
    );
}

#[tokio::test]
async fn example_testimonials_say_so_and_stay_out_of_structured_data_and_medications_show_review() {
    let app = crate::helpers::spawn_app(crate::helpers::Backend::Sqlite).await;
    let quote = "It is rare to find health professionals";
    for path in ["/testimonials", "/conditions/foot-and-leg-cramps"] {
        let html = app.page(path).await;
        let at = html
            .find(quote)
            .unwrap_or_else(|| panic!("{path} shows the quote"));
        let label = html[..at].rfind("Example — replace with your patients' own words.");
        assert!(
            label.is_some(),
            "{path}: the example is labelled before its quote"
        );
        let json_ld = html
            .split("<script type=\"application/ld+json\">")
            .skip(1)
            .map(|s| s.split("</script>").next().unwrap())
            .collect::<String>();
        assert!(
            !json_ld.contains(quote),
            "{path}: an example is not structured data"
        );
    }
    let listing = app.page("/testimonials").await;
    assert!(
        !listing.contains("Shared with permission."),
        "every sample quote is an example"
    );
    let medication = app.page("/medications/baclofen").await;
    assert!(medication.contains("Sample content — not yet reviewed by a pharmacist."));
    assert!(medication.contains("Why we make a form that is also sold ready-made:"));
    assert!(
        medication.contains("id=\"sources\""),
        "a medication page lists its sources"
    );
}
