//! A spreadsheet or JSON MSEL read into tables, within bounds: at most [`MAX_FILE_BYTES`] of
//! file, [`MAX_UNPACKED_BYTES`] unpacked, and a table's own bounds. A formula is read as the value
//! the spreadsheet program last computed (calamine's cached values); nothing is ever evaluated.

use std::collections::BTreeMap;
use std::io::{Cursor, Read as _};

use calamine::{Data, DataRef, Ods, Reader, Xlsx};
use serde_json::Value;
use time::Duration;

use super::blueprint;
use super::formats::Source;
use super::table::{
    Cell, MAX_CELL_BYTES, MAX_COLUMNS, MAX_ROWS, Row, Table, column_letter, json_get,
};
use super::text::unguard;
use super::times::{LAST_SERIAL_DAY, SERIAL_EPOCH};

/// The largest file read, in bytes: the same bound as a scenario file.
pub const MAX_FILE_BYTES: usize = 16 << 20;
/// The most bytes a spreadsheet's ZIP may unpack to, against a small file that inflates to
/// gigabytes.
pub const MAX_UNPACKED_BYTES: u64 = 128 << 20;

/// Everything read from one file.
#[derive(Debug, Clone)]
pub struct Book {
    pub file: String,
    /// The MSEL itself.
    pub main: Table,
    /// ttx's own XLSX export: the `Exercise`, `Teams`, `Objectives`, `Actions` and `Modules`
    /// sheets.
    pub exercise: Option<Table>,
    pub teams: Option<Table>,
    pub objectives: Option<Table>,
    pub actions: Option<Table>,
    pub modules: Option<Table>,
    /// The format a JSON file's shape gives away.
    pub json_source: Option<Source>,
}

/// Reads a `.csv`, `.xlsx`, `.ods` or `.json` file (told apart by its extension); `sheet` picks a
/// spreadsheet's sheet, `msel` one MSEL of a Blueprint file that holds several.
pub fn read(
    file: &str,
    bytes: &[u8],
    sheet: Option<&str>,
    msel: Option<&str>,
) -> Result<Book, String> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(format!(
            "{file}: the file has {} bytes; an MSEL is read up to {MAX_FILE_BYTES} bytes",
            bytes.len()
        ));
    }
    let extension = file
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    let only_sheets = |what: &str| {
        if sheet.is_some() {
            Err(format!(
                "{file}: --sheet is for XLSX and ODS files, not {what}"
            ))
        } else {
            Ok(())
        }
    };
    let book = |main, json_source| Book {
        file: file.to_string(),
        main,
        exercise: None,
        teams: None,
        objectives: None,
        actions: None,
        modules: None,
        json_source,
    };
    if msel.is_some() && extension != "json" {
        return Err(format!(
            "{file}: --msel chooses an MSEL of a Blueprint JSON file, not of a .{extension}"
        ));
    }
    match extension.as_str() {
        "csv" => {
            only_sheets("CSV")?;
            Ok(book(read_csv(file, bytes)?, None))
        }
        "json" => {
            only_sheets("JSON")?;
            let (table, source) = read_json(file, bytes, msel)?;
            Ok(book(table, Some(source)))
        }
        "xlsx" | "xlsm" => read_xlsx(file, bytes, sheet),
        "ods" => read_ods(file, bytes, sheet),
        _ => Err(format!(
            "{file}: unknown kind of file: an MSEL is read from .csv, .xlsx, .ods or .json"
        )),
    }
}

fn too_long(file: &str, row: usize, column: usize) -> String {
    format!(
        "{file}:{row}:{}: the cell has more than {MAX_CELL_BYTES} bytes",
        column_letter(column)
    )
}

