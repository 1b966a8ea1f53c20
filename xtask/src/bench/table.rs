//! Tables of results, as Markdown (results.md, README) and as aligned text (the terminal).

/// A titled table: a header row and rows of cells, plus notes printed under it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Table {
    pub title: String,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
    pub notes: Vec<String>,
}

impl Table {
    /// An empty table with these column headers.
    pub fn new(title: &str, headers: &[&str]) -> Self {
        Self {
            title: title.to_string(),
            headers: headers.iter().map(|h| h.to_string()).collect(),
            ..Self::default()
        }
    }

    /// Adds a row (missing cells are shown empty, extra ones dropped).
    pub fn row(&mut self, cells: Vec<String>) {
        let mut cells = cells;
        cells.resize(self.headers.len(), String::new());
        self.rows.push(cells);
    }

    /// Adds a note printed under the table.
    pub fn note(&mut self, note: impl Into<String>) {
        self.notes.push(note.into());
    }

    /// GitHub Markdown: `### title`, the table (pipes in cells escaped), then the notes.
    pub fn markdown(&self) -> String {
        let esc = |c: &str| c.replace('|', "\\|");
        let line = |cells: &[String]| {
            let inner: Vec<String> = cells.iter().map(|c| esc(c)).collect();
            format!("| {} |\n", inner.join(" | "))
        };
        let mut out = format!("### {}\n\n", self.title);
        out.push_str(&line(&self.headers));
        let rule: Vec<String> = self.headers.iter().map(|_| "---".to_string()).collect();
        out.push_str(&format!("|{}|\n", rule.join("|")));
        for row in &self.rows {
            out.push_str(&line(row));
        }
        for note in &self.notes {
            out.push_str(&format!("\n{note}\n"));
        }
        out
    }

    /// Columns padded to their widest cell (by characters), for the terminal.
    pub fn text(&self) -> String {
        let width = |i: usize| {
            std::iter::once(&self.headers)
                .chain(&self.rows)
                .map(|r| r.get(i).map_or(0, |c| c.chars().count()))
                .max()
                .unwrap_or(0)
        };
        let widths: Vec<usize> = (0..self.headers.len()).map(width).collect();
        let line = |cells: &[String]| {
            let padded: Vec<String> = cells
                .iter()
                .zip(&widths)
                .map(|(c, w)| format!("{c}{}", " ".repeat(w - c.chars().count())))
                .collect();
            format!("  {}\n", padded.join("  ").trim_end())
        };
        let mut out = format!("{}\n", self.title);
        out.push_str(&line(&self.headers));
        for row in &self.rows {
            out.push_str(&line(row));
        }
        for note in &self.notes {
            out.push_str(&format!("  note: {note}\n"));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::Table;

    fn sample() -> Table {
        let mut t = Table::new("Size", &["bundle", "brotli"]);
        t.row(vec!["operator-chat".into(), "90 KB".into()]);
        t.row(vec!["a|b".into()]);
        t.note("measured now");
        t
    }

    #[test]
    fn markdown_has_a_header_rule_and_escaped_pipes() {
        assert_eq!(
            sample().markdown(),
            "### Size\n\n| bundle | brotli |\n|---|---|\n| operator-chat | 90 KB |\n| a\\|b |  |\n\nmeasured now\n"
        );
    }

    #[test]
    fn text_pads_columns_to_the_widest_cell() {
        let text = sample().text();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[1], "  bundle         brotli");
        assert_eq!(lines[2], "  operator-chat  90 KB");
        assert_eq!(lines[3], "  a|b");
        assert_eq!(lines[4], "  note: measured now");
    }
}
