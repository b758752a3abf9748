//! `pestle check` and the validator behind it: the sample content is clean, and a folder with
//! one of each mistake gets exactly one precise problem per mistake.

use pestle::content::{ContentPack, RawFile, read_folder};

use crate::helpers::{fixture, pestle, repo_root};

#[test]
fn the_sample_content_is_clean() {
    let (status, stdout, stderr) = pestle(&["check", "content"], &[]);
    assert_eq!(status, 0, "stdout: {stdout}\nstderr: {stderr}");
    assert!(stdout.contains("no problems"), "{stdout}");
}

/// (file, line, column, field, words the message must contain) for each mistake in the fixture.
const EXPECTED: &[(&str, usize, usize, Option<&str>, &str)] = &[
    (
        "conditions/bad-date.md",
        7,
        6,
        Some("review.on"),
        "expected a date like 2026-03-01 (YYYY-MM-DD), found \"2026-02-30\"",
    ),
    ("conditions/broken-toml.md", 2, 21, None, "broken TOML"),
    ("conditions/empty-body.md", 5, 1, None, "the body is empty"),
    (
        "conditions/listed-twice.md",
        6,
        29,
        Some("medications.prescription[1]"),
        "\"baclofen\" is listed twice",
    ),
    (
        "conditions/missing-condition.md",
        4,
        12,
        Some("related[0]"),
        "no condition `leg-cramp` (expected a file conditions/leg-cramp.md); did you mean `leg-cramps`?",
    ),
    (
        "conditions/missing-medication.md",
        6,
        17,
        Some("medications.prescription[0]"),
        "no medication `baclofin` (expected a file medications/baclofin.toml); did you mean `baclofen`?",
    ),
    (
        "conditions/missing-summary.md",
        2,
        1,
        Some("summary"),
        "missing required field",
    ),
    (
        "conditions/missing-testimonial.md",
        4,
        17,
        Some("testimonials[0]"),
        "no testimonial `pat-r`",
    ),
    (
        "conditions/next-before-on.md",
        8,
        8,
        Some("review.next"),
        "next review 2026-01-01 must be after the review date 2026-06-01",
    ),
    (
        "conditions/prescription-as-otc.md",
        6,
        21,
        Some("medications.over_the_counter[0]"),
        "`baclofen` is listed as over-the-counter but its status is \"prescription\"",
    ),
    (
        "conditions/unknown-field.md",
        4,
        1,
        Some("catgory"),
        "unknown field; did you mean `category`?",
    ),
    (
        "conditions/wrong-type.md",
        4,
        15,
        Some("also_called"),
        "expected a list of strings, found a string \"charley horse\"",
    ),
    (
        "medications/no-schedule.toml",
        1,
        1,
        Some("schedule"),
        "a controlled medication needs its DEA schedule",
    ),
    (
        "medications/unknown-form.toml",
        5,
        19,
        Some("compounding.forms[1]"),
        "unknown dosage form \"creme\"; expected one of \"capsule\", \"cream\"",
    ),
    (
        "medications/unknown-status.toml",
        2,
        10,
        Some("status"),
        "unknown status \"otc\"; expected one of \"over-the-counter\"",
    ),
    (
        "site.toml",
        15,
        8,
        Some("locations[1].slug"),
        "duplicate slug \"main-street\"",
    ),
    (
        "testimonials/not-utf8.toml",
        1,
        12,
        None,
        "the file is not UTF-8 text",
    ),
];

#[test]
fn each_mistake_gets_one_precise_problem() {
    let files = read_folder(&fixture("mistakes")).unwrap();
    let problems =
        ContentPack::from_files("mistakes", &files).expect_err("the fixture has mistakes");
    let got: Vec<String> = problems.iter().map(ToString::to_string).collect();
    assert_eq!(
        problems.len(),
        EXPECTED.len(),
        "problems:\n{}",
        got.join("\n")
    );
    for (problem, (file, line, column, field, words)) in problems.iter().zip(EXPECTED) {
        assert_eq!(problem.file, format!("mistakes/{file}"), "{problem}");
        assert_eq!(
            (problem.line, problem.column),
            (Some(*line), Some(*column)),
            "{problem}"
        );
        assert_eq!(problem.field.as_deref(), *field, "{problem}");
        assert!(
            problem.message.contains(words),
            "{problem}\nshould contain: {words}"
        );
    }
}

