//! Licenses: each must be a variable of Guix's `(guix licenses)`.  Authors
//! often write an SPDX identifier (`MIT`, `Apache-2.0`,
//! `GPL-3.0-or-later`) or a common name (`'mit`, `'apache2.0`); those are
//! mapped to the Guix name and suggested.  A list of licenses is allowed,
//! as in Guix.

use potluck_sandbox::diagnostic::quote;
use potluck_sandbox::dish::Spanned;

use super::Cx;

/// SPDX identifiers and the Guix license variable each is.  Only exact
/// equivalents: an SPDX license Guix has no variable for is not listed.
pub const SPDX: &[(&str, &str)] = &[
    ("0BSD", "bsd-0"),
    ("AFL-2.1", "afl2.1"),
    ("AFL-3.0", "afl3.0"),
    ("AGPL-1.0", "agpl1"),
    ("AGPL-1.0-only", "agpl1"),
    ("AGPL-3.0", "agpl3"),
    ("AGPL-3.0-only", "agpl3"),
    ("AGPL-3.0-or-later", "agpl3+"),
    ("APSL-2.0", "apsl2"),
    ("Apache-1.1", "asl1.1"),
    ("Apache-2.0", "asl2.0"),
    ("Artistic-2.0", "artistic2.0"),
    ("BSD-1-Clause", "bsd-1"),
    ("BSD-2-Clause", "bsd-2"),
    ("BSD-2-Clause-FreeBSD", "bsd-2"),
    ("BSD-3-Clause", "bsd-3"),
    ("BSD-4-Clause", "bsd-4"),
    ("BSL-1.0", "boost1.0"),
    ("BlueOak-1.0.0", "blue-oak1.0.0"),
    ("CC-BY-2.0", "cc-by2.0"),
    ("CC-BY-3.0", "cc-by3.0"),
    ("CC-BY-4.0", "cc-by4.0"),
    ("CC-BY-SA-2.0", "cc-by-sa2.0"),
    ("CC-BY-SA-3.0", "cc-by-sa3.0"),
    ("CC-BY-SA-4.0", "cc-by-sa4.0"),
    ("CC0-1.0", "cc0"),
    ("CDDL-1.0", "cddl1.0"),
    ("CDDL-1.1", "cddl1.1"),
    ("CECILL-2.1", "cecill"),
    ("CECILL-B", "cecill-b"),
    ("CECILL-C", "cecill-c"),
    ("CPL-1.0", "cpl1.0"),
    ("ClArtistic", "clarified-artistic"),
    ("EPL-1.0", "epl1.0"),
    ("EPL-2.0", "epl2.0"),
    ("EUPL-1.1", "eupl1.1"),
    ("EUPL-1.2", "eupl1.2"),
    ("FTL", "freetype"),
    ("GFDL-1.1-or-later", "fdl1.1+"),
    ("GFDL-1.2-or-later", "fdl1.2+"),
    ("GFDL-1.3-or-later", "fdl1.3+"),
    ("GPL-1.0", "gpl1"),
    ("GPL-1.0-only", "gpl1"),
    ("GPL-1.0+", "gpl1+"),
    ("GPL-1.0-or-later", "gpl1+"),
    ("GPL-2.0", "gpl2"),
    ("GPL-2.0-only", "gpl2"),
    ("GPL-2.0+", "gpl2+"),
    ("GPL-2.0-or-later", "gpl2+"),
    ("GPL-3.0", "gpl3"),
    ("GPL-3.0-only", "gpl3"),
    ("GPL-3.0+", "gpl3+"),
    ("GPL-3.0-or-later", "gpl3+"),
    ("Giftware", "giftware"),
    ("HPND", "hpnd"),
    ("IJG", "ijg"),
    ("IPA", "ipa"),
    ("IPL-1.0", "ibmpl1.0"),
    ("ISC", "isc"),
    ("Imlib2", "imlib2"),
    ("LGPL-2.0", "lgpl2.0"),
    ("LGPL-2.0-only", "lgpl2.0"),
    ("LGPL-2.0+", "lgpl2.0+"),
    ("LGPL-2.0-or-later", "lgpl2.0+"),
    ("LGPL-2.1", "lgpl2.1"),
    ("LGPL-2.1-only", "lgpl2.1"),
    ("LGPL-2.1+", "lgpl2.1+"),
    ("LGPL-2.1-or-later", "lgpl2.1+"),
    ("LGPL-3.0", "lgpl3"),
    ("LGPL-3.0-only", "lgpl3"),
    ("LGPL-3.0+", "lgpl3+"),
    ("LGPL-3.0-or-later", "lgpl3+"),
    ("LPL-1.02", "lpl1.02"),
    ("LPPL-1.0", "lppl1.0+"),
    ("LPPL-1.3c", "lppl1.3c"),
    ("MIT", "expat"),
    ("MIT-0", "expat-0"),
    ("MPL-1.0", "mpl1.0"),
    ("MPL-1.1", "mpl1.1"),
    ("MPL-2.0", "mpl2.0"),
    ("MS-PL", "ms-pl"),
    ("MirOS", "miros"),
    ("NCSA", "ncsa"),
    ("OFL-1.0", "silofl1.0"),
    ("OFL-1.1", "silofl1.1"),
    ("OGL-UK-1.0", "ogl-psi1.0"),
    ("OLDAP-2.8", "openldap2.8"),
    ("OSL-2.1", "osl2.1"),
    ("OpenSSL", "openssl"),
    ("PSF-2.0", "psfl"),
    ("Python-2.0", "psfl"),
    ("QPL-1.0", "qpl"),
    ("Ruby", "ruby"),
    ("SGI-B-2.0", "sgifreeb2.0"),
    ("Sleepycat", "sleepycat"),
    ("TCL", "tcl/tk"),
    ("Unicode-DFS-2016", "unicode"),
    ("Unlicense", "unlicense"),
    ("Vim", "vim"),
    ("W3C", "w3c"),
    ("WTFPL", "wtfpl2"),
    ("X11", "x11"),
    ("ZPL-2.1", "zpl2.1"),
    ("Zlib", "zlib"),
    ("wxWindows", "wxwindows3.1+"),
];

