//! An MSEL as every reader gives it and every format reads it: a table of text cells, within the
//! bounds of [`MAX_ROWS`] rows, [`MAX_COLUMNS`] columns and [`MAX_CELL_BYTES`] a cell; and a
//! problem with one of its cells.

use serde_json::Value;

/// The most rows read from one sheet (the loader's bound on injects).
pub const MAX_ROWS: usize = 100_000;
/// The most columns read from one sheet.
pub const MAX_COLUMNS: usize = 256;
/// The longest cell kept, in bytes; a longer one is reported and cut.
pub const MAX_CELL_BYTES: usize = 64 << 10;

/// One cell: its text as the spreadsheet shows it, and its number where it holds one (an Excel
/// date or time is a number of days).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Cell {
    pub text: String,
    pub number: Option<f64>,
    /// An Excel date or time: `number` counts days (time of day as the fraction).
    pub datetime: bool,
}

impl Cell {
    pub fn text(text: impl Into<String>) -> Cell {
        Cell {
            text: text.into(),
            ..Cell::default()
        }
    }

    pub fn is_blank(&self) -> bool {
        self.text.trim().is_empty()
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// As the spreadsheet program numbers it (the header is row 1); a JSON entry's position
    /// from 1.
    pub number: usize,
    pub cells: Vec<Cell>,
}

impl Row {
    pub fn cell(&self, column: usize) -> Option<&Cell> {
        self.cells.get(column).filter(|c| !c.is_blank())
    }

    fn is_blank(&self) -> bool {
        self.cells.iter().all(Cell::is_blank)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub headers: Vec<String>,
    /// The first row, read as the headers; `None` for JSON, whose keys are the headers.
    pub header_row: Option<Row>,
    pub rows: Vec<Row>,
}

impl Table {
    /// A sheet's rows, blank ones left out: the first is the headers, the rest are the MSEL.
    pub fn from_rows(mut rows: Vec<Row>) -> Table {
        rows.retain(|r| !r.is_blank());
        if rows.is_empty() {
            return Table {
                headers: Vec::new(),
                header_row: None,
                rows,
            };
        }
        let header_row = rows.remove(0);
        Table {
            headers: header_row.cells.iter().map(|c| c.text.clone()).collect(),
            header_row: Some(header_row),
            rows,
        }
    }
}

/// A side sheet's cell by header name, as written (ids are trimmed where they are used).
pub fn side_cell<'r>(table: &Table, row: &'r Row, header: &str) -> Option<&'r str> {
    let column = table
        .headers
        .iter()
        .position(|h| h.trim().eq_ignore_ascii_case(header))?;
    row.cell(column).map(|c| c.text.as_str())
}

/// One problem with one cell: `FILE:ROW:COLUMN: message` once the file is named.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The row as the spreadsheet program shows it (the header is row 1), or the entry's
    /// position from 1 in a JSON list.
    pub row: usize,
    /// The column's header (its letter where the sheet has no header row).
    pub column: String,
    pub message: String,
}

impl Problem {
    pub fn new(row: usize, column: impl Into<String>, message: impl Into<String>) -> Self {
        Problem {
            row,
            column: column.into(),
            message: message.into(),
        }
    }

    pub fn render(&self, file: &str) -> String {
        format!("{file}:{}:{}: {}", self.row, self.column, self.message)
    }

    /// As a warning: the row was still written.
    pub fn render_warning(&self, file: &str) -> String {
        format!(
            "{file}:{}:{}: warning: {}",
            self.row, self.column, self.message
        )
    }
}

/// `0` → `A`, `25` → `Z`, `26` → `AA`.
pub fn column_letter(mut column: usize) -> String {
    let mut letters = Vec::new();
    loop {
        letters.push(b'A' + (column % 26) as u8);
        if column < 26 {
            break;
        }
        column = column / 26 - 1;
    }
    letters.reverse();
    String::from_utf8(letters).unwrap_or_default()
}

/// `A` → `0`, `AA` → `26`; `None` for anything but one to three letters.
pub fn column_index(letters: &str) -> Option<usize> {
    if letters.is_empty() || letters.len() > 3 || !letters.bytes().all(|b| b.is_ascii_alphabetic())
    {
        return None;
    }
    let mut index = 0usize;
    for b in letters.bytes() {
        index = index * 26 + usize::from(b.to_ascii_uppercase() - b'A') + 1;
    }
    Some(index - 1)
}

/// A key of a JSON object, whatever its case (Blueprint's own export writes `DeltaSeconds`, its
/// API `deltaSeconds`).
pub fn json_get<'v>(object: &'v Value, key: &str) -> Option<&'v Value> {
    object
        .as_object()?
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(key))
        .map(|(_, v)| v)
}

/// A JSON list, or .NET's `{"$id": .., "$values": [..]}` for one kept with references.
pub fn json_list(value: Option<&Value>) -> &[Value] {
    match value {
        Some(Value::Array(items)) => items,
        Some(object @ Value::Object(_)) => json_get(object, "$values")
            .and_then(Value::as_array)
            .map_or(&[], Vec::as_slice),
        _ => &[],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_letters_round_trip() {
        for (index, letters) in [(0, "A"), (25, "Z"), (26, "AA"), (701, "ZZ"), (702, "AAA")] {
            assert_eq!(column_letter(index), letters);
            assert_eq!(column_index(letters), Some(index));
        }
        assert_eq!(column_index("A1"), None);
    }
}
