//! TOML text to the spanned model, reporting syntax errors, type errors and unknown keys.

use std::ops::Range;

use serde::de::DeserializeOwned;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::diagnostic::{Code, Diagnostic};

/// One step of a path into a TOML document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// A key of a table.
    Key(String),
    /// An index of an array.
    Index(usize),
}

/// Most type errors collected from one file before giving up.
const MAX_TYPE_ERRORS: usize = 50;

/// Parses a document into `T`; on failure returns the diagnostics, on success also the warnings.
///
/// Type errors do not stop at the first: the entry holding a wrong value is set aside and the
/// document deserialized again, so every wrong value in a file is reported. A required field
/// that was set aside is not reported again as missing.
pub fn parse_document<T: DeserializeOwned>(source: &str) -> (Option<T>, Vec<Diagnostic>) {
    parse_view(&crate::source::SourceView::new(source))
}

/// [`parse_document`] of a file already parsed into a spanned view.
pub fn parse_view<T: DeserializeOwned>(
    view: &crate::source::SourceView<'_>,
) -> (Option<T>, Vec<Diagnostic>) {
    let source = view.text;
    let original = match &view.parsed {
        Ok(table) => table.clone(),
        Err(err) => return (None, vec![syntax_error(source, err)]),
    };
    let mut table = original.clone();
    let mut ignored: Vec<Vec<Step>> = Vec::new();
    let mut errors: Vec<Diagnostic> = Vec::new();
    let mut set_aside: Vec<String> = Vec::new();
    let mut value = None;
    for _ in 0..MAX_TYPE_ERRORS {
        let deserializer = toml::de::Deserializer::from(table.clone());
        let result: Result<T, _> = serde_ignored::deserialize(deserializer, |path| {
            let path = steps(&path);
            if !ignored.contains(&path) {
                ignored.push(path);
            }
        });
        let err = match result {
            Ok(parsed) => {
                value = Some(parsed);
                break;
            }
            Err(err) => err,
        };
        let missing = first_line(err.message())
            .strip_prefix("missing field `")
            .and_then(|rest| rest.strip_suffix('`'));
        // A required field set aside is the consequence of a wrong value already reported: set
        // aside the table that misses it instead, and go on.
        if !missing.is_some_and(|field| set_aside.iter().any(|k| k == field)) {
            errors.push(type_error(source, &original, &err));
        }
        match err
            .span()
            .and_then(|span| set_aside_entry(table.get_mut(), &span))
        {
            Some(key) => set_aside.push(key),
            None => break,
        }
    }
    let mut diagnostics: Vec<Diagnostic> = ignored
        .iter()
        .map(|path| {
            let parent = &path[..path.len().saturating_sub(1)];
            let mut known = known_keys::<T>(parent);
            if known.is_empty() {
                known = untyped_keys(parent);
            }
            unknown_key(&original, path, &known)
        })
        .collect();
    diagnostics.extend(errors);
    // A misspelt key (E043) withholds the document, but the rest of it is still checked so that
    // every problem is reported at once.
    if !diagnostics
        .iter()
        .any(|d| d.code.severity() == crate::diagnostic::Severity::Error && d.code != Code::E043)
    {
        return (value, diagnostics);
    }
    (None, diagnostics)
}

/// Removes the innermost entry whose value holds `span` (a wrong value, or a table missing a
/// field); returns its key. Tables are searched first: a `[table]`'s own span is its header.
fn set_aside_entry(table: &mut DeTable<'_>, span: &Range<usize>) -> Option<String> {
    let keys: Vec<_> = table.keys().cloned().collect();
    for key in &keys {
        let Some(value) = table.get_mut(key) else {
            continue;
        };
        let found = match value.get_mut() {
            DeValue::Table(inner) => set_aside_entry(inner, span),
            DeValue::Array(items) => items.iter_mut().find_map(|item| match item.get_mut() {
                DeValue::Table(inner) => set_aside_entry(inner, span),
                _ => None,
            }),
            _ => None,
        };
        if found.is_some() {
            return found;
        }
    }
    let key = keys.into_iter().find(|k| {
        table.get(k).is_some_and(|v| {
            let v = v.span();
            v.start <= span.start && span.end <= v.end
        })
    })?;
    table.remove(&key);
    Some(key.get_ref().to_string())
}

/// E001 for a document that is not TOML; at the number when the cause is a number written the
/// Danish or typographic way (`−450`, `1 200`, `-2.800,5`), naming the character and the fix.
fn syntax_error(source: &str, err: &toml::de::Error) -> Diagnostic {
    if let Some((span, m)) = err.span().and_then(|span| number_at(source, span.start)) {
        let written = source.get(span.clone()).unwrap_or("").to_owned();
        return Diagnostic::new(
            Code::E001,
            format!("TOML cannot read the number {written}: {}", m.problem),
            Some(span),
        )
        .with_label("not a TOML number")
        .with_help(m.help);
    }
    if err.span().is_none() && err.message().contains("recursion") {
        // The parser's depth limit comes without a location: point at the deepest line.
        return Diagnostic::new(
            Code::E001,
            "tables, lists or dotted keys are nested too deeply to read",
            crate::nesting::deepest_line(source),
        )
        .with_label("nested deepest here")
        .with_help(
            "a proposal needs only a few levels; look for brackets or dots repeated by mistake",
        );
    }
    Diagnostic::new(
        Code::E001,
        format!("invalid TOML: {}", first_line(err.message())),
        err.span(),
    )
    .with_help("check quotes, brackets and `=` on this line; strings need \"double quotes\"")
}

