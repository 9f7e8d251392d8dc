//! Large arrays laid out on every core. A [`Parallel`] array serialized as an object
//! member's value in the part of a [`Layout`] document outside array elements (where the
//! plans' shipments and the responses are) is cut into chunks of consecutive elements;
//! rayon's threads lay each chunk out with the same formatter at the array's depth, and
//! the chunks are written in order, each where the array would have had one element: the
//! layout puts `,\n` and the indentation between two elements outside elements, the same
//! between two chunks as inside one, so the text is the one the serial path writes.
//!
//! Memory stays a few windows of chunks: one thread lays out the next window while this
//! one writes the current one, and at most one more waits between them. Anywhere else (in
//! an element, at the top, under another serializer, short) the array is serialized
//! element by element, as a sequence.

use super::{Chunk, Layout, CHUNK, PLACE};
use rayon::prelude::*;
use serde::ser::{Error as _, SerializeSeq};
use serde::{Serialize, Serializer};
use serde_json::ser::{CompactFormatter, Formatter};
use std::any::TypeId;
use std::ops::Range;

/// Elements per chunk, when the wrapper does not say: on 1,000,000 orders a chunk of
/// shipments is about 130 KB, one of responses about 2 MB.
const CHUNK_LEN: usize = 1024;

/// Chunks laid out together before they are written: at most three windows are in memory
/// (one written, one waiting, one being laid out), some 50 MB of responses.
const WINDOW: usize = 8;

/// An array of `len` elements, element `i` being `item(i)`, serialized as the sequence of
/// them; laid out in parallel where the module doc says.
pub struct Parallel<F> {
    len: usize,
    item: F,
    chunk: usize,
}

impl<F> Parallel<F> {
    /// The array `item(0)`, ..., `item(len - 1)`.
    pub fn new(len: usize, item: F) -> Self {
        Parallel {
            len,
            item,
            chunk: CHUNK_LEN,
        }
    }

    /// The same array, `chunk` (at least 1) elements per chunk; an array of at most one
    /// chunk is written element by element.
    pub fn chunk(self, chunk: usize) -> Self {
        Parallel {
            chunk: chunk.max(1),
            ..self
        }
    }
}

/// `items` as a [`Parallel`] array, for `#[serde(serialize_with = "in_parallel")]`.
pub fn in_parallel<T: Serialize + Sync, S: Serializer>(
    items: &[T],
    serializer: S,
) -> Result<S::Ok, S::Error> {
    Parallel::new(items.len(), |i| &items[i]).serialize(serializer)
}

impl<F: Fn(usize) -> T + Sync, T: Serialize> Serialize for Parallel<F> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        // Taken whether or not it is used: it is this value's place.
        let place = PLACE.take();
        if let Some(place) = place.filter(|_| self.pays()) {
            let depth = place.depth;
            if place.scalars == TypeId::of::<CompactFormatter>() {
                return self.in_chunks(serializer, depth, || CompactFormatter);
            }
            if place.scalars == TypeId::of::<crate::base::json::Compact>() {
                return self.in_chunks(serializer, depth, || crate::base::json::Compact);
            }
        }
        serializer.collect_seq((0..self.len).map(&self.item))
    }
}

impl<F: Fn(usize) -> T + Sync, T: Serialize> Parallel<F> {
    /// Whether laying chunks out on rayon's threads pays: there is more than one chunk, the
    /// pool has two threads or more, and this thread is none of them (waiting for its
    /// chunks, it would leave them a thread short, and a pool of one no thread at all).
    fn pays(&self) -> bool {
        self.len > self.chunk
            && rayon::current_num_threads() > 1
            && rayon::current_thread_index().is_none()
    }

    /// The array at `depth` under a [`Layout`] whose numbers and strings `scalars` writes:
    /// windows of chunks laid out on rayon's threads, handed to the layout in order, each
    /// as one element that it writes as the chunk's text.
    fn in_chunks<S: Serializer, N: Formatter + 'static>(
        &self,
        serializer: S,
        depth: usize,
        scalars: fn() -> N,
    ) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(self.len))?;
        let starts: Vec<usize> = (0..self.len).step_by(self.chunk).collect();
        std::thread::scope(|scope| {
            // One window waits while this thread writes the one before.
            let (tx, rx) = std::sync::mpsc::sync_channel(1);
            scope.spawn(move || {
                for window in starts.chunks(WINDOW) {
                    let chunks = window
                        .par_iter()
                        .map(|&a| self.lay_out(a..self.len.min(a + self.chunk), depth, scalars))
                        .collect::<serde_json::Result<Vec<Chunk>>>();
                    // A receiver gone (a write failed) wants no more.
                    if tx.send(chunks).is_err() {
                        return;
                    }
                }
            });
            for chunks in rx {
                for chunk in chunks.map_err(S::Error::custom)? {
                    CHUNK.set(Some(chunk));
                    seq.serialize_element(&InChunk)?;
                }
            }
            Ok(())
        })?;
        seq.end()
    }

    /// The elements `range` (not empty) laid out as they are in the array at `depth`.
    fn lay_out<N: Formatter + 'static>(
        &self,
        range: Range<usize>,
        depth: usize,
        scalars: fn() -> N,
    ) -> serde_json::Result<Chunk> {
        let mut text = Vec::new();
        let layout = Layout::at_depth(depth, scalars());
        let mut ser = serde_json::Serializer::with_formatter(&mut text, layout);
        ser.collect_seq(range.map(&self.item))?;
        // `[`, a new line and the elements' indentation before the first; a new line, the
        // array's indentation and `]` after the last.
        let at = 2 + 2 * (depth + 1)..text.len() - (2 + 2 * depth);
        debug_assert!(text.starts_with(b"[\n") && text.ends_with(b"]"));
        Ok(Chunk { text, at })
    }
}

