//! Tests of the char-set bindings: the tables and the standard sets, the set
//! algebra, construction, cursors and the higher-order procedures against
//! Guile 3.0.8, and the allocation budget.

use super::*;
use crate::diag::DiagnosticKind;
use crate::testing::{check, check_err, eval};

fn canonical(r: &[(u32, u32)]) -> bool {
    r.iter().all(|&(lo, hi)| {
        lo <= hi && hi <= MAX_CODE_POINT && (hi < SURROGATE_START || lo > SURROGATE_END)
    }) && r.windows(2).all(|w| w[0].1 + 1 < w[1].0)
}

#[test]
fn tables_are_canonical() {
    for t in [
        LOWER_CASE,
        UPPER_CASE,
        TITLE_CASE,
        LETTER,
        DIGIT,
        GRAPHIC,
        WHITESPACE,
        PUNCTUATION,
        SYMBOL,
        BLANK,
        DESIGNATED,
    ] {
        assert!(canonical(t));
    }
    for (_, v) in constants() {
        let Value::CharSet(cs) = v else { panic!() };
        assert!(canonical(&cs.ranges));
    }
}

#[test]
fn set_algebra() {
    let a = CharSet::from_points(vec![1, 2, 3, 10, 0xD7FF, 0xE000]);
    assert_eq!(
        a.ranges,
        vec![(1, 3), (10, 10), (0xD7FF, 0xD7FF), (0xE000, 0xE000)]
    );
    let full = CharSet::full();
    assert_eq!(full.size(), 1_112_064);
    assert_eq!(a.complement().complement(), a);
    assert_eq!(a.union(&a.complement()), full);
    assert!(a.intersection(&a.complement()).is_empty());
    assert_eq!(CharSet::empty().complement(), full);
    assert!(full.complement().is_empty());
    let b = CharSet::from_points(vec![2, 3, 4, 0xE000]);
    assert_eq!(
        a.difference(&b).ranges,
        vec![(1, 1), (10, 10), (0xD7FF, 0xD7FF)]
    );
    assert_eq!(
        a.xor(&b).ranges,
        vec![(1, 1), (4, 4), (10, 10), (0xD7FF, 0xD7FF)]
    );
    assert!(CharSet::from_points(vec![2, 3]).is_subset(&a));
    assert!(!b.is_subset(&a));
    assert!(CharSet::empty().is_subset(&CharSet::empty()));
    assert_eq!(
        CharSet::from_ranges(vec![(0x10, 0xE005), (0x20, 0x10000), (5, 6)]).ranges,
        vec![(5, 6), (0x10, 0xD7FF), (0xE000, 0x10000)]
    );
    assert_eq!(
        a.insert(4).remove(2).ranges,
        vec![(1, 1), (3, 4), (10, 10), (0xD7FF, 0xD7FF), (0xE000, 0xE000)]
    );
    assert!(in_table(&[(5, 7), (9, 9)], 9));
    assert!(!in_table(&[(5, 7), (9, 9)], 8));
    assert!(!in_table(&[(5, 7), (9, 9)], 4));
}

/// Sizes as Guile 3.0.8 reports them.
#[test]
fn standard_set_sizes() {
    check(
        "(map char-set-size (list char-set:letter char-set:digit char-set:lower-case \
             char-set:upper-case char-set:title-case char-set:whitespace char-set:blank \
             char-set:iso-control char-set:punctuation char-set:symbol char-set:hex-digit \
             char-set:ascii char-set:empty char-set:full char-set:graphic char-set:printing \
             char-set:letter+digit char-set:designated))",
        "(131756 660 1593 1403 31 24 18 65 819 7741 22 128 0 1112064 144515 144539 132416 282230)",
    );
    check("(char-set-contains? char-set:lower-case #\\xaa)", "#f");
    check("(char-set-contains? char-set:designated #\\x10ffff)", "#f");
    check("(char-set-contains? char-set:designated #\\x10fffd)", "#t");
    check("(char-set-contains? char-set:letter #\\x31350)", "#f");
    check("(char-set-contains? char-set:punctuation #\\_)", "#t");
    check("(char-set-contains? char-set:symbol #\\$)", "#t");
    check("(char-set-contains? char-set:whitespace #\\x85)", "#f");
    check(
        "(char-set->string char-set:hex-digit)",
        "\"0123456789ABCDEFabcdef\"",
    );
    check("(eq? char-set:letter char-set:letter)", "#t");
    check("(char-set? char-set:full)", "#t");
    check("(char-set-hash char-set:full)", "315");
    check("(char-set-hash char-set:letter 100000)", "50068");
    check(
        "(char-set-hash char-set:full 18446744073709551615)",
        "18446744073708437503",
    );
}

