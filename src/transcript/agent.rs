//! Agent rows: streamed messages keyed by `generation_id`, tool calls keyed by `call_id`.

use super::entry::{AgentMessage, EntryKind, ToolCall, ToolCallStatus};
use super::{Change, Transcript};

impl Transcript {
    fn agent_mut(&mut self, generation_id: &str) -> Option<(usize, &mut AgentMessage)> {
        let index = *self.generations.get(generation_id)?;
        match &mut self.entries.get_mut(index)?.kind {
            EntryKind::Agent(message) => Some((index, message)),
            _ => None,
        }
    }

    pub(super) fn delta(&mut self, generation_id: &str, text_delta: &str, at: i64) -> Change {
        let last_call = self.last_call_row;
        if let Some((index, message)) = self.agent_mut(generation_id) {
            if message.done {
                return Change::None;
            }
            if last_call.is_none_or(|call| call < index) {
                message.text.push_str(text_delta);
                return Change::Updated(index);
            }
            // A tool call came after this row: finish it and go on below the call.
            message.done = true;
            let added = self.entries.len();
            self.generations.insert(generation_id.to_owned(), added);
            self.push(agent_row(generation_id, text_delta, Some(index)), at);
            return Change::Continued {
                closed: index,
                added,
            };
        }
        self.open_generations += 1;
        self.generations
            .insert(generation_id.to_owned(), self.entries.len());
        self.push(agent_row(generation_id, text_delta, None), at)
    }

    /// The generation's text in the rows before `row` (the rows it continues), oldest first.
    fn earlier_text(&self, mut row: usize) -> String {
        let mut parts = Vec::new();
        while let Some(EntryKind::Agent(AgentMessage {
            continues: Some(previous),
            ..
        })) = self.entries.get(row).map(|e| &e.kind)
        {
            if let Some(EntryKind::Agent(m)) = self.entries.get(*previous).map(|e| &e.kind) {
                parts.push(m.text.as_str());
            }
            row = *previous;
        }
        parts.into_iter().rev().collect()
    }

    pub(super) fn completed(
        &mut self,
        gen: &str,
        text: &str,
        interrupted: bool,
        tools: bool,
        at: i64,
    ) -> Change {
        if let Some(index) = self.generations.get(gen).copied() {
            // Rows before a tool call keep their part; this row gets the rest of the final text
            // (all of it if the final text does not start with their parts).
            let earlier = self.earlier_text(index);
            let rest = text.strip_prefix(earlier.as_str()).unwrap_or(text);
            if let Some(EntryKind::Agent(message)) =
                self.entries.get_mut(index).map(|e| &mut e.kind)
            {
                let was_open = !message.done;
                message.text = rest.to_owned();
                message.done = true;
                message.interrupted = interrupted;
                message.has_tool_calls = tools;
                if was_open {
                    self.open_generations -= 1;
                }
                return Change::Updated(index);
            }
        }
        self.generations.insert(gen.to_owned(), self.entries.len());
        let mut finished = agent_row(gen, text, None);
        if let EntryKind::Agent(m) = &mut finished {
            m.done = true;
            m.interrupted = interrupted;
            m.has_tool_calls = tools;
        }
        self.push(finished, at)
    }

    pub(super) fn tool_call(
        &mut self,
        call_id: &str,
        name: &str,
        arguments: &str,
        returned: Option<(&Option<String>, &Option<String>)>,
        at: i64,
    ) -> Change {
        let existing = self.calls.get(call_id).copied();
        if let Some(index) = existing {
            if let Some(EntryKind::ToolCall(call)) =
                self.entries.get_mut(index).map(|e| &mut e.kind)
            {
                let Some((result, error)) = returned else {
                    return Change::None;
                };
                call.result = result.clone();
                call.error = error.clone();
                call.status = ToolCallStatus::Returned;
                return Change::Updated(index);
            }
        }
        let (result, error, status) = match returned {
            Some((result, error)) => (result.clone(), error.clone(), ToolCallStatus::Returned),
            None => (None, None, ToolCallStatus::Running),
        };
        self.calls.insert(call_id.to_owned(), self.entries.len());
        self.last_call_row = Some(self.entries.len());
        let call = ToolCall {
            call_id: call_id.to_owned(),
            name: name.to_owned(),
            arguments: arguments.to_owned(),
            result,
            error,
            status,
        };
        self.push(EntryKind::ToolCall(call), at)
    }
}

/// A new, open agent row.
fn agent_row(generation_id: &str, text: &str, continues: Option<usize>) -> EntryKind {
    EntryKind::Agent(AgentMessage {
        generation_id: generation_id.to_owned(),
        text: text.to_owned(),
        done: false,
        interrupted: false,
        has_tool_calls: false,
        continues,
    })
}
