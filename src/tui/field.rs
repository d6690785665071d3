//! A text field's text and cursor: what a person types into a form. It holds at most
//! `TEXT_LIMIT` characters and keeps their count as it changes, and the cursor as a byte offset,
//! so that typing, deleting and moving cost the same however long the text is (a seat types on
//! the loop that serves every seat). Its lines wrap at word boundaries to the width it is drawn
//! at (`wrap`): `widgets::text_area` draws those rows and ↑/↓ move by them, so the cursor is
//! always where the keys think it is.

use std::cell::Cell;

use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

use super::key::Key;

/// The most characters a text field holds, a line break counting as one: several pages, more
/// than any request, message, observation or summary needs.
pub const TEXT_LIMIT: usize = 10_000;

/// What a form says when text is pasted while no text field has the focus.
pub const NO_FIELD_TO_PASTE_INTO: &str = "Move to a text field to paste into it.";

/// Whether a text field takes line breaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lines {
    One,
    Many,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TextField {
    /// Never empty: an empty field is one empty line.
    lines: Vec<String>,
    row: usize,
    /// A byte offset into `lines[row]`, always on a character boundary.
    col: usize,
    /// Characters held, a line break counting as one.
    chars: usize,
    placeholder: String,
    takes: Lines,
    /// The width the field was last drawn at, in columns (0: not drawn yet, so not wrapped): ↑
    /// and ↓ move by the rows it showed.
    width: Cell<usize>,
    /// The first row it showed: the view scrolls only as far as the cursor needs.
    top: Cell<usize>,
    /// The column ↑ and ↓ keep to, through rows shorter than it.
    goal: Option<usize>,
}

/// A row of a field as drawn: part of one of its lines, as byte offsets into it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Row {
    pub line: usize,
    pub start: usize,
    pub end: usize,
}

impl TextField {
    /// An empty field of several lines, showing `placeholder` while empty.
    pub fn new(placeholder: &str) -> Self {
        TextField {
            lines: vec![String::new()],
            row: 0,
            col: 0,
            chars: 0,
            placeholder: placeholder.to_string(),
            takes: Lines::Many,
            width: Cell::new(0),
            top: Cell::new(0),
            goal: None,
        }
    }

    /// An empty field of one line.
    pub fn line(placeholder: &str) -> Self {
        TextField {
            takes: Lines::One,
            ..TextField::new(placeholder)
        }
    }

    /// The field with `text` already in it (what was written before), the cursor at its end.
    /// Text written before is kept whole even past the limit; only typing stops there.
    pub fn with_text(mut self, text: &str) -> Self {
        self.insert(&self.cleaned(text));
        self
    }

    /// The text, its lines joined by line breaks.
    pub fn text(&self) -> String {
        self.lines.join("\n")
    }

    pub fn lines(&self) -> &[String] {
        &self.lines
    }

    pub fn placeholder(&self) -> &str {
        &self.placeholder
    }

    /// Characters held, a line break counting as one.
    pub fn chars(&self) -> usize {
        self.chars
    }

    /// The cursor's line and its column in characters.
    pub fn cursor(&self) -> (usize, usize) {
        (self.row, self.lines[self.row][..self.col].chars().count())
    }

    /// The field's rows at `width` columns: each line wrapped at word boundaries (`wrap`).
    pub fn rows(&self, width: usize) -> Vec<Row> {
        self.lines
            .iter()
            .enumerate()
            .flat_map(|(line, text)| {
                wrap(text, width)
                    .into_iter()
                    .map(move |(start, end)| Row { line, start, end })
            })
            .collect()
    }

    /// How many rows the field takes at `width` columns: what a form gives it to show it whole.
    pub fn height(&self, width: usize) -> usize {
        self.lines.iter().map(|l| wrap(l, width).len()).sum()
    }

    /// The cursor as drawn among `rows` (the field's rows at some width): its row, and its
    /// column in terminal columns from the row's start.
    pub fn cursor_cell(&self, rows: &[Row]) -> (usize, usize) {
        let first = rows.partition_point(|r| r.line < self.row);
        let last = rows.partition_point(|r| r.line <= self.row);
        let at = (first..last)
            .rev()
            .find(|&r| rows[r].start <= self.col)
            .unwrap_or(first);
        let start = rows.get(at).map_or(0, |r| r.start);
        (at, self.lines[self.row][start..self.col].width())
    }