#[test]
fn construction() {
    check("(char-set->list (char-set #\\c #\\a))", "(#\\a #\\c)");
    check("(char-set->list (char-set))", "()");
    check(
        "(char-set->list (->char-set \"hello\"))",
        "(#\\e #\\h #\\l #\\o)",
    );
    check("(char-set->list (->char-set #\\x))", "(#\\x)");
    check(
        "(let ((cs (char-set #\\a))) (eq? cs (->char-set cs)))",
        "#t",
    );
    check(
        "(char-set->list (list->char-set '(#\\b #\\a)))",
        "(#\\a #\\b)",
    );
    check(
        "(char-set->list (list->char-set '(#\\a #\\b) (char-set #\\z)))",
        "(#\\a #\\b #\\z)",
    );
    check(
        "(char-set->list (string->char-set \"cab\" (char-set #\\z)))",
        "(#\\a #\\b #\\c #\\z)",
    );
    check("(char-set->string (char-set #\\c #\\a #\\λ))", "\"acλ\"");
    check(
        "(char-set->list (ucs-range->char-set 97 100))",
        "(#\\a #\\b #\\c)",
    );
    check(
        "(char-set->list (ucs-range->char-set 97 100 #f (char-set #\\z)))",
        "(#\\a #\\b #\\c #\\z)",
    );
    check("(char-set-size (ucs-range->char-set 0 0))", "1112064");
    check("(char-set-size (ucs-range->char-set 5 0))", "1112059");
    check(
        "(char-set-size (ucs-range->char-set 97 #x110005 #f))",
        "1111967",
    );
    check(
        "(char-set-size (ucs-range->char-set #xd000 #xe000))",
        "2048",
    );
    check("(char-set-size (ucs-range->char-set #xd900 #xda00))", "0");
    check(
        "(char-set-size (ucs-range->char-set #x110005 #x110009))",
        "1",
    );
    check(
        "(char-set-size (ucs-range->char-set #x10fff0 #x110009))",
        "16",
    );
    check(
        "(char-set->list (ucs-range->char-set 97 98 'yes))",
        "(#\\a)",
    );
    check("(char-set-size (char-set-copy char-set:letter))", "131756");
    check(
        "(let ((cs (char-set #\\a))) (eq? cs (char-set-copy cs)))",
        "#f",
    );
    check(
        "(char-set= (char-set #\\a) (char-set-copy (char-set #\\a)))",
        "#t",
    );
}

