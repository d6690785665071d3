//! A handbook as Markdown, or as one self-contained HTML page with the report's print style:
//! a page break before each section, the handling marking in the top and bottom margin of every
//! printed page (CSS page-margin boxes, which never overlap the text), tables that wrap rather
//! than run off the page.

use std::fmt::Write as _;

use super::{Block, Document};
use crate::html::{escape, page_start};
use crate::report::{PAGE_STYLE, markdown_text as text};

/// What the handbook's page adds to the report's style: the cover, and the blanks of a form.
const STYLE: &str = "\
.cover p.kind{font-size:1.1rem;letter-spacing:.04em;text-transform:uppercase;color:#1f3b63;\
margin:0}.blank{margin:.6rem 0}.blank .line{border-bottom:1px solid #777;height:1.7rem}\
table.facts th{width:14rem;background:#f4f6f9}\
td,th{overflow-wrap:break-word}\
@media (max-width:40rem){table.facts th{width:auto}}\
@media print{.blank{break-inside:avoid}h4{break-after:avoid}\
.forms h3~h3{break-before:page}}";

pub fn to_markdown(document: &Document) -> String {
    let mut out = String::new();
    if let Some(marking) = &document.marking {
        let _ = writeln!(out, "**{}**\n", text(marking));
    }
    let _ = writeln!(out, "# {}: {}\n", document.kind, text(&document.title));
    for line in &document.cover {
        let _ = writeln!(out, "{}\n", text(line));
    }
    for section in &document.sections {
        let _ = writeln!(out, "## {}\n", text(&section.heading));
        for block in &section.blocks {
            markdown_block(&mut out, block);
        }
    }
    if let Some(marking) = &document.marking {
        let _ = writeln!(out, "**{}**", text(marking));
    }
    out.truncate(out.trim_end().len());
    out.push('\n');
    out
}

fn markdown_block(out: &mut String, block: &Block) {
    match block {
        Block::Heading(heading) => {
            let _ = writeln!(out, "### {}\n", text(heading));
        }
        Block::Subheading(heading) => {
            let _ = writeln!(out, "#### {}\n", text(heading));
        }
        Block::Paragraph(paragraph) => {
            let _ = writeln!(out, "{}\n", text(paragraph));
        }
        Block::List(items) => {
            for item in items {
                let _ = writeln!(out, "- {}", text(item));
            }
            out.push('\n');
        }
        Block::Facts(facts) => {
            out.push_str("| | |\n| --- | --- |\n");
            for (name, value) in facts {
                let _ = writeln!(out, "| **{}** | {} |", text(name), text(value));
            }
            out.push('\n');
        }
        Block::Table { head, rows } => {
            let row = |cells: &[String]| {
                let cells: Vec<String> = cells.iter().map(|c| text(c)).collect();
                format!("| {} |\n", cells.join(" | "))
            };
            out.push_str(&row(head));
            out.push_str(&format!("|{}\n", " --- |".repeat(head.len())));
            for cells in rows {
                out.push_str(&row(cells));
            }
            out.push('\n');
        }
        Block::Blank { label, lines } => {
            let _ = writeln!(out, "{}:\n", text(label));
            for _ in 0..*lines {
                // Escaped underscores: a line to write on, never emphasis.
                let _ = writeln!(out, "{}\n", "\\_".repeat(40));
            }
        }
    }
}

pub fn to_html(document: &Document) -> String {
    let mut out = page_start(
        &format!("{}: {}", document.kind, document.title),
        &[PAGE_STYLE, STYLE].concat(),
        document.marking.as_deref(),
    );
    let _ = writeln!(
        out,
        "<header class=\"cover\">\n<p class=\"kind\">{}</p>\n<h1>{}</h1>",
        escape(document.kind),
        escape(&document.title)
    );
    for line in &document.cover {
        let _ = writeln!(out, "<p>{}</p>", escape(line));
    }
    out.push_str("</header>\n");
    for section in &document.sections {
        let class = if section.forms {
            " class=\"forms\""
        } else {
            ""
        };
        let _ = writeln!(
            out,
            "<section{class}>\n<h2>{}</h2>",
            escape(&section.heading)
        );
        for block in &section.blocks {
            html_block(&mut out, block);
        }
        out.push_str("</section>\n");
    }
    out.push_str("</body>\n</html>\n");
    out
}

fn html_block(out: &mut String, block: &Block) {
    match block {
        Block::Heading(heading) => {
            let _ = writeln!(out, "<h3>{}</h3>", escape(heading));
        }
        Block::Subheading(heading) => {
            let _ = writeln!(out, "<h4>{}</h4>", escape(heading));
        }
        Block::Paragraph(paragraph) => {
            let _ = writeln!(out, "<p>{}</p>", escape(paragraph));
        }
        Block::List(items) => {
            out.push_str("<ul>\n");
            for item in items {
                let _ = writeln!(out, "<li>{}</li>", escape(item));
            }
            out.push_str("</ul>\n");
        }
        Block::Facts(facts) => {
            out.push_str("<table class=\"facts\">\n<tbody>\n");
            for (name, value) in facts {
                let _ = writeln!(
                    out,
                    "<tr><th scope=\"row\">{}</th><td>{}</td></tr>",
                    escape(name),
                    escape(value)
                );
            }
            out.push_str("</tbody>\n</table>\n");
        }
        Block::Table { head, rows } => {
            out.push_str("<div class=\"scroll\"><table>\n<thead>\n<tr>");
            for cell in head {
                let _ = write!(out, "<th scope=\"col\">{}</th>", escape(cell));
            }
            out.push_str("</tr>\n</thead>\n<tbody>\n");
            for row in rows {
                out.push_str("<tr>");
                for cell in row {
                    let _ = write!(out, "<td>{}</td>", escape(cell));
                }
                out.push_str("</tr>\n");
            }
            out.push_str("</tbody>\n</table></div>\n");
        }
        Block::Blank { label, lines } => {
            let _ = write!(out, "<div class=\"blank\"><p>{}</p>", escape(label));
            for _ in 0..*lines {
                out.push_str("<div class=\"line\"></div>");
            }
            out.push_str("</div>\n");
        }
    }
}
