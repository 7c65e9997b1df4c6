//! Segments, fields and components of one HL7 v2 message.
use super::escape::unescape;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delimiters {
    pub field: char,
    pub component: char,
    pub repetition: char,
    pub escape: Option<char>,
    pub subcomponent: char,
}

impl Delimiters {
    pub fn standard() -> Delimiters {
        Delimiters {
            field: '|',
            component: '^',
            repetition: '~',
            escape: Some('\\'),
            subcomponent: '&',
        }
    }
}

/// Why a message could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Hl7Error {
    #[error("the message is empty")]
    Empty,
    #[error("the message is not valid UTF-8 text")]
    NotUtf8,
    #[error("the message must start with an MSH segment")]
    NoMsh,
    #[error("MSH-2 encoding characters {0:?} are not valid: expected four or five distinct separators such as ^~\\&")]
    BadEncodingCharacters(String),
    #[error("segment {line} does not start with a segment name: {start:?}")]
    BadSegment { line: usize, start: String },
}

#[derive(Debug, Clone)]
pub struct Segment {
    pub id: String,
    /// Raw field texts; index n is field n (for MSH, field 1 is the field separator itself).
    fields: Vec<String>,
    /// 1-based position in the message, for error messages.
    pub line: usize,
}

impl Segment {
    /// How many fields the segment has (the last one numbered).
    pub fn field_count(&self) -> usize {
        self.fields.len().saturating_sub(1)
    }

    /// Field `n` as sent (escapes not resolved); "" when absent.
    pub fn raw(&self, n: usize) -> &str {
        self.fields.get(n).map(String::as_str).unwrap_or("")
    }

    /// Component `c` (1-based) of the first repetition of field `n`, unescaped.
    pub fn component(&self, d: &Delimiters, n: usize, c: usize) -> String {
        let first = self.raw(n).split(d.repetition).next().unwrap_or("");
        let comp = first
            .split(d.component)
            .nth(c.saturating_sub(1))
            .unwrap_or("");
        let sub = comp.split(d.subcomponent).next().unwrap_or("");
        unescape(sub, d).trim().to_string()
    }

    /// Every repetition of field `n`, each split into unescaped components.
    pub fn repetitions(&self, d: &Delimiters, n: usize) -> Vec<Vec<String>> {
        let raw = self.raw(n);
        if raw.is_empty() {
            return Vec::new();
        }
        raw.split(d.repetition)
            .map(|rep| {
                rep.split(d.component)
                    .map(|c| {
                        unescape(c.split(d.subcomponent).next().unwrap_or(""), d)
                            .trim()
                            .to_string()
                    })
                    .collect()
            })
            .collect()
    }

    /// The whole first repetition of field `n` as text, unescaped (components kept with their separator).
    pub fn text(&self, d: &Delimiters, n: usize) -> String {
        unescape(self.raw(n), d).trim().to_string()
    }
}

#[derive(Debug, Clone)]
pub struct Message {
    pub delimiters: Delimiters,
    pub segments: Vec<Segment>,
}

impl Message {
    pub fn first(&self, id: &str) -> Option<&Segment> {
        self.segments.iter().find(|s| s.id == id)
    }
}

/// Segment lines of a body: BOM removed, CR, LF and CRLF all accepted as terminators.
fn lines(text: &str) -> Vec<&str> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    text.split(['\r', '\n'])
        .filter(|l| !l.trim().is_empty())
        .collect()
}

/// Splits a body into messages: each MSH starts one; batch envelope segments are skipped.
pub fn split_messages(text: &str) -> Vec<String> {
    let mut messages: Vec<Vec<&str>> = Vec::new();
    for line in lines(text) {
        let id = line.get(..3).unwrap_or("");
        match id {
            "FHS" | "BHS" | "BTS" | "FTS" => continue,
            "MSH" => messages.push(vec![line]),
            _ => match messages.last_mut() {
                Some(m) => m.push(line),
                None => messages.push(vec![line]),
            },
        }
    }
    messages.into_iter().map(|m| m.join("\r")).collect()
}

fn is_segment_id(id: &str) -> bool {
    id.len() == 3
        && id.bytes().next().is_some_and(|b| b.is_ascii_uppercase())
        && id
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
}