    /// Remembers where the field was drawn: the width its rows wrap to, and the first row
    /// shown, which moves only as far as keeps the cursor's row among `height` rows.
    /// Returns that first row.
    pub fn shown(&self, width: usize, height: usize, cursor_row: usize, rows: usize) -> usize {
        self.width.set(width);
        let height = height.max(1);
        let mut top = self.top.get().min(rows.saturating_sub(height));
        if cursor_row < top {
            top = cursor_row;
        } else if cursor_row >= top + height {
            top = cursor_row + 1 - height;
        }
        self.top.set(top);
        top
    }

    /// A key typed into the field: characters, line breaks (where the field takes them), the
    /// arrows, Home/End (and their Ctrl-letter forms), word moves (Alt-b/f) and deletions
    /// (Backspace, Delete, Ctrl-w a word, Ctrl-k to the line's end, Ctrl-u to its start). A
    /// character past `TEXT_LIMIT` and keys the field has no use for do nothing.
    pub fn type_key(&mut self, key: Key) {
        if !matches!(key, Key::Up | Key::Down | Key::Ctrl('p' | 'n')) {
            self.goal = None;
        }
        match key {
            Key::Char(c) if !c.is_control() && self.chars < TEXT_LIMIT => {
                self.insert(c.encode_utf8(&mut [0; 4]));
            }
            Key::Enter | Key::AltEnter | Key::Ctrl('m' | 'j')
                if self.takes == Lines::Many && self.chars < TEXT_LIMIT =>
            {
                self.insert("\n");
            }
            Key::Backspace | Key::Ctrl('h') => {
                let end = (self.row, self.col);
                self.left();
                self.delete_to(end);
            }
            Key::Delete | Key::Ctrl('d') => {
                let start = (self.row, self.col);
                self.right();
                let end = (self.row, self.col);
                (self.row, self.col) = start;
                self.delete_to(end);
            }
            Key::Left | Key::Ctrl('b') => self.left(),
            Key::Right | Key::Ctrl('f') => self.right(),
            Key::Up | Key::Ctrl('p') => {
                self.vertical(-1);
            }
            Key::Down | Key::Ctrl('n') => {
                self.vertical(1);
            }
            Key::Home | Key::Ctrl('a') => self.col = 0,
            Key::End | Key::Ctrl('e') => self.col = self.lines[self.row].len(),
            Key::Alt('b') | Key::CtrlLeft => self.word_left(),
            Key::Alt('f') | Key::CtrlRight => self.word_right(),
            Key::Ctrl('w') => {
                let end = (self.row, self.col);
                self.word_left();
                self.delete_to(end);
            }
            Key::Ctrl('k') => {
                let end = (self.row, self.lines[self.row].len());
                self.delete_to(end);
            }
            Key::Ctrl('u') => {
                let end = (self.row, self.col);
                self.col = 0;
                self.delete_to(end);
            }
            _ => {}
        }
    }

    /// Pasted text, whole, at the cursor: line breaks as line breaks (as spaces in a one-line
    /// field), tabs as spaces, other control characters left out. A paste that does not fit
    /// under `TEXT_LIMIT` is refused whole, with why, rather than cut.
    pub fn paste(&mut self, text: &str) -> Result<(), String> {
        let text = self.cleaned(text);
        let room = TEXT_LIMIT.saturating_sub(self.chars);
        let length = text.chars().count();
        if length > room {
            return Err(format!(
                "Nothing was pasted: it has {length} characters; this field has room for {room} more."
            ));
        }
        self.insert(&text);
        Ok(())
    }

    /// `text` as this field takes it.
    fn cleaned(&self, text: &str) -> String {
        let text = crate::text::expand_tabs(text.replace("\r\n", "\n").replace('\r', "\n"));
        text.chars()
            .filter_map(|c| match c {
                '\n' if self.takes == Lines::One => Some(' '),
                '\n' => Some('\n'),
                c if c.is_control() => None,
                c => Some(c),
            })
            .collect()
    }

    /// Inserts `text` (already cleaned) at the cursor and moves the cursor past it.
    fn insert(&mut self, text: &str) {
        let mut pieces = text.split('\n');
        let first = pieces.next().unwrap_or_default();
        let rest: Vec<&str> = pieces.collect();
        self.chars += text.chars().count();
        self.lines[self.row].insert_str(self.col, first);
        self.col += first.len();
        if let Some((last, middle)) = rest.split_last() {
            let tail = self.lines[self.row].split_off(self.col);
            let mut new_lines: Vec<String> = middle.iter().map(|s| s.to_string()).collect();
            new_lines.push(format!("{last}{tail}"));
            let at = self.row + 1;
            self.row += new_lines.len();
            self.col = last.len();
            self.lines.splice(at..at, new_lines);
        }
    }

