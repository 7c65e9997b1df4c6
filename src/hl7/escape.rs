//! HL7 escape sequences inside field text.
use super::message::Delimiters;

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
}
