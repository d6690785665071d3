//! Which column of an MSEL plays which part: from the format's header names, or from a `--map`
//! file for headers ttx does not know.

use serde::Deserialize;

use super::table::{Table, column_index, column_letter};
use super::{Source, blueprint, hseep, openbas, t3sf};

/// The part a column plays.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// The inject's id.
    Id,
    /// A row number (`#`): only orders the rows, which the file does already.
    Number,
    Time,
    /// ttx's own trigger words (`after detect`).
    Trigger,
    From,
    /// The receiving teams.
    To,
    Subject,
    Body,
    Expected,
    Objective,
    Notes,
    /// T3SF's poll: `Pay the ransom | Don't pay it`.
    Poll,
    /// OpenBAS's expectation score.
    Score,
    /// OpenBAS's inject type (`Send a mail`): a title where the row has none.
    Kind,
}

/// The header names a format gives each part, lower case, spaces collapsed.
pub type Aliases = &'static [(Role, &'static [&'static str])];

/// Lower case, runs of blanks as one space, trimmed: how headers are compared.
pub fn normalise(header: &str) -> String {
    header
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// A `--map` file: which column (by header name, or by letter such as `"C"`) holds what.
///
/// ```ron
/// (time: "When", to: "Audience", subject: "Headline", body: "Text")
/// ```
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ColumnMap {
    pub id: Option<String>,
    pub time: Option<String>,
    pub trigger: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub subject: Option<String>,
    pub body: Option<String>,
    pub expected: Option<String>,
    pub objective: Option<String>,
    pub notes: Option<String>,
    pub poll: Option<String>,
    pub score: Option<String>,
    #[serde(rename = "type")]
    pub kind: Option<String>,
}

impl ColumnMap {
    pub fn parse(file: &str, text: &str) -> Result<ColumnMap, String> {
        ron::Options::default()
            .with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME)
            .from_str(text)
            .map_err(|e| format!("{file}:{e}"))
    }

    fn entries(&self) -> Vec<(Role, &str)> {
        [
            (Role::Id, &self.id),
            (Role::Time, &self.time),
            (Role::Trigger, &self.trigger),
            (Role::From, &self.from),
            (Role::To, &self.to),
            (Role::Subject, &self.subject),
            (Role::Body, &self.body),
            (Role::Expected, &self.expected),
            (Role::Objective, &self.objective),
            (Role::Notes, &self.notes),
            (Role::Poll, &self.poll),
            (Role::Score, &self.score),
            (Role::Kind, &self.kind),
        ]
        .into_iter()
        .filter_map(|(role, column)| column.as_deref().map(|c| (role, c)))
        .collect()
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

    pub fn name(&self, role: Role) -> String {
        self.column(role)
            .map(|c| self.names[c].clone())
            .unwrap_or_else(|| format!("{role:?}"))
    }
}

fn aliases(source: Source) -> Aliases {
    match source {
        Source::Hseep => hseep::ALIASES,
        Source::T3sf => t3sf::ALIASES,
        Source::Openbas => openbas::ALIASES,
        Source::Blueprint => blueprint::ALIASES,
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
        for (role, column) in map.entries() {
            let wanted = normalise(column);
            let found = table
                .headers
                .iter()
                .position(|h| normalise(h) == wanted)
                .or_else(|| column_index(column.trim()).filter(|c| *c < width));
            match found {
                Some(c) => roles[c] = Some(role),
                None => {
                    return Err(format!(
                        "the map names a column \"{}\" that the sheet does not have; its \
                         columns: {}",
                        column.escape_debug(),
                        names.join(", ")
                    ));
                }
            }
        }
    } else {
        for (c, header) in table.headers.iter().enumerate() {
            let header = normalise(header);
            let role = aliases(source)
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
            aliases(source)
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
        let map = ColumnMap::parse("m.ron", "(time: \"When\", to: \"C\", type: \"Kind\")").unwrap();
        assert_eq!(map.time.as_deref(), Some("When"));
        assert_eq!(map.kind.as_deref(), Some("Kind"));
        assert!(ColumnMap::parse("m.ron", "(tme: \"When\")").is_err());
    }
}
