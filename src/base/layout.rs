//! The layout the command line writes its JSON documents in. It is serde_json's pretty form
//! (two-space indents, one member per line) with one exception, the one the hand-written
//! datasets make: an element of an array that holds no array of objects or arrays is
//! written on one line, `{"sku": "SKU-1", "quantity": 60}`. A plan is then one shipment
//! per line (found with `grep`, compared with `diff`), and a document of a million shipments
//! is about a quarter smaller than in the pretty form (the proposals of 1,000,000 orders:
//! 661 MB, not 904 MB) and quicker to write and to read. An element that
//! does hold such an array (an order with its lines, a response with its shipments) is laid
//! out member by member, its own array elements again by this rule. Only whitespace outside
//! strings differs from the pretty form, so a reader gets the same values.
//!
//! [`Layout`] is a serde_json [`Formatter`]: the part of the document outside array elements
//! is written as it goes; each array element is written on one line into a buffer, and when
//! it ends, written as it is or, when it holds blocks, laid out (`lay_out`): the memory it
//! takes is one element's.
//!
//! An array wrapped in [`parallel::Parallel`] is written the same way on every core: its elements
//! are laid out in chunks by this same formatter on rayon's threads and the chunks written
//! in order (the `parallel` module).

use serde_json::ser::Formatter;
use std::cell::Cell;
use std::io::{self, Write};

pub mod parallel;

/// `value` into `writer` in this layout, numbers as serde_json writes them.
pub fn to_writer<W: Write, T: ?Sized + serde::Serialize>(
    writer: W,
    value: &T,
) -> serde_json::Result<()> {
    to_writer_with(writer, serde_json::ser::CompactFormatter, value)
}

/// `value` into `writer` in this layout, numbers and strings written by `scalars`.
pub fn to_writer_with<W: Write, N: Formatter + 'static, T: ?Sized + serde::Serialize>(
    writer: W,
    scalars: N,
    value: &T,
) -> serde_json::Result<()> {
    let layout = Layout::new(scalars);
    let written = value.serialize(&mut serde_json::Serializer::with_formatter(writer, layout));
    // A write that failed midway may have left a member's place or a chunk set: no other
    // serializer on this thread may take them.
    PLACE.set(None);
    CHUNK.set(None);
    written
}

/// Where a [`Layout`] writing the part outside array elements is about to write an
/// object member's value: set from the member's `: ` until its value begins a container
/// or ends, so a [`parallel::Parallel`] array serialized there finds it (and takes it), and one
/// serialized anywhere else (inside an element, by another serializer) does not.
#[derive(Clone, Copy)]
struct Place {
    /// The containers open around the value: its elements are one level deeper.
    depth: usize,
    /// The type of the formatter writing numbers and strings (the chunks are written by
    /// the same one).
    scalars: std::any::TypeId,
}

thread_local! {
    static PLACE: Cell<Option<Place>> = const { Cell::new(None) };
    /// The text of a [`parallel::Parallel`] array's chunk, which the layout writes where
    /// the array serializes a null in its place (outside elements, where the chunk's
    /// elements go).
    static CHUNK: Cell<Option<Chunk>> = const { Cell::new(None) };
}

/// Part of an array's text laid out on another thread: whole elements, with the `,\n` and
/// indentation between them, none before the first or after the last.
struct Chunk {
    text: Vec<u8>,
    at: std::ops::Range<usize>,
}

impl Chunk {
    fn text(&self) -> &[u8] {
        &self.text[self.at.clone()]
    }
}

/// The layout above, numbers and strings written by `N`.
pub struct Layout<N> {
    scalars: N,
    /// The containers open outside any array element, innermost last: `true` for an array.
    open: Vec<bool>,
    /// Whether the innermost open container has a member yet (then it closes on a new line).
    has_value: bool,
    /// The array element being written, on one line; empty when none is.
    element: Vec<u8>,
    /// The element's containers open, innermost last: `true` for an array.
    element_open: Vec<bool>,
    /// Whether the element holds an array with an object or an array in it (then it is
    /// laid out member by member, [`lay_out`]).
    blocks: bool,
    /// The element laid out, when it holds blocks.
    laid: Vec<u8>,
}

impl<N: Formatter> Layout<N> {
    /// The layout, with numbers and strings written by `scalars`.
    pub fn new(scalars: N) -> Self {
        Layout {
            scalars,
            open: Vec::new(),
            has_value: false,
            element: Vec::new(),
            element_open: Vec::new(),
            blocks: false,
            laid: Vec::new(),
        }
    }