/// A number-like value on the line of byte `at` whose span holds `at` (or ends just before it)
/// and that TOML cannot read as written.
fn number_at(source: &str, at: usize) -> Option<(Range<usize>, crate::number::Misread)> {
    let at = at.min(source.len());
    let line_start = source.get(..at)?.rfind('\n').map_or(0, |i| i + 1);
    let line_end = source[at..].find('\n').map_or(source.len(), |i| at + i);
    let line = &source[line_start..line_end];
    let chars: Vec<(usize, char)> = line.char_indices().collect();
    let is_dash = |c: char| {
        c == '-' || c == '+' || "\u{2212}\u{2013}\u{2012}\u{2014}\u{fe63}\u{ff0d}".contains(c)
    };
    let is_space = |c: char| " \u{a0}\u{202f}\u{2009}\u{2007}".contains(c);
    let digit_at = |k: usize| chars.get(k).is_some_and(|(_, c)| c.is_ascii_digit());
    let mut i = 0;
    while i < chars.len() {
        let (start, c) = chars[i];
        let after_value_start = i == 0
            || matches!(chars[i - 1].1, '=' | '[' | '{' | ' ' | '\t' | ',')
                && !(chars[i - 1].1 == ',' && i >= 2 && chars[i - 2].1.is_ascii_digit());
        let begins = (c.is_ascii_digit() || (is_dash(c) && digit_at(i + 1))) && after_value_start;
        if !begins {
            i += 1;
            continue;
        }
        let mut j = i + 1;
        while j < chars.len() {
            let c = chars[j].1;
            let joins = c.is_ascii_digit()
                || ((c == '.' || c == ',' || c == '_' || is_space(c))
                    && digit_at(j - 1)
                    && digit_at(j + 1));
            if !joins {
                break;
            }
            j += 1;
        }
        let end = chars.get(j).map_or(line.len(), |(k, _)| *k);
        let (abs_start, abs_end) = (line_start + start, line_start + end);
        // toml may report the error at the number, just after it, or at what follows it.
        let reach = abs_end + line[end..].len() - line[end..].trim_start().len();
        if abs_start <= at && at <= reach {
            let text = &line[start..end];
            return crate::number::misread(text, false).map(|m| (abs_start..abs_end, m));
        }
        i = j.max(i + 1);
    }
    None
}

/// E002 or E003 for a document whose shape does not match the model, in a finance officer's
/// words: what the key needs and an example, never serde's type names.
fn type_error(source: &str, table: &Spanned<DeTable<'_>>, err: &toml::de::Error) -> Diagnostic {
    let message = first_line(err.message());
    if let Some(field) = message
        .strip_prefix("missing field `")
        .and_then(|rest| rest.strip_suffix('`'))
    {
        let field = field.to_owned();
        let span = err.span().map(|span| skip_comments(source, span));
        return Diagnostic::new(
            Code::E003,
            format!("missing required field `{field}`"),
            span,
        )
        .with_label(format!("`{field}` is missing in this table"))
        .with_help(format!(
            "add `{field} = …` to this table (see the user guide, \"The proposal file\")"
        ));
    }
    let (path, unit) = err
        .span()
        .map(|span| path_to(table, &span))
        .unwrap_or_default();
    let dotted = dotted(&path);
    let key = path.iter().rev().find_map(|step| match step {
        Step::Key(k) => Some(k.as_str()),
        Step::Index(_) => None,
    });
    let element = matches!(path.last(), Some(Step::Index(_)));
    let keys: Vec<&str> = path
        .iter()
        .filter_map(|step| match step {
            Step::Key(k) => Some(k.as_str()),
            Step::Index(_) => None,
        })
        .collect();
    let parent = keys.len().checked_sub(2).and_then(|i| keys.get(i)).copied();
    let year_key = key.is_some_and(|k| !k.is_empty() && k.chars().all(|c| c.is_ascii_digit()));
    let amount = if keys.contains(&"fte") {
        "a number of årsværk such as 4 or \"0,5\"".to_owned()
    } else {
        let unit = unit.unwrap_or_else(|| "the table's unit".to_owned());
        format!("a whole number of {unit} such as -2800, or a string such as \"-2.800,5\"")
    };
    let table_path = keys.join(".");
    let wanted = |expected: &str| -> (String, Option<String>) {
        let by_key = match (key, element) {
            (Some(k), false) if year_key && keys.contains(&"fte") => Some((
                amount.clone(),
                format!("{k} = 4, or {k} = \"0,5\" with a decimal comma"),
            )),
            (Some(k), false) if year_key => Some((
                amount.clone(),
                format!("{k} = -2800, or {k} = \"-2.800,5\" with a decimal comma"),
            )),
            (Some(k), false) => expected_for_key(k, parent, &amount, &table_path),
            (Some(k), true) => expected_for_element(k),
            (None, _) => None,
        };
        match by_key {
            Some((what, example)) => (what, Some(example)),
            None => (plain_expected(expected, &amount), None),
        }
    };
    let subject = if dotted.is_empty() {
        "the file".to_owned()
    } else if element {
        format!(
            "each entry of `{}`",
            dotted
                .rsplit_once('[')
                .map_or(dotted.as_str(), |(head, _)| head)
        )
    } else {
        format!("`{dotted}`")
    };
    // TOML hands a date to serde as a table: say "a date" when the value is written as one.
    let written_date = err
        .span()
        .and_then(|span| source.get(span))
        .is_some_and(looks_like_date);
    let (text, help) = if let Some(rest) = message.strip_prefix("invalid type: ") {
        let (found, expected) = rest.split_once(", expected ").unwrap_or((rest, ""));
        let (what, example) = wanted(expected);
        let found = if written_date {
            "a date".to_owned()
        } else {
            plain_found(found)
        };
        (format!("{subject} must be {what}, not {found}"), example)
    } else if let Some(rest) = message.strip_prefix("invalid value: ") {
        let (found, expected) = rest.split_once(", expected ").unwrap_or((rest, ""));
        let (what, example) = wanted(expected);
        (
            format!("{subject} must be {what}; {} is not", plain_found(found)),
            example,
        )
    } else if let Some(rest) = message.strip_prefix("unknown field `") {
        let (name, valid) = rest.split_once('`').unwrap_or((rest, ""));
        let valid = valid
            .trim_start_matches(", expected ")
            .trim_start_matches("one of ")
            .to_owned();
        (
            format!("unknown key `{name}` in {subject}"),
            Some(format!("use {valid}")),
        )
    } else if let Some(rest) = message.strip_prefix("unknown variant `") {
        let (name, valid) = rest.split_once('`').unwrap_or((rest, ""));
        let valid = valid
            .trim_start_matches(", expected ")
            .trim_start_matches("one of ")
            .to_owned();
        (
            format!("{subject} cannot be \"{name}\""),
            Some(format!("use {valid}")),
        )
    } else if message.starts_with("invalid length") {
        let (what, example) = wanted("");
        (format!("{subject} must be {what}"), example)
    } else if serde_words(message) {
        let (what, example) = wanted("");
        (
            format!("{subject} has the wrong kind of value; it must be {what}"),
            example,
        )
    } else {
        (message.to_owned(), None)
    };
    // A text where a date belongs: propose the date it most likely means, as a TOML date.
    let written_text = message
        .strip_prefix("invalid type: string ")
        .and_then(|rest| rest.split_once(", expected "))
        .map(|(quoted, _)| quoted);
    let help = match (key, written_text) {
        (Some("date"), Some(quoted)) => {
            match crate::dates::read_written(quoted.trim_matches('"')) {
                Some((y, m, d)) => Some(format!("date = {y:04}-{m:02}-{d:02}")),
                None => help,
            }
        }
        _ => help,
    };
    // A bare text among a section's blocks: each entry of the list is a block.
    let (text, help) = match written_text {
        Some(quoted) if element && keys.first() == Some(&"sections") => (
            format!("{subject} is a block: a text among tables is written {{ text = {quoted} }}"),
            Some(format!(
                "{} = [{{ text = {quoted} }}, …]",
                key.unwrap_or("section")
            )),
        ),
        _ => (text, help),
    };
    let help = match help {
        Some(use_instead) if use_instead.starts_with("use ") => use_instead,
        Some(example) => format!("write {example}"),
        None => "see the user guide, \"The proposal file\", for what each key holds".to_owned(),
    };
    Diagnostic::new(Code::E002, text, err.span()).with_help(help)
}

