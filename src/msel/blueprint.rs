//! Crucible Blueprint's MSEL (CMU SEI): scenario events at a number of seconds from the start
//! (`DeltaSeconds`), each with values for the MSEL's user-defined data fields (`Title`,
//! `From Org`, `To Org`, `Description`, `Expected Actions`...). Read from Blueprint's JSON
//! export, or from its XLSX export, whose headers are the data fields' names.

use serde_json::Value;

use super::role::{Aliases, Role};
use super::table::{Cell, MAX_CELL_BYTES, MAX_COLUMNS, MAX_ROWS, Row, Table, json_get, json_list};
use super::text::{html_to_text, looks_like_html, slug};
use crate::ron_file::quoted;

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
    (Role::Method, &["delivery method", "method", "inject mode"]),
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
    (Role::EventType, &["event type"]),
];

/// Blueprint's own XLSX export names the teams `To Org` and numbers the rows `Control Number`.
pub fn recognises(headers: &[String]) -> bool {
    headers.iter().any(|h| h == "to org")
        && headers
            .iter()
            .any(|h| h == "control number" || h == "from org" || h == "delivery time")
}

/// Blueprint's data types whose values name teams: `Team` and `TeamsMultiple`.
const TEAM_TYPES: [i64; 2] = [90, 100];
/// Blueprint's data type of rich text, whose values are HTML.
const HTML_TYPE: i64 = 60;

/// The one MSEL of a Blueprint JSON file: an MSEL export as it is, or, from a file that holds
/// several (Blueprint's seed data: `Msels`, with every event, data field and team link naming
/// its `MselId`), the one named `wanted`.
fn chosen(file: &str, json: &Value, wanted: Option<&str>) -> Result<Value, String> {
    let msels = json_list(json_get(json, "Msels"));
    let name = |msel: &Value| {
        json_get(msel, "Name")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string()
    };
    if msels.is_empty() {
        return match wanted {
            Some(wanted) if name(json) != wanted => Err(format!(
                "{file}: the file holds one MSEL, named {}, not {}",
                quoted(&name(json)),
                quoted(wanted)
            )),
            _ => Ok(json.clone()),
        };
    }
    let names: Vec<String> = msels.iter().map(|m| quoted(&name(m))).collect();
    let msel = match wanted {
        Some(wanted) => msels.iter().find(|m| name(m) == wanted).ok_or_else(|| {
            format!(
                "{file}: no MSEL named {}; its MSELs: {}",
                quoted(wanted),
                names.join(", ")
            )
        })?,
        None if msels.len() == 1 => &msels[0],
        None => {
            return Err(format!(
                "{file}: the file holds {} MSELs ({}): choose one with --msel NAME",
                msels.len(),
                names.join(", ")
            ));
        }
    };
    let id = json_get(msel, "Id").cloned().unwrap_or(Value::Null);
    let of_msel = |key: &str| -> Value {
        Value::Array(
            json_list(json_get(json, key))
                .iter()
                .filter(|item| json_get(item, "MselId") == Some(&id))
                .cloned()
                .collect(),
        )
    };
    let links = of_msel("MselTeams");
    let linked: Vec<Value> = json_list(Some(&links))
        .iter()
        .filter_map(|link| json_get(link, "TeamId"))
        .cloned()
        .collect();
    let teams: Vec<Value> = json_list(json_get(json, "Teams"))
        .iter()
        .filter(|team| {
            linked.is_empty() || json_get(team, "Id").is_some_and(|t| linked.contains(t))
        })
        .cloned()
        .collect();
    let mut out = msel.clone();
    if let Value::Object(map) = &mut out {
        map.insert("DataFields".into(), of_msel("DataFields"));
        map.insert("ScenarioEvents".into(), of_msel("ScenarioEvents"));
        map.insert("Teams".into(), Value::Array(teams));
    }
    Ok(out)
}

/// A Blueprint JSON MSEL as a table: its data fields in display order after `DeltaSeconds`, one
/// row per scenario event in the order of the file. A file with several MSELs gives the one
/// named `wanted`. Teams named by a team field (`To`, `To Org`: Blueprint's `TeamsMultiple`) are
/// resolved through the MSEL's `Teams`; rich text (HTML) is read as plain text.
pub fn table(file: &str, json: &Value, wanted: Option<&str>) -> Result<Table, String> {
    let msel = chosen(file, json, wanted)?;
    let msel = &msel;
    let mut fields: Vec<(i64, String, String, i64)> = json_list(json_get(msel, "DataFields"))
        .iter()
        .filter_map(|field| {
            let id = json_get(field, "Id")?.as_str()?.to_string();
            let name = json_get(field, "Name")?.as_str()?.to_string();
            let order = json_get(field, "DisplayOrder")
                .and_then(Value::as_i64)
                .unwrap_or(0);
            let kind = json_get(field, "DataType")
                .and_then(Value::as_i64)
                .unwrap_or(0);
            Some((order, name, id, kind))
        })
        .collect();
    fields.sort_by_key(|(order, _, _, _)| *order);
    if fields.len() + 1 > MAX_COLUMNS {
        return Err(format!(
            "{file}: more than {MAX_COLUMNS} data fields; an MSEL is read up to {MAX_COLUMNS} \
             columns"
        ));
    }
    let mut headers = vec![DELTA_SECONDS.to_string()];
    headers.extend(fields.iter().map(|(_, name, _, _)| name.clone()));
    let events = json_list(json_get(msel, "ScenarioEvents"));
    if events.len() > MAX_ROWS {
        return Err(format!(
            "{file}: more than {MAX_ROWS} scenario events; an MSEL is read up to {MAX_ROWS} rows"
        ));
    }
    // A team field lists teams by short name (or name, or id): each becomes `Name (id)`, its id
    // made from the short name.
    let teams: Vec<([String; 3], String)> = json_list(json_get(msel, "Teams"))
        .iter()
        .filter_map(|team| {
            let text = |key: &str| {
                json_get(team, key)
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .trim()
                    .to_string()
            };
            let (short, name) = (text("ShortName"), text("Name"));
            let id = slug(&short).or_else(|| slug(&name))?;
            let shown = if name.is_empty() {
                short.clone()
            } else {
                name.clone()
            };
            Some(([short, name, text("Id")], format!("{shown} ({id})")))
        })
        .collect();
    let names_teams = |column: usize| {
        let (_, name, _, kind) = &fields[column];
        TEAM_TYPES.contains(kind) || ["to org", "to"].contains(&name.to_lowercase().trim())
    };
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
                .position(|(_, _, id, _)| Some(id.as_str()) == field);
            if let (Some(column), Some(text)) = (column, text) {
                if text.len() > MAX_CELL_BYTES {
                    return Err(format!(
                        "{file}:{number}:{}: the value has more than {MAX_CELL_BYTES} bytes",
                        headers[column + 1]
                    ));
                }
                let text = if fields[column].3 == HTML_TYPE || looks_like_html(text) {
                    html_to_text(text)
                } else {
                    text.to_string()
                };
                let text = if names_teams(column) {
                    text.split([',', ';', '\n'])
                        .map(str::trim)
                        .filter(|entry| !entry.is_empty())
                        .map(|entry| {
                            teams
                                .iter()
                                .find(|(keys, _)| keys.iter().any(|k| !k.is_empty() && k == entry))
                                .map_or(entry, |(_, named)| named.as_str())
                        })
                        .collect::<Vec<_>>()
                        .join("\n")
                } else {
                    text
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
