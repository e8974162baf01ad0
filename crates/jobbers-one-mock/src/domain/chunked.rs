//! An append-only list kept in chunks of fixed capacity.

/// Items in each chunk. A chunk of pass assignments takes about 160 KiB.
const CHUNK_CAPACITY: usize = 4096;

/// An append-only list kept in chunks of [`CHUNK_CAPACITY`] items.
///
/// A `Vec` doubles as it grows and copies every item into new memory while the sandbox's lock
/// is held: at a million pass assignments, that paused every request for about 90 ms on a
/// 2-CPU machine. Here a push allocates at most one new chunk and never moves the items.
#[derive(Debug)]
pub(crate) struct ChunkedList<T> {
    chunks: Vec<Vec<T>>,
}

impl<T> Default for ChunkedList<T> {
    fn default() -> Self {
        Self { chunks: Vec::new() }
    }
}

impl<T> ChunkedList<T> {
    /// Appends `item` after the last one.
    pub(crate) fn push(&mut self, item: T) {
        match self.chunks.last_mut() {
            Some(chunk) if chunk.len() < CHUNK_CAPACITY => chunk.push(item),
            _ => {
                let mut chunk = Vec::with_capacity(CHUNK_CAPACITY);
                chunk.push(item);
                self.chunks.push(chunk);
            }
        }
    }

    /// Returns the items in the order they were pushed.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &T> {
        self.chunks.iter().flatten()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_keep_push_order() {
        let mut list = ChunkedList::default();
        for item in 0..3 * CHUNK_CAPACITY + 5 {
            list.push(item);
        }
        let items: Vec<usize> = list.iter().copied().collect();
        assert_eq!(items, (0..3 * CHUNK_CAPACITY + 5).collect::<Vec<_>>());
    }

    #[test]
    fn chunks_never_grow_past_capacity() {
        let mut list = ChunkedList::default();
        for item in 0..2 * CHUNK_CAPACITY + 1 {
            list.push(item);
        }
        let capacities: Vec<usize> = list.chunks.iter().map(Vec::capacity).collect();
        assert_eq!(capacities, [CHUNK_CAPACITY; 3]);
    }

    #[test]
    fn empty_list_has_no_items() {
        let list = ChunkedList::<u8>::default();
        assert_eq!(list.iter().count(), 0);
    }
}
