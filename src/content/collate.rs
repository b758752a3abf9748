//! Alphabetical order and first letters as each language's readers expect them: in Spanish,
//! accents do not count ("Úlcera" files under U) but Ñ is a letter of its own, after N.

use super::Lang;

/// `c` without its accent (`á` → `a`, `Ü` → `U`); other characters as they are. `ñ` keeps its
/// tilde: it is a letter, not an accented `n`.
pub fn unaccented(c: char) -> char {
    match c {
        'á' | 'à' | 'â' | 'ä' | 'ã' => 'a',
        'é' | 'è' | 'ê' | 'ë' => 'e',
        'í' | 'ì' | 'î' | 'ï' => 'i',
        'ó' | 'ò' | 'ô' | 'ö' | 'õ' => 'o',
        'ú' | 'ù' | 'û' | 'ü' => 'u',
        'ç' => 'c',
        'Á' | 'À' | 'Â' | 'Ä' | 'Ã' => 'A',
        'É' | 'È' | 'Ê' | 'Ë' => 'E',
        'Í' | 'Ì' | 'Î' | 'Ï' => 'I',
        'Ó' | 'Ò' | 'Ô' | 'Ö' | 'Õ' => 'O',
        'Ú' | 'Ù' | 'Û' | 'Ü' => 'U',
        'Ç' => 'C',
        other => other,
    }
}

/// `text` with accents and `ñ` folded to plain letters (for anchors and search words).
pub fn folded(text: &str) -> String {
    text.chars()
        .map(|c| match unaccented(c) {
            'ñ' => 'n',
            'Ñ' => 'N',
            other => other,
        })
        .collect()
}

/// What titles sort by in `lang`: lower case; in Spanish without accents and with `ñ` after
/// every other `n` word.
pub fn sort_key(title: &str, lang: Lang) -> String {
    let lower = title.to_lowercase();
    match lang {
        Lang::En => lower,
        Lang::Es => lower
            .chars()
            .flat_map(|c| match unaccented(c) {
                // `{` sorts after `z`, so "ñ" comes after "nz".
                'ñ' => ['n', '{'].into_iter().take(2),
                other => [other, '\0'].into_iter().take(1),
            })
            .collect(),
    }
}

/// The letter a title is listed under: A–Z (and Ñ in Spanish), else `#`.
pub fn initial(title: &str, lang: Lang) -> char {
    let first = title.chars().find(|c| c.is_alphanumeric()).unwrap_or('#');
    // English lists keep a title that starts with an accented letter under `#`, as before.
    let base = if lang == Lang::En {
        first
    } else {
        unaccented(first)
    };
    let upper = base.to_uppercase().next().unwrap_or('#');
    match (lang, upper) {
        (_, 'A'..='Z') => upper,
        (Lang::Es, 'Ñ') => 'Ñ',
        _ => '#',
    }
}

/// The letters of `lang`'s alphabet, in order.
pub fn alphabet(lang: Lang) -> Vec<char> {
    let mut letters: Vec<char> = ('A'..='Z').collect();
    if lang == Lang::Es {
        letters.insert(14, 'Ñ');
    }
    letters
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spanish_order_ignores_accents_and_puts_enye_after_n() {
        let mut titles = vec!["Ñame", "Úlcera", "Nuez", "Ojo", "Uña", "Árbol", "Azúcar"];
        titles.sort_by_key(|t| sort_key(t, Lang::Es));
        assert_eq!(
            titles,
            ["Árbol", "Azúcar", "Nuez", "Ñame", "Ojo", "Úlcera", "Uña"]
        );
        assert_eq!(initial("Úlcera", Lang::Es), 'U');
        assert_eq!(initial("Ñame", Lang::Es), 'Ñ');
        assert_eq!(initial("Ñame", Lang::En), '#');
        assert_eq!(initial("“Quoted”", Lang::En), 'Q');
        assert_eq!(alphabet(Lang::Es)[13..16], ['N', 'Ñ', 'O']);
        assert_eq!(folded("Cuándo buscar ayuda"), "Cuando buscar ayuda");
    }
}