/// Whether a message still carries serde's vocabulary (type names a finance officer cannot know).
fn serde_words(message: &str) -> bool {
    const WORDS: &[&str] = &[
        "i64",
        "i32",
        "u64",
        "u32",
        "u16",
        "u8",
        "f64",
        "f32",
        "sequence",
        "map",
        "struct",
        "variant",
        "tuple",
        "newtype",
        "enum",
        "unit value",
        "char",
        "bytes",
        "option",
    ];
    message
        .split(|c: char| !c.is_alphanumeric())
        .any(|word| WORDS.contains(&word))
        || message.contains("invalid type")
}

/// Whether a value as written is a TOML date or date-time (`2024-01-01`, `2024-01-01T10:00:00`).
fn looks_like_date(written: &str) -> bool {
    let bytes = written.trim().as_bytes();
    bytes.len() >= 10
        && bytes[..4].iter().all(u8::is_ascii_digit)
        && bytes[4] == b'-'
        && bytes[5..7].iter().all(u8::is_ascii_digit)
        && bytes[7] == b'-'
        && bytes[8..10].iter().all(u8::is_ascii_digit)
}

/// What serde found, in plain words: "integer `5`" → "the number 5".
fn plain_found(found: &str) -> String {
    let quoted = |prefix: &str| {
        found
            .strip_prefix(prefix)
            .map(|rest| rest.trim_matches('`').to_owned())
    };
    if let Some(n) = quoted("integer ") {
        format!("the number {n}")
    } else if let Some(n) = quoted("floating point ") {
        format!("the decimal number {n}")
    } else if let Some(b) = quoted("boolean ") {
        b
    } else if let Some(text) = found.strip_prefix("string ") {
        format!("the text {text}")
    } else {
        match found {
            "sequence" => "a list".to_owned(),
            "map" => "a table".to_owned(),
            "unit value" | "option" => "nothing".to_owned(),
            _ if found.contains("date") => "a date".to_owned(),
            _ => "this value".to_owned(),
        }
    }
}

/// serde's "expected …" in plain words, for keys without a phrase of their own.
fn plain_expected(expected: &str, amount: &str) -> String {
    let expected = expected.trim();
    match expected {
        "a string" | "a borrowed string" => "text in double quotes".to_owned(),
        "a sequence" => "a list in square brackets, such as [\"…\"]".to_owned(),
        "a map" => "a table, such as { … } or a [heading] with keys below it".to_owned(),
        "a boolean" => "true or false".to_owned(),
        "f64" | "f32" => "a number".to_owned(),
        _ if expected.starts_with("struct ") => {
            "a table, such as { … } or a [heading] with keys below it".to_owned()
        }
        _ if expected.contains("datetime") || expected.contains("date") => {
            "a date such as 2024-06-12 (without quotes)".to_owned()
        }
        _ if expected.starts_with("an amount") => amount.to_owned(),
        _ if expected.starts_with('i') || expected.starts_with('u') => {
            if expected.len() <= 3 {
                "a whole number".to_owned()
            } else {
                expected.to_owned()
            }
        }
        "" => "another kind of value".to_owned(),
        _ if serde_words(expected) => "another kind of value".to_owned(),
        _ => expected.to_owned(),
    }
}

