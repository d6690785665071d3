//! Dependencies point down: no file of `src/` imports, through any chain of imports, a file that
//! imports it back, and no module imports one of a higher layer than its own. `LAYERS` is the
//! rule; the imports are read from the source text (`use` declarations, `crate::`, `super::`
//! and `self::` paths in code, and paths through a module's own submodules), with comments and
//! literals left out; a name a module only re-exports counts as an import of the file that
//! defines it. A module's root file (`mod.rs`, or `x.rs` beside `x/`) declares its submodules
//! and shows their names: its imports of them are structure, not dependencies, so a submodule
//! may use what its root defines. Imports inside a file's unit tests (`mod tests`) are left out:
//! a test may build what it checks with a module above.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::ops::Range;
use std::path::{Path, PathBuf};

/// The top-level modules from the bottom up. A module may import its own layer and those below;
/// a circle within a layer is caught as a circle of files.
const LAYERS: &[(&str, &[&str])] = &[
    (
        "leaves, which import nothing from the crate but each other: limits, scenario time, \
         times as people read them, the wall clock, bounded file reads, the host key",
        &["limits", "secs", "text", "clock", "files", "host_key"],
    ),
    (
        "RON text with positions and its diagnostics; HTML escaping, which shows hidden \
         characters as a diagnostic does",
        &["ron_file", "html"],
    ),
    (
        "the scenario format, its validation and warnings",
        &["scenario"],
    ),
    (
        "the engine, the words that name what it holds for people, the records of a debrief and \
         of seats (with the evaluation they are checked against), the script format, and the \
         unit tests' small scenario",
        &["engine", "words", "debrief", "script", "testing"],
    ),
    (
        "adapters over the engine: files, reports, scripted and simulated runs, spreadsheets",
        &[
            "journal",
            "signature",
            "report",
            "play",
            "simulate",
            "msel",
            "library",
            "handbook",
        ],
    ),
    (
        "across exercises: journals of one agreement lined up year after year, and a profile \
         of simulated teams fitted to them",
        &["trend"],
    ),
    (
        "who may ask for what; one exercise with its clock and journal",
        &["role", "session"],
    ),
    ("the terminal screens and seats", &["tui"]),
    ("the SSH server", &["serve"]),
    (
        "the commands: each one's flags and its wiring of the library, their failures and \
         their standard output",
        &["cli"],
    ),
    (
        "the crate's root, which declares the modules, and the command line",
        &["lib", "main"],
    ),
];

/// One file's import of another: the line it is on and its text.
#[derive(Debug, Clone)]
struct Import {
    line: usize,
    text: String,
}

/// A file of `src/` and where it sits.
struct File {
    path: String,
    /// The module path of the file (`["report", "html"]`); `main.rs` is its own crate.
    module: Vec<String>,
    source: String,
    /// The source without comments and literals.
    code: String,
    /// Inline modules (`mod tests { … }`) by the byte range of their body.
    inline: Vec<(Range<usize>, String)>,
    /// The names of the items the file defines.
    defined: BTreeSet<String>,
    /// The names the file's own module brings in with `use`, which its submodules may use in
    /// turn: (name, path); a glob's name is `*`.
    uses: Vec<(String, Vec<String>)>,
}

/// Every file of `src/` and its module path.
struct Crate {
    files: Vec<File>,
    modules: BTreeMap<Vec<String>, usize>,
}