fn check_bounds(file: &str, row: usize, column: usize) -> Result<(), String> {
    if row > MAX_ROWS + 1 {
        return Err(format!(
            "{file}: more than {MAX_ROWS} rows; an MSEL is read up to {MAX_ROWS} rows"
        ));
    }
    if column >= MAX_COLUMNS {
        return Err(format!(
            "{file}:{row}:{}: more than {MAX_COLUMNS} columns; an MSEL is read up to \
             {MAX_COLUMNS} columns",
            column_letter(column)
        ));
    }
    Ok(())
}
fn read_csv(file: &str, bytes: &[u8]) -> Result<Table, String> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    // Spreadsheet programs in much of Europe save CSV with semicolons.
    let first_line = bytes.split(|b| *b == b'\n').next().unwrap_or_default();
    let count = |c: u8| first_line.iter().filter(|b| **b == c).count();
    let delimiter = if count(b';') > count(b',') {
        b';'
    } else {
        b','
    };
    // The `csv` crate ends a quoted cell that never closes at the end of the file: every row
    // after its quote would be read as one cell's text.
    if let Some(row) = unclosed_quote(bytes, delimiter) {
        return Err(format!(
            "{file}:{row}: a quoted cell opened in this row never closes: its `\"` runs to the end \
             of the file and would take every row after it into one cell; close it (a `\"` inside \
             a quoted cell is written `\"\"`)"
        ));
    }
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(bytes);
    let mut rows: Vec<Row> = Vec::new();
    for (index, record) in reader.byte_records().enumerate() {
        let number = index + 1;
        let record = record.map_err(|e| format!("{file}:{number}: not readable as CSV: {e}"))?;
        let mut cells = Vec::with_capacity(record.len());
        for (column, field) in record.iter().enumerate() {
            check_bounds(file, number, column)?;
            if field.len() > MAX_CELL_BYTES {
                return Err(too_long(file, number, column));
            }
            let text = std::str::from_utf8(field).map_err(|_| {
                // Named by its header, as every other problem is, once the header is read.
                let header = rows
                    .iter()
                    .find(|r| r.cells.iter().any(|c| !c.is_blank()))
                    .and_then(|r| r.cells.get(column))
                    .map(|c| c.text.trim())
                    .filter(|h| !h.is_empty());
                format!(
                    "{file}:{number}:{}: not UTF-8 text: save the CSV as UTF-8",
                    header.map_or_else(|| column_letter(column), str::to_string)
                )
            })?;
            cells.push(Cell::text(unguard(text)));
        }
        check_bounds(file, number, 0)?;
        rows.push(Row { number, cells });
    }
    Ok(Table::from_rows(rows))
}

/// The row (numbered as the `csv` crate reads them: blank lines are not rows) of a quoted cell
/// that is still open at the end of the file, read as the crate reads quotes: a `"` opens one
/// only at a cell's start, `""` inside is a quote, and after the closing `"` the cell goes on
/// unquoted to the next delimiter or line end.
fn unclosed_quote(bytes: &[u8], delimiter: u8) -> Option<usize> {
    let mut row = 0;
    let (mut row_start, mut cell_start) = (true, true);
    let (mut quoted, mut closed) = (false, false);
    for &b in bytes {
        if quoted {
            if b == b'"' {
                (quoted, closed) = (false, true);
            }
            continue;
        }
        if std::mem::take(&mut closed) && b == b'"' {
            quoted = true;
            continue;
        }
        if matches!(b, b'\n' | b'\r') {
            (row_start, cell_start) = (true, true);
            continue;
        }
        if std::mem::take(&mut row_start) {
            row += 1;
        }
        quoted = cell_start && b == b'"';
        cell_start = b == delimiter;
    }
    quoted.then_some(row)
}

