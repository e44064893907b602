//! Texinfo markup in synopses and descriptions, checked as Guix reads it:
//! `guix show` and `guix search` render them with Guile's `(texinfo)`
//! (`texi-fragment->stexi`), and `guix lint` refuses what that parser
//! refuses.  This checker finds, at their exact position: a bare `@` (an
//! at sign must be written `@@`), an `@` before something that is no
//! command, commands Guile's parser does not know, inline commands
//! without their `{…}`, unclosed braces and environments, and a stray `}`
//! (which Guile does not refuse but silently ends the text at).  Bare
//! braces, which Texinfo does not show, are a warning.
//!
//! It is a subset of the parser's rules: what it accepts, the parser
//! accepts (a test checks that against real Guile), and it refuses a few
//! things the parser lets through but renders wrongly.

use std::fmt::Write as _;

/// One problem, at a byte range of the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub start: usize,
    pub end: usize,
    pub message: String,
    pub help: String,
    /// An error (Guix refuses or mangles the text) rather than advice.
    pub error: bool,
}

/// Commands whose argument is `{…}` right after the name.
const INLINE: &[&str] = &[
    "bold",
    "sample",
    "samp",
    "code",
    "math",
    "kbd",
    "key",
    "var",
    "env",
    "file",
    "command",
    "option",
    "dfn",
    "cite",
    "acro",
    "email",
    "emph",
    "strong",
    "sc",
    "titlefont",
    "asis",
    "b",
    "i",
    "r",
    "sansserif",
    "slanted",
    "t",
    "w",
    "value",
    "ref",
    "xref",
    "anchor",
    "dots",
    "result",
    "bullet",
    "copyright",
    "tie",
    "image",
    "pxref",
    "uref",
    "url",
    "acronym",
];

/// Commands whose argument is the rest of their line (a newline must
/// follow).
const LINE: &[&str] = &[
    "node",
    "c",
    "comment",
    "setchapternewpage",
    "sp",
    "page",
    "vskip",
    "syncodeindex",
    "contents",
    "shortcontents",
    "summarycontents",
    "insertcopying",
    "dircategory",
    "top",
    "printindex",
    "paragraphindent",
    "itemx",
    "set",
    "center",
    "title",
    "subtitle",
    "author",
    "chapter",
    "section",
    "appendix",
    "appendixsec",
    "unnumbered",
    "unnumberedsec",
    "subsection",
    "subsubsection",
    "appendixsubsec",
    "appendixsubsubsec",
    "unnumberedsubsec",
    "unnumberedsubsubsec",
    "chapheading",
    "majorheading",
    "heading",
    "subheading",
    "subsubheading",
    "cindex",
    "findex",
    "vindex",
    "kindex",
    "pindex",
    "tindex",
    "item",
];

/// Environments, which end with `@end NAME` on a line of its own.
const ENVIRONMENTS: &[&str] = &[
    "ignore",
    "ifinfo",
    "iftex",
    "ifhtml",
    "ifxml",
    "ifplaintext",
    "ifnotinfo",
    "ifnottex",
    "ifnothtml",
    "ifnotxml",
    "ifnotplaintext",
    "titlepage",
    "menu",
    "direntry",
    "copying",
    "example",
    "smallexample",
    "display",
    "smalldisplay",
    "format",
    "smallformat",
    "lisp",
    "smalllisp",
    "cartouche",
    "quotation",
    "table",
    "itemize",
    "enumerate",
    "ftable",
    "vtable",
];

/// Environments whose `@item`s are allowed.
const LISTS: &[&str] = &["table", "itemize", "enumerate", "ftable", "vtable"];

/// Commands that take nothing.
const EMPTY: &[&str] = &["noindent"];

fn known() -> impl Iterator<Item = &'static str> {
    INLINE
        .iter()
        .chain(LINE)
        .chain(ENVIRONMENTS)
        .chain(EMPTY)
        .chain(&["end"])
        .copied()
}

