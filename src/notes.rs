//! Guidance the generators print on stderr: warnings, notes and (with `--explain`) their details.

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Note,
    Warning,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    pub level: Level,
    pub text: String,
    /// Shown with `--explain` only.
    pub detail: Option<String>,
}

impl Note {
    pub fn info(text: impl Into<String>) -> Note {
        Note {
            level: Level::Note,
            text: text.into(),
            detail: None,
        }
    }
    pub fn warning(text: impl Into<String>) -> Note {
        Note {
            level: Level::Warning,
            text: text.into(),
            detail: None,
        }
    }
    pub fn with_detail(mut self, detail: impl Into<String>) -> Note {
        self.detail = Some(detail.into());
        self
    }

    /// One line (two with `explain` and a detail), prefixed `warning: ` or `note: `.
    pub fn render(&self, explain: bool) -> String {
        let prefix = match self.level {
            Level::Note => "note",
            Level::Warning => "warning",
        };
        let mut s = format!("{prefix}: {}\n", self.text);
        if explain {
            if let Some(d) = &self.detail {
                s.push_str(&format!("  {d}\n"));
            }
        }
        s
    }
}
