//! JSON-RPC 2.0 over lines: what a line means, and the messages written back. One message
//! per line, as MCP's stdio transport frames them; batches are not supported.

use serde::Serialize;
use serde_json::value::RawValue;
use serde_json::{json, Value};

pub const PARSE_ERROR: i64 = -32700;
pub const INVALID_REQUEST: i64 = -32600;
pub const METHOD_NOT_FOUND: i64 = -32601;
pub const INVALID_PARAMS: i64 = -32602;
pub const INTERNAL_ERROR: i64 = -32603;
/// A request cancelled by `$/cancelRequest` before it had anything to answer with (LSP's code).
pub const REQUEST_CANCELLED: i64 = -32800;

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RpcError {
    pub code: i64,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data: Option<Value>,
}

impl RpcError {
    pub fn new(code: i64, message: String, data: Option<Value>) -> RpcError {
        RpcError {
            code,
            message,
            data,
        }
    }
    pub fn invalid_params(message: String, data: Option<Value>) -> RpcError {
        RpcError::new(INVALID_PARAMS, message, data)
    }
    pub fn internal(message: String) -> RpcError {
        RpcError::new(INTERNAL_ERROR, message, None)
    }
    pub fn method_not_found(method: &str, known: &[&str]) -> RpcError {
        let message = match method {
            "$/cancelRequest" => "$/cancelRequest is a notification: send it without an id, \
                 {\"jsonrpc\": \"2.0\", \"method\": \"$/cancelRequest\", \"params\": {\"id\": ID}}, \
                 ID the id of the request to cancel"
                .to_owned(),
            "$/progress" => "$/progress is what the worker sends while a solve runs, \
                 not a method to call"
                .to_owned(),
            _ => format!("unknown method \"{method}\"; known: {}", known.join(", ")),
        };
        RpcError::new(METHOD_NOT_FOUND, message, None)
    }
    pub fn cancelled() -> RpcError {
        RpcError::new(
            REQUEST_CANCELLED,
            "cancelled before any checked plan was found".into(),
            None,
        )
    }
}

/// A request's id as the client wrote it, answered verbatim: an integer no `f64` holds
/// exactly (`123456789012345678901234567890`) or a string with escapes comes back as sent,
/// so the client can match the answer to its request. Ids are equal when their texts are.
#[derive(Clone, Debug)]
pub struct Id(Box<RawValue>);

impl Id {
    /// The id of an answer to a line whose id cannot be read.
    pub fn null() -> Id {
        Id(null())
    }

    /// A string, a number or null (JSON-RPC 2.0, section 4); the text is valid JSON already.
    fn read(raw: Box<RawValue>) -> Option<Id> {
        let t = raw.get();
        (t == "null" || t.starts_with(['"', '-']) || t.starts_with(|c: char| c.is_ascii_digit()))
            .then_some(Id(raw))
    }
}

impl PartialEq for Id {
    fn eq(&self, other: &Id) -> bool {
        self.0.get() == other.0.get()
    }
}

impl std::fmt::Display for Id {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0.get())
    }
}

impl Serialize for Id {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(s)
    }
}

/// A line read from the client. `params` stays JSON text until its method reads it: a
/// `load` carries a whole scenario, which is read straight into its types (a `Value` tree
/// of it first would cost more than the rest of the `load`).
#[derive(Debug)]
pub enum Incoming {
    /// Has an `id`: it gets exactly one response.
    Request {
        id: Id,
        method: String,
        params: Box<RawValue>,
    },
    /// No `id`: carried out like a request, and nothing is answered, not even an error.
    Notification {
        method: String,
        params: Box<RawValue>,
    },
}

/// What a line says, or the error to answer it with (and the id to answer, `null` when the
/// line has none that can be read).
pub fn parse(line: &str) -> Result<Incoming, (Id, RpcError)> {
    let not_json = |e: serde_json::Error| {
        let message = if line.starts_with('\u{feff}') {
            "not JSON: the line starts with a byte-order mark (U+FEFF); write each message \
             as UTF-8 without one"
                .to_owned()
        } else {
            format!("not JSON: {e}")
        };
        (Id::null(), RpcError::new(PARSE_ERROR, message, None))
    };
    let whole: &RawValue = serde_json::from_str(line).map_err(not_json)?;
    let invalid = |(id, why): (Id, String)| {
        (
            id,
            RpcError::new(
                INVALID_REQUEST,
                format!("not a JSON-RPC 2.0 request: {why}"),
                None,
            ),
        )
    };
    if !whole.get().starts_with('{') {
        let why = if whole.get().starts_with('[') {
            "batches are not supported; send one request per line"
        } else {
            "a request is a JSON object"
        };
        return Err(invalid((Id::null(), why.into())));
    }
    // Members as text, each name once; a name the line repeats is refused once the id to
    // answer is known.
    let Members::<Box<RawValue>>(members) = serde_json::from_str(whole.get()).map_err(not_json)?;
    let (obj, repeated) = once_each(members);
    request(obj, repeated.as_deref()).map_err(invalid)
}

