//! Which column of an MSEL plays which part: from the format's header names, or from a `--map`
//! file for headers ttx does not know.

use super::formats::Source;
use super::openbas;
use super::role::{Role, normalise};
use super::table::{Table, column_index, column_letter};
use crate::ron_file::{
    Arena, Diagnostic, Errors, FromValue, Presence, SourceMap, Value, parse_file,
};

/// The fields of a `--map` file and the part each names, in the order a map's columns are given
/// their parts.
const MAP_FIELDS: &[(&str, Role)] = &[
    ("id", Role::Id),
    ("ref", Role::Number),
    ("time", Role::Time),
    ("trigger", Role::Trigger),
    ("unless", Role::Unless),
    ("method", Role::Method),
    ("from", Role::From),
    ("to", Role::To),
    ("subject", Role::Subject),
    ("body", Role::Body),
    ("expected", Role::Expected),
    ("objective", Role::Objective),
    ("notes", Role::Notes),
    ("poll", Role::Poll),
    ("score", Role::Score),
    ("type", Role::Kind),
];

/// A `--map` file: which column (by header name, or by letter such as `"C"`) holds what.
///
/// ```ron
/// (time: "When", to: "Audience", subject: "Headline", body: "Text")
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ColumnMap {
    /// Each part the file names, with its column, in the order of `MAP_FIELDS`.
    columns: Vec<(Role, String)>,
}

impl ColumnMap {
    /// Reads a map file through the scenario's RON reader: every mistake is reported at once,
    /// as `FILE:LINE:COL: message` with the line shown.
    pub fn parse(file: &str, text: &str) -> Result<ColumnMap, String> {
        let render = |diagnostics: Vec<Diagnostic>| {
            diagnostics
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("\n")
        };
        let source = SourceMap::new(file, text);
        let arena = Arena::new();
        let tree = parse_file(&source, text, &arena).map_err(render)?;
        let mut errors = Errors::default();
        match ColumnMap::from_value(&tree, "", &mut errors) {
            Some(map) if errors.is_empty() => Ok(map),
            _ => Err(render(errors.into_diagnostics(&source))),
        }
    }
}

/// `ColumnMap(...)` or `(...)`, every field an optional string.
impl FromValue for ColumnMap {
    fn from_value(value: &Value, _field: &str, errors: &mut Errors) -> Option<Self> {
        let allowed: Vec<(&str, Presence)> = MAP_FIELDS
            .iter()
            .map(|(name, _)| (*name, Presence::Optional))
            .collect();
        let fields = errors.fields(value, "ColumnMap", "a column map", &allowed)?;
        let columns = MAP_FIELDS
            .iter()
            .filter_map(|(name, role)| {
                let column = fields.read::<String>(name, Presence::Optional, errors);
                column.into_given().map(|column| (*role, column))
            })
            .collect();
        Some(ColumnMap { columns })
    }
}

/// The parts of one sheet's columns.
#[derive(Debug, Clone)]
pub struct Layout {
    /// Each column's part, `None` for one kept in the notes.
    pub roles: Vec<Option<Role>>,
    /// Each column as messages name it: its header, or its letter.
    pub names: Vec<String>,
    /// The sheet has no header row: its first row is an inject too.
    pub headerless: bool,
}

impl Layout {
    pub fn column(&self, role: Role) -> Option<usize> {
        self.roles.iter().position(|r| *r == Some(role))
    }

    /// The column of a part, as messages name it. A trigger made from a row's time (there is no
    /// `Trigger` column) is the time column's.
    pub fn name(&self, role: Role) -> String {
        let column = match role {
            Role::Trigger => self.column(role).or_else(|| self.column(Role::Time)),
            _ => self.column(role),
        };
        column
            .map(|c| self.names[c].clone())
            .unwrap_or_else(|| format!("{role:?}"))
    }
}

