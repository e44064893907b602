//! Edit distance for "did you mean" suggestions, bounded.
//!
//! Names worth suggesting are short (identifiers, package names, licenses,
//! keywords); a name or candidate longer than [`MAX_CHARS`] characters is
//! never compared.  So one comparison costs at most `MAX_CHARS²` steps on
//! two fixed-size rows, without allocating, whatever the inputs hold.

/// The longest name (in characters) that is compared at all.
pub const MAX_CHARS: usize = 64;

/// Optimal-string-alignment distance (insertions, deletions, substitutions
/// and adjacent transpositions) between `a` and `b` when it is at most
/// `max`; `None` when it is larger or either string is longer than
/// [`MAX_CHARS`] characters.
pub fn within(a: &str, b: &str, max: usize) -> Option<usize> {
    let mut ab = ['\0'; MAX_CHARS];
    let mut bb = ['\0'; MAX_CHARS];
    let a = chars(a, &mut ab)?;
    let b = chars(b, &mut bb)?;
    if a.len().abs_diff(b.len()) > max {
        return None;
    }
    let n = b.len();
    let mut prev2 = [0u16; MAX_CHARS + 1];
    let mut prev = [0u16; MAX_CHARS + 1];
    let mut cur = [0u16; MAX_CHARS + 1];
    for (j, p) in prev.iter_mut().enumerate().take(n + 1) {
        *p = j as u16;
    }
    for i in 1..=a.len() {
        cur[0] = i as u16;
        let mut row_min = cur[0];
        for j in 1..=n {
            let cost = u16::from(a[i - 1] != b[j - 1]);
            let mut v = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(prev2[j - 2] + 1);
            }
            cur[j] = v;
            row_min = row_min.min(v);
        }
        if usize::from(row_min) > max {
            return None;
        }
        std::mem::swap(&mut prev2, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    Some(usize::from(prev[n])).filter(|d| *d <= max)
}

/// The characters of `s` in `buf`, or `None` when there are more than
/// [`MAX_CHARS`] (found without reading past that many).
fn chars<'b>(s: &str, buf: &'b mut [char; MAX_CHARS]) -> Option<&'b [char]> {
    if s.len() > 4 * MAX_CHARS {
        return None;
    }
    let mut n = 0;
    for c in s.chars() {
        *buf.get_mut(n)? = c;
        n += 1;
    }
    Some(&buf[..n])
}

/// The largest distance that still looks like a typo of `name`: a third of
/// its length, at least 1.
pub fn typo_budget(name: &str) -> usize {
    (name.chars().take(MAX_CHARS + 1).count() / 3).max(1)
}

/// The candidate closest to `name` within [`typo_budget`], ties broken by
/// the smaller string; `name` itself is skipped.
pub fn closest<I, S>(name: &str, candidates: I) -> Option<String>
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    let max = typo_budget(name);
    let mut best: Option<(usize, S)> = None;
    for c in candidates {
        let cs = c.as_ref();
        if cs == name {
            continue;
        }
        let Some(d) = within(name, cs, max) else {
            continue;
        };
        if best
            .as_ref()
            .is_none_or(|(bd, bc)| d < *bd || (d == *bd && cs < bc.as_ref()))
        {
            best = Some((d, c));
        }
    }
    best.map(|(_, c)| c.as_ref().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances() {
        assert_eq!(within("kitten", "sitting", 5), Some(3));
        assert_eq!(within("ab", "ba", 1), Some(1));
        assert_eq!(within("pkg-confg", "pkg-config", 1), Some(1));
        assert_eq!(within("λx", "λy", 1), Some(1));
        assert_eq!(within("abc", "xyz", 2), None);
        assert_eq!(within("", "", 0), Some(0));
    }

    #[test]
    fn long_strings_are_never_compared() {
        let long = "a".repeat(MAX_CHARS + 1);
        assert_eq!(within(&long, &long, usize::MAX), None);
        // A multi-MiB string is refused by its byte length, before any
        // character is decoded.
        let huge = "λ".repeat(4 << 20);
        let mut buf = ['\0'; MAX_CHARS];
        assert!(chars(&huge, &mut buf).is_none());
        assert_eq!(closest(&huge, ["λλ", "x"]), None);
        assert_eq!(
            closest("gpl3", [huge.as_str(), "gpl3+"]).as_deref(),
            Some("gpl3+")
        );
    }

    #[test]
    fn closest_prefers_the_nearest_then_the_smallest() {
        let names = ["gpl2+", "gpl3+", "gpl3", "lgpl3+"];
        assert_eq!(closest("gpl3*", names).as_deref(), Some("gpl3"));
        assert_eq!(closest("zzzz", names), None);
        assert_eq!(closest("gpl3", ["gpl3"]), None);
    }
}
