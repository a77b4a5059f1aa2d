//! The window's language: the desktop's languages, most wanted first, as BCP 47 tags
//! ("de-AT"), by the rules gettext follows (`LANGUAGE`, a colon-separated list, unless the
//! locale is C; then `LC_ALL`, `LC_MESSAGES`, `LANG`), read from the environment, so a
//! language is followed even where its locale is not installed; the first of them that
//! Dropdesk has catalogues for (`ui/locales/<language>/*.ftl`, built in), else English;
//! and those catalogues, with English's for any message a language lacks: the window's
//! (formatted by its scripts) apart from the core's (`core.ftl`, see `phrasebook.rs`).

include!(concat!(env!("OUT_DIR"), "/catalogues.rs"));

/// The language every message exists in.
pub const FALLBACK: &str = "en";
/// A pseudo-language that proves the window right to left: English, written backwards
/// (the window turns each text around), laid out as Arabic is. `LANGUAGE=ar_XB` asks for it.
pub const PSEUDO_RTL: &str = "ar-XB";

/// The languages Dropdesk has catalogues for, and the right-to-left pseudo-language.
pub fn available() -> Vec<&'static str> {
    let mut languages: Vec<&str> = CATALOGUES.iter().map(|(l, _, _)| *l).collect();
    languages.dedup();
    languages.push(PSEUDO_RTL);
    languages
}

/// Of `available`, the first language `wanted` asks for: the exact tag, else its language
/// alone; English when none.
pub fn choose<'a>(wanted: &[String], available: &[&'a str]) -> &'a str {
    wanted
        .iter()
        .find_map(|tag| {
            let base = tag.split('-').next().unwrap_or(tag);
            available
                .iter()
                .find(|l| l.eq_ignore_ascii_case(tag))
                .or_else(|| available.iter().find(|l| l.eq_ignore_ascii_case(base)))
        })
        .copied()
        .unwrap_or(FALLBACK)
}

/// The catalogue of what the core says (problems, notes): Rust formats these itself.
pub const CORE: &str = "core.ftl";

/// Who speaks a catalogue: the window's scripts and page, or the core.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Speaker {
    Window,
    Core,
}

/// The catalogue texts of `language` (English's for the pseudo-language) that `speaker`
/// speaks.
pub fn catalogues(language: &str, speaker: Speaker) -> Vec<&'static str> {
    let language = if language == PSEUDO_RTL {
        FALLBACK
    } else {
        language
    };
    CATALOGUES
        .iter()
        .filter(|(l, file, _)| *l == language && (*file == CORE) == (speaker == Speaker::Core))
        .map(|(_, _, text)| *text)
        .collect()
}

/// The language the desktop asks for, of those Dropdesk speaks.
pub fn of_desktop() -> &'static str {
    choose(&desktop(), &available())
}

/// The languages the variable values ask for; `get` reads a variable.
pub fn wanted(get: impl Fn(&str) -> Option<String>) -> Vec<String> {
    let set = |name: &str| get(name).filter(|v| !v.is_empty());
    let locale = set("LC_ALL")
        .or_else(|| set("LC_MESSAGES"))
        .or_else(|| set("LANG"));
    let plain = |v: &str| matches!(v, "C" | "POSIX") || v.starts_with("C.");
    let mut tags = Vec::new();
    if let Some(list) = set("LANGUAGE").filter(|_| !locale.as_deref().is_some_and(plain)) {
        tags.extend(list.split(':').filter_map(tag));
    }
    if let Some(l) = locale.filter(|l| !plain(l)) {
        tags.extend(tag(&l));
    }
    tags.dedup();
    tags
}

/// The desktop's languages, from this process's environment.
pub fn desktop() -> Vec<String> {
    wanted(|name| std::env::var(name).ok())
}

/// `de_AT.UTF-8@euro` → `de-AT`; nothing for an empty or C locale.
fn tag(locale: &str) -> Option<String> {
    let base = locale.split(['.', '@']).next()?;
    if base.is_empty() || base == "C" || base == "POSIX" {
        return None;
    }
    Some(base.replace('_', "-"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_language_wanted_that_has_catalogues_by_region_or_alone_else_english() {
        let have = ["de", "en"];
        let wanted = |tags: &[&str]| tags.iter().map(|t| t.to_string()).collect::<Vec<_>>();
        assert_eq!(choose(&wanted(&["de-AT", "en-US"]), &have), "de");
        assert_eq!(choose(&wanted(&["fr-FR", "de"]), &have), "de");
        assert_eq!(choose(&wanted(&["fr-FR"]), &have), "en");
        assert_eq!(choose(&[], &have), "en");
        let with_pseudo = ["de", "en", "ar-XB"];
        assert_eq!(choose(&wanted(&["ar-XB"]), &with_pseudo), "ar-XB");
        assert_eq!(
            choose(&wanted(&["ar-EG"]), &with_pseudo),
            "en",
            "real Arabic is not the pseudo-language"
        );
    }

    #[test]
    fn english_and_german_are_built_in() {
        assert_eq!(available(), ["de", "en", "ar-XB"]);
        assert!(catalogues("de", Speaker::Window)
            .iter()
            .any(|t| t.contains("Mit Dropbox verbinden")));
        let core = catalogues("de", Speaker::Core);
        assert_eq!(core.len(), 1);
        assert!(core[0].contains("Schlüsselbund"));
    }

    fn with(vars: &[(&str, &str)]) -> Vec<String> {
        wanted(|name| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        })
    }

    #[test]
    fn lang_alone_names_the_language_and_region() {
        assert_eq!(with(&[("LANG", "de_DE.UTF-8")]), ["de-DE"]);
    }

    #[test]
    fn lc_messages_wins_over_lang_and_lc_all_over_both() {
        assert_eq!(
            with(&[("LANG", "en_US.UTF-8"), ("LC_MESSAGES", "de_AT.UTF-8@euro")]),
            ["de-AT"]
        );
        assert_eq!(
            with(&[
                ("LANG", "en_US"),
                ("LC_MESSAGES", "de_AT"),
                ("LC_ALL", "fr_FR")
            ]),
            ["fr-FR"]
        );
    }

    #[test]
    fn language_lists_come_first_unless_the_locale_is_c() {
        assert_eq!(
            with(&[("LANGUAGE", "de:fr"), ("LANG", "en_GB.UTF-8")]),
            ["de", "fr", "en-GB"]
        );
        assert_eq!(
            with(&[("LANGUAGE", "de"), ("LANG", "C.UTF-8")]),
            Vec::<String>::new()
        );
    }
}