    /// The layout of a value written `depth` containers deep in the part outside array
    /// elements (as [`Place`] gives it), its first character first.
    fn at_depth(depth: usize, scalars: N) -> Self {
        let mut layout = Layout::new(scalars);
        // Objects: only the number of containers open and whether the innermost is an
        // array count, and the value is no array element.
        layout.open = vec![false; depth];
        layout
    }

    /// Whether an array element is being written.
    fn in_element(&self) -> bool {
        !self.element_open.is_empty()
    }

    /// Opens an object or an array (`bracket`): inside an element, or as an element (then
    /// it is buffered from here), or in the pretty part.
    fn begin<W: ?Sized + Write>(&mut self, w: &mut W, bracket: u8) -> io::Result<()> {
        if self.in_element() {
            // (No place is set inside an element.)
            self.blocks |= self.element_open.last() == Some(&true);
        } else if self.open.last() == Some(&true) {
            PLACE.set(None);
            self.element.clear();
            self.blocks = false;
        } else {
            PLACE.set(None);
            self.open.push(bracket == b'[');
            self.has_value = false;
            return w.write_all(&[bracket]);
        }
        self.element_open.push(bracket == b'[');
        self.element.push(bracket);
        Ok(())
    }

    /// Closes an object or an array (`bracket`); the element it ends, if any, is written,
    /// laid out first when it holds blocks.
    fn end<W: ?Sized + Write>(&mut self, w: &mut W, bracket: u8) -> io::Result<()> {
        if self.in_element() {
            self.element.push(bracket);
            self.element_open.pop();
            if self.in_element() {
                return Ok(());
            }
            if !self.blocks {
                return w.write_all(&self.element);
            }
            self.laid.clear();
            lay_out(&self.element, self.open.len(), &mut self.laid);
            return w.write_all(&self.laid);
        }
        self.open.pop();
        if self.has_value {
            w.write_all(b"\n")?;
            indent(w, self.open.len())?;
        }
        w.write_all(&[bracket])
    }

    /// Starts a member of an object or an array: after a comma and a space inside an
    /// element, on a new line outside.
    fn member<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        if self.in_element() {
            if !first {
                self.element.extend_from_slice(b", ");
            }
            return Ok(());
        }
        w.write_all(if first { b"\n" } else { b",\n" })?;
        indent(w, self.open.len())
    }

    /// Ends a member: outside an element, its container now has one.
    fn member_done(&mut self) {
        if !self.in_element() {
            PLACE.set(None);
            self.has_value = true;
        }
    }
}

/// Writes `n` levels of two-space indentation.
fn indent<W: ?Sized + Write>(w: &mut W, n: usize) -> io::Result<()> {
    for _ in 0..n {
        w.write_all(b"  ")?;
    }
    Ok(())
}

/// A scalar written by the `N` formatter, into the element when one is being written.
macro_rules! scalar {
    ($name:ident $(, $arg:ident : $ty:ty)*) => {
        fn $name<W: ?Sized + Write>(&mut self, w: &mut W $(, $arg: $ty)*) -> io::Result<()> {
            if self.in_element() {
                self.scalars.$name(&mut self.element $(, $arg)*)
            } else {
                self.scalars.$name(w $(, $arg)*)
            }
        }
    };
}