/// What a key of the format holds (under `parent`, at `table_path`), and an example to write.
fn expected_for_key(
    key: &str,
    parent: Option<&str>,
    amount: &str,
    table_path: &str,
) -> Option<(String, String)> {
    let text = |example: &str| Some(("text in double quotes".to_owned(), example.to_owned()));
    let per_year = || {
        let example = if key == "fte" {
            format!("{key} = {{ 2025 = 4, 2026 = \"0,5\" }}")
        } else {
            format!("{key} = {{ 2025 = -2800, 2026 = \"-2.800,5\" }}")
        };
        Some((format!("amounts per year, each {amount}"), example))
    };
    match parent {
        Some("stated_net") => return per_year(),
        Some("checkboxes") => {
            return Some((
                "a list of ticked options".to_owned(),
                format!("{key} = [\"…\"]"),
            ));
        }
        Some("sections") => {
            return Some((
                "Markdown text in double quotes, or a list of blocks".to_owned(),
                format!(
                    "{key} = \"\"\"…\"\"\" or {key} = [{{ text = \"…\" }}, {{ table = \"tabel2\" }}]"
                ),
            ));
        }
        Some("tables") => {
            return Some((
                "a table with its `kind` and keys".to_owned(),
                format!(
                    "[tables.{key}] on a line of its own, with kind = \"ledger\" and the other keys below it"
                ),
            ));
        }
        Some("committees") => return text(&format!("{key} = \"…udvalget\"")),
        _ => {}
    }
    match key {
        "id" => text("id = \"SU04\""),
        "form" => text("form = \"standard\""),
        "title" | "municipality" | "proposer" | "number" | "area" | "address" | "target_group"
        | "label" | "caption" | "prices" | "row_total" | "total" | "label_header" | "intro"
        | "lead" | "purpose" | "group" | "heading" | "body" | "alt" | "file" | "kind"
        | "expense" | "committee" | "account" | "unit" | "amounts_from" | "text" | "table"
        | "name" | "annex" | "chart_caption" | "group_by" => text(&format!("{key} = \"…\"")),
        "committees" => Some((
            "a list such as [\"Socialudvalget\"]".to_owned(),
            "committees = [\"Socialudvalget\"]".to_owned(),
        )),
        "external_amounts" => Some((
            "a list of texts such as [\"16,4 mio. kr.\"]".to_owned(),
            "external_amounts = [\"16,4 mio. kr.\"]".to_owned(),
        )),
        "columns" | "values" | "header" | "expense_types" | "proposals" => Some((
            "a list of texts in square brackets".to_owned(),
            format!("{key} = [\"…\", \"…\"]"),
        )),
        "cells" => Some((
            "a list of cells in square brackets".to_owned(),
            "cells = [\"…\", { heading = \"…\", body = \"…\" }]".to_owned(),
        )),
        "years" => Some((
            "a list of years such as [2024, 2025, 2026, 2027]".to_owned(),
            "years = [2024, 2025, 2026, 2027]".to_owned(),
        )),
        "one_off_years" => Some((
            "a list of years such as [2024]".to_owned(),
            "one_off_years = [2024]".to_owned(),
        )),
        "year" => Some(("a year such as 2025".to_owned(), "year = 2025".to_owned())),
        "date" => Some((
            "a date such as 2024-06-12 (without quotes)".to_owned(),
            "date = 2024-06-12".to_owned(),
        )),
        "amounts" | "current" | "fte" | "stated_totals" => per_year(),
        "amount" | "stated_total" | "stated_grand_total" | "rounding" | "alternative" => Some((
            amount.to_owned(),
            format!("{key} = 2800 or {key} = \"2.800,5\""),
        )),
        "own_prices" => Some(("true or false".to_owned(), "own_prices = true".to_owned())),
        "logo" => Some((
            "a table with the file and its alt text".to_owned(),
            "logo = { file = \"logo.svg\", alt = \"…s logo\" }".to_owned(),
        )),
        "stated_net" => Some((
            "a table of amounts per year for each expense type".to_owned(),
            "[budget.stated_net] with service = { 2025 = -600 }".to_owned(),
        )),
        "checkboxes" => Some((
            "a table of ticked options per group".to_owned(),
            "[checkboxes] with kategorisering = [\"Henvist sag\"]".to_owned(),
        )),
        "sections" => Some((
            "a table of sections".to_owned(),
            "[sections] with resume = \"…\"".to_owned(),
        )),
        "tables" => Some((
            "a table of tables by id".to_owned(),
            "[tables.tabel2] with kind = \"ledger\"".to_owned(),
        )),
        "frame" => Some((
            "a table with the amount and its unit".to_owned(),
            "frame = { amount = 21, unit = \"mio. kr.\" }".to_owned(),
        )),
        "budget" | "request" | "agreement" | "staff" | "catalogue" | "committees_register" => {
            Some((
                "a table with its keys below a heading".to_owned(),
                format!(
                    "[{key}] on a line of its own, with its keys below it (see the user guide, \"The proposal file\")"
                ),
            ))
        }
        "rows" | "lines" | "areas" | "parts" => Some((
            "a list of tables, one per entry".to_owned(),
            format!("[[{table_path}]] on a line of its own before each entry's keys"),
        )),
        _ => None,
    }
}

/// What each entry of a list-valued key holds, and an example.
fn expected_for_element(key: &str) -> Option<(String, String)> {
    let text = |what: &str, example: &str| Some((what.to_owned(), example.to_owned()));
    match key {
        "years" | "one_off_years" => text("a year such as 2025", "[2024, 2025, 2026, 2027]"),
        "committees" => text(
            "a committee's name in double quotes",
            "committees = [\"Socialudvalget\"]",
        ),
        "external_amounts" => text("text in double quotes", "[\"16,4 mio. kr.\"]"),
        "columns" | "values" | "header" | "expense_types" | "proposals" => {
            text("text in double quotes", "[\"…\", \"…\"]")
        }
        "cells" => text(
            "a cell: text in double quotes, or { heading = \"…\", body = \"…\" }",
            "cells = [\"…\", { heading = \"…\", body = \"…\" }]",
        ),
        "rows" | "lines" | "areas" | "parts" => text(
            "a table of keys",
            "{ label = \"…\", … } or [[….rows]] with its keys below",
        ),
        _ => text(
            "text in double quotes, or a block such as { text = \"…\" }",
            "[{ text = \"…\" }, { heading = \"…\" }, { table = \"tabel2\" }]",
        ),
    }
}

/// The path of keys and indices to the innermost value holding `span`, and the `unit` of the
/// nearest table on the way that has one (for "a whole number of 1.000 kr.").
fn path_to(table: &Spanned<DeTable<'_>>, span: &Range<usize>) -> (Vec<Step>, Option<String>) {
    let mut path = Vec::new();
    let mut unit = None;
    search_table(table.get_ref(), span, &mut path, &mut unit);
    (path, unit)
}

