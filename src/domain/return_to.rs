//! Where a person goes back to after signing in again: a path of this site and nothing else, so a
//! crafted sign-in link cannot send anyone to another site (no open redirect).

/// Longer than any address of the dashboard with its filters.
const MAX_LEN: usize = 2048;

/// A local path (with its query) that is safe to redirect to after sign-in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReturnTo(String);

impl ReturnTo {
    /// The path as given, if it is one of this site's pages: it starts with a single `/`, has no
    /// backslash (browsers read `/\host` as `//host`), no control character or space (browsers
    /// drop tabs and newlines, so `/\t/host` would become `//host`), no fragment, and is not the
    /// sign-in or sign-out address itself. The home page needs no return address.
    pub fn parse(path: &str) -> Option<ReturnTo> {
        let local = path.starts_with('/') && !path.starts_with("//");
        let plain = path.bytes().all(|b| b.is_ascii_graphic() && b != b'\\');
        let page = path.split(['?', '#']).next().unwrap_or_default();
        let useful = !["/", "/login", "/logout", "/logout/everywhere"].contains(&page);
        (local && plain && useful && !path.contains('#') && path.len() <= MAX_LEN)
            .then(|| ReturnTo(path.to_string()))
    }

    /// The path and query of an absolute URL of this site (a Referer, htmx's current URL); the
    /// caller has checked its origin is ours.
    pub fn of_url(url: &str) -> Option<ReturnTo> {
        let (_, rest) = url.split_once("://")?;
        let start = rest.find('/')?;
        let path = &rest[start..];
        ReturnTo::parse(path.split('#').next().unwrap_or_default())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_return_addresses() {
        let table = [
            ("/orgs/o1/orders", true),
            ("/orgs/o1/orders?status=active&page=2", true),
            ("/platform/lab_keys", true),
            ("/orgs/%2F%2Fevil.example", true),
            ("", false),
            ("orgs/o1", false),
            ("//evil.example", false),
            ("//evil.example/orgs", false),
            ("/\\evil.example", false),
            ("/orgs\\..\\x", false),
            ("https://evil.example/", false),
            ("http:/evil.example", false),
            ("javascript:alert(1)", false),
            ("/\t/evil.example", false),
            ("/orgs\r\nSet-Cookie: x=1", false),
            ("/orgs /x", false),
            ("/orgs/ö", false),
            ("/orgs#top", false),
            ("/", false),
            ("/login", false),
            ("/login?next=/orgs", false),
            ("/logout", false),
            ("/logout/everywhere", false),
        ];
        for (path, ok) in table {
            assert_eq!(ReturnTo::parse(path).is_some(), ok, "{path:?}");
        }
        assert!(ReturnTo::parse(&format!("/{}", "a".repeat(MAX_LEN))).is_none());
    }

    #[test]
    fn a_url_gives_its_path_and_query() {
        let table = [
            (
                "http://127.0.0.1:8080/orgs/o1/orders?x=1",
                Some("/orgs/o1/orders?x=1"),
            ),
            ("https://labdesk.example/orgs/o1#frag", Some("/orgs/o1")),
            ("https://labdesk.example", None),
            ("https://labdesk.example/", None),
            ("https://labdesk.example//evil.example", None),
            ("/orgs/o1", None),
        ];
        for (url, path) in table {
            let got = ReturnTo::of_url(url);
            assert_eq!(got.as_ref().map(ReturnTo::as_str), path, "{url}");
        }
    }
}
