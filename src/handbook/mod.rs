//! The documents HSEEP expects before a tabletop (discussion.md), written from the scenario
//! alone: the Situation Manual for every participant, and the Controller/Evaluator Handbook for
//! the facilitators and evaluators (the Situation Manual's content, the MSEL and an Exercise
//! Evaluation Guide per objective).
//!
//! Each is built once as a `Document` of sections and blocks in people's words
//! (`situation`, `controller`), then rendered as Markdown or as one self-contained HTML page
//! (`render`), so the two formats cannot say different things. The Situation Manual holds no
//! inject body a team only receives in play, no expected action and no scoring.

mod controller;
mod render;
mod situation;

pub use render::{to_html, to_markdown};

use crate::scenario::Scenario;

/// Who a handbook is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// The Situation Manual, for every participant.
    Participants,
    /// The Controller/Evaluator Handbook, for the facilitators and evaluators.
    Facilitators,
}

/// A document: a cover and its sections, each text in people's words, escaped only when
/// rendered.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// "Situation Manual", "Controller/Evaluator Handbook".
    pub kind: &'static str,
    /// The exercise's title.
    pub title: String,
    /// The handling marking printed on every page.
    pub marking: Option<String>,
    /// The cover's lines under the title (sponsor, location, who it is for).
    pub cover: Vec<String>,
    pub sections: Vec<Section>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Section {
    pub heading: String,
    pub blocks: Vec<Block>,
    /// Each heading of the section begins a printed page: a form of its own (an Exercise
    /// Evaluation Guide).
    pub forms: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// A heading within a section.
    Heading(String),
    /// A heading under a `Heading`.
    Subheading(String),
    Paragraph(String),
    List(Vec<String>),
    /// Row headers and their values.
    Facts(Vec<(String, String)>),
    Table {
        head: Vec<String>,
        rows: Vec<Vec<String>>,
    },
    /// Room to write by hand, `lines` lines under a label (a printed form's blank).
    Blank {
        label: String,
        lines: usize,
    },
}

/// The handbook for `audience`, from the scenario alone.
pub fn handbook(scenario: &Scenario, audience: Audience) -> Document {
    let mut sections = situation::sections(scenario, audience);
    if audience == Audience::Facilitators {
        sections.extend(controller::sections(scenario));
    }
    let info = &scenario.exercise;
    let mut cover = Vec::new();
    if let Some(sponsor) = &info.sponsor {
        cover.push(format!("Sponsor: {sponsor}"));
    }
    if let Some(location) = &info.location {
        cover.push(format!("Location: {location}"));
    }
    cover.push(match audience {
        Audience::Participants => "For every participant: players, observers, facilitators and \
                                   evaluators."
            .into(),
        Audience::Facilitators => "For the facilitators and evaluators only: it holds what the \
                                   players must not see before the exercise."
            .into(),
    });
    Document {
        kind: match audience {
            Audience::Participants => "Situation Manual",
            Audience::Facilitators => "Controller/Evaluator Handbook",
        },
        title: scenario.title.clone(),
        marking: info.handling.clone(),
        cover,
        sections,
    }
}

/// Paragraphs of a text as written: split at blank lines.
fn paragraphs(text: &str) -> Vec<Block> {
    text.split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| Block::Paragraph(p.to_string()))
        .collect()
}
