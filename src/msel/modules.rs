//! ttx's own `Modules` sheet: the discussion's modules and their questions, both ways. One row a
//! question, the module's id, title, start and narrative on its first question's row (a module
//! without questions takes one row of its own), so that the sheet reads as the Situation
//! Manual's modules do. Import checks only the sheet's shape here; the loader checks the rest
//! (ids, teams, objectives, order), and write.rs names its refusals at their row.

use super::table::{Problem, Row, Table, side_cell};
use crate::scenario::{Scenario, format_secs};

/// The sheet's name, its columns and their widths.
pub const SHEET: &str = "Modules";
pub const HEADERS: [&str; 8] = [
    "Module",
    "Title",
    "From",
    "Narrative",
    "Question",
    "Text",
    "To",
    "Objective",
];
pub const WIDTHS: [f64; 8] = [16.0, 32.0, 8.0, 60.0, 16.0, 60.0, 16.0, 16.0];

/// The sheet's rows; none for a scenario without modules (the sheet is then not written).
pub fn rows(scenario: &Scenario) -> Vec<Vec<String>> {
    let every_team = scenario.teams.len();
    let mut rows = Vec::new();
    for module in &scenario.modules {
        let head = [
            module.id.clone(),
            module.title.clone(),
            format_secs(module.from),
            module.narrative.clone(),
        ];
        let blank = || vec![String::new(); 4];
        if module.questions.is_empty() {
            rows.push(head.to_vec());
        }
        for (n, question) in module.questions.iter().enumerate() {
            let mut row = if n == 0 { head.to_vec() } else { blank() };
            // A question to every team leaves `To` blank, as the scenario file may.
            let to = if question.to.len() == every_team {
                String::new()
            } else {
                question
                    .to
                    .iter()
                    .map(|t| scenario.team(*t).id.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            row.extend([
                question.id.clone(),
                question.text.clone(),
                to,
                question
                    .objective
                    .map(|o| scenario.objectives[o.0].id.clone())
                    .unwrap_or_default(),
            ]);
            rows.push(row);
        }
    }
    rows
}

/// A module as read from the sheet, its texts as written.
#[derive(Debug, Clone, PartialEq)]
pub struct ModuleEntry {
    /// Its first row, for messages.
    pub row: usize,
    pub id: String,
    pub title: String,
    pub from: String,
    pub narrative: String,
    pub questions: Vec<QuestionEntry>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct QuestionEntry {
    pub row: usize,
    pub id: String,
    pub text: String,
    /// The teams as written (ids or names); `None`: every team.
    pub to: Option<Vec<String>>,
    pub objective: Option<String>,
}

/// The column messages name, in this sheet.
pub fn column(header: &str) -> String {
    format!("{header} (sheet {SHEET})")
}

/// The sheet's modules. A row that cannot be read is reported and left out; a module's first
/// row that cannot be read leaves out its questions too, which the rows after it hold.
pub fn read(table: &Table, problems: &mut Vec<Problem>) -> Vec<ModuleEntry> {
    let mut modules: Vec<ModuleEntry> = Vec::new();
    // Whether the rows after a module's first belong to a module that was read.
    let mut in_module = false;
    for row in &table.rows {
        let cell = |header: &str| side_cell(table, row, header);
        let id = cell("Module").map(str::trim);
        let head = ["Title", "From", "Narrative"]
            .into_iter()
            .find(|h| cell(h).is_some());
        match (id, head) {
            (Some(id), _) => {
                let (Some(title), Some(from)) = (cell("Title"), cell("From")) else {
                    problems.push(Problem::new(
                        row.number,
                        column("Module"),
                        format!("module \"{id}\" needs a title and the time it begins (From)"),
                    ));
                    in_module = false;
                    continue;
                };
                modules.push(ModuleEntry {
                    row: row.number,
                    id: id.to_string(),
                    title: title.to_string(),
                    from: from.trim().to_string(),
                    narrative: cell("Narrative").unwrap_or_default().to_string(),
                    questions: Vec::new(),
                });
                in_module = true;
            }
            (None, Some(head)) => {
                problems.push(Problem::new(
                    row.number,
                    column(head),
                    "a module's title, start and narrative go on its first row, with its id \
                     in the Module column",
                ));
                continue;
            }
            (None, None) if modules.is_empty() => {
                problems.push(Problem::new(
                    row.number,
                    column("Module"),
                    "a question before any module: the first row of a module gives its id",
                ));
                continue;
            }
            (None, None) => {}
        }
        if !in_module {
            continue;
        }
        if let Some(question) = question(table, row, problems)
            && let Some(module) = modules.last_mut()
        {
            module.questions.push(question);
        }
    }
    modules
}

/// The row's question, if it has one.
fn question(table: &Table, row: &Row, problems: &mut Vec<Problem>) -> Option<QuestionEntry> {
    let cell = |header: &str| side_cell(table, row, header);
    let given = ["Question", "Text", "To", "Objective"]
        .into_iter()
        .any(|h| cell(h).is_some());
    if !given {
        return None;
    }
    let (Some(id), Some(text)) = (cell("Question").map(str::trim), cell("Text")) else {
        problems.push(Problem::new(
            row.number,
            column("Question"),
            "a discussion question needs an id and its text",
        ));
        return None;
    };
    Some(QuestionEntry {
        row: row.number,
        id: id.to_string(),
        text: text.to_string(),
        to: cell("To").map(|to| {
            to.split([',', '\n'])
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(str::to_string)
                .collect()
        }),
        objective: cell("Objective").map(|o| o.trim().to_string()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::msel::table::Cell;

    fn sheet(rows: &[[&str; 8]]) -> Table {
        let mut all = vec![Row {
            number: 1,
            cells: HEADERS.iter().map(|h| Cell::text(*h)).collect(),
        }];
        all.extend(rows.iter().enumerate().map(|(i, r)| Row {
            number: i + 2,
            cells: r.iter().map(|c| Cell::text(*c)).collect(),
        }));
        Table::from_rows(all)
    }

    #[test]
    fn questions_follow_their_module_and_mistakes_name_their_row() {
        let mut problems = Vec::new();
        let modules = read(
            &sheet(&[
                ["", "", "", "", "q0", "Orphan?", "", ""],
                [
                    "m1",
                    "One",
                    "0m",
                    "It begins.",
                    "q1",
                    "Who?",
                    "us, Them",
                    "o1",
                ],
                ["", "", "", "", "q2", "Why?", "", ""],
                ["", "", "", "", "", "No id", "", ""],
                ["m2", "Two", "", "", "q3", "Lost with its module", "", ""],
                ["", "", "", "", "q4", "Lost too", "", ""],
                ["", "", "1h", "", "", "", "", ""],
                ["m3", "Three", " 2h ", "", "", "", "", ""],
            ]),
            &mut problems,
        );
        let read: Vec<(&str, &str, Vec<&str>)> = modules
            .iter()
            .map(|m| {
                let ids = m.questions.iter().map(|q| q.id.as_str()).collect();
                (m.id.as_str(), m.from.as_str(), ids)
            })
            .collect();
        assert_eq!(read, [("m1", "0m", vec!["q1", "q2"]), ("m3", "2h", vec![])]);
        assert_eq!(
            modules[0].questions[0].to,
            Some(vec!["us".to_string(), "Them".to_string()])
        );
        assert_eq!(modules[0].questions[1].to, None);
        let messages: Vec<String> = problems.iter().map(|p| p.render("x.xlsx")).collect();
        assert_eq!(
            messages,
            [
                "x.xlsx:2:Module (sheet Modules): a question before any module: the first row \
                 of a module gives its id",
                "x.xlsx:5:Question (sheet Modules): a discussion question needs an id and its \
                 text",
                "x.xlsx:6:Module (sheet Modules): module \"m2\" needs a title and the time it \
                 begins (From)",
                "x.xlsx:8:From (sheet Modules): a module's title, start and narrative go on its \
                 first row, with its id in the Module column",
            ]
        );
    }
}