fn json_cell(value: &Value) -> Cell {
    match value {
        Value::Null => Cell::default(),
        Value::String(s) => Cell::text(s.as_str()),
        Value::Number(n) => Cell {
            text: n.to_string(),
            number: n.as_f64(),
            datetime: false,
        },
        Value::Bool(b) => Cell::text(b.to_string()),
        other => Cell::text(other.to_string()),
    }
}
fn read_json(file: &str, bytes: &[u8], msel: Option<&str>) -> Result<(Table, Source), String> {
    let value: Value = serde_json::from_slice(bytes).map_err(|e| {
        format!(
            "{file}:{}:{}: not readable as JSON: {e}",
            e.line(),
            e.column()
        )
    })?;
    if json_get(&value, "ScenarioEvents").is_some() || json_get(&value, "Msels").is_some() {
        return Ok((blueprint::table(file, &value, msel)?, Source::Blueprint));
    }
    if msel.is_some() {
        return Err(format!(
            "{file}: --msel chooses an MSEL of a Blueprint JSON file, and this is none"
        ));
    }
    let openbas = ["scenario_information", "exercise_information"]
        .iter()
        .any(|key| value.get(key).is_some());
    if openbas {
        return Err(format!(
            "{file}: this is OpenBAS's own export of a scenario or simulation (its \
             `export_version`, `scenario_information` and injects with their contracts), not an \
             MSEL. ttx reads what OpenBAS's spreadsheet import reads: list the injects in a sheet \
             with a column each for the inject type, the timing (`J+0 H+1 M+30`), the team, the \
             title and the message, and import that .xlsx or .csv; or import this file into \
             OpenBAS itself"
        ));
    }
    let Some(entries) = value.as_array() else {
        return Err(format!(
            "{file}: a JSON MSEL is a list of injects (T3SF) or a Blueprint MSEL with \
             \"ScenarioEvents\""
        ));
    };
    if entries.len() > MAX_ROWS {
        return Err(format!(
            "{file}: more than {MAX_ROWS} entries; an MSEL is read up to {MAX_ROWS} rows"
        ));
    }
    let mut headers: Vec<String> = Vec::new();
    let mut rows = Vec::new();
    for (index, entry) in entries.iter().enumerate() {
        let number = index + 1;
        let Some(object) = entry.as_object() else {
            return Err(format!(
                "{file}: entry {number} is not an object of column names and values"
            ));
        };
        let mut cells = vec![Cell::default(); headers.len()];
        for (key, value) in object {
            let column = match headers.iter().position(|h| h == key) {
                Some(column) => column,
                None => {
                    check_bounds(file, number, headers.len())?;
                    headers.push(key.clone());
                    cells.push(Cell::default());
                    headers.len() - 1
                }
            };
            let cell = json_cell(value);
            if cell.text.len() > MAX_CELL_BYTES {
                return Err(format!(
                    "{file}:{number}:{key}: the value has more than {MAX_CELL_BYTES} bytes"
                ));
            }
            cells[column] = cell;
        }
        rows.push(Row { number, cells });
    }
    Ok((
        Table {
            headers,
            header_row: None,
            rows,
        },
        Source::T3sf,
    ))
}

/// A ZIP that unpacks to too much, or holds too many files, is refused before a sheet is read.
/// The sizes are counted by unpacking, not taken from the ZIP's own word, which a forged file
/// can make small.
fn check_zip(file: &str, bytes: &[u8]) -> Result<(), String> {
    let damaged = |e: &dyn std::fmt::Display| format!("{file}: not a readable spreadsheet: {e}");
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| damaged(&e))?;
    if archive.len() > 10_000 {
        return Err(format!(
            "{file}: not a spreadsheet: it holds {} files",
            archive.len()
        ));
    }
    let mut total: u64 = 0;
    for index in 0..archive.len() {
        let entry = archive.by_index(index).map_err(|e| damaged(&e))?;
        let mut limited = entry.take(MAX_UNPACKED_BYTES - total + 1);
        total += std::io::copy(&mut limited, &mut std::io::sink()).map_err(|e| damaged(&e))?;
        if total > MAX_UNPACKED_BYTES {
            return Err(format!(
                "{file}: the spreadsheet unpacks to more than {MAX_UNPACKED_BYTES} bytes; an \
                 MSEL is read up to that"
            ));
        }
    }
    Ok(())
}

fn pick_sheet(file: &str, names: &[String], wanted: Option<&str>) -> Result<String, String> {
    match wanted {
        Some(wanted) => names
            .iter()
            .find(|n| n.as_str() == wanted)
            .cloned()
            .ok_or_else(|| {
                format!(
                    "{file}: no sheet named \"{wanted}\"; its sheets: {}",
                    names.join(", ")
                )
            }),
        None => names
            .first()
            .cloned()
            .ok_or_else(|| format!("{file}: the spreadsheet has no sheet")),
    }
}

fn number_text(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        format!("{}", value as i64)
    } else {
        value.to_string()
    }
}

/// The text an Excel date or time shows, in ISO form: `2024-06-26 09:00` or `09:00`.
fn serial_text(serial: f64) -> String {
    // Excel's dates end at 9999-12-31; anything else is shown as the number it is.
    if !(0.0..=LAST_SERIAL_DAY).contains(&serial) {
        return number_text(serial);
    }
    let minutes = (serial.fract() * 1440.0).round() as i64;
    let clock = format!("{:02}:{:02}", minutes / 60 % 24, minutes % 60);
    if serial < 1.0 {
        return clock;
    }
    match SERIAL_EPOCH
        .date()
        .checked_add(Duration::days(serial.trunc() as i64))
    {
        Some(date) => format!(
            "{:04}-{:02}-{:02} {clock}",
            date.year(),
            u8::from(date.month()),
            date.day()
        ),
        None => number_text(serial),
    }
}

