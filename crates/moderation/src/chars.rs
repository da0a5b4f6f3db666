//! Character classes answered from one table below U+0800 (Latin, Greek, Cyrillic, Arabic:
//! every script the engine serves), where the std and Unicode predicates would search their
//! tables for each character. The table is filled from those very predicates, so the answers
//! are the same; above U+0800 the predicates are asked directly.

use std::sync::LazyLock;

use unicode_normalization::char::is_combining_mark as unicode_combining_mark;

const TABLE_LEN: usize = 0x800;
const ALPHABETIC: u8 = 1;
const NUMERIC: u8 = 2;
const COMBINING: u8 = 4;

static TABLE: LazyLock<[u8; TABLE_LEN]> = LazyLock::new(|| {
    let mut table = [0u8; TABLE_LEN];
    for (c, flags) in (0..TABLE_LEN as u32)
        .filter_map(char::from_u32)
        .zip(table.iter_mut())
    {
        for (has, flag) in [
            (c.is_alphabetic(), ALPHABETIC),
            (c.is_numeric(), NUMERIC),
            (unicode_combining_mark(c), COMBINING),
        ] {
            if has {
                *flags |= flag;
            }
        }
    }
    table
});

fn flags(c: char) -> Option<u8> {
    TABLE.get(c as usize).copied()
}

/// `char::is_alphabetic`.
pub fn is_alphabetic(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphabetic();
    }
    flags(c).map_or_else(|| c.is_alphabetic(), |f| f & ALPHABETIC != 0)
}

/// `char::is_numeric`.
pub fn is_numeric(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_digit();
    }
    flags(c).map_or_else(|| c.is_numeric(), |f| f & NUMERIC != 0)
}

/// `char::is_alphanumeric`.
pub fn is_alphanumeric(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric();
    }
    flags(c).map_or_else(|| c.is_alphanumeric(), |f| f & (ALPHABETIC | NUMERIC) != 0)
}

/// `unicode_normalization::char::is_combining_mark`.
pub fn is_combining_mark(c: char) -> bool {
    if c.is_ascii() {
        return false;
    }
    flags(c).map_or_else(|| unicode_combining_mark(c), |f| f & COMBINING != 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agrees_with_the_std_and_unicode_predicates() {
        for c in (0..0x3_0000).filter_map(char::from_u32) {
            assert_eq!(is_alphabetic(c), c.is_alphabetic(), "{c:?}");
            assert_eq!(is_numeric(c), c.is_numeric(), "{c:?}");
            assert_eq!(is_alphanumeric(c), c.is_alphanumeric(), "{c:?}");
            assert_eq!(is_combining_mark(c), unicode_combining_mark(c), "{c:?}");
        }
    }
}
