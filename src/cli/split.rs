//! Splitting SQL text into statements at `;`, and telling whether typed input is complete.
//!
//! A `;` inside a string literal, a quoted identifier or a comment does not end a statement,
//! so the scanner tracks those; everything else is left to DataFusion's parser.

/// Where the scanner is in the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scan {
    Code,
    SingleQuoted,
    DoubleQuoted,
    LineComment,
    BlockComment(usize),
}

/// The statements of `sql`, each trimmed and without its `;`. Pieces holding only comments or
/// whitespace are dropped, so a file of comments runs nothing.
pub fn split_statements(sql: &str) -> Vec<String> {
    let mut statements = Vec::new();
    let mut start = 0;
    let mut has_code = false;
    for (index, piece) in scan(sql) {
        match piece {
            Piece::Code => has_code = true,
            Piece::Terminator => {
                if has_code {
                    statements.push(sql[start..index].trim().to_string());
                }
                start = index + 1;
                has_code = false;
            }
            Piece::Other => {}
        }
    }
    if has_code {
        statements.push(sql[start..].trim().to_string());
    }
    statements
}

/// True when `input` ends a statement: its last code character is a `;` that is not inside a
/// quote or comment (trailing whitespace and comments may follow).
pub fn is_complete(input: &str) -> bool {
    let mut last_code_is_terminator = false;
    let mut inside = Scan::Code;
    for (_, piece) in scan_with_state(input, &mut inside) {
        match piece {
            Piece::Code => last_code_is_terminator = false,
            Piece::Terminator => last_code_is_terminator = true,
            Piece::Other => {}
        }
    }
    last_code_is_terminator && matches!(inside, Scan::Code | Scan::LineComment)
}

/// What one character of the text is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Piece {
    /// Part of a statement (quoted text counts).
    Code,
    /// A `;` that ends a statement.
    Terminator,
    /// Whitespace or comment.
    Other,
}

fn scan(sql: &str) -> Vec<(usize, Piece)> {
    let mut state = Scan::Code;
    scan_with_state(sql, &mut state)
}

/// Classifies every character of `sql` (by byte index); `state` ends as the state after the text.
fn scan_with_state(sql: &str, state: &mut Scan) -> Vec<(usize, Piece)> {
    let mut pieces = Vec::with_capacity(sql.len());
    let mut chars = sql.char_indices().peekable();
    while let Some((index, c)) = chars.next() {
        let next = chars.peek().map(|&(_, n)| n);
        let piece = match *state {
            Scan::Code => match (c, next) {
                (';', _) => Piece::Terminator,
                ('\'', _) => {
                    *state = Scan::SingleQuoted;
                    Piece::Code
                }
                ('"', _) => {
                    *state = Scan::DoubleQuoted;
                    Piece::Code
                }
                ('-', Some('-')) => {
                    chars.next();
                    *state = Scan::LineComment;
                    Piece::Other
                }
                ('/', Some('*')) => {
                    chars.next();
                    *state = Scan::BlockComment(1);
                    Piece::Other
                }
                (c, _) if c.is_whitespace() => Piece::Other,
                _ => Piece::Code,
            },
            // A doubled quote ('it''s') closes and reopens: the net effect is the same.
            Scan::SingleQuoted => {
                if c == '\'' {
                    *state = Scan::Code;
                }
                Piece::Code
            }
            Scan::DoubleQuoted => {
                if c == '"' {
                    *state = Scan::Code;
                }
                Piece::Code
            }
            Scan::LineComment => {
                if c == '\n' {
                    *state = Scan::Code;
                }
                Piece::Other
            }
            Scan::BlockComment(depth) => {
                match (c, next) {
                    ('*', Some('/')) => {
                        chars.next();
                        *state = if depth == 1 {
                            Scan::Code
                        } else {
                            Scan::BlockComment(depth - 1)
                        };
                    }
                    ('/', Some('*')) => {
                        chars.next();
                        *state = Scan::BlockComment(depth + 1);
                    }
                    _ => {}
                }
                Piece::Other
            }
        };
        pieces.push((index, piece));
    }
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_at_semicolons() {
        assert_eq!(
            split_statements("SELECT 1; SELECT 2;"),
            vec!["SELECT 1", "SELECT 2"]
        );
        assert_eq!(split_statements("SELECT 1"), vec!["SELECT 1"]);
        assert_eq!(split_statements("  SELECT 1 ;  \n"), vec!["SELECT 1"]);
        assert!(split_statements("").is_empty());
        assert!(split_statements(" ; ;; ").is_empty());
    }

    #[test]
    fn semicolons_in_quotes_do_not_split() {
        assert_eq!(
            split_statements(r#"SELECT ';' AS "a;b"; SELECT 'it''s;'"#),
            vec![r#"SELECT ';' AS "a;b""#, "SELECT 'it''s;'"]
        );
    }

    #[test]
    fn comments_are_kept_but_comment_only_pieces_dropped() {
        let sql = "-- first; not a split\nSELECT 1; /* block; */ SELECT 2;\n-- trailing comment;\n";
        assert_eq!(
            split_statements(sql),
            vec!["-- first; not a split\nSELECT 1", "/* block; */ SELECT 2"]
        );
        assert!(split_statements("-- only a comment\n/* and; another */").is_empty());
    }

    #[test]
    fn nested_block_comments() {
        assert_eq!(
            split_statements("/* a /* b; */ c; */ SELECT 1; SELECT 2"),
            vec!["/* a /* b; */ c; */ SELECT 1", "SELECT 2"]
        );
    }

    #[test]
    fn completeness() {
        assert!(is_complete("SELECT 1;"));
        assert!(is_complete("SELECT 1;  "));
        assert!(is_complete("SELECT 1; -- done"));
        assert!(is_complete("SELECT\n  1\n;"));
        assert!(!is_complete("SELECT 1"));
        assert!(!is_complete("SELECT ';"));
        assert!(!is_complete("SELECT 1 -- ;"));
        assert!(!is_complete("SELECT 1 /* ; */"));
        assert!(!is_complete("SELECT 1; SELECT 2"));
        assert!(!is_complete(""));
    }
}
