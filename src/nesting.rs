//! Where a TOML file nests deepest, for the parser's "recursion limit" error, which comes
//! without a location.

use std::ops::Range;

/// The span of the first line where nesting (brackets and braces open across the file, plus
/// the dotted parts of a key or table header) is deepest; `None` for an empty file.
pub fn deepest_line(source: &str) -> Option<Range<usize>> {
    let mut depth = 0usize;
    let mut best: Option<(usize, Range<usize>)> = None;
    let mut start = 0;
    for line in source.split_inclusive('\n') {
        let mut deepest_here = depth;
        let mut quote: Option<char> = None;
        let mut escaped = false;
        let mut dots = 0usize;
        let mut in_key = true;
        for c in line.chars() {
            match quote {
                Some(q) => {
                    if escaped {
                        escaped = false;
                    } else if c == '\\' && q == '"' {
                        escaped = true;
                    } else if c == q {
                        quote = None;
                    }
                }
                None => match c {
                    '"' | '\'' => quote = Some(c),
                    '#' => break,
                    '[' | '{' => depth += 1,
                    ']' | '}' => depth = depth.saturating_sub(1),
                    '.' if in_key => dots += 1,
                    '=' => in_key = false,
                    _ => {}
                },
            }
            deepest_here = deepest_here.max(depth + dots);
        }
        let end = start + line.trim_end().len();
        if best.as_ref().is_none_or(|(d, _)| deepest_here > *d) {
            best = Some((deepest_here, start..end));
        }
        start += line.len();
    }
    best.map(|(_, span)| span)
}

#[cfg(test)]
mod tests {
    use super::*;

    // The line of the deepest table header is found.
    #[test]
    fn finds_the_deepest_header() {
        let source = "a = 1\n[b]\n[b.c.d.e]\nx = 2\n[f]\n";
        let span = deepest_line(source).unwrap();
        assert_eq!(&source[span], "[b.c.d.e]");
        let inline = "a = 1.5\nb = { c = { d = [[1]] } }\n";
        assert_eq!(
            &inline[deepest_line(inline).unwrap()],
            "b = { c = { d = [[1]] } }"
        );
    }
}
