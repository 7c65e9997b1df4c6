//! National Provider Identifier: 10 digits whose last is a Luhn check digit computed over the
//! number prefixed with 80840.

pub fn is_valid_npi(npi: &str) -> bool {
    // Exactly ten characters, all ASCII digits: "12345-67893" has ten digits but is not an NPI.
    if npi.len() != 10 || !npi.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let digits: Vec<u32> = npi.chars().filter_map(|c| c.to_digit(10)).collect();
    // Luhn over "80840" + the first nine digits; the prefix contributes a constant 24.
    let mut sum = 24;
    for (i, d) in digits[..9].iter().rev().enumerate() {
        sum += if i % 2 == 0 {
            let doubled = d * 2;
            if doubled > 9 {
                doubled - 9
            } else {
                doubled
            }
        } else {
            *d
        };
    }
    (10 - sum % 10) % 10 == digits[9]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn npi_check_digit_table() {
        let table = [
            ("1234567893", true),
            ("1245319599", true),
            ("1003000126", true),
            ("1234567890", false),
            ("123456789", false),
            ("12345678931", false),
            ("12345678a3", false),
            ("12345-67893", false),
            ("1234567893 ", false),
            ("123456789３", false),
            ("", false),
            (" 234567893", false),
        ];
        for (npi, ok) in table {
            assert_eq!(is_valid_npi(npi), ok, "{npi:?}");
        }
    }
}