/// Common informal names and the Guix variable each means.
const COMMON: &[(&str, &str)] = &[
    ("mit", "expat"),
    ("mit-license", "expat"),
    ("apache", "asl2.0"),
    ("apache2", "asl2.0"),
    ("apache-2", "asl2.0"),
    ("apache2.0", "asl2.0"),
    ("apache-2.0", "asl2.0"),
    ("asl2", "asl2.0"),
    ("gplv2", "gpl2"),
    ("gplv2+", "gpl2+"),
    ("gplv3", "gpl3"),
    ("gplv3+", "gpl3+"),
    ("lgplv2.1", "lgpl2.1"),
    ("lgplv2.1+", "lgpl2.1+"),
    ("lgplv3", "lgpl3"),
    ("lgplv3+", "lgpl3+"),
    ("agplv3", "agpl3"),
    ("agplv3+", "agpl3+"),
    ("bsd2", "bsd-2"),
    ("bsd3", "bsd-3"),
    ("mpl", "mpl2.0"),
    ("mpl2", "mpl2.0"),
    ("boost", "boost1.0"),
    ("zlib-license", "zlib"),
    ("public domain", "public-domain"),
    ("cc-by-sa", "cc-by-sa4.0"),
    ("cc-by", "cc-by4.0"),
    ("artistic", "artistic2.0"),
    ("unicode-license", "unicode"),
    ("ofl", "silofl1.1"),
];

/// Names that could mean several licenses: the candidates.
const AMBIGUOUS: &[(&str, &[&str])] = &[
    ("gpl", &["gpl2+", "gpl3+", "gpl2", "gpl3"]),
    ("lgpl", &["lgpl2.1+", "lgpl3+", "lgpl2.1", "lgpl3"]),
    ("agpl", &["agpl3+", "agpl3"]),
    ("bsd", &["bsd-2", "bsd-3"]),
    ("cc0-1.0", &["cc0"]),
];

/// What Guix calls the license an author named `name` (an SPDX
/// identifier, compared exactly and then ignoring case, or a common name,
/// ignoring case): one variable, or the candidates when it is ambiguous.
pub fn guix_names(name: &str) -> Vec<&'static str> {
    if let Some((_, v)) = SPDX.iter().find(|(s, _)| *s == name) {
        return vec![*v];
    }
    let lower = name.to_ascii_lowercase();
    if let Some((_, v)) = SPDX.iter().find(|(s, _)| s.eq_ignore_ascii_case(name)) {
        return vec![*v];
    }
    if let Some((_, v)) = COMMON.iter().find(|(s, _)| *s == lower) {
        return vec![*v];
    }
    if let Some((_, vs)) = AMBIGUOUS.iter().find(|(s, _)| *s == lower) {
        return vs.to_vec();
    }
    Vec::new()
}