/// A spreadsheet's cell as text. A text cell loses the guard `'` before a formula start that
/// ttx's CSV export wrote, which a spreadsheet program keeps as a character when it opens the
/// CSV and saves it as XLSX or ODS.
fn data_ref_cell(value: &DataRef) -> Cell {
    match value {
        DataRef::Empty => Cell::default(),
        DataRef::String(s) => Cell::text(unguard(s)),
        DataRef::SharedString(s) => Cell::text(unguard(s)),
        DataRef::Float(f) => number_cell(*f),
        DataRef::Int(i) => number_cell(*i as f64),
        DataRef::Bool(b) => Cell::text(b.to_string()),
        DataRef::DateTime(dt) => datetime_cell(dt.as_f64()),
        DataRef::DurationIso(s) => duration_cell(s),
        DataRef::DateTimeIso(s) => Cell::text(s.as_str()),
        DataRef::Error(e) => Cell::text(format!("#{e}")),
    }
}

fn data_cell(value: &Data) -> Cell {
    match value {
        Data::Empty => Cell::default(),
        Data::String(s) => Cell::text(unguard(s)),
        Data::Float(f) => number_cell(*f),
        Data::Int(i) => number_cell(*i as f64),
        Data::Bool(b) => Cell::text(b.to_string()),
        Data::DateTime(dt) => datetime_cell(dt.as_f64()),
        Data::DurationIso(s) => duration_cell(s),
        Data::DateTimeIso(s) => Cell::text(s.as_str()),
        Data::Error(e) => Cell::text(format!("#{e}")),
    }
}

/// An ODS time cell (`PT09H15M00S`) as the spreadsheet time it is, like XLSX's: a fraction of
/// a day. Any other duration is kept as its text.
fn duration_cell(text: &str) -> Cell {
    let seconds = text.strip_prefix("PT").and_then(|mut rest| {
        let mut total = 0.0;
        for (unit, secs) in [('H', 3600.0), ('M', 60.0), ('S', 1.0)] {
            if let Some((number, after)) = rest.split_once(unit) {
                total += number.parse::<f64>().ok()? * secs;
                rest = after;
            }
        }
        rest.is_empty().then_some(total)
    });
    match seconds {
        Some(secs) if secs.is_finite() && secs < 86_400.0 => datetime_cell(secs / 86_400.0),
        _ => Cell::text(text),
    }
}

fn number_cell(value: f64) -> Cell {
    Cell {
        text: number_text(value),
        number: Some(value),
        datetime: false,
    }
}

fn datetime_cell(serial: f64) -> Cell {
    Cell {
        text: serial_text(serial),
        number: Some(serial),
        datetime: true,
    }
}

/// Cells by position into rows, in order, empty rows left out.
struct Grid {
    file: String,
    rows: BTreeMap<usize, Vec<Cell>>,
}

impl Grid {
    fn put(&mut self, row: usize, column: usize, cell: Cell) -> Result<(), String> {
        if cell.is_blank() {
            return Ok(());
        }
        let number = row + 1;
        check_bounds(&self.file, number, column)?;
        if cell.text.len() > MAX_CELL_BYTES {
            return Err(too_long(&self.file, number, column));
        }
        let cells = self.rows.entry(number).or_default();
        if cells.len() <= column {
            cells.resize(column + 1, Cell::default());
        }
        cells[column] = cell;
        Ok(())
    }

    fn table(self) -> Table {
        Table::from_rows(
            self.rows
                .into_iter()
                .map(|(number, cells)| Row { number, cells })
                .collect(),
        )
    }
}

fn read_xlsx(file: &str, bytes: &[u8], sheet: Option<&str>) -> Result<Book, String> {
    check_zip(file, bytes)?;
    let damaged = |e: calamine::XlsxError| format!("{file}: not a readable spreadsheet: {e}");
    let mut workbook: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(damaged)?;
    let names = workbook.sheet_names();
    let main = pick_sheet(file, &names, sheet)?;
    let mut read_sheet = |name: &str| -> Result<Table, String> {
        let mut grid = Grid {
            file: format!("{file} (sheet {name})"),
            rows: BTreeMap::new(),
        };
        let mut cells = workbook.worksheet_cells_reader(name).map_err(damaged)?;
        while let Some(cell) = cells.next_cell().map_err(damaged)? {
            let (row, column) = cell.get_position();
            grid.put(
                row as usize,
                column as usize,
                data_ref_cell(cell.get_value()),
            )?;
        }
        Ok(grid.table())
    };
    let main_table = read_sheet(&main)?;
    let mut side = |wanted: &str| -> Result<Option<Table>, String> {
        match names.iter().find(|n| n.as_str() == wanted && **n != main) {
            Some(name) => read_sheet(name).map(Some),
            None => Ok(None),
        }
    };
    let exercise = side(super::exercise::SHEET)?;
    let teams = side("Teams")?;
    let objectives = side("Objectives")?;
    let actions = side("Actions")?;
    let modules = side(super::modules::SHEET)?;
    Ok(Book {
        file: file.to_string(),
        main: main_table,
        exercise,
        teams,
        objectives,
        actions,
        modules,
        json_source: None,
    })
}