/// The request a line's members make, or the id to answer and why they make none.
/// `repeated` is a member name the line has more than once.
fn request(
    mut obj: std::collections::BTreeMap<String, Box<RawValue>>,
    repeated: Option<&str>,
) -> Result<Incoming, (Id, String)> {
    let twice = |name: &str| {
        format!(
            "member \"{name}\" appears twice; JSON readers disagree on which copy counts, so \
             neither is used: send each member once"
        )
    };
    if repeated == Some("id") {
        // Which id to answer is what is in doubt: none, as for an id that cannot be read.
        return Err((Id::null(), twice("id")));
    }
    // A member that does not read as a `Value` (a lone surrogate in a string, nesting past
    // serde_json's limit) is as wrong as one of the wrong type.
    let value = |raw: Box<RawValue>| serde_json::from_str::<Value>(raw.get()).ok();
    let id = match obj.remove("id") {
        Some(raw) => match Id::read(raw) {
            Some(id) => Some(id),
            None => {
                return Err((
                    Id::null(),
                    "\"id\" must be a string, a number or null".into(),
                ))
            }
        },
        None => None,
    };
    let answer_to = id.clone().unwrap_or_else(Id::null);
    let invalid = |why: String| Err((answer_to.clone(), why));
    if let Some(name) = repeated {
        return invalid(twice(name));
    }
    if obj.remove("jsonrpc").and_then(value) != Some(json!("2.0")) {
        return invalid("\"jsonrpc\" must be \"2.0\"".into());
    }
    let method = match obj.remove("method").and_then(value) {
        Some(Value::String(m)) => m,
        _ => return invalid("\"method\" must be a string".into()),
    };
    // By position (an array) is a request's structure too; each method then says it takes
    // its params by name (-32602).
    let params = match obj.remove("params") {
        Some(p) if p.get().starts_with(['{', '[']) || p.get() == "null" => p,
        Some(_) => return invalid("\"params\" must be an object or an array".into()),
        None => null(),
    };
    if let Some(extra) = obj.keys().next() {
        return invalid(format!("unknown member \"{extra}\""));
    }
    Ok(match id {
        Some(id) => Incoming::Request { id, method, params },
        None => Incoming::Notification { method, params },
    })
}

/// The id a `$/cancelRequest`'s params (`{"id": ...}`) name, or why they name none.
pub fn cancelled_id(params: &RawValue) -> Result<Id, String> {
    let text = params.get();
    if text == "null" {
        return Err("it has no params".into());
    }
    let Ok(Members::<Box<RawValue>>(members)) = serde_json::from_str(text) else {
        return Err(
            "its params are not an object (by position, an array, is not supported)".into(),
        );
    };
    let (mut members, repeated) = once_each(members);
    if let Some(name) = repeated {
        return Err(format!("\"{name}\" appears twice in its params"));
    }
    let id = members
        .remove("id")
        .ok_or_else(|| "its params have no \"id\"".to_owned())?;
    if let Some(extra) = members.keys().next() {
        return Err(format!("its params have an unknown member \"{extra}\""));
    }
    Id::read(id).ok_or_else(|| "its \"id\" is not a string or a number".into())
}

/// An object's members in the order written, each value read as `V` (its JSON text as a
/// `Box<RawValue>`, or skipped unread as `IgnoredAny`). Unlike a map, it keeps a name
/// written twice, so that the line can be refused rather than read with one copy chosen
/// (JSON readers disagree on which copy counts).
pub struct Members<V>(pub Vec<(String, V)>);