impl<N: Formatter + 'static> Formatter for Layout<N> {
    /// A null, or outside elements the chunk of a [`parallel::Parallel`] array that stands
    /// there.
    fn write_null<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        if self.in_element() {
            return self.scalars.write_null(&mut self.element);
        }
        match CHUNK.take() {
            Some(chunk) => w.write_all(chunk.text()),
            None => self.scalars.write_null(w),
        }
    }
    scalar!(write_bool, value: bool);
    scalar!(write_i8, value: i8);
    scalar!(write_i16, value: i16);
    scalar!(write_i32, value: i32);
    scalar!(write_i64, value: i64);
    scalar!(write_i128, value: i128);
    scalar!(write_u8, value: u8);
    scalar!(write_u16, value: u16);
    scalar!(write_u32, value: u32);
    scalar!(write_u64, value: u64);
    scalar!(write_u128, value: u128);
    scalar!(write_f32, value: f32);
    scalar!(write_f64, value: f64);
    scalar!(write_number_str, value: &str);
    scalar!(begin_string);
    scalar!(end_string);
    scalar!(write_string_fragment, fragment: &str);
    scalar!(write_char_escape, char_escape: serde_json::ser::CharEscape);
    scalar!(write_byte_array, value: &[u8]);
    scalar!(write_raw_fragment, fragment: &str);

    fn begin_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.begin(w, b'[')
    }
    fn end_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.end(w, b']')
    }
    fn begin_array_value<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.member(w, first)
    }
    fn end_array_value<W: ?Sized + Write>(&mut self, _w: &mut W) -> io::Result<()> {
        self.member_done();
        Ok(())
    }
    fn begin_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.begin(w, b'{')
    }
    fn end_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.end(w, b'}')
    }
    fn begin_object_key<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.member(w, first)
    }
    fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        if self.in_element() {
            self.element.extend_from_slice(b": ");
            Ok(())
        } else {
            PLACE.set(Some(Place {
                depth: self.open.len(),
                scalars: std::any::TypeId::of::<N>(),
            }));
            w.write_all(b": ")
        }
    }
    fn end_object_value<W: ?Sized + Write>(&mut self, _w: &mut W) -> io::Result<()> {
        self.member_done();
        Ok(())
    }
}

/// Lays out one array element at indentation `level`, into `out`. The element is given on
/// one line as [`Layout`] writes it: well formed (serde_json wrote its parts), with `, `
/// between members and `: ` after keys, and nothing else outside strings.
fn lay_out(one_line: &[u8], level: usize, out: &mut Vec<u8>) {
    let mut spans = Spans {
        all: spans(one_line),
        next: 0,
    };
    value(one_line, &mut 0, level, true, &mut spans, out);
}

/// Every container of a one-line element, in the order their brackets open: where it opens,
/// the index just past where it closes, and whether it holds blocks (an array, at any depth
/// in it, with an object or an array in it). One pass over the text.
fn spans(t: &[u8]) -> Vec<(usize, usize, bool)> {
    let mut all: Vec<(usize, usize, bool)> = Vec::new();
    // The containers open: their place in `all`, and whether each is an array.
    let mut open: Vec<(usize, bool)> = Vec::new();
    let mut i = 0;
    while i < t.len() {
        match t[i] {
            b'"' => {
                i = string_end(t, i);
                continue;
            }
            b'[' | b'{' => {
                if let Some(&(parent, true)) = open.last() {
                    all[parent].2 = true;
                }
                open.push((all.len(), t[i] == b'['));
                all.push((i, t.len(), false));
            }
            b']' | b'}' => {
                if let Some((this, _)) = open.pop() {
                    all[this].1 = i + 1;
                    if let (true, Some(&(parent, _))) = (all[this].2, open.last()) {
                        all[parent].2 = true;
                    }
                }
            }
            _ => {}
        }
        i += 1;
    }
    all
}

/// [`spans`], taken in the order [`value`] reaches the containers.
struct Spans {
    all: Vec<(usize, usize, bool)>,
    next: usize,
}

impl Spans {
    /// The end and the blocks of the container opening at `start`, which is the next one
    /// not yet taken or skipped.
    fn take(&mut self, start: usize) -> (usize, bool) {
        let (at, end, blocks) = self.all[self.next];
        debug_assert_eq!(at, start);
        self.next += 1;
        (end, blocks)
    }

    /// Passes over the containers inside one written whole, up to `end`.
    fn skip_to(&mut self, end: usize) {
        while self.all.get(self.next).is_some_and(|s| s.0 < end) {
            self.next += 1;
        }
    }
}

/// The index just past the string that starts (with its quote) at `t[start]`.
fn string_end(t: &[u8], start: usize) -> usize {
    let mut i = start + 1;
    while i < t.len() {
        match t[i] {
            b'\\' => i += 2,
            b'"' => return i + 1,
            _ => i += 1,
        }
    }
    t.len()
}

/// The index just past the string or scalar that starts at `t[start]`.
fn scalar_end(t: &[u8], start: usize) -> usize {
    if t[start] == b'"' {
        return string_end(t, start);
    }
    (start..t.len())
        .find(|&i| matches!(t[i], b',' | b']' | b'}'))
        .unwrap_or(t.len())
}