/// Whether the span of `value` holds `span`.
fn holds(value: &Spanned<DeValue<'_>>, span: &Range<usize>) -> bool {
    let r = value.span();
    r.start <= span.start && span.end <= r.end
}

/// Finds the entry of `table` holding `span`, searching tables first (a `[table]`'s own span is
/// only its header); pushes its steps onto `path`.
fn search_table(
    table: &DeTable<'_>,
    span: &Range<usize>,
    path: &mut Vec<Step>,
    unit: &mut Option<String>,
) -> bool {
    let unit_here = match table.get("unit").map(|u| u.get_ref()) {
        Some(DeValue::String(u)) => Some(u.to_string()),
        _ => None,
    };
    for (key, value) in table {
        path.push(Step::Key(key.get_ref().to_string()));
        if search_value(value, span, path, unit) {
            if unit.is_none() {
                *unit = unit_here.clone();
            }
            return true;
        }
        path.pop();
    }
    false
}

/// Whether `value` holds `span` (itself or deeper); pushes the deeper steps onto `path`.
fn search_value(
    value: &Spanned<DeValue<'_>>,
    span: &Range<usize>,
    path: &mut Vec<Step>,
    unit: &mut Option<String>,
) -> bool {
    match value.get_ref() {
        DeValue::Table(inner) if value.span() != *span && search_table(inner, span, path, unit) => {
            return true;
        }
        DeValue::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                path.push(Step::Index(i));
                if search_value(item, span, path, unit) {
                    return true;
                }
                path.pop();
            }
        }
        _ => {}
    }
    holds(value, span)
}

/// `budget.lines[0].amounts` from steps.
fn dotted(path: &[Step]) -> String {
    path.iter()
        .map(|step| match step {
            Step::Key(key) => key.clone(),
            Step::Index(i) => format!("[{i}]"),
        })
        .collect::<Vec<_>>()
        .join(".")
        .replace(".[", "[")
}

/// The keys of a table the model reads by its own visitor (a string or a table), which the
/// probe in [`known_keys`] cannot walk into: a ledger column and a text table's cell.
fn untyped_keys(parent: &[Step]) -> Vec<&'static str> {
    match parent {
        [.., Step::Key(list), Step::Index(_)] if list == "columns" => {
            known_keys::<crate::model::ColumnSpec>(&[])
        }
        [.., Step::Key(list), Step::Index(_)] if list == "cells" => vec!["heading", "body"],
        _ => Vec::new(),
    }
}

/// W001 for a key that is not part of the format; E043 when it is close to a key of the same
/// table (`stated_nets` for `stated_net`), since the check or text it was meant for would
/// silently be lost.
fn unknown_key(table: &Spanned<DeTable<'_>>, path: &[Step], known: &[&str]) -> Diagnostic {
    let dotted = path
        .iter()
        .map(|step| match step {
            Step::Key(key) => key.clone(),
            Step::Index(i) => format!("[{i}]"),
        })
        .collect::<Vec<_>>()
        .join(".")
        .replace(".[", "[");
    let name = match path.last() {
        Some(Step::Key(key)) => key.as_str(),
        _ => dotted.as_str(),
    };
    if let Some(meant) = nearest(name, known.iter().copied()) {
        return Diagnostic::new(
            Code::E043,
            format!("unknown key `{dotted}`: did you mean `{meant}`?"),
            key_span(table, path),
        )
        .with_label(format!("did you mean `{meant}`?"))
        .with_help(format!(
            "rename `{name}` to `{meant}`; as written, this key would be ignored and what it \
             holds neither checked nor printed"
        ));
    }
    Diagnostic::new(
        Code::W001,
        format!("unknown key `{dotted}` is ignored"),
        key_span(table, path),
    )
    .with_label("not a key of this table")
    .with_help(format!(
        "remove `{name}` or correct its spelling; the user guide lists the keys of each table"
    ))
}

/// The candidate closest to `word` when it is close enough to be a typo of it: the same after
/// ignoring case, `_`/`-`/spaces and æ/ø/å written as ae/oe/aa, or within a small edit distance
/// (one edit for short words, two up to ten letters, three beyond).
pub fn nearest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let wanted = fold(word);
    if wanted.is_empty() {
        return None;
    }
    candidates
        .into_iter()
        .filter(|c| *c != word)
        .filter_map(|c| {
            let folded = fold(c);
            let distance = strsim::damerau_levenshtein(&wanted, &folded);
            let longest = wanted.chars().count().max(folded.chars().count());
            let allowed = match longest {
                0..=4 => 1,
                5..=10 => 2,
                _ => 3,
            };
            (distance <= allowed && distance < longest).then_some((distance, c))
        })
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, c)| c)
}

/// "did you mean \"standard\"? " when a candidate is close to `word`, else "": to put before a
/// help line that lists the valid values.
pub fn did_you_mean<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    nearest(word.trim(), candidates).map_or_else(String::new, |c| format!("did you mean \"{c}\"? "))
}

/// The values of a list written for help texts, `"a", "b"`, without their quotes.
pub fn listed(keys: &str) -> impl Iterator<Item = &str> {
    keys.split(',').map(|k| k.trim().trim_matches('"'))
}

/// A word folded for comparison: lowercase, æ/ø/å as ae/oe/aa, no `_`, `-`, `.` or spaces.
fn fold(word: &str) -> String {
    let mut out = String::new();
    for c in word.trim().to_lowercase().chars() {
        match c {
            'æ' => out.push_str("ae"),
            'ø' => out.push_str("oe"),
            'å' => out.push_str("aa"),
            '_' | '-' | ' ' | '.' => {}
            c => out.push(c),
        }
    }
    out
}

