//! Keyset pages: a list reads one row more than a page to learn whether another page follows.

/// Of `rows` read with a limit of `size + 1`, the page (at most `size` rows) and, when another
/// page follows, the key of the page's last row (the cursor of the next page).
pub fn split_page<T, K>(
    mut rows: Vec<T>,
    size: usize,
    key: impl Fn(&T) -> K,
) -> (Vec<T>, Option<K>) {
    if rows.len() > size {
        rows.truncate(size);
        let next = rows.last().map(key);
        (rows, next)
    } else {
        (rows, None)
    }
}

#[cfg(test)]
mod tests {
    use super::split_page;

    /// Rows read, page size, the page, the next cursor.
    type Case = (Vec<u32>, usize, Vec<u32>, Option<u32>);

    #[test]
    fn one_row_more_than_a_page_means_a_next_page_after_the_last_shown() {
        let cases: [Case; 5] = [
            (vec![], 2, vec![], None),
            (vec![1], 2, vec![1], None),
            (vec![1, 2], 2, vec![1, 2], None),
            (vec![1, 2, 3], 2, vec![1, 2], Some(2)),
            (vec![1, 2, 3], 0, vec![], None),
        ];
        for (rows, size, page, next) in cases {
            assert_eq!(
                split_page(rows.clone(), size, |r| *r),
                (page, next),
                "{rows:?} / {size}"
            );
        }
    }
}
