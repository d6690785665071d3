//! Crucible Blueprint's MSEL (CMU SEI): scenario events at a number of seconds from the start
//! (`DeltaSeconds`), each with values for the MSEL's user-defined data fields (`Title`,
//! `From Org`, `To Org`, `Description`, `Expected Actions`...). Read from Blueprint's JSON
//! export, or from its XLSX export, whose headers are the data fields' names.

use serde_json::Value;

use super::role::{Aliases, Role};
use super::table::{Cell, MAX_CELL_BYTES, MAX_COLUMNS, MAX_ROWS, Row, Table, json_get, json_list};
use super::text::slug;

/// The column of a JSON MSEL that holds each event's delta seconds.
pub const DELTA_SECONDS: &str = "DeltaSeconds";

pub const ALIASES: Aliases = &[
    (Role::Number, &["control number", "event number", "#"]),
    (
        Role::Time,
        &[
            "deltaseconds",
            "time",
            "delivery time",
            "designated scenario time",
        ],
    ),
    (Role::From, &["from org", "from"]),
    (Role::To, &["to org", "to"]),
    (Role::Method, &["delivery method", "method"]),
    (Role::Subject, &["title", "name"]),
    (Role::Body, &["description", "message"]),
    (
        Role::Expected,
        &[
            "expected actions",
            "expected participant response",
            "expected action",
        ],
    ),
    (Role::Objective, &["exercise objective", "objective"]),
    (Role::Notes, &["notes"]),
];

/// Blueprint's own XLSX export names the teams `To Org` and numbers the rows `Control Number`.
pub fn recognises(headers: &[String]) -> bool {
    headers.iter().any(|h| h == "to org")
        && headers
            .iter()
            .any(|h| h == "control number" || h == "from org" || h == "delivery time")
}

/// A Blueprint JSON MSEL as a table: its data fields in display order after `DeltaSeconds`, one
/// row per scenario event in the order of the file.
pub fn table(file: &str, msel: &Value) -> Result<Table, String> {
    let mut fields: Vec<(i64, String, String)> = json_list(json_get(msel, "DataFields"))
        .iter()
        .filter_map(|field| {
            let id = json_get(field, "Id")?.as_str()?.to_string();
            let name = json_get(field, "Name")?.as_str()?.to_string();
            let order = json_get(field, "DisplayOrder")
                .and_then(Value::as_i64)
                .unwrap_or(0);
            Some((order, name, id))
        })
        .collect();
    fields.sort_by_key(|(order, _, _)| *order);
    if fields.len() + 1 > MAX_COLUMNS {
        return Err(format!(
            "{file}: more than {MAX_COLUMNS} data fields; an MSEL is read up to {MAX_COLUMNS} \
             columns"
        ));
    }
    let mut headers = vec![DELTA_SECONDS.to_string()];
    headers.extend(fields.iter().map(|(_, name, _)| name.clone()));
    let events = json_list(json_get(msel, "ScenarioEvents"));
    if events.len() > MAX_ROWS {
        return Err(format!(
            "{file}: more than {MAX_ROWS} scenario events; an MSEL is read up to {MAX_ROWS} rows"
        ));
    }
    // `To Org` lists teams by short name: each becomes `Name (id)`, its id made from the short
    // name.
    let teams: Vec<(String, String)> = json_list(json_get(msel, "Teams"))
        .iter()
        .filter_map(|team| {
            let short = json_get(team, "ShortName")?.as_str()?.trim().to_string();
            let name = json_get(team, "Name")?.as_str()?.trim().to_string();
            let id = slug(&short)?;
            Some((short, format!("{name} ({id})")))
        })
        .collect();
    let to_column = headers
        .iter()
        .position(|h| h.eq_ignore_ascii_case("to org"));
    let mut rows = Vec::with_capacity(events.len());
    for (index, event) in events.iter().enumerate() {
        let number = index + 1;
        let mut cells = vec![Cell::default(); headers.len()];
        if let Some(delta) = json_get(event, "DeltaSeconds").and_then(Value::as_i64) {
            cells[0] = Cell {
                text: delta.to_string(),
                number: Some(delta as f64),
                datetime: false,
            };
        }
        for value in json_list(json_get(event, "DataValues")) {
            let field = json_get(value, "DataFieldId").and_then(Value::as_str);
            let text = json_get(value, "Value").and_then(Value::as_str);
            let column = fields
                .iter()
                .position(|(_, _, id)| Some(id.as_str()) == field);
            if let (Some(column), Some(text)) = (column, text) {
                if text.len() > MAX_CELL_BYTES {
                    return Err(format!(
                        "{file}:{number}:{}: the value has more than {MAX_CELL_BYTES} bytes",
                        headers[column + 1]
                    ));
                }
                let text = if Some(column + 1) == to_column {
                    text.split(',')
                        .map(|entry| {
                            let entry = entry.trim();
                            teams
                                .iter()
                                .find(|(short, _)| short == entry)
                                .map_or(entry, |(_, named)| named.as_str())
                        })
                        .collect::<Vec<_>>()
                        .join("\n")
                } else {
                    text.to_string()
                };
                cells[column + 1] = Cell::text(text);
            }
        }
        rows.push(Row { number, cells });
    }
    Ok(Table {
        headers,
        header_row: None,
        rows,
    })
}