/// The keys the model `T` knows in the table at `path` (e.g. `["budget"]` → unit, prices, …),
/// read from serde's own field lists, so they cannot drift from the model. Empty when the table
/// is a map with free keys (sections, tables) or a hand-written type.
pub fn known_keys<T: DeserializeOwned>(path: &[Step]) -> Vec<&'static str> {
    let found = std::cell::Cell::new(None);
    let _ = T::deserialize(probe::Probe {
        path,
        found: &found,
    });
    found
        .get()
        .map(|fields: &[&str]| fields.to_vec())
        .unwrap_or_default()
}

/// A deserializer that walks a model along a path and records the field list of the struct it
/// ends at (serde passes every struct's fields to `deserialize_struct`).
mod probe {
    use std::cell::Cell;

    use serde::de::value::{BorrowedStrDeserializer, Error, U64Deserializer};
    use serde::de::{self, DeserializeSeed, IntoDeserializer, MapAccess, SeqAccess, Visitor};
    use serde::forward_to_deserialize_any;

    use super::Step;

    /// serde_spanned's private struct name and fields: a `Spanned<T>` is a map of these.
    const SPANNED: &str = "$__serde_spanned_private_Spanned";
    /// The start field of a spanned value.
    const START: &str = "$__serde_spanned_private_start";
    /// The end field of a spanned value.
    const END: &str = "$__serde_spanned_private_end";
    /// The value field of a spanned value.
    const VALUE: &str = "$__serde_spanned_private_value";

    /// Walks `path`; records in `found` the fields of the struct at its end.
    #[derive(Clone, Copy)]
    pub struct Probe<'p> {
        /// What is left of the path.
        pub path: &'p [Step],
        /// The field list found at the end of the path.
        pub found: &'p Cell<Option<&'static [&'static str]>>,
    }

    impl<'p> Probe<'p> {
        /// The probe one step further down.
        fn next(self) -> Probe<'p> {
            Probe {
                path: self.path.get(1..).unwrap_or(&[]),
                found: self.found,
            }
        }
    }

    impl<'de> de::Deserializer<'de> for Probe<'_> {
        type Error = Error;

        fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
            match self.path.first() {
                Some(Step::Key(key)) => visitor.visit_map(Entry {
                    key: Some(key.as_str()),
                    probe: self.next(),
                }),
                Some(Step::Index(_)) => visitor.visit_seq(Element {
                    probe: Some(self.next()),
                }),
                None => Err(de::Error::custom("end of path")),
            }
        }

        fn deserialize_struct<V: Visitor<'de>>(
            self,
            name: &'static str,
            fields: &'static [&'static str],
            visitor: V,
        ) -> Result<V::Value, Error> {
            if name == SPANNED {
                return visitor.visit_map(Spanned {
                    stage: 0,
                    probe: self,
                });
            }
            if self.path.is_empty() {
                self.found.set(Some(fields));
                return Err(de::Error::custom("found"));
            }
            self.deserialize_any(visitor)
        }

        fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
            visitor.visit_some(self)
        }

        fn deserialize_newtype_struct<V: Visitor<'de>>(
            self,
            _name: &'static str,
            visitor: V,
        ) -> Result<V::Value, Error> {
            visitor.visit_newtype_struct(self)
        }

        forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes
            byte_buf unit unit_struct seq tuple tuple_struct map enum identifier ignored_any
        }
    }

    /// A map of one entry: the next key of the path, whose value is probed further.
    struct Entry<'p> {
        /// The key, until it has been read.
        key: Option<&'p str>,
        /// The probe for the value.
        probe: Probe<'p>,
    }

    impl<'de> MapAccess<'de> for Entry<'_> {
        type Error = Error;

        fn next_key_seed<K: DeserializeSeed<'de>>(
            &mut self,
            seed: K,
        ) -> Result<Option<K::Value>, Error> {
            match self.key.take() {
                Some(key) => seed
                    .deserialize(key.to_owned().into_deserializer())
                    .map(Some),
                None => Ok(None),
            }
        }

        fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Error> {
            seed.deserialize(self.probe)
        }
    }

    /// A list of one element, probed further.
    struct Element<'p> {
        /// The probe, until the element has been read.
        probe: Option<Probe<'p>>,
    }

    impl<'de> SeqAccess<'de> for Element<'_> {
        type Error = Error;

        fn next_element_seed<T: DeserializeSeed<'de>>(
            &mut self,
            seed: T,
        ) -> Result<Option<T::Value>, Error> {
            match self.probe.take() {
                Some(probe) => seed.deserialize(probe).map(Some),
                None => Ok(None),
            }
        }
    }

    /// The map serde_spanned reads a `Spanned<T>` from: start, end, then the value.
    struct Spanned<'p> {
        /// 0 start, 1 end, 2 value, 3 done.
        stage: u8,
        /// The probe for the value.
        probe: Probe<'p>,
    }

    impl<'de> MapAccess<'de> for Spanned<'_> {
        type Error = Error;

        fn next_key_seed<K: DeserializeSeed<'de>>(
            &mut self,
            seed: K,
        ) -> Result<Option<K::Value>, Error> {
            let key = match self.stage {
                0 => START,
                1 => END,
                2 => VALUE,
                _ => return Ok(None),
            };
            seed.deserialize(BorrowedStrDeserializer::<Error>::new(key))
                .map(Some)
        }

        fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Error> {
            self.stage += 1;
            if self.stage <= 2 {
                seed.deserialize(U64Deserializer::<Error>::new(0))
            } else {
                seed.deserialize(self.probe)
            }
        }
    }
}

/// The span of the last key on `path`, falling back to the nearest known ancestor.
fn key_span(table: &Spanned<DeTable<'_>>, path: &[Step]) -> Option<Range<usize>> {
    let mut current: &DeTable<'_> = table.get_ref();
    let mut best = None;
    let mut iter = path.iter().peekable();
    while let Some(step) = iter.next() {
        let Step::Key(key) = step else { return best };
        let (found_key, value) = current.get_key_value(key.as_str())?;
        best = Some(found_key.span());
        let mut value: &Spanned<DeValue<'_>> = value;
        while let Some(Step::Index(i)) = iter.peek() {
            let DeValue::Array(items) = value.get_ref() else {
                return best;
            };
            value = items.get(*i)?;
            iter.next();
        }
        match value.get_ref() {
            DeValue::Table(inner) => current = inner,
            _ => return best,
        }
    }
    best
}

