//! National Provider Identifier: 10 digits whose last is a Luhn check digit computed over the
//! number prefixed with 80840.

pub fn is_valid_npi(npi: &str) -> bool {
    let digits: Vec<u32> = npi.chars().filter_map(|c| c.to_digit(10)).collect();
    if digits.len() != 10 || npi.len() != 10 {
        return false;
    }
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
            ("", false),
            (" 234567893", false),
        ];
        for (npi, ok) in table {
            assert_eq!(is_valid_npi(npi), ok, "{npi:?}");
        }
    }
}