#[test]
fn construction_errors() {
    check_err("(ucs-range->char-set 5 3)", DiagnosticKind::OutOfRange);
    check_err("(ucs-range->char-set 5 5)", DiagnosticKind::OutOfRange);
    check_err("(ucs-range->char-set -1 100)", DiagnosticKind::OutOfRange);
    check_err("(ucs-range->char-set 97 100.0)", DiagnosticKind::WrongType);
    check_err(
        "(ucs-range->char-set 97 #x110005 #t)",
        DiagnosticKind::OutOfRange,
    );
    check_err(
        "(ucs-range->char-set #xd000 #xe001 #t)",
        DiagnosticKind::OutOfRange,
    );
    check_err(
        "(ucs-range->char-set #xd900 #xda00 #t)",
        DiagnosticKind::OutOfRange,
    );
    check_err("(ucs-range->char-set 5 0 #t)", DiagnosticKind::OutOfRange);
    check_err(
        "(ucs-range->char-set 97 100 #f 'x)",
        DiagnosticKind::WrongType,
    );
    check_err(
        "(ucs-range->char-set (expt 2 70) 5)",
        DiagnosticKind::OutOfRange,
    );
    check_err("(list->char-set '(#\\a 1))", DiagnosticKind::WrongType);
    check_err("(list->char-set '(#\\a . #\\b))", DiagnosticKind::WrongType);
    check_err("(list->char-set '(#\\a) 'y)", DiagnosticKind::WrongType);
    check_err("(char-set #\\a 1)", DiagnosticKind::WrongType);
    check_err("(->char-set 'x)", DiagnosticKind::WrongType);
    check_err("(string->char-set 'abc)", DiagnosticKind::WrongType);
    check_err("(string->char-set \"abc\" 'y)", DiagnosticKind::WrongType);
    check_err("(char-set-copy 'x)", DiagnosticKind::WrongType);
    check(
        "(catch #t (lambda () (char-set #\\a 1)) (lambda (k . a) (list k (car a))))",
        "(wrong-type-arg \"char-set\")",
    );
    check(
        "(catch #t (lambda () (list->char-set '(#\\a 1))) (lambda (k . a) a))",
        "(\"list->char-set\" \"Wrong type: ~S\" (1) (1))",
    );
    check(
        "(catch #t (lambda () (->char-set 'x)) (lambda (k . a) a))",
        "(#f \"Wrong type: ~S\" (x) (x))",
    );
    check(
        "(catch #t (lambda () (ucs-range->char-set 1/2 5)) (lambda (k . a) (cons k a)))",
        "(wrong-type-arg #f \"Wrong type (expecting ~A): ~S\" (\"exact integer\" 1/2) (1/2))",
    );
    check(
        "(catch #t (lambda () (ucs-range->char-set #xd000 #xe001 #t)) (lambda (k . a) (cadr a)))",
        "\"invalid range - contains surrogate characters: ~S to ~S\"",
    );
}

#[test]
fn algebra_procedures() {
    check(
        "(char-set->list (char-set-adjoin (char-set #\\a) #\\c #\\b))",
        "(#\\a #\\b #\\c)",
    );
    check(
        "(char-set->list (char-set-delete (char-set #\\a #\\b #\\c) #\\b #\\z))",
        "(#\\a #\\c)",
    );
    check(
        "(char-set->list (char-set-union (char-set #\\a) (char-set #\\c) (char-set #\\b)))",
        "(#\\a #\\b #\\c)",
    );
    check("(char-set->list (char-set-union))", "()");
    check("(char-set->list (char-set-intersection))", "()");
    check(
        "(char-set->list (char-set-intersection (char-set #\\a #\\b) (char-set #\\b #\\c)))",
        "(#\\b)",
    );
    check(
        "(char-set->list (char-set-difference (char-set #\\a #\\b) (char-set #\\b #\\c)))",
        "(#\\a)",
    );
    check(
        "(char-set->list (char-set-difference (char-set #\\a #\\b)))",
        "(#\\a #\\b)",
    );
    check(
        "(char-set->list (char-set-xor (char-set #\\a #\\b) (char-set #\\b #\\c)))",
        "(#\\a #\\c)",
    );
    check("(char-set->list (char-set-xor))", "()");
    check(
        "(let ((a (char-set #\\a))) (char-set->list (char-set-xor a a a)))",
        "(#\\a)",
    );
    check(
        "(call-with-values (lambda () (char-set-diff+intersection (char-set #\\a #\\b) (char-set #\\b #\\c))) \
             (lambda (x y) (list (char-set->list x) (char-set->list y))))",
        "((#\\b) (#\\b #\\c))",
    );
    check(
        "(call-with-values (lambda () (char-set-diff+intersection (char-set #\\a #\\b))) \
             (lambda (x y) (list (char-set->list x) (char-set->list y))))",
        "((#\\a #\\b) ())",
    );
    check(
        "(char-set-size (char-set-complement (char-set #\\a)))",
        "1112063",
    );
    check(
        "(char-set->list (char-set-complement (char-set-complement (char-set #\\nul #\\a))))",
        "(#\\nul #\\a)",
    );
    check(
        "(char-set= char-set:full (char-set-complement char-set:empty))",
        "#t",
    );
    check(
        "(char-set= char-set:letter+digit (char-set-union char-set:letter char-set:digit))",
        "#t",
    );
    check("(char-set=)", "#t");
    check("(char-set= char-set:empty (char-set))", "#t");
    check("(char-set= (char-set #\\a) (char-set #\\b))", "#f");
    check("(char-set<=)", "#t");
    check(
        "(char-set<= (char-set #\\a) (char-set #\\a #\\b) char-set:full)",
        "#t",
    );
    check(
        "(char-set<= (char-set #\\a #\\c) (char-set #\\a #\\b))",
        "#f",
    );
    check("(char-set<= char-set:lower-case char-set:letter)", "#f");
    check(
        "(char-set<= char-set:digit char-set:letter+digit char-set:graphic)",
        "#t",
    );
    check("(char-set-contains? (char-set #\\a) #\\a)", "#t");
    check("(char-set-contains? (char-set #\\a) #\\b)", "#f");
    check("(char-set-size char-set:empty)", "0");
    check("(char-set? 'x)", "#f");
    check("(char-set-hash (char-set #\\a #\\b))", "292");
    check("(char-set-hash (char-set #\\a #\\b) 0)", "292");
    check("(char-set-hash (char-set #\\a #\\b) 10)", "2");
    check("(char-set-hash char-set:empty)", "0");
    check("(char-set-hash (char-set #\\a) 18446744073709551615)", "97");
}