/// Flattens a serde_ignored path into steps, skipping serde_spanned's private wrapper keys.
fn steps(path: &serde_ignored::Path<'_>) -> Vec<Step> {
    use serde_ignored::Path;
    let mut out = match path {
        Path::Root => return Vec::new(),
        Path::Seq { parent, .. }
        | Path::Map { parent, .. }
        | Path::Some { parent }
        | Path::NewtypeStruct { parent }
        | Path::NewtypeVariant { parent } => steps(parent),
    };
    match path {
        Path::Seq { index, .. } => out.push(Step::Index(*index)),
        Path::Map { key, .. } if !key.starts_with("$__serde_spanned_private") => {
            out.push(Step::Key(key.clone()))
        }
        _ => {}
    }
    out
}

/// Moves a table's span past leading blank and comment lines, so the snippet shows its first key.
fn skip_comments(source: &str, span: Range<usize>) -> Range<usize> {
    // The root table's span can be empty; then the whole file is the table.
    let span = if span.is_empty() {
        span.start..source.len()
    } else {
        span
    };
    let mut start = span.start;
    while let Some(rest) = source.get(start..span.end) {
        let line_end = rest.find('\n').map_or(rest.len(), |i| i + 1);
        let line = rest[..line_end].trim();
        if !(line.is_empty() || line.starts_with('#')) || line_end == rest.len() {
            break;
        }
        start += line_end;
    }
    let first_line_end = source[start..]
        .find('\n')
        .map_or(source.len(), |i| start + i);
    start..first_line_end.min(span.end).max(start)
}

