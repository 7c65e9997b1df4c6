//! HL7 escape sequences inside field text.
use super::message::Delimiters;

/// Text as it may stand inside a field written with the standard delimiters: each delimiter as
/// its escape sequence, a line break as `\.br\`, a carriage return dropped. `unescape` reads it
/// back.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '|' => out.push_str("\\F\\"),
            '^' => out.push_str("\\S\\"),
            '&' => out.push_str("\\T\\"),
            '~' => out.push_str("\\R\\"),
            '\\' => out.push_str("\\E\\"),
            '\n' => out.push_str("\\.br\\"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// Replaces escape sequences: delimiters (`\F\ \S\ \T\ \R\ \E\`), hex (`\Xhh..\`), line breaks
/// (`\.br\`); other formatting commands are dropped. An unterminated escape is kept as text.
pub fn unescape(text: &str, d: &Delimiters) -> String {
    let Some(esc) = d.escape else {
        return text.to_string();
    };
    if !text.contains(esc) {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find(esc) {
        out.push_str(&rest[..start]);
        let after = &rest[start + esc.len_utf8()..];
        let Some(end) = after.find(esc) else {
            out.push_str(&rest[start..]);
            return out;
        };
        let seq = &after[..end];
        match seq {
            "F" => out.push(d.field),
            "S" => out.push(d.component),
            "T" => out.push(d.subcomponent),
            "R" => out.push(d.repetition),
            "E" => out.push(esc),
            ".br" => out.push('\n'),
            s if s.starts_with('X') => {
                let hex = &s[1..];
                let bytes: Option<Vec<u8>> = (0..hex.len())
                    .step_by(2)
                    .map(|i| {
                        hex.get(i..i + 2)
                            .and_then(|h| u8::from_str_radix(h, 16).ok())
                    })
                    .collect();
                if let Some(bytes) = bytes {
                    out.push_str(&String::from_utf8_lossy(&bytes));
                }
            }
            _ => {}
        }
        rest = &after[end + esc.len_utf8()..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_table() {
        let d = Delimiters::standard();
        let table = [
            ("plain", "plain"),
            (r"10\S\9/L", "10^9/L"),
            (r"CBC \T\ Diff", "CBC & Diff"),
            (r"a\F\b\R\c\E\d", r"a|b~c\d"),
            (r"line\.br\next", "line\nnext"),
            (r"crlf\X0d0a\end", "crlf\r\nend"),
            (r"\H\bold\N\", "bold"),
            (r"broken\S", r"broken\S"),
        ];
        for (input, expected) in table {
            assert_eq!(unescape(input, &d), expected, "{input}");
        }
    }

    #[test]
    fn escaped_text_reads_back_as_written() {
        let d = Delimiters::standard();
        for text in [
            "plain",
            "O'Neil | Smith",
            "10^9/L & more",
            "a~b\\c",
            "two\nlines",
            "é ß",
        ] {
            let escaped = escape(text);
            assert!(!escaped.contains(['|', '^', '&', '~', '\n']), "{escaped}");
            assert_eq!(unescape(&escaped, &d), text, "{text}");
        }
        assert_eq!(escape("a\r\nb"), "a\\.br\\b");
    }
}
