//! What waits for the next animation frame: the rows that changed and the host callbacks of the
//! messages that appear with them. A fast stream costs one view update per frame.

use super::notes::Note;
use crate::transcript::Transcript;
use crate::ui::ViewModel;

/// The view and the changes not yet pushed into it.
pub(super) struct FrameQueue {
    vm: ViewModel,
    /// Rows changed since the last frame, in change order (a row changing again right after
    /// itself is listed once).
    dirty: Vec<usize>,
    /// Host callbacks that fire with the next frame (when their rows appear).
    notes: Vec<Note>,
    /// A frame is already requested.
    pending: bool,
}

impl FrameQueue {
    pub(super) fn new(vm: ViewModel) -> Self {
        FrameQueue {
            vm,
            dirty: Vec::new(),
            notes: Vec::new(),
            pending: false,
        }
    }

    /// The view (a cheap handle).
    pub(super) fn vm(&self) -> &ViewModel {
        &self.vm
    }

    /// Marks row `index` for the next frame (a streamed row repeats: pushed once per run).
    pub(super) fn mark_dirty(&mut self, index: usize) {
        if self.dirty.last() != Some(&index) {
            self.dirty.push(index);
        }
    }

    /// Runs `note` with the next frame.
    pub(super) fn note(&mut self, note: Note) {
        self.notes.push(note);
    }

    /// Whether a frame must be requested now (something waits and none is requested yet);
    /// counts it as requested.
    pub(super) fn request(&mut self) -> bool {
        if self.pending || (self.dirty.is_empty() && self.notes.is_empty()) {
            return false;
        }
        self.pending = true;
        true
    }

    /// The frame: pushes the changed rows of `transcript` into the view; returns the callbacks
    /// to run.
    pub(super) fn flush(&mut self, transcript: &Transcript, epoch: u32) -> Vec<Note> {
        self.pending = false;
        // In no particular order; a row marked twice is brought up to date twice (cheap: it
        // shows the same entry).
        let dirty = std::mem::take(&mut self.dirty);
        self.vm.sync(transcript, &dirty, epoch);
        std::mem::take(&mut self.notes)
    }

    /// Drops the callbacks waiting (the widget is going away).
    pub(super) fn drop_notes(&mut self) {
        self.notes.clear();
    }

    /// Forgets every row and waiting callback ("Start new chat").
    pub(super) fn reset(&mut self) {
        self.notes.clear();
        self.dirty.clear();
        self.vm.reset();
    }
}
