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
        RpcError::new(
            METHOD_NOT_FOUND,
            format!("unknown method \"{method}\"; known: {}", known.join(", ")),
            None,
        )
    }
    pub fn cancelled() -> RpcError {
        RpcError::new(
            REQUEST_CANCELLED,
            "cancelled before any checked plan was found".into(),
            None,
        )
    }
}

/// A line read from the client. `params` stays JSON text until its method reads it: a
/// `load` carries a whole scenario, which is read straight into its types (a `Value` tree
/// of it first would cost more than the rest of the `load`).
#[derive(Debug)]
pub enum Incoming {
    /// Has an `id`: it gets exactly one response.
    Request {
        id: Value,
        method: String,
        params: Box<RawValue>,
    },
    /// No `id`: nothing is answered, not even an error.
    Notification {
        method: String,
        params: Box<RawValue>,
    },
}

/// What a line says, or the error to answer it with (and the id to answer, `null` when the
/// line has none that can be read).
pub fn parse(line: &str) -> Result<Incoming, (Value, RpcError)> {
    let not_json = |e: serde_json::Error| {
        (
            Value::Null,
            RpcError::new(PARSE_ERROR, format!("not JSON: {e}"), None),
        )
    };
    let whole: &RawValue = serde_json::from_str(line).map_err(not_json)?;
    let invalid = |id: Value, why: &str| {
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
        return Err(invalid(Value::Null, why));
    }
    // Members as text; a member named twice counts once, the last, as a `Value` would.
    let mut obj: std::collections::BTreeMap<String, Box<RawValue>> =
        serde_json::from_str(whole.get()).map_err(not_json)?;
    let value =
        |raw: Box<RawValue>| serde_json::from_str::<Value>(raw.get()).unwrap_or(Value::Null);
    let id = obj.remove("id").map(value);
    let answer_to = match &id {
        Some(v @ (Value::String(_) | Value::Number(_) | Value::Null)) => v.clone(),
        Some(_) => {
            return Err(invalid(
                Value::Null,
                "\"id\" must be a string, a number or null",
            ))
        }
        None => Value::Null,
    };
    if obj.remove("jsonrpc").map(value) != Some(json!("2.0")) {
        return Err(invalid(answer_to, "\"jsonrpc\" must be \"2.0\""));
    }
    let method = match obj.remove("method").map(value) {
        Some(Value::String(m)) => m,
        _ => return Err(invalid(answer_to, "\"method\" must be a string")),
    };
    let params = match obj.remove("params") {
        Some(p) if p.get().starts_with('{') || p.get() == "null" => p,
        Some(_) => return Err(invalid(answer_to, "\"params\" must be an object")),
        None => null(),
    };
    if let Some(extra) = obj.keys().next() {
        return Err(invalid(answer_to, &format!("unknown member \"{extra}\"")));
    }
    Ok(match id {
        Some(id) => Incoming::Request { id, method, params },
        None => Incoming::Notification { method, params },
    })
}

/// JSON `null` as text: the params of a request that has none.
pub fn null() -> Box<RawValue> {
    RawValue::from_string("null".to_owned()).expect("null is JSON")
}

/// A response line (no newline), members in the order `id`, `jsonrpc`, `result` or
/// `error`. The result is already JSON text: a document of megabytes (`risk`, `solve`,
/// `state`) is written once, straight from its type, not copied into a `Value` first.
pub fn response(id: &Value, result: Result<Box<RawValue>, RpcError>) -> String {
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
pub fn notification(method: &str, params: Value) -> String {
    json!({"jsonrpc": "2.0", "method": method, "params": params}).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_requests_notifications_or_the_right_error() {
        match parse(r#"{"jsonrpc":"2.0","id":7,"method":"risk"}"#) {
            Ok(Incoming::Request { id, method, params }) => {
                assert_eq!(
                    (id, method.as_str(), params.get()),
                    (json!(7), "risk", "null")
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
                assert_eq!((id, params.get()), (json!(9), "{}"))
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
            code(r#"{"jsonrpc":"2.0","id":1,"method":"x","params":[1]}"#),
            INVALID_REQUEST
        );
        // The id of an invalid request is still answered to.
        assert_eq!(
            parse(r#"{"jsonrpc":"1.0","id":"a","method":"x"}"#)
                .unwrap_err()
                .0,
            json!("a")
        );
        assert_eq!(
            response(&json!(1), raw(&json!(null))),
            r#"{"id":1,"jsonrpc":"2.0","result":null}"#
        );
    }
}
