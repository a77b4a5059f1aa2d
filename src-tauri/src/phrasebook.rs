//! The core's sentences in one language, with Project Fluent: the language's `core.ftl`
//! (built in, see `languages.rs`) first and English's behind it for any message it lacks.
//! Someone's text put in a sentence (a file name, a path, a detail from elsewhere) goes
//! in isolated (U+2068…U+2069, see [`text`]), so its own direction never reorders the
//! sentence; numbers and the keys a message chooses a variant by go in plain.

use std::borrow::Cow;
use std::sync::OnceLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};

use crate::languages::{self, Speaker};

/// The core's catalogues of one language, English's behind them.
pub struct Phrasebook {
    language: String,
    bundles: Vec<FluentBundle<FluentResource>>,
}

impl Phrasebook {
    /// The phrasebook of `language`, one of [`languages::available`].
    pub fn of(language: &str) -> Self {
        let mut bundles = vec![bundle(language)];
        if language != languages::FALLBACK {
            bundles.push(bundle(languages::FALLBACK));
        }
        Phrasebook {
            language: language.to_string(),
            bundles,
        }
    }

    /// The language's BCP 47 tag ("de").
    pub fn language(&self) -> &str {
        &self.language
    }

    /// The text of message `id` with `args`; its id when no catalogue has it (a test
    /// catches that).
    pub fn say(&self, id: &str, args: &FluentArgs) -> String {
        self.format(id, None, args)
    }

    /// The text of attribute `name` of message `id` (a problem's `title`).
    pub fn attribute(&self, id: &str, name: &str, args: &FluentArgs) -> String {
        self.format(id, Some(name), args)
    }

    fn format(&self, id: &str, attribute: Option<&str>, args: &FluentArgs) -> String {
        for bundle in &self.bundles {
            let Some(message) = bundle.get_message(id) else {
                continue;
            };
            let pattern = match attribute {
                None => message.value(),
                Some(name) => message.get_attribute(name).map(|a| a.value()),
            };
            if let Some(pattern) = pattern {
                let mut errors = Vec::new();
                let text = bundle.format_pattern(pattern, Some(args), &mut errors);
                debug_assert!(errors.is_empty(), "{id}: {errors:?}");
                return text.into_owned();
            }
        }
        id.to_string()
    }
}

/// The bundle of `language`'s `core.ftl`; isolation is [`text`]'s, not Fluent's, so that
/// numbers stay plain.
fn bundle(language: &str) -> FluentBundle<FluentResource> {
    let tag = language.parse().unwrap_or_default();
    let mut bundle = FluentBundle::new_concurrent(vec![tag]);
    bundle.set_use_isolating(false);
    if language == languages::PSEUDO_RTL {
        bundle.set_transform(Some(turned_around));
    }
    for catalogue in languages::catalogues(language, Speaker::Core) {
        // A catalogue that does not parse whole still gives what parses (a test fails on it).
        let resource = FluentResource::try_new(catalogue.to_string()).unwrap_or_else(|(r, _)| r);
        bundle.add_resource_overriding(resource);
    }
    bundle
}

/// The pseudo-language's text: English in a right-to-left override, as the window does.
fn turned_around(text: &str) -> Cow<'_, str> {
    Cow::Owned(format!("\u{202E}{text}\u{202C}"))
}

/// Someone's text as an argument of a sentence: isolated.
pub fn text(s: impl std::fmt::Display) -> FluentValue<'static> {
    FluentValue::from(format!("\u{2068}{s}\u{2069}"))
}

/// Arguments of a message.
pub fn args<'a, const N: usize>(pairs: [(&'static str, FluentValue<'a>); N]) -> FluentArgs<'a> {
    pairs.into_iter().collect()
}

/// The phrasebook of the desktop's language (the window speaks the same), made once;
/// English in unit tests, whatever the machine's language.
pub fn desktop() -> &'static Phrasebook {
    static BOOK: OnceLock<Phrasebook> = OnceLock::new();
    BOOK.get_or_init(|| {
        Phrasebook::of(if cfg!(test) {
            languages::FALLBACK
        } else {
            languages::of_desktop()
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn german_chooses_plurals_and_variants_and_keeps_a_name_isolated() {
        let de = Phrasebook::of("de");
        let one = de.say(
            "not-all-uploaded",
            &args([
                ("refused", 1.into()),
                ("first", text("Reise/a.txt")),
                ("why", "…".into()),
            ]),
        );
        assert!(
            one.starts_with("1 Datei des Ordners wurde nicht hochgeladen; die erste ist \u{2068}Reise/a.txt\u{2069}:"),
            "{one}"
        );
        let many = de.say(
            "not-all-uploaded",
            &args([
                ("refused", 3.into()),
                ("first", text("a")),
                ("why", "".into()),
            ]),
        );
        assert!(many.starts_with("3 Dateien des Ordners wurden"), "{many}");
        let title = de.attribute("names-refused", "title", &args([("count", 2.into())]));
        assert_eq!(title, "Einige Dateien wurden nicht gespeichert");
        let why = de.say("name-refused", &args([("why", "slash".into())]));
        assert!(why.starts_with("Ein Name darf kein „/“ enthalten"), "{why}");
    }

    #[test]
    fn a_message_a_language_lacks_comes_in_english_and_an_unknown_one_as_its_id() {
        let de = Phrasebook::of("de");
        assert_eq!(
            de.say("no-such-message", &FluentArgs::new()),
            "no-such-message"
        );
        let mut with_a_gap = Phrasebook::of("de");
        with_a_gap.bundles[0] = FluentBundle::new_concurrent(vec!["de".parse().unwrap()]);
        assert_eq!(
            with_a_gap.attribute("revoked", "title", &FluentArgs::new()),
            "Dropbox access was revoked"
        );
    }

    #[test]
    fn the_pseudo_language_is_english_turned_around_with_names_as_they_are() {
        let pseudo = Phrasebook::of(languages::PSEUDO_RTL);
        let taken = pseudo.say("name-taken", &args([("name", text("a.txt"))]));
        assert!(
            taken.starts_with("\u{202E}“\u{202C}\u{2068}a.txt\u{2069}"),
            "{taken:?}"
        );
    }

    /// Every message messages.rs and the browser's pages name (the first argument of `say`
    /// and `render`, the second of `problem`, each a literal) is in English's `core.ftl`. (The window's catalogue test checks that every
    /// language has every message of English's, with the same placeables: this file too.)
    #[test]
    fn every_message_the_core_names_is_in_the_english_catalogue() {
        let mut named = Vec::new();
        for (source, call, nth) in [
            (include_str!("messages.rs"), "say(", 0),
            (include_str!("messages.rs"), "problem(", 1),
            (include_str!("auth/page.rs"), "render(", 0),
        ] {
            for (at, _) in source.match_indices(call) {
                let before = source[..at].chars().next_back();
                if source[..at].ends_with("fn ")
                    || before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '.')
                {
                    continue;
                }
                // Only calls whose first argument is a literal.
                let args = &source[at + call.len()..];
                if !args.trim_start().starts_with('"') {
                    continue;
                }
                let mut literals = args.split('"').skip(1).step_by(2);
                named.extend(literals.nth(nth));
            }
        }
        assert!(named.len() > 60, "{} messages named", named.len());
        let en = Phrasebook::of(languages::FALLBACK);
        let missing: Vec<_> = named
            .iter()
            .filter(|id| en.bundles[0].get_message(id).is_none())
            .collect();
        assert!(missing.is_empty(), "{missing:?}");
    }
}
