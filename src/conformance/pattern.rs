//! Strings of a given length that match a documented pattern (`^/[A-Za-z0-9\-/.%?#&]{0,79}$`
//! at 80 characters: `/` and 79 more), so a length edge can be sent with a value that is
//! otherwise valid. The pattern is parsed with `regex-syntax` and a match of exactly the
//! wanted length is built from its structure; the result is checked with the regex itself.

use regex::Regex;
use regex_syntax::hir::{Class, Hir, HirKind, Look};

/// A string of exactly `n` characters that `pattern` matches in full, if one is found.
/// Characters are taken from the classes the pattern allows, readable ASCII first (`a`, `A`,
/// `0`, then the first printable one).
pub fn matching_string(pattern: &str, n: usize) -> Option<String> {
    let hir = regex_syntax::parse(pattern).ok()?;
    let re = Regex::new(pattern).ok()?;
    let anchored_end = hir.properties().look_set_suffix().contains(Look::End);
    let s = build(&hir, n).or_else(|| {
        // `^#!` matches anything that begins with `#!`: a shorter match, padded.
        if anchored_end {
            return None;
        }
        let (lo, _) = span(&hir);
        let head = build(&hir, lo)?;
        Some(format!("{head}{}", "a".repeat(n.checked_sub(lo)?)))
    })?;
    (s.chars().count() == n && re.is_match(&s)).then_some(s)
}

/// The least and greatest number of characters a match of `h` has (`None`: unbounded).
fn span(h: &Hir) -> (usize, Option<usize>) {
    match h.kind() {
        HirKind::Empty | HirKind::Look(_) => (0, Some(0)),
        HirKind::Literal(l) => {
            let n = String::from_utf8_lossy(&l.0).chars().count();
            (n, Some(n))
        }
        HirKind::Class(_) => (1, Some(1)),
        HirKind::Capture(c) => span(&c.sub),
        HirKind::Repetition(r) => {
            let (lo, hi) = span(&r.sub);
            let min = r.min as usize;
            let max = r.max.map(|m| m as usize);
            let hi = match (hi, max) {
                (Some(0), _) => Some(0),
                (Some(h), Some(m)) => h.checked_mul(m),
                _ => None,
            };
            (lo.saturating_mul(min), hi)
        }
        HirKind::Concat(subs) => subs.iter().map(span).fold((0, Some(0)), |(a, b), (c, d)| {
            (
                a.saturating_add(c),
                b.zip(d).and_then(|(b, d)| b.checked_add(d)),
            )
        }),
        HirKind::Alternation(alts) => {
            let spans: Vec<_> = alts.iter().map(span).collect();
            let lo = spans.iter().map(|s| s.0).min().unwrap_or(0);
            let hi = spans.iter().try_fold(0, |m, s| s.1.map(|h| h.max(m)));
            (lo, hi)
        }
    }
}

fn fits(h: &Hir, n: usize) -> bool {
    let (lo, hi) = span(h);
    n >= lo && hi.is_none_or(|hi| n <= hi)
}

/// A match of `h` with exactly `n` characters.
fn build(h: &Hir, n: usize) -> Option<String> {
    if !fits(h, n) {
        return None;
    }
    match h.kind() {
        HirKind::Empty | HirKind::Look(_) => Some(String::new()),
        HirKind::Literal(l) => Some(String::from_utf8_lossy(&l.0).into_owned()),
        HirKind::Class(c) => pick(c).map(String::from),
        HirKind::Capture(c) => build(&c.sub, n),
        HirKind::Alternation(alts) => alts.iter().find_map(|a| build(a, n)),
        HirKind::Concat(subs) => concat(subs, n),
        HirKind::Repetition(r) => {
            let (lo, hi) = span(&r.sub);
            if n == 0 {
                return Some(String::new());
            }
            // The fewest copies that can hold n characters, then a few more.
            let least = match hi {
                Some(0) => return None,
                Some(h) => n.div_ceil(h),
                None => 1,
            }
            .max(r.min as usize);
            let most = r.max.map_or(usize::MAX, |m| m as usize);
            let most = n.checked_div(lo).map_or(most, |k| most.min(k));
            (least..=most.min(least + 8)).find_map(|k| {
                // n spread over k copies as evenly as possible.
                (0..k)
                    .map(|i| build(&r.sub, n / k + usize::from(i < n % k)))
                    .collect::<Option<String>>()
            })
        }
    }
}

/// Parts of a concatenation sharing `n` characters: each takes what it can, in order, while
/// leaving the rest enough for their minimums.
fn concat(subs: &[Hir], n: usize) -> Option<String> {
    let Some((first, rest)) = subs.split_first() else {
        return (n == 0).then(String::new);
    };
    let (lo, hi) = span(first);
    let rest_span = rest
        .iter()
        .map(span)
        .fold((0usize, Some(0usize)), |(a, b), (c, d)| {
            (a + c, b.zip(d).and_then(|(b, d)| b.checked_add(d)))
        });
    let top = hi.unwrap_or(n).min(n.checked_sub(rest_span.0)?);
    let bottom = lo.max(rest_span.1.map_or(0, |h| n.saturating_sub(h)));
    let mut tries: Vec<usize> = vec![top, bottom];
    tries.dedup();
    tries.into_iter().filter(|k| *k >= bottom).find_map(|k| {
        let head = build(first, k)?;
        Some(head + &concat(rest, n - k)?)
    })
}

/// A character of the class: `a`, `A`, `0` if allowed, else its first printable ASCII one,
/// else its first.
fn pick(c: &Class) -> Option<char> {
    let ranges: Vec<(char, char)> = match c {
        Class::Unicode(u) => u.ranges().iter().map(|r| (r.start(), r.end())).collect(),
        Class::Bytes(b) => b
            .ranges()
            .iter()
            .map(|r| (r.start() as char, r.end() as char))
            .collect(),
    };
    let has = |ch: char| ranges.iter().any(|(a, b)| (*a..=*b).contains(&ch));
    ['a', 'A', '0']
        .into_iter()
        .find(|ch| has(*ch))
        .or_else(|| ('!'..='~').find(|ch| has(*ch)))
        .or_else(|| ranges.first().map(|r| r.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_matches_of_the_asked_length() {
        let uri = r"^/[A-Za-z0-9\-/.%?#&]{0,79}$";
        let s = matching_string(uri, 80).unwrap();
        assert!(s.starts_with('/') && s.len() == 80, "{s}");
        assert_eq!(matching_string(uri, 1).as_deref(), Some("/"));
        assert_eq!(
            matching_string(uri, 81),
            None,
            "beyond the pattern's own bound"
        );
        assert_eq!(
            matching_string("^/.+$", 1),
            None,
            "`/` alone is not a match"
        );
        assert_eq!(matching_string("^/.+$", 2).as_deref(), Some("/a"));
        let cookie = r"^[\x21-\x23\x25-\x2B\x2D-\x3A\x3C-\x7E][\x21-\x2B\x2D-\x3A\x3C-\x7E]*$";
        assert_eq!(matching_string(cookie, 200).unwrap().len(), 200);
        let shebang = matching_string("^#!", 16384).unwrap();
        assert!(shebang.starts_with("#!") && shebang.len() == 16384);
        let alt = matching_string("^(ab|cde)+$", 7).unwrap();
        assert!(alt.len() == 7 && Regex::new("^(ab|cde)+$").unwrap().is_match(&alt));
        assert_eq!(
            matching_string("^[0-9]{3}-[0-9]{4}$", 8).as_deref(),
            Some("000-0000")
        );
    }
}
