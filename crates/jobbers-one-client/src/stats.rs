//! Accessors of [`types::Stats`] with the names the wire misspells.

use crate::types;

impl types::Stats {
    /// Returns the average rating that clients gave to their conversations.
    ///
    /// The wire field is spelled `avergage_conversation_rating`, and so is the generated
    /// field that keeps the wire name.
    pub fn average_conversation_rating(&self) -> f64 {
        self.avergage_conversation_rating
    }
}
