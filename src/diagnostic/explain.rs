//! The explanation of a code, read from its file `codes/<CODE>.md`: a first line
//! `# E014: summary`, the explanation in Markdown prose, a `## Wrong` and a `## Right` section
//! each holding one ```` ```toml ```` example, and, for an example no test can run, a last line
//! `untested: <why>`. `codes/README.md` describes how the examples are run.

use super::Code;

/// The explanation of one code, as written in its file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Explanation {
    /// One line: what the code means.
    pub summary: &'static str,
    /// Why the rule exists and how to fix a file that breaks it (Markdown prose).
    pub text: &'static str,
    /// A TOML example that gets the code (with its directive lines).
    pub wrong: &'static str,
    /// The same example, fixed.
    pub right: &'static str,
    /// Why the examples cannot be run by the test, if they cannot.
    pub untested: Option<&'static str>,
}

/// Lines of an example that tell the test how to run it and are not shown by `explain`.
const HIDDEN_DIRECTIVES: [&str; 2] = ["# base:", "# without:"];

impl Explanation {
    /// Reads an explanation file; a part the file lacks is empty (a test checks every file).
    pub fn parse(source: &'static str) -> Self {
        let (first, rest) = source.split_once('\n').unwrap_or((source, ""));
        let summary = first
            .split_once(": ")
            .map_or("", |(_, summary)| summary.trim());
        let (text, rest) = rest.split_once("\n## Wrong\n").unwrap_or((rest, ""));
        let (wrong_part, right_part) = rest.split_once("\n## Right\n").unwrap_or((rest, ""));
        let (right_part, untested) = match right_part.split_once("\nuntested: ") {
            Some((right, why)) => (right, Some(why.trim())),
            None => (right_part, None),
        };
        Self {
            summary,
            text: text.trim(),
            wrong: toml_block(wrong_part),
            right: toml_block(right_part),
            untested,
        }
    }

    /// An example as `explain` shows it: without the lines that only direct the test.
    pub fn shown(example: &str) -> String {
        example
            .lines()
            .filter(|l| !HIDDEN_DIRECTIVES.iter().any(|d| l.starts_with(d)))
            .map(|l| format!("{l}\n"))
            .collect()
    }
}

/// The content of the first ```` ```toml ```` block of a part of the file.
fn toml_block(part: &'static str) -> &'static str {
    let Some((_, after)) = part.split_once("```toml\n") else {
        return "";
    };
    match after.find("\n```") {
        Some(end) => &after[..end],
        None => after.trim_end(),
    }
}

impl Code {
    /// The code named by `text` ("E014", "e14" and "14" are all E014).
    pub fn parse(text: &str) -> Option<Code> {
        let text = text.trim().to_ascii_uppercase();
        let (letter, digits) = match text.chars().next() {
            Some(c @ ('E' | 'W')) => (c, &text[1..]),
            _ => ('E', text.as_str()),
        };
        let number: u32 = digits.parse().ok()?;
        let wanted = format!("{letter}{number:03}");
        Code::ALL.into_iter().find(|c| c.as_str() == wanted)
    }

    /// The long explanation of this code, from its file.
    pub fn explanation(self) -> Explanation {
        Explanation::parse(self.source())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Every code's file starts with `# CODE: summary` and has a text and a wrong and a right
    // example that differ.
    #[test]
    fn every_code_is_explained() {
        for code in Code::ALL {
            let e = code.explanation();
            assert!(
                code.source()
                    .starts_with(&format!("# {}: {}\n", code.as_str(), e.summary)),
                "{code:?}: the first line must be `# {}: <summary>`",
                code.as_str()
            );
            assert!(!e.summary.is_empty() && !e.text.is_empty(), "{code:?}");
            assert!(!e.wrong.is_empty() && !e.right.is_empty(), "{code:?}");
            assert_ne!(e.wrong, e.right, "{code:?}");
        }
    }

    // A file is split into summary, text, the two examples and the untested reason.
    #[test]
    fn explanation_file_parts() {
        let e = Explanation::parse(
            "# E999: a summary\n\nThe text,\nwrapped.\n\n## Wrong\n\n```toml\n# base: none\na = 1\n```\n\n## Right\n\n```toml\na = 2\n```\n\nuntested: no reason\n",
        );
        assert_eq!(e.summary, "a summary");
        assert_eq!(e.text, "The text,\nwrapped.");
        assert_eq!(e.wrong, "# base: none\na = 1");
        assert_eq!(e.right, "a = 2");
        assert_eq!(e.untested, Some("no reason"));
        assert_eq!(Explanation::shown(e.wrong), "a = 1\n");
    }

    // Codes are found by their printed name, in any case, with or without the letter.
    #[test]
    fn codes_parse_from_text() {
        assert_eq!(Code::parse("E014"), Some(Code::E014));
        assert_eq!(Code::parse("e14"), Some(Code::E014));
        assert_eq!(Code::parse("14"), Some(Code::E014));
        assert_eq!(Code::parse("W001"), Some(Code::W001));
        assert_eq!(Code::parse("E999"), None);
        assert_eq!(Code::parse("tabel"), None);
    }
}