#[test]
fn check_prints_every_problem_and_exits_1() {
    let dir = fixture("mistakes");
    let (status, stdout, stderr) = pestle(&["check", dir.to_str().unwrap()], &[]);
    assert_eq!(status, 1, "stdout: {stdout}");
    for (file, line, column, _, _) in EXPECTED {
        let place = format!("{}/{file}:{line}:{column}: ", dir.display());
        assert!(stderr.contains(&place), "missing {place} in:\n{stderr}");
    }
    assert!(stderr.contains("17 problems in 17 files"), "{stderr}");
}

#[test]
fn a_missing_site_file_and_stray_files_are_reported() {
    let files = vec![
        RawFile {
            path: "condition/leg.md".into(),
            bytes: b"x".to_vec(),
        },
        RawFile {
            path: "conditions/Leg_Cramps.md".into(),
            bytes: b"x".to_vec(),
        },
        RawFile {
            path: "medications/notes.txt".into(),
            bytes: b"x".to_vec(),
        },
        RawFile {
            path: ".git/config".into(),
            bytes: b"ignored".to_vec(),
        },
        RawFile {
            path: "README.md".into(),
            bytes: b"ignored".to_vec(),
        },
    ];
    let problems = ContentPack::from_files("c", &files).unwrap_err();
    let text: Vec<String> = problems.iter().map(ToString::to_string).collect();
    let text = text.join("\n");
    assert_eq!(problems.len(), 4, "{text}");
    assert!(
        text.contains("c/condition/leg.md: unexpected file or folder `condition`"),
        "{text}"
    );
    assert!(text.contains("did you mean `conditions`?"), "{text}");
    assert!(
        text.contains("c/conditions/Leg_Cramps.md: file name: expected a slug"),
        "{text}"
    );
    assert!(
        text.contains("c/medications/notes.txt: unexpected file in medications/"),
        "{text}"
    );
    assert!(text.contains("c/site.toml: missing"), "{text}");
}

/// Cuts and corrupts every sample file at many points: the checker reports, it never panics.
#[test]
fn damaged_files_never_panic() {
    let files = read_folder(&repo_root().join("content")).unwrap();
    let mut checked = 0;
    for (index, file) in files.iter().enumerate() {
        let len = file.bytes.len();
        for cut in (0..len).step_by((len / 23).max(1)) {
            for damage in [None, Some(b'"'), Some(b'['), Some(b'\n'), Some(0xFF)] {
                let mut bytes = file.bytes[..cut].to_vec();
                if let Some(byte) = damage {
                    bytes.push(byte);
                    bytes.extend_from_slice(&file.bytes[cut..]);
                }
                let mut damaged = files.clone();
                damaged[index] = RawFile {
                    path: file.path.clone(),
                    bytes,
                };
                // Either outcome is fine; reaching the next line means no panic.
                let _ = ContentPack::from_files("content", &damaged);
                checked += 1;
            }
        }
    }
    assert!(
        checked > 1000,
        "only {checked} damaged folders were checked"
    );
}