impl<'de, V: serde::Deserialize<'de>> serde::Deserialize<'de> for Members<V> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Members<V>, D::Error> {
        struct Visit<V>(std::marker::PhantomData<V>);
        impl<'de, V: serde::Deserialize<'de>> serde::de::Visitor<'de> for Visit<V> {
            type Value = Members<V>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Members<V>, A::Error> {
                let mut members = Vec::new();
                while let Some(member) = map.next_entry::<String, V>()? {
                    members.push(member);
                }
                Ok(Members(members))
            }
        }
        d.deserialize_map(Visit(std::marker::PhantomData))
    }
}

/// The members by name, each name's first, and the first name written more than once.
fn once_each(
    members: Vec<(String, Box<RawValue>)>,
) -> (
    std::collections::BTreeMap<String, Box<RawValue>>,
    Option<String>,
) {
    use std::collections::btree_map::Entry;
    let mut once = std::collections::BTreeMap::new();
    let mut repeated = None;
    for (name, value) in members {
        match once.entry(name) {
            Entry::Vacant(slot) => {
                slot.insert(value);
            }
            Entry::Occupied(first) => {
                repeated.get_or_insert_with(|| first.key().clone());
            }
        }
    }
    (once, repeated)
}

/// JSON `null` as text: the params of a request that has none.
pub fn null() -> Box<RawValue> {
    RawValue::from_string("null".to_owned()).expect("null is JSON")
}