/// Writes the value at `t[*i..]` laid out at `level` and moves `i` past it; `in_array`:
/// whether it is an element of an array (only those may go on one line).
fn value(
    t: &[u8],
    i: &mut usize,
    level: usize,
    in_array: bool,
    spans: &mut Spans,
    out: &mut Vec<u8>,
) {
    let start = *i;
    if !matches!(t[start], b'[' | b'{') {
        *i = scalar_end(t, start);
        out.extend_from_slice(&t[start..*i]);
        return;
    }
    let (end, blocks) = spans.take(start);
    *i = end;
    if in_array && !blocks {
        out.extend_from_slice(&t[start..end]);
        spans.skip_to(end);
        return;
    }
    let (open, close) = (t[start], t[end - 1]);
    out.push(open);
    let mut j = start + 1;
    if j == end - 1 {
        out.push(close);
        return;
    }
    loop {
        out.push(b'\n');
        out.extend(std::iter::repeat_n(b' ', 2 * (level + 1)));
        if open == b'{' {
            let key_end = string_end(t, j);
            out.extend_from_slice(&t[j..key_end]);
            out.extend_from_slice(b": ");
            j = key_end + 2;
        }
        value(t, &mut j, level + 1, open == b'[', spans, out);
        if t[j] != b',' {
            break;
        }
        out.push(b',');
        j += 2;
    }
    out.push(b'\n');
    out.extend(std::iter::repeat_n(b' ', 2 * level));
    out.push(close);
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::{json, Value};

    fn laid_out(v: &Value) -> String {
        let mut out = Vec::new();
        to_writer(&mut out, v).unwrap();
        String::from_utf8(out).unwrap()
    }

    /// Without whitespace outside strings.
    fn squeezed(text: &str) -> Vec<u8> {
        let t = text.as_bytes();
        let (mut out, mut i) = (Vec::new(), 0);
        while i < t.len() {
            if t[i] == b'"' {
                let end = string_end(t, i);
                out.extend_from_slice(&t[i..end]);
                i = end;
            } else {
                if !t[i].is_ascii_whitespace() {
                    out.push(t[i]);
                }
                i += 1;
            }
        }
        out
    }

    #[test]
    fn elements_without_blocks_go_on_one_line_and_the_rest_as_pretty() {
        let doc = json!({
            "format": "x",
            "solve": {"status": "optimal", "model": {"rows": 1}},
            "empty": [], "none": {},
            "skus": [{"id": "SKU-1", "name": "a, b: \"c\""}, {"id": "SKU-2"}],
            "days": ["mon", "tue"],
            "orders": [{"id": "SO-1", "lines": [{"sku": "SKU-1", "q": 1}], "plan": []}],
            "nested": [[1, 2], [[3]]]
        });
        // (`json!` objects keep their keys sorted.)
        let expected = r#"{
  "days": [
    "mon",
    "tue"
  ],
  "empty": [],
  "format": "x",
  "nested": [
    [1, 2],
    [
      [3]
    ]
  ],
  "none": {},
  "orders": [
    {
      "id": "SO-1",
      "lines": [
        {"q": 1, "sku": "SKU-1"}
      ],
      "plan": []
    }
  ],
  "skus": [
    {"id": "SKU-1", "name": "a, b: \"c\""},
    {"id": "SKU-2"}
  ],
  "solve": {
    "model": {
      "rows": 1
    },
    "status": "optimal"
  }
}"#;
        assert_eq!(laid_out(&doc), expected);
    }

    #[test]
    fn a_document_without_arrays_is_serde_jsons_pretty_form() {
        let doc = json!({"a": {"b": {"c": 1.5, "d": null}, "e": "x"}, "f": true});
        assert_eq!(laid_out(&doc), serde_json::to_string_pretty(&doc).unwrap());
    }

    pub(super) fn any_json() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::from),
            any::<f64>()
                .prop_filter("finite", |x| x.is_finite())
                .prop_map(Value::from),
            "[a-z\",:{}\\[\\]\\\\ \n\u{e9}]{0,6}".prop_map(Value::from),
        ];
        leaf.prop_recursive(4, 40, 5, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
                prop::collection::btree_map("[a-z\",:]{0,3}", inner, 0..5)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    proptest! {
        /// The layout reads back as the same value and differs from the pretty form only in
        /// whitespace outside strings.
        #[test]
        fn only_whitespace_changes(v in any_json()) {
            let text = laid_out(&v);
            prop_assert_eq!(serde_json::from_str::<Value>(&text).unwrap(), v.clone());
            prop_assert_eq!(squeezed(&text), squeezed(&serde_json::to_string_pretty(&v).unwrap()));
        }
    }
}