#[test]
fn a_pale_brand_colour_and_an_unknown_featured_condition_are_reported_in_site_toml() {
    let mut files = read_folder(&repo_root().join("content")).unwrap();
    let site = files.iter_mut().find(|f| f.path == "site.toml").unwrap();
    let text = String::from_utf8(site.bytes.clone())
        .unwrap()
        .replace("primary = \"#1d5c63\"", "primary = \"#7fb3b8\"")
        .replace(
            "featured = [\"foot-and-leg-cramps\"",
            "featured = [\"foot-and-leg-cramp\"",
        );
    site.bytes = text.into_bytes();
    let problems = ContentPack::from_files("content", &files).unwrap_err();
    let line_of = |needle: &str| text_line(&files, needle);
    let found: Vec<(Option<usize>, Option<&str>, &str)> = problems
        .iter()
        .map(|p| (p.line, p.field.as_deref(), p.message.as_str()))
        .collect();
    assert_eq!(problems.len(), 2, "{found:?}");
    let featured = problems
        .iter()
        .find(|p| p.field.as_deref() == Some("featured[0]"))
        .unwrap();
    assert_eq!(featured.line, Some(line_of("featured =")));
    assert!(
        featured
            .message
            .contains("did you mean `foot-and-leg-cramps`"),
        "{}",
        featured.message
    );
    let colour = problems
        .iter()
        .find(|p| p.field.as_deref() == Some("brand.primary"))
        .unwrap();
    assert_eq!(colour.line, Some(line_of("primary =")));
    assert!(
        colour.message.contains("too light") && colour.message.contains("4.5:1"),
        "{}",
        colour.message
    );
}

/// The 1-based line of `site.toml` that contains `needle`.
fn text_line(files: &[RawFile], needle: &str) -> usize {
    let site = files.iter().find(|f| f.path == "site.toml").unwrap();
    let text = std::str::from_utf8(&site.bytes).unwrap();
    text.lines().position(|l| l.contains(needle)).unwrap() + 1
}

#[test]
fn a_message_template_naming_anything_but_its_placeholders_is_reported_in_site_toml() {
    let mut files = read_folder(&repo_root().join("content")).unwrap();
    let site = files.iter_mut().find(|f| f.path == "site.toml").unwrap();
    let mut text = String::from_utf8(site.bytes.clone()).unwrap();
    text.push_str(
        "\n[messages]\nready = \"{pharmacy}: {name}, your {medication} is ready: {link}\"\n\
         cannot_fill = \"{pharmacy}: call us about {reference}, {link}\"\n",
    );
    site.bytes = text.into_bytes();
    let problems = ContentPack::from_files("content", &files).unwrap_err();
    assert_eq!(problems.len(), 1, "{problems:?}");
    let problem = &problems[0];
    assert_eq!(problem.field.as_deref(), Some("messages.ready"));
    assert_eq!(problem.line, Some(text_line(&files, "ready = ")));
    assert!(
        problem.message.contains("unknown placeholder {name}"),
        "{}",
        problem.message
    );

    // A valid one is used as written.
    let site = files.iter_mut().find(|f| f.path == "site.toml").unwrap();
    let text = String::from_utf8(site.bytes.clone())
        .unwrap()
        .replace("{name}, your {medication}", "request {reference}");
    site.bytes = text.into_bytes();
    let pack = ContentPack::from_files("content", &files).unwrap();
    let defaults = pestle::content::messages::Messages::default();
    assert_eq!(
        pack.site.messages.en.ready,
        "{pharmacy}: request {reference} is ready: {link}"
    );
    assert_eq!(pack.site.messages.en.need_to_talk, defaults.en.need_to_talk);
    assert_eq!(
        pack.site.messages.es, defaults.es,
        "Spanish defaults stand in"
    );

    // The Spanish templates, `[messages.es]`, are checked the same way and named so.
    let site = files.iter_mut().find(|f| f.path == "site.toml").unwrap();
    let mut text = String::from_utf8(site.bytes.clone()).unwrap();
    text.push_str("\n[messages.es]\nready = \"{pharmacy}: {name}: {link}\"\n");
    site.bytes = text.into_bytes();
    let problems = ContentPack::from_files("content", &files).unwrap_err();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].field.as_deref(), Some("messages.es.ready"));
    assert!(problems[0].message.contains("unknown placeholder {name}"));
    let site = files.iter_mut().find(|f| f.path == "site.toml").unwrap();
    let text = String::from_utf8(site.bytes.clone())
        .unwrap()
        .replace("{pharmacy}: {name}: {link}", "Lista {reference}: {link}");
    site.bytes = text.into_bytes();
    let pack = ContentPack::from_files("content", &files).unwrap();
    assert_eq!(pack.site.messages.es.ready, "Lista {reference}: {link}");
    assert_eq!(pack.site.messages.es.cannot_fill, defaults.es.cannot_fill);
}