    /// Deletes from the cursor to `end` (after it, on the same or a later line).
    fn delete_to(&mut self, (end_row, end_col): (usize, usize)) {
        if (end_row, end_col) <= (self.row, self.col) {
            return;
        }
        if end_row == self.row {
            let removed = self.lines[self.row].drain(self.col..end_col);
            self.chars -= removed.as_str().chars().count();
            return;
        }
        let tail = self.lines[end_row].split_off(end_col);
        let removed: Vec<String> = self.lines.drain(self.row + 1..=end_row).collect();
        let cut = self.lines[self.row].split_off(self.col);
        self.chars -= cut.chars().count()
            + removed.iter().map(|l| l.chars().count()).sum::<usize>()
            + removed.len();
        self.lines[self.row].push_str(&tail);
    }

    fn left(&mut self) {
        if let Some(c) = self.lines[self.row][..self.col].chars().next_back() {
            self.col -= c.len_utf8();
        } else if self.row > 0 {
            self.row -= 1;
            self.col = self.lines[self.row].len();
        }
    }

    fn right(&mut self) {
        if let Some(c) = self.lines[self.row][self.col..].chars().next() {
            self.col += c.len_utf8();
        } else if self.row + 1 < self.lines.len() {
            self.row += 1;
            self.col = 0;
        }
    }

    /// One row up (`step` -1) or down (1), as the field was last drawn, at the same column or
    /// as near as the row allows; false, and the cursor stays, on the first row going up or
    /// the last going down: the form then moves to the field before or after.
    pub fn vertical(&mut self, step: isize) -> bool {
        let width = self.width.get();
        let here = wrap(&self.lines[self.row], width);
        let at = here
            .iter()
            .rposition(|(start, _)| *start <= self.col)
            .unwrap_or(0);
        let column = *self
            .goal
            .get_or_insert_with(|| self.lines[self.row][here[at].0..self.col].width());
        let (line, rows, to) = match (step < 0, at) {
            (true, 0) if self.row == 0 => return false,
            (true, 0) => {
                let rows = wrap(&self.lines[self.row - 1], width);
                (self.row - 1, rows.len(), rows.len() - 1)
            }
            (true, _) => (self.row, here.len(), at - 1),
            (false, _) if at + 1 < here.len() => (self.row, here.len(), at + 1),
            (false, _) if self.row + 1 == self.lines.len() => return false,
            (false, _) => (
                self.row + 1,
                wrap(&self.lines[self.row + 1], width).len(),
                0,
            ),
        };
        let (start, end) = wrap(&self.lines[line], width)[to];
        let text = &self.lines[line];
        // A row that a later one continues ends before its last character: the cursor after
        // it is the next row's start.
        let last = if to + 1 < rows {
            text[..end]
                .char_indices()
                .next_back()
                .map_or(start, |(i, _)| i)
        } else {
            end
        };
        let mut col = start;
        let mut used = 0;
        for (i, grapheme) in text[start..last].grapheme_indices(true) {
            let w = grapheme.width();
            if used + w > column {
                break;
            }
            used += w;
            col = start + i + grapheme.len();
        }
        self.row = line;
        self.col = col;
        true
    }

    /// To the start of the word before the cursor (across a line break).
    fn word_left(&mut self) {
        if self.col == 0 {
            self.left();
            return;
        }
        let before = &self.lines[self.row][..self.col];
        let trimmed = before.trim_end_matches(|c: char| !c.is_alphanumeric());
        self.col = trimmed
            .char_indices()
            .rev()
            .find(|(_, c)| !c.is_alphanumeric())
            .map_or(0, |(at, c)| at + c.len_utf8());
    }

    /// To the end of the word after the cursor (across a line break).
    fn word_right(&mut self) {
        let line = &self.lines[self.row];
        if self.col == line.len() {
            self.right();
            return;
        }
        let after = &line[self.col..];
        let start = after.len()
            - after
                .trim_start_matches(|c: char| !c.is_alphanumeric())
                .len();
        let end = after[start..]
            .char_indices()
            .find(|(_, c)| !c.is_alphanumeric())
            .map_or(after.len(), |(at, _)| start + at);
        self.col += end;
    }
}

