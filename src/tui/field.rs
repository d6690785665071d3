//! A text field's text and cursor: what a person types into a form. It holds at most
//! `TEXT_LIMIT` characters and keeps their count as it changes, and the cursor as a byte offset,
//! so that typing, deleting and moving cost the same however long the text is (a seat types on
//! the loop that serves every seat). Drawing is `widgets::text_area`'s, which shows only the part
//! around the cursor.

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

#[derive(Debug, Clone)]
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

    /// A key typed into the field: characters, line breaks (where the field takes them), the
    /// arrows, Home/End (and their Ctrl-letter forms), word moves (Alt-b/f) and deletions
    /// (Backspace, Delete, Ctrl-w a word, Ctrl-k to the line's end, Ctrl-u to its start). A
    /// character past `TEXT_LIMIT` and keys the field has no use for do nothing.
    pub fn type_key(&mut self, key: Key) {
        match key {
            Key::Char(c) if !c.is_control() && self.chars < TEXT_LIMIT => {
                self.insert(c.encode_utf8(&mut [0; 4]));
            }
            Key::Enter | Key::Ctrl('m' | 'j')
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
            Key::Up | Key::Ctrl('p') => self.vertical(-1),
            Key::Down | Key::Ctrl('n') => self.vertical(1),
            Key::Home | Key::Ctrl('a') => self.col = 0,
            Key::End | Key::Ctrl('e') => self.col = self.lines[self.row].len(),
            Key::Alt('b') => self.word_left(),
            Key::Alt('f') => self.word_right(),
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

    /// One line up or down, at the same character column or the line's end.
    fn vertical(&mut self, step: isize) {
        let Some(row) = self.row.checked_add_signed(step) else {
            return;
        };
        if row >= self.lines.len() {
            return;
        }
        let (_, column) = self.cursor();
        self.row = row;
        let line = &self.lines[row];
        self.col = line
            .char_indices()
            .nth(column)
            .map_or(line.len(), |(at, _)| at);
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

/// A field whose text must be one of a few choices (a scenario field with `choices`): chosen
/// with the arrows or by typing a choice's first letter, never typed, so that no other text can
/// be sent. Nothing chosen is a blank field.
#[derive(Debug, Clone)]
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

    /// The next choice after the one made that starts with `c` (ignoring case), as a list box
    /// takes a typed letter; false when none does.
    pub fn choose_by_initial(&mut self, c: char) -> bool {
        let starts = |option: &String| {
            option
                .chars()
                .next()
                .is_some_and(|first| first.to_lowercase().eq(c.to_lowercase()))
        };
        let count = self.options.len();
        let from = self.chosen.map_or(0, |i| i + 1);
        let found = (0..count)
            .map(|k| (from + k) % count)
            .find(|&i| starts(&self.options[i]));
        if found.is_some() {
            self.chosen = found;
        }
        found.is_some()
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
#[derive(Debug, Clone)]
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
        assert!(choice.choose_by_initial('U'));
        assert_eq!(choice.text(), "urgent");
        assert!(!choice.choose_by_initial('x'));
        assert_eq!(choice.text(), "urgent");
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
