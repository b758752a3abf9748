//! How hard a password is to guess, by zxcvbn's estimate (dictionaries of common passwords,
//! words and names; keyboard patterns, repeats, sequences, dates), and the plain sentence that
//! says why a weak one is refused and how to make a better one.

use zxcvbn::Score;
use zxcvbn::feedback::{Feedback, Suggestion, Warning};

/// zxcvbn's score 3 means at least 10^8 guesses: out of reach of online guessing, and slow
/// going offline against argon2id. Below it, a password is refused.
const MIN_SCORE: Score = Score::Three;

/// Parts of the e-mail address shorter than this are not worth telling the person about.
const MIN_PART_CHARS: usize = 3;

/// `Ok` when `password` is hard enough to guess for the account `email` (may be empty);
/// otherwise the sentence to show.
pub(super) fn judge(password: &str, email: &str) -> Result<(), String> {
    let known = known_words(email);
    let inputs: Vec<&str> = known.iter().map(String::as_str).collect();
    // What is left without the address's parts must be strong on its own: zxcvbn alone rates
    // two of them side by side ("fairweather gwendolyn") as strong enough.
    let lowered = password.to_lowercase();
    let rest = inputs
        .iter()
        .filter(|word| word.chars().count() >= MIN_PART_CHARS)
        .fold(lowered.clone(), |rest, word| rest.replace(word, ""));
    let uses_email = rest != lowered;
    let estimate = zxcvbn::zxcvbn(if uses_email { &rest } else { password }, &inputs);
    if estimate.score() >= MIN_SCORE {
        return Ok(());
    }
    let mut sentence = String::from("That password would be too easy to guess.");
    if uses_email {
        sentence.push_str(" Leave out your e-mail address and name.");
    }
    match estimate.feedback() {
        Some(feedback) if has_advice(feedback) => {
            if let Some(warning) = feedback.warning() {
                sentence.push(' ');
                sentence.push_str(warning_words(warning));
            }
            for suggestion in feedback.suggestions() {
                sentence.push(' ');
                sentence.push_str(suggestion_words(*suggestion));
            }
        }
        _ => {
            sentence.push(' ');
            sentence.push_str(suggestion_words(Suggestion::AddAnotherWordOrTwo));
        }
    }
    Err(sentence)
}

fn has_advice(feedback: &Feedback) -> bool {
    feedback.warning().is_some() || !feedback.suggestions().is_empty()
}

/// What a guesser who knows the account would try first: the address, the part before the `@`,
/// and the words in it (`maria.gonzalez@willow.example` gives `maria`, `gonzalez`, `willow`).
fn known_words(email: &str) -> Vec<String> {
    let email = email.trim().to_lowercase();
    if email.is_empty() {
        return Vec::new();
    }
    let mut words = vec![email.clone()];
    if let Some((local, _)) = email.split_once('@') {
        words.push(local.to_owned());
    }
    for part in email.split(|c: char| !c.is_alphanumeric()) {
        if part.chars().count() >= MIN_PART_CHARS && !words.iter().any(|w| w == part) {
            words.push(part.to_owned());
        }
    }
    words
}

/// zxcvbn's warnings, reworded for someone who does not think about passwords for a living.
fn warning_words(warning: Warning) -> &'static str {
    match warning {
        Warning::StraightRowsOfKeysAreEasyToGuess => {
            "Keys next to each other on the keyboard, like qwerty, are easy to guess."
        }
        Warning::ShortKeyboardPatternsAreEasyToGuess => {
            "Short patterns on the keyboard are easy to guess."
        }
        Warning::RepeatsLikeAaaAreEasyToGuess => {
            "The same character over and over, like aaa, is easy to guess."
        }
        Warning::RepeatsLikeAbcAbcAreOnlySlightlyHarderToGuess => {
            "Saying the same thing twice, like abcabc, is hardly harder to guess than once."
        }
        Warning::ThisIsATop10Password
        | Warning::ThisIsATop100Password
        | Warning::ThisIsACommonPassword => "It is one of the most common passwords.",
        Warning::ThisIsSimilarToACommonlyUsedPassword => "It is very like a common password.",
        Warning::SequencesLikeAbcAreEasyToGuess => {
            "Runs of letters or numbers, like abc or 6543, are easy to guess."
        }
        Warning::RecentYearsAreEasyToGuess => "Recent years are easy to guess.",
        Warning::AWordByItselfIsEasyToGuess => "A single word is easy to guess.",
        Warning::DatesAreOftenEasyToGuess => "Dates are easy to guess.",
        Warning::NamesAndSurnamesByThemselvesAreEasyToGuess => {
            "A name on its own is easy to guess."
        }
        Warning::CommonNamesAndSurnamesAreEasyToGuess => "Common names are easy to guess.",
    }
}