/// The element that stands for a chunk: a null, which the layout writes as the chunk
/// handed to it.
struct InChunk;

impl Serialize for InChunk {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_unit()
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::any_json;
    use super::*;
    use proptest::prelude::*;
    use serde::ser::SerializeMap;
    use serde_json::{json, Value};

    /// A document with [`Parallel`] arrays in it, anywhere: members of objects at any depth,
    /// inside array elements, at the top.
    #[derive(Debug, Clone)]
    enum Part {
        Plain(Value),
        /// Elements and the chunk length.
        Par(Vec<Value>, usize),
        Obj(Vec<(String, Part)>),
        Arr(Vec<Part>),
    }

    /// A part serialized with its [`Parallel`] arrays (`true`) or as plain sequences.
    struct As<'a>(&'a Part, bool);

    impl Serialize for As<'_> {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            match self.0 {
                Part::Plain(v) => v.serialize(s),
                Part::Par(items, chunk) if self.1 => Parallel::new(items.len(), |i| &items[i])
                    .chunk(*chunk)
                    .serialize(s),
                Part::Par(items, _) => items.serialize(s),
                Part::Obj(members) => {
                    let mut m = s.serialize_map(Some(members.len()))?;
                    for (k, p) in members {
                        m.serialize_entry(k, &As(p, self.1))?;
                    }
                    m.end()
                }
                Part::Arr(parts) => s.collect_seq(parts.iter().map(|p| As(p, self.1))),
            }
        }
    }

    fn any_part() -> impl Strategy<Value = Part> {
        let leaf = prop_oneof![
            any_json().prop_map(Part::Plain),
            (prop::collection::vec(any_json(), 0..40), 1..4usize)
                .prop_map(|(items, chunk)| Part::Par(items, chunk)),
        ];
        leaf.prop_recursive(3, 24, 4, |inner| {
            prop_oneof![
                prop::collection::vec(("[a-z]{0,3}", inner.clone()), 0..4).prop_map(Part::Obj),
                prop::collection::vec(inner, 0..4).prop_map(Part::Arr),
            ]
        })
    }

    /// The text of `doc` through both layouts the command line writes (numbers as serde_json
    /// writes them, and whole numbers without `.0`).
    fn texts(doc: &As) -> [Vec<u8>; 2] {
        let mut serde = Vec::new();
        super::super::to_writer(&mut serde, doc).unwrap();
        let mut whole = Vec::new();
        crate::base::json::to_writer_laid_out(&mut whole, doc).unwrap();
        [serde, whole]
    }

    proptest! {
        /// Laid out in parallel chunks, a document is the text the serial path writes.
        #[test]
        fn parallel_arrays_write_the_serial_text(doc in any_part()) {
            let serial = texts(&As(&doc, false));
            let parallel = texts(&As(&doc, true));
            prop_assert_eq!(String::from_utf8_lossy(&parallel[0]), String::from_utf8_lossy(&serial[0]));
            prop_assert_eq!(String::from_utf8_lossy(&parallel[1]), String::from_utf8_lossy(&serial[1]));
        }
    }

    /// Shipment-like elements, and responses with blocks, at the default chunk: one element
    /// below and above a chunk and a window of chunks, in a plan nested two deep.
    #[test]
    fn long_arrays_around_the_chunk_and_window_lengths_write_the_serial_text() {
        let item = |i: usize| {
            if i.is_multiple_of(7) {
                json!({"id": format!("R{i}"), "actions": [{"q": i as f64 / 4.0}], "x": "\"é\n"})
            } else {
                json!({"order": format!("SO-{i}"), "lane": null, "quantity": i as f64 * 1.5})
            }
        };
        for len in [
            CHUNK_LEN - 1,
            CHUNK_LEN,
            CHUNK_LEN + 1,
            WINDOW * CHUNK_LEN,
            WINDOW * CHUNK_LEN + 1,
        ] {
            let items: Vec<Value> = (0..len).map(item).collect();
            let doc = Part::Obj(vec![
                ("format".into(), Part::Plain(json!("x"))),
                (
                    "plan".into(),
                    Part::Obj(vec![("shipments".into(), Part::Par(items, CHUNK_LEN))]),
                ),
            ]);
            assert!(
                texts(&As(&doc, true)) == texts(&As(&doc, false)),
                "{len} elements"
            );
        }
    }
}