/// A response line (no newline), members in the order `id`, `jsonrpc`, `result` or
/// `error`. The result is already JSON text: a document of megabytes (`risk`, `solve`,
/// `state`) is written once, straight from its type, not copied into a `Value` first.
pub fn response(id: &Id, result: Result<Box<RawValue>, RpcError>) -> String {
    let (key, body) = match result {
        Ok(raw) => ("result", raw.get().to_owned()),
        Err(e) => ("error", json!(e).to_string()),
    };
    format!(r#"{{"id":{id},"jsonrpc":"2.0","{key}":{body}}}"#)
}

/// `value` as JSON text for [`response`].
pub fn raw(value: &impl Serialize) -> Result<Box<RawValue>, RpcError> {
    serde_json::value::to_raw_value(value)
        .map_err(|e| RpcError::internal(format!("the answer could not be written as JSON: {e}")))
}

/// A notification line (no newline).
pub fn notification(method: &str, params: &impl Serialize) -> String {
    #[derive(Serialize)]
    struct Notification<'a, P> {
        jsonrpc: &'static str,
        method: &'a str,
        params: &'a P,
    }
    let n = Notification {
        jsonrpc: "2.0",
        method,
        params,
    };
    // Params are the worker's own structs of numbers and ids, which always serialize.
    serde_json::to_string(&n).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The id a line is answered under, as text.
    fn id_of(line: &str) -> String {
        match parse(line) {
            Ok(Incoming::Request { id, .. }) => id.to_string(),
            Ok(Incoming::Notification { .. }) => "(none)".into(),
            Err((id, _)) => id.to_string(),
        }
    }

    #[test]
    fn lines_are_requests_notifications_or_the_right_error() {
        match parse(r#"{"jsonrpc":"2.0","id":7,"method":"risk"}"#) {
            Ok(Incoming::Request { id, method, params }) => {
                assert_eq!(
                    (id.to_string(), method.as_str(), params.get()),
                    ("7".into(), "risk", "null")
                );
            }
            other => panic!("{other:?}"),
        }
        match parse(r#"{"jsonrpc":"2.0","id":8,"method":"load","params": {"a": [1, 2]} }"#) {
            Ok(Incoming::Request { params, .. }) => assert_eq!(params.get(), r#"{"a": [1, 2]}"#),
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            parse(r#"{"jsonrpc":"2.0","method":"$/cancelRequest","params":{"id":7}}"#),
            Ok(Incoming::Notification { .. })
        ));
        // Blanks around the request or its params are JSON too.
        match parse(" \t{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"event\",\"params\": \n {}} ") {
            Ok(Incoming::Request { id, params, .. }) => {
                assert_eq!((id.to_string(), params.get()), ("9".into(), "{}"))
            }
            other => panic!("{other:?}"),
        }
        let code = |line: &str| parse(line).unwrap_err().1.code;
        assert_eq!(code("{not json"), PARSE_ERROR);
        assert_eq!(code("[1]"), INVALID_REQUEST);
        assert_eq!(code(r#"{"id":1,"method":"risk"}"#), INVALID_REQUEST);
        assert_eq!(
            code(r#"{"jsonrpc":"2.0","id":1,"method":3}"#),
            INVALID_REQUEST
        );
        assert_eq!(
            code(r#"{"jsonrpc":"2.0","id":1,"method":"x","params":"by name"}"#),
            INVALID_REQUEST
        );
        // A method name that is not a readable string (a lone surrogate).
        assert_eq!(
            code(r#"{"jsonrpc":"2.0","id":1,"method":"\ud800"}"#),
            INVALID_REQUEST
        );
        assert_eq!(
            code(r#"{"jsonrpc":"2.0","id":[1],"method":"x"}"#),
            INVALID_REQUEST
        );
        // The id of an invalid request is still answered to.
        assert_eq!(
            id_of(r#"{"jsonrpc":"1.0","id":"a","method":"x"}"#),
            r#""a""#
        );
        assert_eq!(
            response(&Id::null(), raw(&json!(null))),
            r#"{"id":null,"jsonrpc":"2.0","result":null}"#
        );
    }

    #[test]
    fn ids_are_answered_as_written() {
        // Past u64, and past what an f64 holds exactly: a `Value` would answer
        // 1.2345678901234568e+29, which the client cannot match to its request.
        for id in [
            "123456789012345678901234567890",
            "18446744073709551616",
            "-7",
            "1.5",
            "1e2",
            r#""\ud800x""#,
            r#""a\"b""#,
            "null",
        ] {
            let line = format!(r#"{{"jsonrpc":"2.0","id":{id},"method":"risk"}}"#);
            assert_eq!(id_of(&line), id);
            let Ok(Incoming::Request { id: parsed, .. }) = parse(&line) else {
                panic!("{line}")
            };
            assert_eq!(
                response(&parsed, raw(&json!(null))),
                format!(r#"{{"id":{id},"jsonrpc":"2.0","result":null}}"#)
            );
            let cancel = RawValue::from_string(format!(r#"{{"id": {id}}}"#)).unwrap();
            assert_eq!(cancelled_id(&cancel), Ok(parsed));
        }
        for (params, why) in [
            ("null", "no params"),
            ("[2]", "not an object"),
            (r#"{"idd":2}"#, "no \"id\""),
            (r#"{"id":2,"why":"late"}"#, "unknown member \"why\""),
            (r#"{"id":true}"#, "not a string or a number"),
            (r#"{"id":2,"id":3}"#, "\"id\" appears twice"),
        ] {
            let params = RawValue::from_string(params.into()).unwrap();
            let refused = cancelled_id(&params).unwrap_err();
            assert!(refused.contains(why), "{params}: {refused}");
        }
    }

    #[test]
    fn a_member_named_twice_is_refused_not_chosen() {
        let refused = |line: &str| {
            let (id, e) = parse(line).unwrap_err();
            assert_eq!(e.code, INVALID_REQUEST, "{line}");
            (id.to_string(), e.message)
        };
        let (id, why) = refused(
            r#"{"jsonrpc":"2.0","id":3,"method":"event","params":{"a":1},"params":{"a":5}}"#,
        );
        assert_eq!(id, "3");
        assert!(why.contains("member \"params\" appears twice"), "{why}");
        let (id, why) = refused(r#"{"jsonrpc":"2.0","id":3,"method":"state","method":"event"}"#);
        assert_eq!(id, "3");
        assert!(why.contains("\"method\" appears twice"), "{why}");
        // The id in doubt is not answered: null, as for an unreadable id.
        let (id, why) = refused(r#"{"jsonrpc":"2.0","id":17,"id":18,"method":"state"}"#);
        assert_eq!(id, "null");
        assert!(why.contains("\"id\" appears twice"), "{why}");
        // Names compare as read: an escape spells the same name.
        let (_, why) = refused(r#"{"jsonrpc":"2.0","id":1,"method":"state","\u006dethod":"x"}"#);
        assert!(why.contains("\"method\" appears twice"), "{why}");
    }

    #[test]
    fn params_by_position_are_a_request_not_an_invalid_one() {
        // The method then refuses them (-32602); as a notification nothing is answered.
        assert!(matches!(
            parse(r#"{"jsonrpc":"2.0","id":1,"method":"risk","params":[]}"#),
            Ok(Incoming::Request { .. })
        ));
        assert!(matches!(
            parse(r#"{"jsonrpc":"2.0","method":"initialize","params":[]}"#),
            Ok(Incoming::Notification { .. })
        ));
    }
}
