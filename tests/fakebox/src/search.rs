//! `files/search_v2` and `files/search/continue_v2`. Dropbox matches the query's words
//! against the words of file and folder names: each query word must be the beginning of a
//! word of the name, ignoring case and accents ("cafe mull" finds "Café Müller
//! 2025-03-14.jpg"); a name's words are its runs of letters and digits. Matches come in
//! path order, `max_results` (default 100) a page, the rest through the cursor. Only
//! names are searched (fakebox keeps no text of contents).

use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use unicode_normalization::UnicodeNormalization;

use crate::api::{bearer, check_list_path, lookup_error, req_str, struct_arg, Handled};
use crate::state::App;
use crate::wire;

const DEFAULT_MAX: usize = 100;

/// Where a search stands, sealed like a listing cursor.
#[derive(Serialize, Deserialize)]
struct SearchCursor {
    words: Vec<String>,
    folder: String,
    account: usize,
    max: usize,
    offset: usize,
}

/// Lower case, accents dropped, split into runs of letters and digits.
pub fn words(text: &str) -> Vec<String> {
    let folded: String = text
        .nfd()
        .filter(|c| !('\u{300}'..='\u{36f}').contains(c))
        .flat_map(char::to_lowercase)
        .collect();
    folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

/// Every query word begins a word of the name.
pub fn matches(query: &[String], name: &str) -> bool {
    let name = words(name);
    !query.is_empty()
        && query
            .iter()
            .all(|q| name.iter().any(|w| w.starts_with(q.as_str())))
}

fn page(app: &App, c: SearchCursor) -> Handled {
    let s = app.lock();
    let tree = &s.trees[c.account];
    let (entries, _) = tree.list_page(&c.folder, true, None, usize::MAX);
    let found: Vec<&Value> = entries
        .iter()
        .filter(|m| m["name"].as_str().is_some_and(|n| matches(&c.words, n)))
        .collect();
    let end = (c.offset + c.max).min(found.len());
    let matches: Vec<Value> = found[c.offset.min(end)..end]
        .iter()
        .map(|m| {
            json!({
                "match_type": {".tag": "filename"},
                "metadata": {".tag": "metadata", "metadata": m},
            })
        })
        .collect();
    let has_more = end < found.len();
    let mut answer = json!({"matches": matches, "has_more": has_more});
    if has_more {
        let next = SearchCursor { offset: end, ..c };
        answer["cursor"] = json!(crate::cursor::seal(&app.cursor_key, &next));
    }
    Ok(wire::ok(&answer))
}

pub async fn search_v2(State(app): State<App>, headers: HeaderMap, body: Bytes) -> Handled {
    const ROUTE: &str = "files/search_v2";
    let grant = bearer(&app, &headers, ROUTE, Some("files.metadata.read"))?;
    let args = struct_arg(ROUTE, &headers, &body)?;
    let query = req_str(ROUTE, &args, "query")?;
    if query.is_empty() || query.chars().count() > 1000 {
        return Err(wire::bad_input(
            ROUTE,
            "request body: query: string is shorter than 1 or longer than 1000",
        ));
    }
    let options = args.get("options").cloned().unwrap_or(json!({}));
    let path = options["path"].as_str().unwrap_or("");
    check_list_path(ROUTE, path)?;
    let max = options["max_results"]
        .as_u64()
        .unwrap_or(DEFAULT_MAX as u64);
    if !(1..=1000).contains(&max) {
        return Err(wire::bad_input(
            ROUTE,
            "request body: options: max_results: value out of range",
        ));
    }
    let (account, folder) = {
        let s = app.lock();
        let account = s.account_of(grant);
        let folder = s.trees[account].resolve(path).map_err(lookup_error)?;
        (account, folder)
    };
    page(
        &app,
        SearchCursor {
            words: words(query),
            folder,
            account,
            max: max as usize,
            offset: 0,
        },
    )
}

pub async fn search_continue_v2(
    State(app): State<App>,
    headers: HeaderMap,
    body: Bytes,
) -> Handled {
    const ROUTE: &str = "files/search/continue_v2";
    let grant = bearer(&app, &headers, ROUTE, Some("files.metadata.read"))?;
    let args = struct_arg(ROUTE, &headers, &body)?;
    let text = req_str(ROUTE, &args, "cursor")?;
    let cursor: SearchCursor = crate::cursor::open(&app.cursor_key, text)
        .filter(|c: &SearchCursor| c.account == app.lock().account_of(grant))
        .ok_or_else(|| wire::bad_input(ROUTE, "Invalid \"cursor\" parameter"))?;
    page(&app, cursor)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_begin_words_of_the_name_whatever_the_case_and_accents() {
        let name = "Café Müller 2025-03-14.jpg";
        for q in ["cafe", "CAFÉ mull", "müller", "2025", "03 jp"] {
            assert!(matches(&words(q), name), "{q}");
        }
        for q in ["afe", "muller cake", "", "2026"] {
            assert!(!matches(&words(q), name), "{q}");
        }
        assert!(matches(&words("東京"), "東京 2024"));
    }
}