fn read_ods(file: &str, bytes: &[u8], sheet: Option<&str>) -> Result<Book, String> {
    check_zip(file, bytes)?;
    let damaged = |e: calamine::OdsError| format!("{file}: not a readable spreadsheet: {e}");
    let mut workbook: Ods<_> = Ods::new(Cursor::new(bytes)).map_err(damaged)?;
    let names = workbook.sheet_names();
    let main = pick_sheet(file, &names, sheet)?;
    let range = workbook.worksheet_range(&main).map_err(damaged)?;
    let mut grid = Grid {
        file: file.to_string(),
        rows: BTreeMap::new(),
    };
    let (top, left) = range.start().unwrap_or_default();
    for (row, column, value) in range.used_cells() {
        grid.put(row + top as usize, column + left as usize, data_cell(value))?;
    }
    Ok(Book {
        file: file.to_string(),
        main: grid.table(),
        exercise: None,
        teams: None,
        objectives: None,
        actions: None,
        modules: None,
        json_source: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excel_serials_read_as_iso_dates_and_times() {
        assert_eq!(serial_text(0.0625), "01:30");
        assert_eq!(serial_text(45469.375), "2024-06-26 09:00");
        assert_eq!(serial_text(1.0), "1899-12-31 00:00");
        assert_eq!(serial_text(2_958_465.0), "9999-12-31 00:00");
        assert_eq!(serial_text(2_958_466.0), "2958466");
    }

    #[test]
    fn ods_times_read_as_spreadsheet_times() {
        let cell = duration_cell("PT09H15M00S");
        assert_eq!((cell.text.as_str(), cell.datetime), ("09:15", true));
        assert_eq!(duration_cell("PT00H00M30.5S").number, Some(30.5 / 86_400.0));
        assert_eq!(duration_cell("PT25H00M00S").text, "PT25H00M00S");
        assert_eq!(duration_cell("P1D").text, "P1D");
    }

    #[test]
    fn a_quote_left_open_names_its_row() {
        for (csv, row) in [
            (&b"To,Inject\nus,\"open\nus,b\n"[..], Some(2)),
            (b"To,Inject\n\n\nus,b\n\"us,\"\"b\n", Some(3)),
            (b"To;Inject\r\nus;\"a;\"\"\r\nus;b", Some(2)),
            // Closed, across lines, doubled, or a `"` inside an unquoted cell: read as it is.
            (b"To,Inject\nus,\"a\nb\"\nus,\"say \"\"hi\"\"\"\n", None),
            (b"To,Inject\nus,5\" screen\nus,\"x\"y\"z\n", None),
        ] {
            let delimiter = if csv.contains(&b';') { b';' } else { b',' };
            assert_eq!(
                unclosed_quote(csv, delimiter),
                row,
                "{}",
                csv.escape_ascii()
            );
            // The crate agrees: a row added at the end is one only when no quote is open.
            let mut more = csv.to_vec();
            more.extend_from_slice(&[b'\n', b'x', delimiter, b'y', b'\n']);
            let last = csv::ReaderBuilder::new()
                .has_headers(false)
                .flexible(true)
                .delimiter(delimiter)
                .from_reader(more.as_slice())
                .byte_records()
                .last()
                .unwrap()
                .unwrap();
            assert_eq!(last == vec!["x", "y"], row.is_none());
        }
        let error = read_csv("x.csv", b"To,Inject\nus,\"open\nus,b\n").unwrap_err();
        assert!(
            error.starts_with("x.csv:2: a quoted cell opened in this row never closes"),
            "{error}"
        );
    }

    #[test]
    fn csv_with_semicolons_is_read() {
        let table = read_csv("x.csv", b"To;Inject\nus;\"a;b\"\n").unwrap();
        assert_eq!(table.headers, ["To", "Inject"]);
        assert_eq!(table.rows[0].cells[1].text, "a;b");
        assert_eq!(table.rows[0].number, 2);
    }
}