/// Where `line` breaks into rows at `width` columns, as byte ranges: after the spaces between
/// words, or inside a word longer than a row. A row's text takes at most `width - 1` columns:
/// the last is kept for the cursor at the row's end and for the space at a break, which stays
/// at the end of its row, so that no row starts with it. A line is one row at width 0 (a field
/// not drawn yet) and when empty.
pub fn wrap(line: &str, width: usize) -> Vec<(usize, usize)> {
    if width == 0 {
        return vec![(0, line.len())];
    }
    let room = width.saturating_sub(1).max(1);
    let mut rows = Vec::new();
    let mut start = 0;
    let mut used = 0;
    // Where the last word of the row begins, after a space: where the row may break.
    let mut word: Option<usize> = None;
    let mut after_space = false;
    for (at, grapheme) in line.grapheme_indices(true) {
        let w = grapheme.width();
        if grapheme.chars().all(char::is_whitespace) {
            after_space = true;
            used += w;
            continue;
        }
        if after_space {
            word = Some(at);
            after_space = false;
        }
        if used + w > room && at > start {
            let cut = word.filter(|w| *w > start).unwrap_or(at);
            rows.push((start, cut));
            start = cut;
            word = None;
            used = line[cut..at].width();
            if used + w > room && at > start {
                rows.push((start, at));
                start = at;
                used = 0;
            }
        }
        used += w;
    }
    rows.push((start, line.len()));
    rows
}

/// What is typed while a selector (a choice, a team, a tick, a button) has the focus: the
/// entry it leads to, or, when it leads nowhere, kept to be shown, never dropped unsaid. The
/// letters typed on one selector add up (`tr`, `tra`…) and select the next entry with a word
/// that starts with them; once they match nothing, what follows is added to what was not
/// typed, until an arrow or another field starts again.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Seek {
    typed: String,
    /// What was typed since it stopped matching.
    missed: String,
    /// Which selector it was typed on, as the form numbers its fields, and the entry it left
    /// selected: when either has changed since (another field, an arrow), typing starts again.
    on: Option<(usize, usize)>,
}

impl Seek {
    /// `c` typed on selector `on`, whose entries are `labels` and whose current entry is
    /// `current`: the entry to select; or everything typed there that matched nothing, which
    /// the form shows (`not_typed`).
    pub fn type_char(
        &mut self,
        on: usize,
        c: char,
        labels: &[String],
        current: usize,
    ) -> Result<usize, String> {
        if self.on != Some((on, current)) {
            self.typed.clear();
            self.missed.clear();
        }
        self.on = Some((on, current));
        if !self.missed.is_empty() {
            self.missed.push(c);
            return Err(self.missed.clone());
        }
        self.typed.push(c);
        let typed = self.typed.to_lowercase();
        let find = |typed: &str, from: usize| {
            let count = labels.len().max(1);
            (0..labels.len())
                .map(|k| (from + k) % count)
                .find(|&i| matches(&labels[i].to_lowercase(), typed))
        };
        // A letter more keeps the entry while it still matches; a first letter moves on, and
        // so does the same letter again (`p`, `p`: the next entry with a p), as list boxes do.
        let mut letters = typed.chars();
        let first = letters.next().unwrap_or(c);
        let found = if letters.clone().next().is_none() {
            find(&typed, current + 1)
        } else if letters.all(|l| l == first) {
            find(&typed, current).or_else(|| find(&first.to_string(), current + 1))
        } else {
            // Letters that no longer match together start again from the last one, if it
            // leads somewhere (`i` then `u`: the entry with a u).
            find(&typed, current).or_else(|| {
                let last: String = c.to_lowercase().collect();
                let found = find(&last, current + 1);
                if found.is_some() {
                    self.typed = c.to_string();
                }
                found
            })
        };
        match found {
            Some(i) => {
                self.on = Some((on, i));
                Ok(i)
            }
            None => {
                // What was typed before did its work (it chose an entry); this did not.
                self.typed.clear();
                self.missed = c.to_string();
                Err(self.missed.clone())
            }
        }
    }

    /// Backspace on selector `on` at entry `current`: takes back the last character typed
    /// there; false when nothing typed there is left to take back.
    pub fn backspace(&mut self, on: usize, current: usize) -> bool {
        if self.on != Some((on, current)) {
            return false;
        }
        self.missed.pop().is_some() || self.typed.pop().is_some()
    }

    /// Whether a space typed on selector `on` at entry `current` belongs to what is being
    /// typed there (text that matched nothing goes on; a label goes on with a space, as in
    /// `area for`), rather than ticking or stepping the selector.
    pub fn takes_space(&self, on: usize, current: usize, labels: &[String]) -> bool {
        if self.on != Some((on, current)) {
            return false;
        }
        if !self.missed.is_empty() {
            return true;
        }
        let typed = format!("{} ", self.typed.to_lowercase());
        !self.typed.is_empty() && labels.iter().any(|l| matches(&l.to_lowercase(), &typed))
    }

    /// What has been typed on selector `on` at entry `current` and still matches, to show
    /// beside it.
    pub fn typed(&self, on: usize, current: usize) -> Option<&str> {
        (self.on == Some((on, current)) && !self.typed.is_empty()).then_some(self.typed.as_str())
    }
}

