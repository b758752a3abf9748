//! Writing content back out as a content folder, in the same format `import` reads.

use std::collections::HashSet;
use std::path::Path;

use anyhow::Context;
use serde::Serialize;

use super::ContentPack;

/// Every file of `pack` as the folder would hold it: (`conditions/cramps.md`, its text), …,
/// `site.toml` first. The back office edits these texts and checks them with the same reader
/// `import` uses.
pub fn files(pack: &ContentPack) -> anyhow::Result<Vec<(String, String)>> {
    let mut files = vec![("site.toml".to_owned(), to_toml(&pack.site)?)];
    for c in &pack.conditions {
        files.push((format!("conditions/{}.md", c.slug), condition_text(c)?));
    }
    for m in &pack.medications {
        files.push((format!("medications/{}.toml", m.slug), to_toml(&m.meta)?));
    }
    for t in &pack.testimonials {
        files.push((format!("testimonials/{}.toml", t.slug), to_toml(&t.meta)?));
    }
    Ok(files)
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
    match (folder, name.rsplit_once('.')) {
        ("conditions", Some((slug, "md"))) => pack.condition(slug).map(condition_text).transpose(),
        ("medications", Some((slug, "toml"))) => {
            pack.medication(slug).map(|m| to_toml(&m.meta)).transpose()
        }
        ("testimonials", Some((slug, "toml"))) => {
            pack.testimonial(slug).map(|t| to_toml(&t.meta)).transpose()
        }
        _ => Ok(None),
    }
}

/// A condition file: TOML front matter between `+++` lines, then the Markdown body.
pub fn condition_text(condition: &super::Condition) -> anyhow::Result<String> {
    let front = to_toml(&condition.meta)?;
    Ok(format!("+++\n{front}+++\n{}", condition.body))
}

/// Writes `pack` into `dir` so that the folder mirrors it exactly: every entry is written, and
/// entry files (`*.md` / `*.toml` in the three entry folders) that are not in `pack` are removed.
/// Other files, such as a README, are left alone. Returns the number of files written.
pub fn write_folder(pack: &ContentPack, dir: &Path) -> anyhow::Result<usize> {
    let mut written = 0;
    write(dir, "site.toml", &to_toml(&pack.site)?)?;
    written += 1;

    let conditions = pack
        .conditions
        .iter()
        .map(|c| Ok((format!("{}.md", c.slug), condition_text(c)?)));
    written += write_kind(dir, "conditions", ".md", conditions)?;

    let medications = pack
        .medications
        .iter()
        .map(|m| Ok((format!("{}.toml", m.slug), to_toml(&m.meta)?)));
    written += write_kind(dir, "medications", ".toml", medications)?;

    let testimonials = pack
        .testimonials
        .iter()
        .map(|t| Ok((format!("{}.toml", t.slug), to_toml(&t.meta)?)));
    written += write_kind(dir, "testimonials", ".toml", testimonials)?;
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