/// zxcvbn's suggestions, reworded the same way.
fn suggestion_words(suggestion: Suggestion) -> &'static str {
    match suggestion {
        Suggestion::UseAFewWordsAvoidCommonPhrases => {
            "Use a few unrelated words rather than a common phrase."
        }
        Suggestion::NoNeedForSymbolsDigitsOrUppercaseLetters => {
            "Symbols, digits and capital letters are not needed."
        }
        Suggestion::AddAnotherWordOrTwo => "Add another word or two; unusual words are best.",
        Suggestion::CapitalizationDoesntHelpVeryMuch => "A capital letter does not help much.",
        Suggestion::AllUppercaseIsAlmostAsEasyToGuessAsAllLowercase => {
            "All capitals are almost as easy to guess as none."
        }
        Suggestion::ReversedWordsArentMuchHarderToGuess => {
            "Words spelt backwards are not much harder to guess."
        }
        Suggestion::PredictableSubstitutionsDontHelpVeryMuch => {
            "Swapping letters for look-alikes, like @ for a, does not help much."
        }
        Suggestion::UseALongerKeyboardPatternWithMoreTurns => {
            "Use words rather than patterns on the keyboard."
        }
        Suggestion::AvoidRepeatedWordsAndCharacters => "Avoid repeated words and characters.",
        Suggestion::AvoidSequences => "Avoid runs like abc or 1234.",
        Suggestion::AvoidRecentYears => "Avoid recent years.",
        Suggestion::AvoidYearsThatAreAssociatedWithYou => {
            "Avoid years that mean something to you, like a birth year."
        }
        Suggestion::AvoidDatesAndYearsThatAreAssociatedWithYou => {
            "Avoid dates and years that mean something to you, like a birthday."
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::NewPassword;
    use super::*;

    #[test]
    fn easily_guessed_passwords_are_refused_with_advice() {
        for weak in [
            "password1234",
            "123456789012",
            "aaaaaaaaaaaa",
            "qwertyqwerty",
            "passwordpassword",
            "            ",
            "Password2024!",
            "abcdefghijklmnop",
        ] {
            let refusal = NewPassword::parse(weak).expect_err(weak);
            assert!(
                refusal.starts_with("That password would be too easy to guess. ")
                    || refusal.contains("most common"),
                "{weak:?}: {refusal}"
            );
            // Advice beyond the verdict: what is wrong, or what to do instead.
            assert!(refusal.split(". ").count() >= 2, "{weak:?}: {refusal}");
        }
        let refusal = NewPassword::parse("qwertyqwerty").unwrap_err();
        assert!(refusal.contains("Saying the same thing twice"), "{refusal}");
        let refusal = NewPassword::parse("asdfghjkl;'zxcv").unwrap_err();
        assert!(refusal.contains("keyboard"), "{refusal}");
        let refusal = NewPassword::parse("aaaaaaaaaaaa").unwrap_err();
        assert!(refusal.contains("over and over"), "{refusal}");
    }

    #[test]
    fn passphrases_are_accepted() {
        for strong in [
            "correct horse battery staple",
            "mortar and pestle 1887",
            "mortar and pestle 1887 apothecary",
            "violet kettle harbour spoon",
        ] {
            assert!(NewPassword::parse(strong).is_ok(), "{strong:?} was refused");
        }
    }

    #[test]
    fn a_password_made_of_the_e_mail_address_is_weak() {
        let email = "gwendolyn.fairweather@willow.example";
        for made_of_it in [
            "gwendolyn.fairweather",
            "gwendolyn.fairweather@willow.example",
            "fairweather gwendolyn",
            "Gwendolyn Willow harbour",
        ] {
            assert!(
                NewPassword::parse(made_of_it).is_ok(),
                "{made_of_it:?} is only weak for this account"
            );
            let refusal = NewPassword::parse_for(made_of_it, email).unwrap_err();
            assert!(refusal.contains("e-mail address"), "{refusal}");
        }
        assert!(NewPassword::parse_for("correct horse battery staple", email).is_ok());
    }

    #[test]
    fn the_known_words_of_an_address_are_its_parts() {
        assert_eq!(
            known_words(" Maria.Gonzalez@Willow.example "),
            [
                "maria.gonzalez@willow.example",
                "maria.gonzalez",
                "maria",
                "gonzalez",
                "willow",
                "example"
            ]
        );
        assert!(known_words("").is_empty());
    }
}