/// Whether `typed` starts `label` or one of its words (both in lower case).
fn matches(label: &str, typed: &str) -> bool {
    label.starts_with(typed)
        || label
            .match_indices(|c: char| !c.is_alphanumeric())
            .any(|(i, sep)| label[i + sep.len()..].starts_with(typed))
}

/// What a form says when what was typed on a selector went nowhere: the text itself, so that
/// nothing typed is lost unsaid, and `why`.
pub fn not_typed(typed: &str, why: &str) -> String {
    format!("\"{typed}\" was not typed: {why}")
}

/// A field whose text must be one of a few choices (a scenario field with `choices`): chosen
/// with the arrows or by typing a choice's first letter, never typed, so that no other text can
/// be sent. Nothing chosen is a blank field.
#[derive(Debug, Clone, PartialEq)]
pub struct Choice {
    options: Vec<String>,
    chosen: Option<usize>,
}

impl Choice {
    pub fn new(options: &[String]) -> Self {
        Choice {
            options: options.to_vec(),
            chosen: None,
        }
    }

    /// The choice made, or blank.
    pub fn text(&self) -> &str {
        self.chosen.map_or("", |i| self.options[i].as_str())
    }

    pub fn options(&self) -> &[String] {
        &self.options
    }

    /// One step through nothing chosen, then each choice in order, and round again.
    pub fn step(&mut self, step: isize) {
        let places = self.options.len() as isize + 1;
        let at = self.chosen.map_or(0, |i| i as isize + 1);
        let next = (at + step).rem_euclid(places);
        self.chosen = (next > 0).then(|| next as usize - 1);
    }

    /// Nothing chosen: the field is blank again.
    pub fn clear(&mut self) {
        self.chosen = None;
    }

    /// The entries as ← → step through them, for typing to seek among: nothing chosen,
    /// then each choice.
    pub fn entries(&self) -> Vec<String> {
        std::iter::once("none".to_string())
            .chain(self.options.iter().cloned())
            .collect()
    }

    /// The entry selected, as `entries` numbers them.
    pub fn entry(&self) -> usize {
        self.chosen.map_or(0, |i| i + 1)
    }

    pub fn set_entry(&mut self, entry: usize) {
        self.chosen = entry.checked_sub(1).filter(|i| *i < self.options.len());
    }

    /// Pasted text chooses the choice it is (trimmed, as the engine compares); any other text
    /// is refused with the choices named.
    pub fn paste(&mut self, text: &str) -> Result<(), String> {
        match self.options.iter().position(|o| o == text.trim()) {
            Some(i) => {
                self.chosen = Some(i);
                Ok(())
            }
            None => Err(format!(
                "Nothing was pasted: this field takes one of {} (← → choose).",
                self.options.join(", ")
            )),
        }
    }
}

/// Fields ticked in a list: those a clarification or a judgement finds insufficient.
#[derive(Debug, Clone, PartialEq)]
pub struct Ticks {
    names: Vec<String>,
    ticked: Vec<bool>,
}

impl Ticks {
    /// The fields `names`, those in `ticked` already ticked.
    pub fn new(names: &[String], ticked: &[String]) -> Self {
        Ticks {
            ticked: names.iter().map(|n| ticked.contains(n)).collect(),
            names: names.to_vec(),
        }
    }

    pub fn len(&self) -> usize {
        self.names.len()
    }

    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    pub fn toggle(&mut self, i: usize) {
        if let Some(tick) = self.ticked.get_mut(i) {
            *tick = !*tick;
        }
    }

    /// Each field with whether it is ticked, in the action's order.
    pub fn items(&self) -> impl Iterator<Item = (&str, bool)> {
        self.names
            .iter()
            .map(String::as_str)
            .zip(self.ticked.iter().copied())
    }

    /// The names ticked, in the action's order.
    pub fn ticked(&self) -> Vec<String> {
        self.items()
            .filter(|(_, ticked)| *ticked)
            .map(|(name, _)| name.to_string())
            .collect()
    }
}