#[test]
fn dependencies_point_down() {
    let krate = Crate::read();
    let files = &krate.files;
    let mut graph: BTreeMap<usize, BTreeMap<usize, Import>> = BTreeMap::new();
    for (i, file) in files.iter().enumerate() {
        for (target, import) in krate.imports(i) {
            // A module's root declares its submodules and shows their names: structure, not a
            // dependency, so a submodule may use what its root defines.
            let into_own_submodule =
                file.path != "src/main.rs" && files[target].module.starts_with(&file.module);
            if target != i && !into_own_submodule {
                graph.entry(i).or_default().entry(target).or_insert(import);
            }
        }
    }

    let mut failures = Vec::new();
    for circle in circles(files.len(), &graph) {
        let names: Vec<&str> = circle.iter().map(|&i| files[i].path.as_str()).collect();
        let mut report = format!("circle of {} files: {}", names.len(), names.join(", "));
        for &from in &circle {
            for (to, import) in &graph[&from] {
                if circle.contains(to) {
                    report.push_str(&describe(files, from, *to, import));
                }
            }
        }
        failures.push(report);
    }

    let layer_of = layer_table();
    for (&from, targets) in &graph {
        let from_layer = layer(&layer_of, &files[from]);
        for (&to, import) in targets {
            let to_layer = layer(&layer_of, &files[to]);
            if to_layer <= from_layer {
                continue;
            }
            failures.push(format!(
                "upward import: `{}` (layer {from_layer}) imports `{}` (layer {to_layer}){}",
                top(&files[from]),
                top(&files[to]),
                describe(files, from, to, import)
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "dependencies must point down (tests/architecture.rs):\n\n{}\n",
        failures.join("\n\n")
    );
}

#[test]
fn every_top_level_module_has_a_layer() {
    let krate = Crate::read();
    let layer_of = layer_table();
    let present: BTreeSet<&str> = krate.files.iter().map(top).collect();
    let missing: Vec<&&str> = present
        .iter()
        .filter(|m| !layer_of.contains_key(**m))
        .collect();
    assert!(
        missing.is_empty(),
        "give these modules a layer in LAYERS: {missing:?}"
    );
    let gone: Vec<&&str> = layer_of.keys().filter(|m| !present.contains(**m)).collect();
    assert!(
        gone.is_empty(),
        "LAYERS lists modules that are gone: {gone:?}"
    );
}

fn describe(files: &[File], from: usize, to: usize, import: &Import) -> String {
    format!(
        "\n  {} -> {}\n    {}:{}: {}",
        files[from].path,
        files[to].path,
        files[from].path,
        import.line,
        import.text.trim()
    )
}

fn layer_table() -> BTreeMap<&'static str, usize> {
    LAYERS
        .iter()
        .enumerate()
        .flat_map(|(n, (_, modules))| modules.iter().map(move |m| (*m, n)))
        .collect()
}

/// The top-level module a file belongs to: `report` for `src/report/html.rs`.
fn top(file: &File) -> &str {
    if file.path == "src/main.rs" {
        "main"
    } else {
        file.module.first().map_or("lib", String::as_str)
    }
}

fn layer(layer_of: &BTreeMap<&str, usize>, file: &File) -> usize {
    let name = top(file);
    *layer_of
        .get(name)
        .unwrap_or_else(|| panic!("`{name}` has no layer in LAYERS"))
}

impl Crate {
    fn read() -> Crate {
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut paths = Vec::new();
        collect(&src, &mut paths);
        paths.sort();
        let files: Vec<File> = paths.iter().map(|path| File::read(&src, path)).collect();
        let modules = files
            .iter()
            .enumerate()
            .filter(|(_, f)| f.path != "src/main.rs")
            .map(|(i, f)| (f.module.clone(), i))
            .collect();
        Crate { files, modules }
    }

    /// The files a file imports, each with the first line that does, in the file's order.
    fn imports(&self, i: usize) -> Vec<(usize, Import)> {
        let file = &self.files[i];
        let code = &file.code;
        let bytes = code.as_bytes();
        let mut found = Vec::new();
        let mut use_ranges = Vec::new();
        for (start, end) in use_declarations(code) {
            use_ranges.push(start..end);
            let here = file.module_at(start);
            for (path, _) in expand_use_tree(&code[start + 3..end]) {
                if let Some(target) = self.resolve(&path, &here, i, 0) {
                    found.push((target, start));
                }
            }
        }
        let mut at = 0;
        while at < bytes.len() {
            if !is_ident_start(bytes[at]) || at > 0 && is_ident(bytes[at - 1]) {
                at += 1;
                continue;
            }
            let end = ident_end(bytes, at);
            let before = code[..at].trim_end_matches(|c: char| c.is_ascii_whitespace());
            if !before.ends_with("::")
                && code[end..].trim_start().starts_with("::")
                && !use_ranges.iter().any(|r| r.contains(&at))
            {
                let here = file.module_at(at);
                if let Some(target) = self.resolve(&path_segments(&code[at..]), &here, i, 0) {
                    found.push((target, at));
                }
            }
            at = end;
        }
        // A unit test may build what it checks with a module above (the journal reader's tests
        // write journals): the rule is about what the shipped code depends on.
        found.retain(|&(_, offset)| !file.in_unit_tests(offset));
        found.sort_by_key(|&(_, offset)| offset);
        let lines: Vec<&str> = file.source.lines().collect();
        found
            .into_iter()
            .map(|(target, offset)| {
                let line = code[..offset].matches('\n').count() + 1;
                let text = lines.get(line - 1).copied().unwrap_or_default().to_owned();
                (target, Import { line, text })
            })
            .collect()
    }

    /// The file that defines what a path names, or `None` for another crate's path. A path may
    /// start at the crate, at `self` or `super`, or at a submodule of the current module
    /// (`here`, in file `from`); a name that a module only brings in with `use` is followed to
    /// the file it comes from.
    fn resolve(
        &self,
        path: &[String],
        here: &[String],
        from: usize,
        depth: usize,
    ) -> Option<usize> {
        let is_main = self.files[from].path == "src/main.rs";
        let first = path.first()?.as_str();
        let mut absolute: Vec<String> = match first {
            "crate" if !is_main => Vec::new(),
            "ttx" if is_main => Vec::new(),
            "self" => here.to_vec(),
            "super" => {
                let mut module = here.to_vec();
                let mut rest = path;
                while rest.first().map(String::as_str) == Some("super") {
                    module.pop()?;
                    rest = &rest[1..];
                }
                module.extend(rest.iter().cloned());
                return self.deepest(&module, depth);
            }
            child => {
                let mut module = here.to_vec();
                module.push(child.to_owned());
                if is_main || !self.modules.contains_key(&module) {
                    return None;
                }
                module.extend(path[1..].iter().cloned());
                return self.deepest(&module, depth);
            }
        };
        absolute.extend(path[1..].iter().cloned());
        self.deepest(&absolute, depth)
    }

    /// The deepest module with a file on an absolute path; when the path goes on to a name the
    /// file brought in with `use`, the file that name comes from.
    fn deepest(&self, path: &[String], depth: usize) -> Option<usize> {
        let n = (0..=path.len())
            .rev()
            .find(|&n| self.modules.contains_key(&path[..n]))?;
        let found = self.modules[&path[..n]];
        let Some(name) = path.get(n) else {
            return Some(found);
        };
        if depth > 8 || self.files[found].defined.contains(name) {
            return Some(found);
        }
        let file = &self.files[found];
        for (bound, target) in &file.uses {
            if bound == name {
                let mut through = target.clone();
                through.extend(path[n + 1..].iter().cloned());
                return self
                    .resolve(&through, &file.module, found, depth + 1)
                    .or(Some(found));
            }
        }
        for (bound, target) in &file.uses {
            if bound == "*" {
                let mut through = target.clone();
                through.extend(path[n..].iter().cloned());
                if let Some(origin) = self.resolve(&through, &file.module, found, depth + 1)
                    && origin != found
                    && self.files[origin].defined.contains(name)
                {
                    return Some(origin);
                }
            }
        }
        Some(found)
    }
}

impl File {
    fn read(src: &Path, path: &Path) -> File {
        let relative = path.strip_prefix(src).expect("under src");
        let mut module: Vec<String> = relative
            .with_extension("")
            .iter()
            .map(|s| s.to_string_lossy().into_owned())
            .collect();
        if matches!(
            module.last().map(String::as_str),
            Some("mod" | "lib" | "main")
        ) {
            module.pop();
        }
        let source = fs::read_to_string(path).expect("a source file reads");
        let code = blank_comments_and_literals(&source);
        let inline = inline_modules(&code);
        let mut file = File {
            path: format!("src/{}", relative.to_string_lossy().replace('\\', "/")),
            module,
            source,
            code,
            inline,
            defined: BTreeSet::new(),
            uses: Vec::new(),
        };
        file.defined = definitions(&file.code);
        for (start, end) in use_declarations(&file.code) {
            if file.module_at(start) == file.module {
                for (path, name) in expand_use_tree(&file.code[start + 3..end]) {
                    file.uses.push((name, path));
                }
            }
        }
        file
    }

    /// Whether a byte of the file is inside its unit tests (`mod tests { … }`).
    fn in_unit_tests(&self, at: usize) -> bool {
        self.inline
            .iter()
            .any(|(range, name)| name == "tests" && range.contains(&at))
    }

    /// The module path at a byte of the file, inline modules included.
    fn module_at(&self, at: usize) -> Vec<String> {
        let mut module = self.module.clone();
        module.extend(
            self.inline
                .iter()
                .filter(|(range, _)| range.contains(&at))
                .map(|(_, name)| name.clone()),
        );
        module
    }
}

/// The names of the items a text defines.
fn definitions(code: &str) -> BTreeSet<String> {
    const KINDS: &[&str] = &[
        "fn",
        "struct",
        "enum",
        "type",
        "const",
        "static",
        "trait",
        "union",
        "mod",
        "macro_rules!",
    ];
    let mut names = BTreeSet::new();
    for kind in KINDS {
        let mut at = 0;
        while let Some(found) = find_word(code, kind, at) {
            at = found + kind.len();
            let rest = code[at..].trim_start();
            let end = ident_end(rest.as_bytes(), 0);
            names.insert(rest[..end].to_owned());
        }
    }
    names
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).expect("src reads") {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            collect(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The `use` declarations of a text, by the byte of `use` and of the closing `;`.
fn use_declarations(code: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(start) = find_word(code, "use", at) {
        let Some(end) = code[start..].find(';').map(|e| start + e) else {
            break;
        };
        out.push((start, end));
        at = end;
    }
    out
}

/// Inline modules (`mod tests { … }`) by the byte range of their body.
fn inline_modules(code: &str) -> Vec<(Range<usize>, String)> {
    let bytes = code.as_bytes();
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(start) = find_word(code, "mod", at) {
        at = start + 3;
        let rest = code[at..].trim_start();
        let name_at = code.len() - rest.len();
        let name_end = ident_end(bytes, name_at);
        let after = code[name_end..].trim_start();
        if name_end > name_at && after.starts_with('{') {
            let open = code.len() - after.len();
            let mut depth = 0;
            let mut close = code.len();
            for (i, b) in bytes.iter().enumerate().skip(open) {
                match b {
                    b'{' => depth += 1,
                    b'}' => {
                        depth -= 1;
                        if depth == 0 {
                            close = i;
                            break;
                        }
                    }
                    _ => {}
                }
            }
            out.push((open..close, code[name_at..name_end].to_owned()));
        }
    }
    out
}

/// A use tree's paths, each with the name it binds: `a::{b, c::{self, D as E}, f::*}` as
/// `a::b` (`b`), `a::c` (`c`), `a::c::D` (`E`), `a::f` (`*`).
fn expand_use_tree(tree: &str) -> Vec<(Vec<String>, String)> {
    fn expand(prefix: &[String], tree: &str, out: &mut Vec<(Vec<String>, String)>) {
        let tree = tree.trim();
        if let Some(open) = tree.find('{') {
            let mut prefix = prefix.to_vec();
            prefix.extend(segments_of(&tree[..open]));
            let inner = &tree[open + 1..tree.rfind('}').unwrap_or(tree.len())];
            let mut depth = 0;
            let mut part = String::new();
            for c in inner.chars() {
                match c {
                    '{' => depth += 1,
                    '}' => depth -= 1,
                    ',' if depth == 0 => {
                        expand(&prefix, &part, out);
                        part.clear();
                        continue;
                    }
                    _ => {}
                }
                part.push(c);
            }
            expand(&prefix, &part, out);
            return;
        }
        let mut words = tree.split_whitespace();
        let path_text: String = words.next().unwrap_or_default().to_owned();
        let alias = match (words.next(), words.next()) {
            (Some("as"), Some(alias)) => Some(alias.to_owned()),
            _ => None,
        };
        let mut path = prefix.to_vec();
        let mut glob = false;
        for segment in segments_of(&path_text) {
            match segment.as_str() {
                "*" => glob = true,
                "self" if !path.is_empty() => {}
                _ => path.push(segment),
            }
        }
        if path.is_empty() {
            return;
        }
        let name = if glob {
            "*".to_owned()
        } else {
            alias.unwrap_or_else(|| path.last().cloned().unwrap_or_default())
        };
        out.push((path, name));
    }
    fn segments_of(text: &str) -> Vec<String> {
        text.split("::")
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect()
    }
    let mut out = Vec::new();
    expand(&[], tree, &mut out);
    out
}

/// The identifiers of the path that starts the text: `crate::a::B` as `["crate", "a", "B"]`.
fn path_segments(text: &str) -> Vec<String> {
    let bytes = text.as_bytes();
    let mut segments = Vec::new();
    let mut i = 0;
    loop {
        let end = ident_end(bytes, i);
        if end == i {
            break;
        }
        segments.push(text[i..end].to_owned());
        let rest = text[end..].trim_start();
        let Some(rest) = rest.strip_prefix("::") else {
            break;
        };
        let rest = rest.trim_start();
        i = text.len() - rest.len();
    }
    segments
}

fn find_word(code: &str, word: &str, from: usize) -> Option<usize> {
    let bytes = code.as_bytes();
    let mut at = from;
    while let Some(found) = code[at..].find(word).map(|f| at + f) {
        let end = found + word.len();
        let before_ok = found == 0 || !is_ident(bytes[found - 1]);
        let after_ok = bytes.get(end).is_some_and(|b| b.is_ascii_whitespace());
        if before_ok && after_ok {
            return Some(found);
        }
        at = end;
    }
    None
}

fn ident_end(bytes: &[u8], start: usize) -> usize {
    let mut end = start;
    if end < bytes.len() && is_ident_start(bytes[end]) {
        while end < bytes.len() && is_ident(bytes[end]) {
            end += 1;
        }
    }
    end
}

fn is_ident_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_'
}

fn is_ident(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// The source with comments, strings and characters replaced by spaces, line breaks kept, so
/// lines stay those of the file.
fn blank_comments_and_literals(source: &str) -> String {
    let chars: Vec<char> = source.chars().collect();
    let mut out = String::with_capacity(source.len());
    let blank_all = |out: &mut String, cs: &[char]| {
        out.extend(cs.iter().map(|&c| if c == '\n' { '\n' } else { ' ' }));
    };
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        let end = if c == '/' && next == Some('/') {
            chars[i..]
                .iter()
                .position(|&c| c == '\n')
                .map_or(chars.len(), |p| i + p)
        } else if c == '/' && next == Some('*') {
            let mut depth = 0;
            let mut j = i;
            while j < chars.len() {
                if chars[j] == '/' && chars.get(j + 1) == Some(&'*') {
                    depth += 1;
                    j += 2;
                } else if chars[j] == '*' && chars.get(j + 1) == Some(&'/') {
                    depth -= 1;
                    j += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    j += 1;
                }
            }
            j
        } else if let Some(end) = raw_string_end(&chars, i) {
            end
        } else if c == '"' && (i == 0 || !is_ident_char(chars[i - 1]) || chars[i - 1] == 'b') {
            let mut j = i + 1;
            while j < chars.len() && chars[j] != '"' {
                j += if chars[j] == '\\' { 2 } else { 1 };
            }
            j + 1
        } else if c == '\'' {
            // A character literal ('x', '\n', '\u{1b}'), not a lifetime ('a).
            if next == Some('\\') {
                let mut j = i + 2;
                while j < chars.len() && chars[j] != '\'' {
                    j += 1;
                }
                j + 1
            } else if chars.get(i + 2) == Some(&'\'') {
                i + 3
            } else {
                i
            }
        } else {
            i
        };
        if end > i {
            let end = end.min(chars.len());
            blank_all(&mut out, &chars[i..end]);
            i = end;
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

/// The end of a raw string (`r"…"`, `r#"…"#`, `br"…"`) starting at `i`, if one does.
fn raw_string_end(chars: &[char], i: usize) -> Option<usize> {
    let start = if chars[i] == 'b' && chars.get(i + 1) == Some(&'r') {
        i + 1
    } else {
        i
    };
    if chars[start] != 'r' || (i > 0 && is_ident_char(chars[i - 1])) {
        return None;
    }
    let hashes = chars[start + 1..].iter().take_while(|&&c| c == '#').count();
    if chars.get(start + 1 + hashes) != Some(&'"') {
        return None;
    }
    let mut j = start + 2 + hashes;
    while j < chars.len() {
        if chars[j] == '"'
            && chars[j + 1..]
                .iter()
                .take(hashes)
                .filter(|&&c| c == '#')
                .count()
                == hashes
        {
            return Some(j + 1 + hashes);
        }
        j += 1;
    }
    Some(chars.len())
}

fn is_ident_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// The strongly connected components of more than one file (Tarjan's algorithm).
fn circles(count: usize, graph: &BTreeMap<usize, BTreeMap<usize, Import>>) -> Vec<Vec<usize>> {
    struct State<'g> {
        graph: &'g BTreeMap<usize, BTreeMap<usize, Import>>,
        index: Vec<Option<usize>>,
        low: Vec<usize>,
        on_stack: Vec<bool>,
        stack: Vec<usize>,
        next: usize,
        found: Vec<Vec<usize>>,
    }
    fn visit(s: &mut State, v: usize) {
        s.index[v] = Some(s.next);
        s.low[v] = s.next;
        s.next += 1;
        s.stack.push(v);
        s.on_stack[v] = true;
        let targets: Vec<usize> = s
            .graph
            .get(&v)
            .map(|t| t.keys().copied().collect())
            .unwrap_or_default();
        for w in targets {
            match s.index[w] {
                None => {
                    visit(s, w);
                    s.low[v] = s.low[v].min(s.low[w]);
                }
                Some(iw) if s.on_stack[w] => s.low[v] = s.low[v].min(iw),
                Some(_) => {}
            }
        }
        if Some(s.low[v]) == s.index[v] {
            let mut component = Vec::new();
            while let Some(w) = s.stack.pop() {
                s.on_stack[w] = false;
                component.push(w);
                if w == v {
                    break;
                }
            }
            if component.len() > 1 {
                component.sort_unstable();
                s.found.push(component);
            }
        }
    }
    let mut state = State {
        graph,
        index: vec![None; count],
        low: vec![0; count],
        on_stack: vec![false; count],
        stack: Vec::new(),
        next: 0,
        found: Vec::new(),
    };
    for v in 0..count {
        if state.index[v].is_none() {
            visit(&mut state, v);
        }
    }
    state.found
}