/// The problems of `text`, in order; after the first error nothing more is
/// reported (the rest is read differently once the markup is broken).
pub fn check(text: &str) -> Vec<Problem> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    // Open braces: where, and after which command (None: bare).
    let mut braces: Vec<(usize, Option<&str>)> = Vec::new();
    // Open environments: where, and which.
    let mut envs: Vec<(usize, String)> = Vec::new();
    let mut warned_bare = false;
    let at_sign_help =
        "an at sign is written @@ in Texinfo (in an e-mail address too: user@@example.org)";
    let mut i = 0;
    let error =
        |out: &mut Vec<Problem>, start: usize, end: usize, message: String, help: String| {
            out.push(Problem {
                start,
                end,
                message,
                help,
                error: true,
            });
        };
    while i < b.len() {
        match b[i] {
            b'@' => {
                let Some(&next) = b.get(i + 1) else {
                    error(
                        &mut out,
                        i,
                        i + 1,
                        "the text ends with a lone `@`".into(),
                        at_sign_help.into(),
                    );
                    return out;
                };
                if b"@{}:.".contains(&next) {
                    i += 2;
                    continue;
                }
                if !next.is_ascii_alphabetic() {
                    let c = text[i + 1..].chars().next().unwrap_or(' ');
                    error(
                        &mut out,
                        i,
                        i + 1 + c.len_utf8(),
                        format!("`@` followed by {} is not Texinfo", shown_char(c)),
                        at_sign_help.into(),
                    );
                    return out;
                }
                let name_end = i
                    + 1
                    + b[i + 1..]
                        .iter()
                        .take_while(|c| c.is_ascii_alphabetic())
                        .count();
                let name = &text[i + 1..name_end];
                let after_word = i > 0 && (b[i - 1] as char).is_ascii_alphanumeric();
                if INLINE.contains(&name) {
                    if b.get(name_end) != Some(&b'{') {
                        let help = if after_word {
                            at_sign_help.to_string()
                        } else {
                            format!("write @{name}{{…}}, or @@ for an at sign")
                        };
                        error(
                            &mut out,
                            i,
                            name_end,
                            format!("@{name} must be followed by {{…}}"),
                            help,
                        );
                        return out;
                    }
                    braces.push((name_end, Some(name_static(name))));
                    i = name_end + 1;
                    continue;
                }
                if name == "end" {
                    let line_end = text[name_end..]
                        .find('\n')
                        .map_or(b.len(), |n| name_end + n);
                    let which = text[name_end..line_end].trim();
                    match envs.last() {
                        Some((_, open)) if open == which => {
                            envs.pop();
                        }
                        Some((_, open)) => {
                            let open = open.clone();
                            error(
                                &mut out,
                                i,
                                line_end,
                                format!("`@end {which}` ends the environment @{open}, which it does not name"),
                                format!("end it with @end {open}"),
                            );
                            return out;
                        }
                        None => {
                            error(
                                &mut out,
                                i,
                                line_end,
                                if which.is_empty() {
                                    "`@end` names no environment".into()
                                } else {
                                    format!("`@end {which}` ends an environment that was not started")
                                },
                                "remove it, or start the environment first, e.g. @itemize … @end itemize".into(),
                            );
                            return out;
                        }
                    }
                    i = line_end;
                    continue;
                }
                if ENVIRONMENTS.contains(&name) || LINE.contains(&name) {
                    if after_word {
                        error(
                            &mut out,
                            i,
                            name_end,
                            format!("Texinfo reads `@{name}` here as a command"),
                            at_sign_help.into(),
                        );
                        return out;
                    }
                    let Some(nl) = text[name_end..].find('\n') else {
                        error(
                            &mut out,
                            i,
                            name_end,
                            format!(
                                "@{name} must be followed by the rest of its line and a newline"
                            ),
                            format!("put @{name} on a line of its own, with text after it"),
                        );
                        return out;
                    };
                    if name == "item" && !envs.iter().any(|(_, e)| LISTS.contains(&e.as_str())) {
                        error(
                            &mut out,
                            i,
                            name_end,
                            "@item outside @itemize, @enumerate or @table".into(),
                            "start the list with @itemize on a line of its own, and end it with @end itemize".into(),
                        );
                        return out;
                    }
                    if ENVIRONMENTS.contains(&name) {
                        envs.push((i, name.to_string()));
                    }
                    i = name_end + nl + 1;
                    continue;
                }
                if EMPTY.contains(&name) {
                    i = name_end;
                    continue;
                }
                let names: Vec<&str> = known().collect();
                let mut help = match potluck_contract::distance::closest(name, &names) {
                    Some(c) => format!("did you mean @{c}? Or, "),
                    None => String::new(),
                };
                help.push_str(if after_word {
                    at_sign_help
                } else {
                    "for an at sign, write @@"
                });
                error(
                    &mut out,
                    i,
                    name_end,
                    format!("Texinfo has no command @{name} (Guix's Texinfo parser refuses it)"),
                    help,
                );
                return out;
            }
            b'{' => {
                if !warned_bare {
                    warned_bare = true;
                    out.push(Problem {
                        start: i,
                        end: i + 1,
                        message: "braces group text in Texinfo and are not shown".into(),
                        help: "write @{ and @} for literal braces".into(),
                        error: false,
                    });
                }
                braces.push((i, None));
                i += 1;
            }
            b'}' => {
                if braces.pop().is_none() {
                    error(
                        &mut out,
                        i,
                        i + 1,
                        "this `}` closes nothing: Guix's Texinfo reader stops here and drops the rest of the text".into(),
                        "write @} for a literal brace".into(),
                    );
                    return out;
                }
                i += 1;
            }
            _ => i += 1,
        }
    }
    if let Some((at, cmd)) = braces.last() {
        let what = match cmd {
            Some(c) => format!("the `{{` of @{c} is never closed"),
            None => "this `{` is never closed".into(),
        };
        error(
            &mut out,
            *at,
            *at + 1,
            what,
            "close it with `}`, or write @{ for a literal brace".into(),
        );
        return out;
    }
    if let Some((at, env)) = envs.last() {
        error(
            &mut out,
            *at,
            *at + 1 + env.len(),
            format!("@{env} is never ended"),
            format!("add @end {env} on a line of its own"),
        );
    }
    out
}