#[test]
fn algebra_errors() {
    check(
        "(catch #t (lambda () (char-set-intersection 'x (char-set #\\a))) (lambda (k . a) (car a)))",
        "\"char-set-copy\"",
    );
    check(
        "(catch #t (lambda () (char-set-xor 'x)) (lambda (k . a) (car a)))",
        "\"char-set-copy\"",
    );
    check_err(
        "(char-set-intersection (char-set #\\a) 'x)",
        DiagnosticKind::WrongType,
    );
    check_err("(char-set-union 'x)", DiagnosticKind::WrongType);
    check_err(
        "(char-set-difference (char-set #\\a) 'y)",
        DiagnosticKind::WrongType,
    );
    check_err(
        "(char-set-diff+intersection (char-set #\\a) 'y)",
        DiagnosticKind::WrongType,
    );
    check_err("(char-set= (char-set #\\a) 'x)", DiagnosticKind::WrongType);
    check_err("(char-set<= 'x)", DiagnosticKind::WrongType);
    check_err(
        "(char-set-contains? (char-set #\\a) \"a\")",
        DiagnosticKind::WrongType,
    );
    check_err("(char-set-contains? 'x #\\a)", DiagnosticKind::WrongType);
    check_err(
        "(char-set-adjoin (char-set #\\a) #\\b 2)",
        DiagnosticKind::WrongType,
    );
    check_err("(char-set-delete 'x #\\a)", DiagnosticKind::WrongType);
    check_err("(char-set-complement 'x)", DiagnosticKind::WrongType);
    check_err("(char-set-size 'x)", DiagnosticKind::WrongType);
    check_err("(char-set->list 'x)", DiagnosticKind::WrongType);
    check_err(
        "(char-set-hash (char-set #\\a) 1.0)",
        DiagnosticKind::WrongType,
    );
    check_err(
        "(char-set-hash (char-set #\\a) -1)",
        DiagnosticKind::OutOfRange,
    );
    check_err(
        "(char-set-hash (char-set) (expt 2 70))",
        DiagnosticKind::OutOfRange,
    );
}