/// Parses one message (as returned by `split_messages`, or a whole body holding one message).
pub fn parse(text: &str) -> Result<Message, Hl7Error> {
    let lines = lines(text);
    let first = *lines.first().ok_or(Hl7Error::Empty)?;
    if !first.starts_with("MSH") {
        return Err(Hl7Error::NoMsh);
    }
    let mut chars = first[3..].chars();
    let field = chars
        .next()
        .ok_or_else(|| Hl7Error::BadEncodingCharacters(String::new()))?;
    let encoding: String = chars.take_while(|c| *c != field).collect();
    let enc: Vec<char> = encoding.chars().collect();
    let distinct = {
        let mut all = enc.clone();
        all.push(field);
        all.sort();
        all.dedup();
        all.len() == enc.len() + 1
    };
    if !(4..=5).contains(&enc.len())
        || !distinct
        || field.is_alphanumeric()
        || field.is_whitespace()
        || enc.iter().any(|c| c.is_alphanumeric() || c.is_whitespace())
    {
        return Err(Hl7Error::BadEncodingCharacters(encoding));
    }
    let delimiters = Delimiters {
        field,
        component: enc[0],
        repetition: enc[1],
        escape: Some(enc[2]),
        subcomponent: enc[3],
    };
    let mut segments = Vec::with_capacity(lines.len());
    for (i, line) in lines.iter().enumerate() {
        let id = line.get(..3).unwrap_or(line);
        let rest = line.get(3..).unwrap_or("");
        if !is_segment_id(id) || !(rest.is_empty() || rest.starts_with(field)) {
            return Err(Hl7Error::BadSegment {
                line: i + 1,
                start: line.chars().take(12).collect(),
            });
        }
        let mut fields: Vec<String> = vec![id.to_string()];
        if id == "MSH" {
            // MSH-1 is the separator itself and MSH-2 the encoding characters.
            fields.push(field.to_string());
            fields.extend(rest[field.len_utf8()..].split(field).map(str::to_string));
        } else if !rest.is_empty() {
            fields.extend(rest[field.len_utf8()..].split(field).map(str::to_string));
        }
        segments.push(Segment {
            id: id.to_string(),
            fields,
            line: i + 1,
        });
    }
    Ok(Message {
        delimiters,
        segments,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const MSG: &str = "MSH|^~\\&|LAB|FAC|APP|97500001|20261130101500||ORU^R01|CTRL1|P|2.5.1\rPID|1||P1||Doe^Jane||19900101|F\rOBR|1|ORDER-1\rOBX|1|NM|GLU^Glucose^LN||95|mg/dL^mg/dL|70-99|N|||F";

    #[test]
    fn fields_and_components_are_numbered_as_hl7_does() {
        let m = parse(MSG).unwrap();
        let msh = m.first("MSH").unwrap();
        assert_eq!(msh.raw(1), "|");
        assert_eq!(msh.raw(2), "^~\\&");
        assert_eq!(msh.component(&m.delimiters, 6, 1), "97500001");
        assert_eq!(msh.component(&m.delimiters, 9, 2), "R01");
        let pid = m.first("PID").unwrap();
        assert_eq!(pid.component(&m.delimiters, 5, 1), "Doe");
        assert_eq!(pid.component(&m.delimiters, 5, 2), "Jane");
        assert_eq!(pid.raw(99), "");
    }

    #[test]
    fn terminators_bom_and_batches() {
        for sep in ["\r", "\n", "\r\n"] {
            let text = format!("\u{feff}{}", MSG.replace('\r', sep));
            assert_eq!(parse(&text).unwrap().segments.len(), 4, "{sep:?}");
        }
        let batch = format!(
            "FHS|^~\\&\nBHS|^~\\&\n{}\n{}\nBTS|2\nFTS|1",
            MSG.replace('\r', "\n"),
            MSG.replace('\r', "\n")
        );
        let messages = split_messages(&batch);
        assert_eq!(messages.len(), 2);
        assert!(messages.iter().all(|m| parse(m).is_ok()));
    }

    #[test]
    fn malformed_messages_are_refused_with_a_reason() {
        let table: [(&str, Hl7Error); 5] = [
            ("", Hl7Error::Empty),
            ("PID|1||X\rMSH|^~\\&|", Hl7Error::NoMsh),
            ("MSH|^~|LAB", Hl7Error::BadEncodingCharacters("^~".into())),
            (
                "MSH|^^\\&|LAB",
                Hl7Error::BadEncodingCharacters("^^\\&".into()),
            ),
            (
                "MSH|^~\\&|LAB\rthis is not a segment",
                Hl7Error::BadSegment {
                    line: 2,
                    start: "this is not ".into(),
                },
            ),
        ];
        for (text, expected) in table {
            assert_eq!(parse(text).unwrap_err(), expected, "{text:?}");
        }
    }

    #[test]
    fn five_encoding_characters_are_accepted() {
        let m = parse("MSH|^~\\&#|LAB|FAC\rPID|1").unwrap();
        assert_eq!(m.delimiters.subcomponent, '&');
    }
}

#[cfg(test)]
mod robustness {
    use super::*;

    /// Deterministic pseudo-random bytes (xorshift), so a failure can be replayed.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
    }

    #[test]
    fn mangled_messages_never_panic() {
        let base = "MSH|^~\\&|LAB|FAC|APP|97500001|20261130101500||ORU^R01|C1|P|2.5.1\rPID|1||P1||Doe^Jane||19900101|F\rORC|RE|O-1|A-1\rOBR|1|O-1|A-1|X^Y|||20261129||||||||||||||20261130|||F\rOBX|1|NM|GLU^Glucose^LN||95|mg/dL|70-99|N|||F\rOBX|2|SN|X^MIC||>^4|ug/mL||||||F";
        let alphabet: Vec<char> = "|^~\\&\r\nMSHPIDOBXR0123456789-. #\u{feff}é"
            .chars()
            .collect();
        let mut rng = Rng(0x5eed_1abd_e5c0_ffee);
        for _ in 0..5000 {
            let mut chars: Vec<char> = base.chars().collect();
            for _ in 0..(rng.next() % 8 + 1) {
                let at = (rng.next() as usize) % (chars.len() + 1);
                match rng.next() % 3 {
                    0 if at < chars.len() => {
                        chars.remove(at);
                    }
                    1 => chars.insert(at, alphabet[(rng.next() as usize) % alphabet.len()]),
                    _ => chars.truncate(at),
                }
            }
            let text: String = chars.into_iter().collect();
            let _ = crate::hl7::oru::read(&text);
            for m in split_messages(&text) {
                let _ = crate::hl7::oru::read(&m);
            }
        }
    }
}