fn name_static(name: &str) -> &'static str {
    INLINE.iter().find(|n| **n == name).copied().unwrap_or("")
}

fn shown_char(c: char) -> String {
    match c {
        ' ' => "a space".into(),
        '\n' => "a newline".into(),
        '\t' => "a tab".into(),
        c if c.is_control() => {
            let mut s = String::new();
            let _ = write!(s, "U+{:04X}", c as u32);
            s
        }
        c => format!("`{c}`"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn first(text: &str) -> Option<Problem> {
        check(text).into_iter().find(|p| p.error)
    }

    #[test]
    fn what_guix_refuses_is_found_where_it_is() {
        for (text, at, what) in [
            ("a@b", 1, "@b must be followed"),
            ("use @code{foo", 9, "never closed"),
            ("x}y", 1, "closes nothing"),
            ("@foo{bar}", 0, "no command @foo"),
            ("email@example.org", 5, "reads `@example`"),
            ("50% @ home", 4, "a space"),
            ("trailing @", 9, "lone"),
            ("@end", 0, "no environment"),
            ("@example\nfoo", 0, "never ended"),
            ("x @c comment", 2, "rest of its line"),
            ("@item a\n", 0, "outside"),
            ("@itemize\n@item a\n@end enumerate\n", 17, "does not name"),
        ] {
            let p = first(text).unwrap_or_else(|| panic!("{text:?} was accepted"));
            assert_eq!(p.start, at, "{text:?}: {p:?}");
            assert!(p.message.contains(what), "{text:?}: {}", p.message);
        }
    }

    #[test]
    fn good_markup_passes() {
        for text in [
            "plain text, 100% fine.",
            "@@ @{ @} @: @.",
            "Text with @emph{nested @code{x}} ok.",
            "See @url{https://example.org} and @uref{https://x, X}.",
            "@itemize\n@item one\n@item two\n@end itemize\n",
            "@example\nfoo\n@end example\n",
            "user@@example.org",
            "@code{a}@code{b} @dots{} @copyright{}",
        ] {
            assert_eq!(first(text), None, "{text:?}");
        }
        assert!(check("a{b}c").iter().all(|p| !p.error));
        assert!(!check("a{b}c").is_empty(), "bare braces are a warning");
    }
}