#[test]
fn higher_order() {
    check("(char-set-any char-alphabetic? char-set:empty)", "#t");
    check("(char-set-any char-alphabetic? (char-set #\\1))", "#f");
    check(
        "(char-set-any (lambda (c) (and (char-alphabetic? c) 'yes)) (char-set #\\1 #\\a))",
        "yes",
    );
    check(
        "(char-set-every (lambda (c) (and (char-alphabetic? c) c)) (char-set #\\b #\\a))",
        "#t",
    );
    check(
        "(char-set-every char-alphabetic? (char-set #\\b #\\1))",
        "#f",
    );
    check("(char-set-every char-alphabetic? char-set:empty)", "#t");
    check(
        "(char-set-count char-alphabetic? (char-set #\\c #\\a #\\1))",
        "2",
    );
    check(
        "(char-set-fold cons '() (char-set #\\c #\\a #\\b))",
        "(#\\c #\\b #\\a)",
    );
    check("(char-set-fold cons 'z char-set:empty)", "z");
    check(
        "(char-set->list (char-set-map char-upcase (char-set #\\c #\\a #\\b)))",
        "(#\\A #\\B #\\C)",
    );
    check(
        "(char-set->list (char-set-filter char-alphabetic? (char-set #\\c #\\a #\\1) (char-set #\\Z)))",
        "(#\\Z #\\a #\\c)",
    );
    check(
        "(char-set->list (char-set-filter char-numeric? (ucs-range->char-set 40 60)))",
        "(#\\0 #\\1 #\\2 #\\3 #\\4 #\\5 #\\6 #\\7 #\\8 #\\9)",
    );
    check(
        "(char-set->list (char-set-unfold null? car cdr '(#\\a #\\b)))",
        "(#\\a #\\b)",
    );
    check(
        "(char-set->list (char-set-unfold null? car cdr '(#\\a #\\b) (char-set #\\z)))",
        "(#\\a #\\b #\\z)",
    );
    check(
        "(char-set-for-each char-upcase (char-set #\\a #\\b))",
        "#<unspecified>",
    );
    check("(char-set-count char-upper-case? char-set:ascii)", "26");
    check_err(
        "(char-set-map (lambda (c) 1) (char-set #\\a))",
        DiagnosticKind::UserError,
    );
    check(
        "(catch 'misc-error (lambda () (char-set-map (lambda (c) 1) (char-set #\\a))) (lambda (k s m a r) (list s m)))",
        "(\"char-set-map\" \"procedure ~S returned non-char\")",
    );
    check(
        "(catch 'misc-error (lambda () (char-set-unfold null? (lambda (x) 1) cdr '(1))) (lambda (k s m a r) s))",
        "\"char-set-unfold\"",
    );
    check_err("(char-set-fold 1 2 3)", DiagnosticKind::WrongType);
    check_err("(char-set-fold cons 2 3)", DiagnosticKind::WrongType);
    check_err(
        "(char-set-for-each 1 (char-set))",
        DiagnosticKind::WrongType,
    );
    check_err("(char-set-filter 1 (char-set))", DiagnosticKind::WrongType);
    check_err(
        "(char-set-filter char-alphabetic? (char-set) 'x)",
        DiagnosticKind::WrongType,
    );
    check_err("(char-set-any 1 (char-set))", DiagnosticKind::WrongType);
    check_err("(char-set-every 1 (char-set))", DiagnosticKind::WrongType);
    check_err(
        "(char-set-count char-upper-case? 'y)",
        DiagnosticKind::WrongType,
    );
    check_err("(char-set-unfold 1 car cdr '())", DiagnosticKind::WrongType);
    check_err(
        "(char-set-unfold null? car cdr '() 'z)",
        DiagnosticKind::WrongType,
    );
}