fn alternatives(names: &[&str]) -> String {
    let q: Vec<String> = names.iter().map(|n| format!("'{n}")).collect();
    match q.as_slice() {
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
        [] => String::new(),
    }
}

pub(super) fn check(cx: &mut Cx) {
    let licenses = &cx.dish.licenses;
    let mut seen: Vec<&str> = Vec::new();
    for l in &licenses.items {
        if seen.contains(&l.value.as_str()) {
            cx.warn(
                "license",
                l,
                format!("'{} is listed twice", quote(&l.value)),
                "list each license once",
            );
            continue;
        }
        seen.push(&l.value);
        check_one(cx, l, &licenses.items);
    }
}

/// The Guix licenses that `name` stands for (itself, when it is one).
fn guix_licenses<'a>(index: &crate::index::Index, name: &'a str) -> Vec<&'a str> {
    if index.license(name).is_some() {
        return vec![name];
    }
    guix_names(name)
        .into_iter()
        .filter(|v| index.license(v).is_some())
        .collect()
}

fn check_one(cx: &mut Cx, l: &Spanned<String>, all: &[Spanned<String>]) {
    let index = cx.index;
    if index.license(&l.value).is_some() {
        return;
    }
    let mapped = guix_licenses(index, &l.value);
    let shown = quote(&l.value);
    if !mapped.is_empty() {
        let (message, help) = if mapped.len() == 1 {
            (
                format!(
                    "`{shown}` is not what Guix calls this license: it is '{}",
                    mapped[0]
                ),
                if all.len() > 1 {
                    // The whole list, each name as Guix calls it, so that
                    // copying the help keeps the other licenses.
                    let names: Vec<String> = all
                        .iter()
                        .map(|x| match guix_licenses(index, &x.value)[..] {
                            [one] => one.to_string(),
                            _ => quote(&x.value).to_string(),
                        })
                        .collect();
                    format!("write (license '({}))", names.join(" "))
                } else {
                    format!("write (license '{})", mapped[0])
                },
            )
        } else {
            (
                format!("`{shown}` names several licenses"),
                format!(
                    "say which: {} (the `+` forms mean \"or any later version\")",
                    alternatives(&mapped)
                ),
            )
        };
        cx.error("license", l, message, help);
        return;
    }
    let names: Vec<&str> = index.licenses.iter().map(|x| x.variable.as_str()).collect();
    let help = match potluck_contract::distance::closest(&l.value, &names) {
        Some(c) => format!(
            "did you mean '{c}? (`potluck-wasm init --license help` lists all {} Guix licenses)",
            names.len()
        ),
        None => format!(
            "use the name of a variable of (guix licenses), e.g. 'gpl3+, 'expat or 'asl2.0; SPDX identifiers such as MIT or Apache-2.0 are mapped for you (`potluck-wasm init --license help` lists all {})",
            names.len()
        ),
    };
    cx.error(
        "license",
        l,
        format!("`{shown}` is not a Guix license"),
        help,
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::Index;

    #[test]
    fn every_mapping_names_a_license_of_the_index() {
        let index = Index::builtin();
        for (from, to) in SPDX.iter().chain(COMMON) {
            assert!(index.license(to).is_some(), "{from} -> {to}");
        }
        for (_, tos) in AMBIGUOUS {
            for to in *tos {
                assert!(index.license(to).is_some(), "{to}");
            }
        }
    }

    #[test]
    fn spdx_and_common_names_are_mapped() {
        assert_eq!(guix_names("MIT"), ["expat"]);
        assert_eq!(guix_names("mit"), ["expat"]);
        assert_eq!(guix_names("Apache-2.0"), ["asl2.0"]);
        assert_eq!(guix_names("apache2.0"), ["asl2.0"]);
        assert_eq!(guix_names("GPL-3.0-or-later"), ["gpl3+"]);
        assert_eq!(guix_names("gpl-3.0-only"), ["gpl3"]);
        assert_eq!(guix_names("BSD").len(), 2);
        assert!(guix_names("no-such-license").is_empty());
    }
}
