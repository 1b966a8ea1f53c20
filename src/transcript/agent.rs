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
        if let Some((index, message)) = self.agent_mut(generation_id) {
            if message.done {
                return Change::None;
            }
            message.text.push_str(text_delta);
            return Change::Updated(index);
        }
        self.open_generations += 1;
        self.generations
            .insert(generation_id.to_owned(), self.entries.len());
        self.push(
            EntryKind::Agent(AgentMessage {
                generation_id: generation_id.to_owned(),
                text: text_delta.to_owned(),
                done: false,
                interrupted: false,
                has_tool_calls: false,
            }),
            at,
        )
    }

    pub(super) fn completed(
        &mut self,
        gen: &str,
        text: &str,
        interrupted: bool,
        tools: bool,
        at: i64,
    ) -> Change {
        let finished = AgentMessage {
            generation_id: gen.to_owned(),
            text: text.to_owned(),
            done: true,
            interrupted,
            has_tool_calls: tools,
        };
        if let Some((index, message)) = self.agent_mut(gen) {
            let was_open = !message.done;
            *message = finished;
            if was_open {
                self.open_generations -= 1;
            }
            return Change::Updated(index);
        }
        self.generations.insert(gen.to_owned(), self.entries.len());
        self.push(EntryKind::Agent(finished), at)
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