/// The first line of a possibly multi-line toml error message.
fn first_line(message: &str) -> &str {
    message.lines().next().unwrap_or(message).trim()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    /// A small document shape for the parser's own tests.
    #[derive(Debug, Deserialize)]
    struct Doc {
        /// A required string.
        title: Spanned<String>,
        /// Nested tables in an array.
        #[serde(default)]
        rows: Vec<Spanned<Row>>,
    }

    /// One row of `Doc`.
    #[derive(Debug, Deserialize)]
    struct Row {
        /// A required number.
        n: i64,
    }

    // An unknown key inside an array of tables is reported at the key itself.
    #[test]
    fn unknown_key_in_array_of_tables_points_at_the_key() {
        let src = "title = \"x\"\n[[rows]]\nn = 1\n[[rows]]\nn = 2\ncolour = 3\n";
        let (doc, diags) = parse_document::<Doc>(src);
        let doc = doc.expect("document parses");
        assert_eq!(doc.title.get_ref(), "x");
        assert_eq!(
            doc.rows.iter().map(|r| r.get_ref().n).collect::<Vec<_>>(),
            [1, 2]
        );
        assert_eq!(diags.len(), 1);
        assert_eq!(diags[0].code, Code::W001);
        assert_eq!(diags[0].message, "unknown key `rows[1].colour` is ignored");
        let span = diags[0].span.clone().unwrap();
        assert_eq!(&src[span], "colour");
    }

    // A missing field is E003 and names the field.
    #[test]
    fn missing_field_is_e003() {
        let (doc, diags) = parse_document::<Doc>("[[rows]]\nn = 1\n");
        assert!(doc.is_none());
        assert_eq!(diags[0].code, Code::E003);
        assert!(diags[0].message.contains("`title`"));
    }

    // Every wrong value is reported, in nested tables too, and a required field whose value
    // was wrong is not reported again as missing.
    #[test]
    fn every_type_error_is_reported() {
        let src = "title = 5\n[[rows]]\nn = \"one\"\n[[rows]]\nn = 2\n";
        let (doc, diags) = parse_document::<Doc>(src);
        assert!(doc.is_none());
        let found: Vec<(Code, &str)> = diags
            .iter()
            .map(|d| (d.code, &src[d.span.clone().unwrap()]))
            .collect();
        assert_eq!(found, vec![(Code::E002, "\"one\""), (Code::E002, "5")]);
    }

    // A number TOML cannot read is E001 at the number (not the line), naming the character
    // and the exact text to write.
    #[test]
    fn numbers_toml_cannot_read_are_reported_at_the_number() {
        let cases = [
            (
                "title = \"x\"\nn = \u{2212}450\n",
                "\u{2212}450",
                "U+2212",
                "write -450",
            ),
            ("n = 1 200\n", "1 200", "the space", "write 1200"),
            ("n = 1\u{a0}200\n", "1\u{a0}200", "U+00A0", "write 1200"),
            (
                "n = -2.800,5\n",
                "-2.800,5",
                "double quotes",
                "write \"-2.800,5\"",
            ),
            (
                "a = { 2024 = -2.800,5, 2025 = 1 }\n",
                "-2.800,5",
                "double quotes",
                "\"-2.800,5\"",
            ),
            (
                "a = { 2024 = 1 200, 2025 = 3 }\n",
                "1 200",
                "space",
                "write 1200",
            ),
            (
                "a = { 2026 = -500, 2027 = -2.800,5 }\n",
                "-2.800,5",
                "double quotes",
                "\"-2.800,5\"",
            ),
            (
                "a = { 2025 = \u{2212}2.800 }\n",
                "\u{2212}2.800",
                "U+2212",
                "minus two point eight",
            ),
            (
                "n = 1.250.000\n",
                "1.250.000",
                "thousands dots",
                "write 1250000",
            ),
        ];
        for (src, number, problem, help) in cases {
            let (_, diags) = parse_document::<Doc>(src);
            let d = &diags[0];
            assert_eq!(d.code, Code::E001, "{src}");
            assert_eq!(&src[d.span.clone().unwrap()], number, "{src}");
            assert!(d.message.contains(problem), "{src}: {}", d.message);
            assert!(
                d.help.as_deref().unwrap_or("").contains(help),
                "{src}: {:?}",
                d.help
            );
        }
        let (_, diags) = parse_document::<Doc>("title = \"open\nn = 1\n");
        assert!(!diags[0].message.contains("number"));
    }

    // A wrong type is said in plain words with the key's path and an example, never serde's.
    #[test]
    fn type_errors_speak_plainly() {
        let (_, diags) = parse_document::<Doc>("title = 5\n[[rows]]\nn = \"one\"\n");
        let messages: Vec<&str> = diags.iter().map(|d| d.message.as_str()).collect();
        assert!(messages.contains(&"`title` must be text in double quotes, not the number 5"));
        assert!(messages.contains(&"`rows[0].n` must be a whole number, not the text \"one\""));
        assert!(diags.iter().all(|d| !serde_words(&d.message)));
    }

    // A date written as Danish text gets the TOML date it means in its help (not an example
    // date), and one that names no day the generic example; a bare text among a section's
    // blocks is told how a text block is written, with its own text.
    #[test]
    fn written_dates_and_bare_texts_get_their_own_fix() {
        let proposal = |extra: &str| {
            format!(
                "id = \"A1\"\nform = \"standard\"\ntitle = \"T\"\ncommittees = [\"SU\"]\n{extra}"
            )
        };
        let (_, diags) =
            parse_document::<crate::model::Proposal>(&proposal("date = \"14. september 2026\"\n"));
        let date = diags.iter().find(|d| d.code == Code::E002).expect("E002");
        assert_eq!(date.help.as_deref(), Some("write date = 2026-09-14"));
        let (_, diags) =
            parse_document::<crate::model::Proposal>(&proposal("date = \"i morgen\"\n"));
        let date = diags.iter().find(|d| d.code == Code::E002).expect("E002");
        assert_eq!(date.help.as_deref(), Some("write date = 2024-06-12"));
        let (_, diags) = parse_document::<crate::model::Proposal>(&proposal(
            "[sections]\nresume = [\"Forslaget.\", { table = \"a\" }]\n",
        ));
        let bare = diags.iter().find(|d| d.code == Code::E002).expect("E002");
        assert_eq!(
            bare.message,
            "each entry of `sections.resume` is a block: a text among tables is written { text = \"Forslaget.\" }"
        );
        assert_eq!(
            bare.help.as_deref(),
            Some("write resume = [{ text = \"Forslaget.\" }, …]")
        );
    }

    // The keys of a table come from the model's own serde field lists, through `Spanned`,
    // `Option`, maps and lists.
    #[test]
    fn known_keys_are_read_from_the_model() {
        let key = |k: &str| Step::Key(k.to_owned());
        let budget = known_keys::<crate::model::Proposal>(&[key("budget")]);
        assert!(
            budget.contains(&"stated_net") && budget.contains(&"lines"),
            "{budget:?}"
        );
        let line =
            known_keys::<crate::model::Proposal>(&[key("budget"), key("lines"), Step::Index(0)]);
        assert!(
            line.contains(&"one_off_years") && line.contains(&"amounts"),
            "{line:?}"
        );
        let row = known_keys::<crate::model::Proposal>(&[
            key("tables"),
            key("tabel2"),
            key("rows"),
            Step::Index(3),
        ]);
        assert!(row.contains(&"stated_total"), "{row:?}");
        let top = known_keys::<crate::model::Proposal>(&[]);
        assert!(top.contains(&"proposer") && top.contains(&"external_amounts"));
        assert!(known_keys::<crate::model::Proposal>(&[key("sections")]).is_empty());
        assert_eq!(known_keys::<Doc>(&[key("rows"), Step::Index(0)]), ["n"]);
        // A ledger column, read by its own visitor, still has its keys for "did you mean".
        let column = untyped_keys(&[key("tables"), key("t"), key("columns"), Step::Index(4)]);
        assert!(
            column.contains(&"difference") && column.contains(&"sign"),
            "{column:?}"
        );
    }

    // A typo is close to the key it was meant as; an unrelated word is close to nothing.
    #[test]
    fn nearest_finds_typos_only() {
        let keys = [
            "stated_net",
            "staff",
            "lines",
            "one_off_years",
            "expense",
            "proposer",
        ];
        let near = |w: &str| nearest(w, keys.iter().copied());
        assert_eq!(near("stated_nets"), Some("stated_net"));
        assert_eq!(near("Stated-Net"), Some("stated_net"));
        assert_eq!(near("one-off-years"), Some("one_off_years"));
        assert_eq!(near("expence"), Some("expense"));
        assert_eq!(near("propser"), Some("proposer"));
        assert_eq!(near("colour"), None);
        assert_eq!(near("x"), None);
        assert_eq!(nearest("oekonomi", ["økonomi"]), Some("økonomi"));
        assert_eq!(nearest("BUI", ["BIU", "SU"]), Some("BIU"));
        assert_eq!(nearest("stated_net", ["stated_net"]), None);
    }

    // A key close to a known key of its table is the error E043 with "did you mean", and the
    // document is still read so that its other problems are reported too.
    #[test]
    fn a_key_close_to_a_known_one_is_an_error() {
        let src = "title = \"x\"\ntitel = \"y\"\ncolour = 1\n";
        let (doc, diags) = parse_document::<Doc>(src);
        assert!(doc.is_some());
        let e043 = diags.iter().find(|d| d.code == Code::E043).unwrap();
        assert!(e043.message.contains("did you mean `title`?"));
        assert_eq!(&src[e043.span.clone().unwrap()], "titel");
        assert!(
            diags
                .iter()
                .any(|d| d.code == Code::W001 && d.message.contains("colour"))
        );
    }

    // Broken TOML is E001 with a span.
    #[test]
    fn syntax_error_is_e001() {
        let (_, diags) = parse_document::<Doc>("title = \"open\n");
        assert_eq!(diags[0].code, Code::E001);
        assert!(diags[0].span.is_some());
    }
}