/// The layout of a sheet read as `source`, a `--map` overriding the header names.
pub fn layout(table: &Table, source: Source, map: Option<&ColumnMap>) -> Result<Layout, String> {
    let headerless = map.is_none() && source == Source::Openbas && openbas::headerless(table);
    let width = table
        .rows
        .iter()
        .chain(table.header_row.iter())
        .map(|r| r.cells.len())
        .max()
        .unwrap_or(0)
        .max(table.headers.len());
    let names: Vec<String> = (0..width)
        .map(|c| match table.headers.get(c) {
            Some(h) if !headerless && !h.trim().is_empty() => h.trim().to_string(),
            _ => {
                let letter = column_letter(c);
                match openbas::HEADERLESS_NAMES.iter().find(|(l, _)| *l == letter) {
                    Some((_, label)) if headerless => format!("{letter} ({label})"),
                    _ => letter,
                }
            }
        })
        .collect();
    let mut roles = vec![None; width];
    if headerless {
        for (role, letter) in openbas::HEADERLESS {
            if let Some(c) = column_index(letter).filter(|c| *c < width) {
                roles[c] = Some(*role);
            }
        }
    } else if let Some(map) = map {
        for (role, column) in &map.columns {
            let wanted = normalise(column);
            let found = table
                .headers
                .iter()
                .position(|h| normalise(h) == wanted)
                .or_else(|| column_index(column.trim()).filter(|c| *c < width));
            match found {
                Some(c) => roles[c] = Some(*role),
                None => {
                    return Err(format!(
                        "the map names a column {} that the sheet does not have; its \
                         columns: {}",
                        crate::ron_file::quoted(column),
                        names.join(", ")
                    ));
                }
            }
        }
    } else {
        for (c, header) in table.headers.iter().enumerate() {
            let header = normalise(header);
            let role = source
                .aliases()
                .iter()
                .find(|(_, names)| names.contains(&header.as_str()))
                .map(|(role, _)| *role);
            // The first column of a part wins; a second one is kept in the notes.
            if let Some(role) = role.filter(|r| !roles.contains(&Some(*r))) {
                roles[c] = Some(role);
            }
        }
    }
    let layout = Layout {
        roles,
        names,
        headerless,
    };
    if layout.column(Role::To).is_none() {
        return Err(format!(
            "no column holds the receiving teams (expected one named {}); name it with --map",
            source
                .aliases()
                .iter()
                .find(|(r, _)| *r == Role::To)
                .map(|(_, names)| names.join(", "))
                .unwrap_or_default()
                .replace(", ", " or ")
        ));
    }
    Ok(layout)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_map_file_reads_with_or_without_some() {
        for text in [
            "(time: \"When\", to: \"C\", type: \"Kind\")",
            "#![enable(implicit_some)]\nColumnMap(type: Some(\"Kind\"), to: \"C\", time: \"When\", id: None)",
        ] {
            let map = ColumnMap::parse("m.ron", text).unwrap();
            assert_eq!(
                map.columns,
                [
                    (Role::Time, "When".to_string()),
                    (Role::To, "C".to_string()),
                    (Role::Kind, "Kind".to_string()),
                ],
                "{text}"
            );
        }
    }

    #[test]
    fn a_map_file_mistake_names_its_line_and_column() {
        let error = ColumnMap::parse("m.ron", "(\n  tme: \"When\",\n  to: 3,\n)").unwrap_err();
        assert!(
            error.starts_with(
                "m.ron:2:3: unknown field `tme` in a column map (fields: id, ref, time, trigger, \
                 unless, method, from, to, subject, body, expected, objective, notes, poll, score, \
                 type)\n"
            ),
            "{error}"
        );
        assert!(
            error.contains("\nm.ron:3:7: `to`: expected a string, found an integer\n"),
            "{error}"
        );
        let error = ColumnMap::parse("m.ron", "(to: \"C\"").unwrap_err();
        assert!(error.starts_with("m.ron:1:"), "{error}");
        let error = ColumnMap::parse("m.ron", "Map(to: \"C\")").unwrap_err();
        assert!(
            error.starts_with("m.ron:1:1: expected a column map `ColumnMap(...)` or `(...)`"),
            "{error}"
        );
    }
}
