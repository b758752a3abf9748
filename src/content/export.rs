//! Writing content back out as a content folder, in the same format `import` reads.

use std::collections::HashSet;
use std::path::Path;

use anyhow::Context;
use serde::Serialize;

use super::{ContentPack, Lang};

/// Every file of `pack` as the folder would hold it: (`conditions/cramps.md`, its text), …,
/// `site.toml` first, each entry's translations (`conditions/cramps.es.md`) after it. The back
/// office edits these texts and checks them with the same reader `import` uses.
pub fn files(pack: &ContentPack) -> anyhow::Result<Vec<(String, String)>> {
    let mut files = vec![("site.toml".to_owned(), to_toml(&pack.site)?)];
    for (kind, name, text) in entry_files(pack) {
        files.push((format!("{kind}/{name}"), text?));
    }
    Ok(files)
}

/// Each entry file as (kind folder, file name, text).
fn entry_files(
    pack: &ContentPack,
) -> impl Iterator<Item = (&'static str, String, anyhow::Result<String>)> + '_ {
    let conditions = pack.conditions.iter().flat_map(|c| {
        let english = ("conditions", format!("{}.md", c.slug), condition_text(c));
        let translated = c.meta.translations.iter().map(move |(lang, t)| {
            (
                "conditions",
                format!("{}.{lang}.md", c.slug),
                condition_text(t),
            )
        });
        std::iter::once(english).chain(translated)
    });
    let medications = pack.medications.iter().flat_map(|m| {
        let english = (
            "medications",
            format!("{}.toml", m.slug),
            meta_toml(&m.meta),
        );
        let translated = m.meta.translations.iter().map(move |(lang, t)| {
            (
                "medications",
                format!("{}.{lang}.toml", m.slug),
                meta_toml(t),
            )
        });
        std::iter::once(english).chain(translated)
    });
    let testimonials = pack.testimonials.iter().flat_map(|t| {
        let english = (
            "testimonials",
            format!("{}.toml", t.slug),
            testimonial_toml(&t.meta),
        );
        let translated = t.meta.translations.iter().map(move |(lang, m)| {
            (
                "testimonials",
                format!("{}.{lang}.toml", t.slug),
                testimonial_toml(m),
            )
        });
        std::iter::once(english).chain(translated)
    });
    conditions.chain(medications).chain(testimonials)
}

/// One file of `pack` exactly as `files` gives it, without writing the others (the editor opens
/// one file; serialising the whole pack for it would be wasted work). `None` when `pack` has no
/// file at `path`.
pub fn file(pack: &ContentPack, path: &str) -> anyhow::Result<Option<String>> {
    if path == "site.toml" {
        return to_toml(&pack.site).map(Some);
    }
    let Some((folder, name)) = path.split_once('/') else {
        return Ok(None);
    };
    let Some((stem, extension)) = name.rsplit_once('.') else {
        return Ok(None);
    };
    let (slug, lang) = match stem.rsplit_once('.') {
        Some((slug, code)) => match Lang::parse(code) {
            Some(lang) if lang != Lang::En => (slug, Some(lang)),
            _ => return Ok(None),
        },
        None => (stem, None),
    };
    match (folder, extension) {
        ("conditions", "md") => {
            let Some(c) = pack.condition(slug) else {
                return Ok(None);
            };
            match lang {
                None => condition_text(c).map(Some),
                Some(lang) => c
                    .meta
                    .translations
                    .get(&lang)
                    .map(condition_text)
                    .transpose(),
            }
        }
        ("medications", "toml") => {
            let Some(m) = pack.medication(slug) else {
                return Ok(None);
            };
            match lang {
                None => meta_toml(&m.meta).map(Some),
                Some(lang) => m.meta.translations.get(&lang).map(meta_toml).transpose(),
            }
        }
        ("testimonials", "toml") => {
            let Some(t) = pack.testimonial(slug) else {
                return Ok(None);
            };
            match lang {
                None => testimonial_toml(&t.meta).map(Some),
                Some(lang) => t
                    .meta
                    .translations
                    .get(&lang)
                    .map(testimonial_toml)
                    .transpose(),
            }
        }
        _ => Ok(None),
    }
}

/// A condition file: TOML front matter between `+++` lines, then the Markdown body. Its
/// translations have files of their own.
pub fn condition_text(condition: &super::Condition) -> anyhow::Result<String> {
    let mut meta = condition.meta.clone();
    meta.translations.clear();
    let front = to_toml(&meta)?;
    Ok(format!("+++\n{front}+++\n{}", condition.body))
}

fn meta_toml(meta: &super::MedicationMeta) -> anyhow::Result<String> {
    let mut meta = meta.clone();
    meta.translations.clear();
    to_toml(&meta)
}

fn testimonial_toml(meta: &super::TestimonialMeta) -> anyhow::Result<String> {
    let mut meta = meta.clone();
    meta.translations.clear();
    to_toml(&meta)
}

/// Writes `pack` into `dir` so that the folder mirrors it exactly: every entry and translation
/// is written, and entry files (`*.md` / `*.toml` in the three entry folders) that are not in
/// `pack` are removed. Other files, such as a README, are left alone. Returns the number of
/// files written.
pub fn write_folder(pack: &ContentPack, dir: &Path) -> anyhow::Result<usize> {
    let mut written = 0;
    write(dir, "site.toml", &to_toml(&pack.site)?)?;
    written += 1;
    type Written = Vec<anyhow::Result<(String, String)>>;
    let mut by_kind: Vec<(&str, &str, Written)> = vec![
        ("conditions", ".md", Vec::new()),
        ("medications", ".toml", Vec::new()),
        ("testimonials", ".toml", Vec::new()),
    ];
    for (kind, name, text) in entry_files(pack) {
        if let Some((_, _, list)) = by_kind.iter_mut().find(|(k, _, _)| *k == kind) {
            list.push(text.map(|text| (name, text)));
        }
    }
    for (kind, extension, list) in by_kind {
        written += write_kind(dir, kind, extension, list.into_iter())?;
    }
    Ok(written)
}

fn write_kind(
    dir: &Path,
    kind: &str,
    extension: &str,
    files: impl Iterator<Item = anyhow::Result<(String, String)>>,
) -> anyhow::Result<usize> {
    let folder = dir.join(kind);
    std::fs::create_dir_all(&folder)
        .with_context(|| format!("cannot create {}", folder.display()))?;
    let mut names = HashSet::new();
    for file in files {
        let (name, text) = file?;
        write(&folder, &name, &text)?;
        names.insert(name);
    }
    for entry in
        std::fs::read_dir(&folder).with_context(|| format!("cannot read {}", folder.display()))?
    {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.ends_with(extension) && !names.contains(&name) && entry.file_type()?.is_file() {
            std::fs::remove_file(entry.path())
                .with_context(|| format!("cannot remove stale {}", entry.path().display()))?;
        }
    }
    Ok(names.len())
}

fn write(dir: &Path, name: &str, text: &str) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let path = dir.join(name);
    std::fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))
}

fn to_toml<T: Serialize>(value: &T) -> anyhow::Result<String> {
    toml::to_string(value).context("cannot write content as TOML")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_file_is_the_same_text_as_in_the_whole_folder() {
        let pack = ContentPack::sample().unwrap();
        for (path, text) in files(&pack).unwrap() {
            assert_eq!(
                file(&pack, &path).unwrap().as_deref(),
                Some(&*text),
                "{path}"
            );
        }
        for missing in [
            "conditions/nope.md",
            "conditions/migraine.toml",
            "x",
            "a/b/c.md",
        ] {
            assert_eq!(file(&pack, missing).unwrap(), None, "{missing}");
        }
    }
}