/// How many words a text has, as `min_words` counts them: runs of non-whitespace.
pub fn words(text: &str) -> usize {
    text.split_whitespace().count()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn typed(keys: &[Key]) -> TextField {
        let mut field = TextField::new("");
        for key in keys {
            field.type_key(*key);
        }
        field
    }

    fn chars(text: &str) -> Vec<Key> {
        text.chars()
            .map(|c| if c == '\n' { Key::Enter } else { Key::Char(c) })
            .collect()
    }

    #[test]
    fn typing_moving_and_deleting() {
        let mut field = typed(&chars("héllo wörld\nsecond"));
        assert_eq!(field.text(), "héllo wörld\nsecond");
        assert_eq!(field.cursor(), (1, 6));
        field.type_key(Key::Up);
        assert_eq!(field.cursor(), (0, 6));
        field.type_key(Key::Alt('f'));
        assert_eq!(field.cursor(), (0, 11));
        field.type_key(Key::Ctrl('w'));
        assert_eq!(field.text(), "héllo \nsecond");
        field.type_key(Key::Delete);
        assert_eq!(field.text(), "héllo second");
        field.type_key(Key::Backspace);
        assert_eq!(field.text(), "héllosecond");
        field.type_key(Key::Alt('b'));
        assert_eq!(field.cursor(), (0, 0));
        field.type_key(Key::Alt('f'));
        assert_eq!(field.cursor(), (0, 11));
        field.type_key(Key::Home);
        field.type_key(Key::Right);
        field.type_key(Key::Right);
        field.type_key(Key::Right);
        field.type_key(Key::Right);
        field.type_key(Key::Right);
        field.type_key(Key::Ctrl('k'));
        assert_eq!(field.text(), "héllo");
        field.type_key(Key::Ctrl('u'));
        assert_eq!((field.text().as_str(), field.chars()), ("", 0));
    }

    #[test]
    fn a_one_line_field_takes_no_line_break() {
        let mut field = TextField::line("");
        field.type_key(Key::Char('a'));
        field.type_key(Key::Enter);
        field.paste("b\nc").unwrap();
        assert_eq!(field.text(), "ab c");
    }

    #[test]
    fn a_field_holds_at_most_its_limit() {
        let mut field = TextField::new("");
        field.paste(&"x".repeat(TEXT_LIMIT - 1)).unwrap();
        field.type_key(Key::Enter);
        field.type_key(Key::Char('y'));
        assert_eq!(field.chars(), TEXT_LIMIT);
        assert!(field.paste("z").is_err());
        field.type_key(Key::Backspace);
        field.type_key(Key::Char('y'));
        assert_eq!(field.text().chars().filter(|c| *c == 'y').count(), 1);
        assert_eq!(field.chars(), TEXT_LIMIT);
    }

    #[test]
    fn a_choice_is_chosen_never_typed() {
        let options = ["routine".to_string(), "urgent".into(), "immediate".into()];
        let mut choice = Choice::new(&options);
        assert_eq!(choice.text(), "");
        choice.step(1);
        assert_eq!(choice.text(), "routine");
        choice.step(-2);
        assert_eq!(choice.text(), "immediate");
        choice.step(1);
        assert_eq!(choice.text(), "", "round to nothing chosen");
        choice.set_entry(2);
        assert_eq!((choice.text(), choice.entry()), ("urgent", 2));
        choice.set_entry(0);
        assert_eq!(choice.text(), "");
        choice.set_entry(2);
        assert!(choice.paste("very urgent").is_err());
        choice.paste(" routine ").unwrap();
        assert_eq!(choice.text(), "routine");
    }

    #[test]
    fn ticks_keep_the_actions_order() {
        let names = ["summary".to_string(), "indicators".into(), "contact".into()];
        let mut ticks = Ticks::new(&names, &["contact".to_string()]);
        ticks.toggle(0);
        assert_eq!(ticks.ticked(), ["summary", "contact"]);
        ticks.toggle(2);
        assert_eq!(ticks.ticked(), ["summary"]);
        assert_eq!(words("  203.0.113.7\tat 02:14 "), 3);
    }

    fn rows_of(line: &str, width: usize) -> Vec<&str> {
        wrap(line, width)
            .into_iter()
            .map(|(s, e)| &line[s..e])
            .collect()
    }

    #[test]
    fn lines_wrap_at_words_with_a_column_kept_for_the_cursor() {
        assert_eq!(rows_of("hello world", 8), ["hello ", "world"]);
        assert_eq!(rows_of("hello world", 12), ["hello world"]);
        assert_eq!(rows_of("hello world", 11), ["hello ", "world"]);
        assert_eq!(rows_of("a bb ccc dddd", 7), ["a bb ", "ccc ", "dddd"]);
        assert_eq!(rows_of("abcdefghij", 5), ["abcd", "efgh", "ij"]);
        assert_eq!(rows_of("see abcdefghij", 6), ["see ", "abcde", "fghij"]);
        assert_eq!(rows_of("ab犬猫", 4), ["ab", "犬", "猫"]);
        assert_eq!(rows_of("犬猫 ok", 6), ["犬猫 ", "ok"]);
        assert_eq!(rows_of("", 10), [""]);
        assert_eq!(rows_of("not drawn yet", 0), ["not drawn yet"]);
    }

    /// A field drawn `width` columns wide, as `widgets::text_area` leaves it.
    fn drawn(text: &str, width: usize) -> TextField {
        let field = TextField::new("").with_text(text);
        field.shown(width, 3, 0, 0);
        field
    }

    #[test]
    fn the_cursor_is_placed_on_wrapped_rows_by_display_width() {
        let mut field = drawn("日本語 text wraps", 10);
        let rows = field.rows(10);
        let shown: Vec<&str> = rows
            .iter()
            .map(|r| &field.lines()[r.line][r.start..r.end])
            .collect();
        assert_eq!(shown, ["日本語 ", "text ", "wraps"]);
        assert_eq!(field.cursor_cell(&rows), (2, 5));
        field.type_key(Key::Home);
        assert_eq!(field.cursor_cell(&rows), (0, 0));
        field.type_key(Key::Right);
        field.type_key(Key::Right);
        assert_eq!(field.cursor_cell(&rows), (0, 4), "two wide characters");
        // After the space at a break: the start of the next row, where typing goes.
        for _ in 0..2 {
            field.type_key(Key::Right);
        }
        assert_eq!(field.cursor_cell(&rows), (1, 0));
    }

    #[test]
    fn up_and_down_move_by_rows_as_drawn_and_say_when_at_an_edge() {
        let mut field = drawn("one two three\nfour", 9);
        // Rows: "one two ", "three", "four".
        assert_eq!(field.cursor(), (1, 4));
        assert!(field.vertical(-1));
        assert_eq!(
            field.cursor(),
            (0, 12),
            "to the same column of the row above"
        );
        assert!(field.vertical(-1));
        assert_eq!(field.cursor(), (0, 4));
        assert!(
            !field.vertical(-1),
            "the first row: the form moves the focus"
        );
        assert_eq!(field.cursor(), (0, 4));
        field.type_key(Key::End);
        field.type_key(Key::Home);
        field.type_key(Key::Alt('f'));
        field.type_key(Key::Alt('f'));
        assert_eq!(field.cursor(), (0, 7));
        // A row that goes on below ends before its last character: "two" then the break.
        assert!(field.vertical(1));
        assert_eq!(field.cursor(), (0, 13), "the end of \"three\"");
        assert!(field.vertical(1));
        assert_eq!(field.cursor(), (1, 4));
        assert!(!field.vertical(1), "the last row");
        // The column kept through a shorter row.
        let mut field = drawn("abcdefgh\nab\nabcdefgh", 0);
        field.type_key(Key::Up);
        field.type_key(Key::Up);
        field.type_key(Key::End);
        assert!(field.vertical(1));
        assert_eq!(field.cursor(), (1, 2));
        assert!(field.vertical(1));
        assert_eq!(field.cursor(), (2, 8));
    }

    #[test]
    fn ctrl_arrows_and_alt_enter_edit_as_their_letters_do() {
        let mut field = TextField::new("");
        for key in chars("one two") {
            field.type_key(key);
        }
        field.type_key(Key::CtrlLeft);
        assert_eq!(field.cursor(), (0, 4));
        field.type_key(Key::CtrlRight);
        assert_eq!(field.cursor(), (0, 7));
        field.type_key(Key::AltEnter);
        assert_eq!(field.text(), "one two\n");
    }

    #[test]
    fn typing_on_a_selector_seeks_its_entries_and_keeps_what_matches_nothing() {
        let labels: Vec<String> = ["none", "Training", "Organisation and equipment", "Planning"]
            .map(String::from)
            .to_vec();
        let mut seek = Seek::default();
        assert_eq!(seek.type_char(2, 't', &labels, 0), Ok(1));
        assert_eq!(seek.type_char(2, 'r', &labels, 1), Ok(1));
        assert_eq!(seek.typed(2, 1), Some("tr"));
        assert!(
            !seek.takes_space(2, 1, &labels),
            "no label goes on with `tr `"
        );
        let areas = ["strength".to_string(), "area for improvement".into()];
        let mut kind = Seek::default();
        let mut at = 0;
        for c in "area".chars() {
            at = kind.type_char(0, c, &areas, at).unwrap();
        }
        assert_eq!(at, 1);
        assert!(kind.takes_space(0, 1, &areas), "`area for`");
        assert_eq!(seek.type_char(2, 'x', &labels, 1), Err("x".to_string()));
        assert!(
            seek.takes_space(2, 1, &labels),
            "text that matched nothing goes on"
        );
        assert_eq!(seek.type_char(2, ' ', &labels, 1), Err("x ".to_string()));
        assert_eq!(
            seek.type_char(2, 'p', &labels, 1),
            Err("x p".to_string()),
            "once nothing matches, what follows is not typed either"
        );
        assert!(seek.backspace(2, 1) && seek.backspace(2, 1));
        assert_eq!(seek.type_char(2, 'a', &labels, 1), Err("xa".to_string()));
        for _ in 0..2 {
            assert!(seek.backspace(2, 1));
        }
        assert!(!seek.backspace(2, 1), "nothing typed left");
        assert_eq!(seek.type_char(2, 'o', &labels, 1), Ok(2));
        // An arrow moved the selector: typing starts again.
        assert_eq!(seek.type_char(2, 'P', &labels, 3), Ok(3));
        assert_eq!(
            seek.type_char(2, 'p', &labels, 3),
            Ok(3),
            "the only one with a p"
        );
        assert_eq!(seek.type_char(2, 'o', &labels, 3), Ok(2), "p, p, then o");
        let mut seek = Seek::default();
        assert_eq!(
            seek.type_char(0, 'e', &labels, 0),
            Ok(2),
            "a word inside a label"
        );
        assert_eq!(
            seek.type_char(4, 'n', &labels, 2),
            Ok(0),
            "round to the start"
        );
        assert_eq!(
            seek.type_char(4, 'p', &labels, 0),
            Ok(3),
            "starts again from p"
        );
        assert_eq!(seek.typed(4, 3), Some("p"));
        assert_eq!(
            seek.type_char(1, 'o', &labels, 3),
            Ok(2),
            "another selector"
        );
        assert_eq!(
            seek.type_char(5, 'z', &[], 0),
            Err("z".to_string()),
            "a button"
        );
        assert!(not_typed("trx", "why").contains("\"trx\" was not typed"));
    }

    fn key() -> impl Strategy<Value = Key> {
        prop_oneof![
            4 => prop_oneof![Just('a'), Just('é'), Just('👍'), Just(' '), Just('-')].prop_map(Key::Char),
            1 => Just(Key::Enter),
            1 => Just(Key::Backspace),
            1 => Just(Key::Delete),
            1 => Just(Key::Left),
            1 => Just(Key::Right),
            1 => Just(Key::Up),
            1 => Just(Key::Down),
            1 => Just(Key::Home),
            1 => Just(Key::End),
            1 => Just(Key::Alt('b')),
            1 => Just(Key::Alt('f')),
            1 => Just(Key::Ctrl('w')),
            1 => Just(Key::Ctrl('k')),
            1 => Just(Key::Ctrl('u')),
        ]
    }

    proptest! {
        /// Rows are the line, in order, nothing left out; each fits its width but for the
        /// spaces at its break and a character wider than a row; the cursor is on one of them.
        #[test]
        fn rows_cover_the_line_and_fit(line in "[a-z 犬é]{0,60}", width in 1usize..20) {
            let rows = wrap(&line, width);
            prop_assert_eq!(rows[0].0, 0);
            prop_assert_eq!(rows[rows.len() - 1].1, line.len());
            for pair in rows.windows(2) {
                prop_assert_eq!(pair[0].1, pair[1].0);
                prop_assert!(pair[0].0 < pair[0].1);
            }
            for (s, e) in &rows {
                let text = line[*s..*e].trim_end();
                prop_assert!(text.width() < width.max(2) || text.chars().count() == 1, "{:?}", text);
            }
            let field = TextField::new("").with_text(&line);
            let all = field.rows(width);
            let (row, _) = field.cursor_cell(&all);
            prop_assert_eq!(row, all.len() - 1);
        }

        /// Whatever is typed, the kept count is the text's, the cursor is on a character
        /// boundary of an existing line, and pasting text at the cursor puts it there whole.
        #[test]
        fn the_count_and_cursor_stay_true(keys in proptest::collection::vec(key(), 0..200), paste in "[a-z\n]{0,20}") {
            let mut field = typed(&keys);
            let text = field.text();
            prop_assert_eq!(field.chars(), text.chars().count());
            prop_assert!(field.row < field.lines.len());
            prop_assert!(field.lines[field.row].is_char_boundary(field.col));
            let offset: usize = field.lines[..field.row].iter().map(|l| l.len() + 1).sum::<usize>() + field.col;
            field.paste(&paste).unwrap();
            prop_assert_eq!(field.text(), format!("{}{}{}", &text[..offset], paste, &text[offset..]));
            prop_assert_eq!(field.chars(), field.text().chars().count());
        }
    }
}
