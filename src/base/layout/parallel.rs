//! Large arrays laid out on every core. A [`Parallel`] array serialized as an object
//! member's value in the part of a [`Layout`] document outside array elements (where the
//! plans' shipments and the responses are) is cut into chunks of consecutive elements;
//! rayon's threads lay each chunk out with the same formatter at the array's depth, and
//! the chunks are written in order, each where the array would have had one element: the
//! layout puts `,\n` and the indentation between two elements outside elements, the same
//! between two chunks as inside one, so the text is the one the serial path writes.
//!
//! Anywhere else (in an element, at the top, under another serializer, short) the array
//! is serialized element by element, as a sequence.
//!
//! Memory stays a few windows of chunks: one thread lays out the next window while this
//! one writes the current one, and at most one more waits between them. A window holds
//! about `WINDOW_BYTES` of text (the first `FIRST_WINDOW` chunks, then as many as the
//! chunks so far say fit), so the text of a long array of short elements passes from one
//! thread to the other about a dozen times (a plan of 1.6 million shipments), not every
//! eight chunks.

use super::{Chunk, Layout, CHUNK, PLACE};
use rayon::prelude::*;
use serde::ser::{Error as _, SerializeSeq};
use serde::{Serialize, Serializer};
use serde_json::ser::{CompactFormatter, Formatter};
use std::any::TypeId;
use std::ops::Range;

/// Elements per chunk, when the wrapper does not say: on 1,000,000 orders a chunk of
/// shipments is about 114 KB, one of responses about 2 MB.
const CHUNK_LEN: usize = 1024;

/// Chunks in the first window, before their text says how long a chunk is.
const FIRST_WINDOW: usize = 8;

/// The text a window holds, about: at most three windows are in memory (one written, one
/// waiting, one being laid out). On 1,000,000 orders a window is then about 147 chunks of
/// shipments or 8 of responses. Each window is a hand-over between the thread laying out
/// and the one writing, which a machine shared with other work makes wait, so fewer and
/// larger windows write the text sooner there (measured beside CPU-bound loops:
/// `benches/RESULTS.md`, "1,000,000 orders").
const WINDOW_BYTES: usize = 16 << 20;

/// The most chunks in one window, whatever their size.
const MAX_WINDOW: usize = 256;

/// An array of `len` elements, element `i` being `item(i)`, serialized as the sequence of
/// them; laid out in parallel where the module doc says.
pub struct Parallel<F> {
    len: usize,
    item: F,
    chunk: usize,
    window_bytes: usize,
}

impl<F> Parallel<F> {
    /// The array `item(0)`, ..., `item(len - 1)`.
    pub fn new(len: usize, item: F) -> Self {
        Parallel {
            len,
            item,
            chunk: CHUNK_LEN,
            window_bytes: WINDOW_BYTES,
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

    /// The same array, windows of about `bytes` of text.
    #[cfg(test)]
    fn window_bytes(self, bytes: usize) -> Self {
        Parallel {
            window_bytes: bytes,
            ..self
        }
    }
}

/// Chunks in the next window: as many as fit in `window_bytes` at the length of the
/// `laid` chunks laid out so far (`bytes` of text), at least 1 and at most [`MAX_WINDOW`].
fn next_window(window_bytes: usize, bytes: usize, laid: usize) -> usize {
    (window_bytes.saturating_mul(laid) / bytes.max(1)).clamp(1, MAX_WINDOW)
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
                let (mut next, mut size) = (0, FIRST_WINDOW);
                let (mut laid, mut bytes) = (0, 0);
                while next < starts.len() {
                    let window = &starts[next..starts.len().min(next + size)];
                    next += window.len();
                    let chunks = window
                        .par_iter()
                        .map(|&a| self.lay_out(a..self.len.min(a + self.chunk), depth, scalars))
                        .collect::<serde_json::Result<Vec<Chunk>>>();
                    if let Ok(chunks) = &chunks {
                        laid += chunks.len();
                        bytes += chunks.iter().map(|c| c.at.len()).sum::<usize>();
                        size = next_window(self.window_bytes, bytes, laid);
                    }
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

    /// A window takes as many chunks as its bytes allow at the length of the chunks so far:
    /// about 147 of 114 KB (shipments on 1,000,000 orders), 8 of 2 MB (responses), never
    /// none and never more than the most.
    #[test]
    fn a_window_holds_the_chunks_that_fit_its_bytes() {
        assert_eq!(next_window(WINDOW_BYTES, 8 * 114_000, 8), 147);
        assert_eq!(next_window(WINDOW_BYTES, 8 * 2_000_000, 8), 8);
        assert_eq!(next_window(WINDOW_BYTES, 100 << 20, 1), 1);
        assert_eq!(next_window(WINDOW_BYTES, 80, 8), MAX_WINDOW);
    }

    /// Windows of a few chunks each, their sizes changing as the elements grow, write the
    /// serial text.
    #[test]
    fn windows_sized_by_their_bytes_write_the_serial_text() {
        struct Windowed<'a>(&'a [Value], usize);
        impl Serialize for Windowed<'_> {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                let items = self.0;
                let mut m = s.serialize_map(Some(1))?;
                let array = Parallel::new(items.len(), |i| &items[i])
                    .chunk(7)
                    .window_bytes(self.1);
                m.serialize_entry("shipments", &array)?;
                m.end()
            }
        }
        // Elements that grow along the array: later chunks are longer than the first ones.
        let items: Vec<Value> = (0..3_000)
            .map(|i| json!({"order": "SO-".to_owned() + &"9".repeat(i / 100), "quantity": i}))
            .collect();
        let mut serial = Vec::new();
        super::super::to_writer(&mut serial, &json!({"shipments": items})).unwrap();
        for window_bytes in [1, 600, 2_500, 40_000, 1 << 30] {
            let mut parallel = Vec::new();
            super::super::to_writer(&mut parallel, &Windowed(&items, window_bytes)).unwrap();
            assert!(parallel == serial, "windows of {window_bytes} bytes");
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
            FIRST_WINDOW * CHUNK_LEN,
            FIRST_WINDOW * CHUNK_LEN + 1,
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