#[test]
fn cursors() {
    check(
        "(let* ((cs (char-set #\\a #\\b #\\x)) (c (char-set-cursor cs))) \
             (let lp ((c c) (acc '())) (if (end-of-char-set? c) (reverse acc) \
             (let ((x (char-set-ref cs c))) (lp (char-set-cursor-next cs c) (cons x acc))))))",
        "(#\\a #\\b #\\x)",
    );
    // As in Guile, the cursor is advanced before `char-set-ref` reads it
    // here, and reading past the end is an error.
    check_err(
        "(let* ((cs (char-set #\\a #\\b #\\x)) (c (char-set-cursor cs))) \
             (let lp ((c c) (acc '())) (if (end-of-char-set? c) (reverse acc) \
             (lp (char-set-cursor-next cs c) (cons (char-set-ref cs c) acc)))))",
        DiagnosticKind::UserError,
    );
    // Guile's cursors are mutated by char-set-cursor-next.
    check(
        "(let* ((cs (char-set #\\a #\\b)) (c (char-set-cursor cs))) (char-set-cursor-next cs c) (char-set-ref cs c))",
        "#\\b",
    );
    check("(end-of-char-set? (char-set-cursor (char-set)))", "#t");
    check("(end-of-char-set? (char-set-cursor (char-set #\\a)))", "#f");
    check(
        "(let* ((cs (char-set #\\a #\\b)) (c (char-set-cursor cs))) (char-set-ref (char-set #\\a #\\x) c))",
        "#\\a",
    );
    check(
        "(let* ((cs (char-set #\\a #\\b)) (c (char-set-cursor cs))) \
             (catch 'misc-error (lambda () (char-set-ref (char-set #\\x) c)) (lambda (k s m a r) (list s m))))",
        "(\"char-set-ref\" \"invalid character set cursor: ~A\")",
    );
    check(
        "(let* ((cs (char-set #\\a)) (c (char-set-cursor cs))) (char-set-cursor-next cs c) \
             (catch 'misc-error (lambda () (char-set-cursor-next cs c)) (lambda (k s m a r) s)))",
        "\"char-set-cursor-next\"",
    );
    check_err(
        "(char-set-ref (char-set #\\a) (char-set-cursor (char-set)))",
        DiagnosticKind::UserError,
    );
    check_err("(char-set-cursor 'y)", DiagnosticKind::WrongType);
    check_err("(end-of-char-set? 1)", DiagnosticKind::WrongType);
    check_err("(char-set-ref 1 2)", DiagnosticKind::WrongType);
    check_err(
        "(char-set-ref (char-set #\\a) 2)",
        DiagnosticKind::WrongType,
    );
    check_err(
        "(char-set-cursor-next (char-set #\\a) 1)",
        DiagnosticKind::WrongType,
    );
}

#[test]
fn huge_sets_hit_the_budget() {
    check_err("(char-set->list char-set:full)", DiagnosticKind::Limit);
    check_err(
        "(char-set-map char-upcase char-set:full)",
        DiagnosticKind::Limit,
    );
    check_err(
        "(char-set-fold cons '() char-set:full)",
        DiagnosticKind::Limit,
    );
    check_err(
        "(char-set-for-each (lambda (c) c) char-set:full)",
        DiagnosticKind::Limit,
    );
    // Cheap whatever the size.
    check(
        "(char-set-size (char-set-complement char-set:letter))",
        "980308",
    );
    check(
        "(char-set-size (string->char-set (char-set->string char-set:digit)))",
        "660",
    );
    check(
        "(char-set-size (list->char-set (char-set->list char-set:letter)))",
        "131756",
    );
    assert!(eval("(char-set-count (lambda (c) #t) char-set:full)").is_err());
}

/// `scripts/charset-tables` prints `tables.rs` byte for byte from the
/// installed Guile's standard sets.
#[test]
fn tables_match_guile() {
    use std::process::Command;
    if Command::new("guile").arg("--version").output().is_err() {
        let msg =
            "\n\n!!!!! charset tables test SKIPPED: `guile` (Guile 3.0) is not on PATH !!!!!\n\
                   !!!!! install it (scripts/setup --test) to check tables.rs against it  !!!!!\n";
        if std::env::var_os("CI").is_some() {
            panic!("{msg}CI is set: Guile must be installed");
        }
        // Straight to the process's stderr: the test harness captures
        // `eprintln!` of passing tests, and this must be seen.
        use std::io::Write as _;
        let _ = std::io::stderr().write_all(msg.as_bytes());
        return;
    }
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../scripts/charset-tables");
    let out = Command::new("sh")
        .arg(&script)
        .output()
        .expect("running scripts/charset-tables");
    assert!(
        out.status.success(),
        "scripts/charset-tables failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let generated = String::from_utf8(out.stdout).expect("scripts/charset-tables prints UTF-8");
    let committed = include_str!("tables.rs");
    if generated != committed {
        let (g, c): (Vec<&str>, Vec<&str>) =
            (generated.lines().collect(), committed.lines().collect());
        let line = (0..g.len().max(c.len()))
            .find(|&i| g.get(i) != c.get(i))
            .unwrap_or(0);
        panic!(
            "guest/src/bindings/charset/tables.rs is not what scripts/charset-tables prints with \
             this Guile; first difference at line {}:\n  generated: {:?}\n  committed: {:?}\n\
             regenerate it with `scripts/charset-tables > guest/src/bindings/charset/tables.rs` \
             and review the diff",
            line + 1,
            g.get(line),
            c.get(line)
        );
    }
}
