//! JSON to XML and back, with Alibaba's conventions: a JSON list under key `K` is a run of `<K>`
//! elements (so `{"LoadBalancers":{"LoadBalancer":[a,b]}}` is
//! `<LoadBalancers><LoadBalancer>a</LoadBalancer><LoadBalancer>b</LoadBalancer></LoadBalancers>`).

use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
use quick_xml::{Reader, Writer};
use serde_json::{Map, Value};

/// Renders `body` as the children of `<root>`, with an XML declaration.
pub fn to_xml(root: &str, body: &Map<String, Value>) -> String {
    let mut w = Writer::new(Vec::new());
    let _ = w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)));
    element(&mut w, root, &Value::Object(body.clone()));
    String::from_utf8(w.into_inner()).unwrap_or_default()
}

fn element(w: &mut Writer<Vec<u8>>, name: &str, v: &Value) {
    match v {
        Value::Array(items) => items.iter().for_each(|it| element(w, name, it)),
        Value::Object(m) => {
            let _ = w.write_event(Event::Start(BytesStart::new(name)));
            for (k, child) in m {
                element(w, k, child);
            }
            let _ = w.write_event(Event::End(BytesEnd::new(name)));
        }
        Value::Null => {
            let _ = w.write_event(Event::Empty(BytesStart::new(name)));
        }
        scalar => {
            let text = match scalar {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            let _ = w.write_event(Event::Start(BytesStart::new(name)));
            let _ = w.write_event(Event::Text(BytesText::new(&text)));
            let _ = w.write_event(Event::End(BytesEnd::new(name)));
        }
    }
}

/// Why an XML document could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("malformed XML: {0}")]
pub struct XmlError(pub String);

/// Parses XML into `(root name, JSON)`. Repeated children become lists; so does a single child
/// whose name `is_list` says is a list (XML cannot tell a one-item list from a field). Leaves are
/// strings: XML has no types, the caller types them against the spec.
pub fn from_xml(xml: &str, is_list: &dyn Fn(&str) -> bool) -> Result<(String, Value), XmlError> {
    let mut reader = Reader::from_str(xml);
    reader.config_mut().trim_text(true);
    let mut stack: Vec<Open> = Vec::new();
    let mut root = None;
    loop {
        match reader.read_event().map_err(|e| XmlError(e.to_string()))? {
            Event::Start(e) => stack.push((name_of(&e)?, Vec::new(), String::new())),
            Event::Empty(e) => {
                let name = name_of(&e)?;
                attach(&mut stack, &mut root, name, Value::String(String::new()))?;
            }
            Event::Text(t) => {
                let s = t.unescape().map_err(|e| XmlError(e.to_string()))?;
                if let Some(top) = stack.last_mut() {
                    top.2.push_str(&s);
                }
            }
            Event::CData(t) => {
                if let Some(top) = stack.last_mut() {
                    top.2.push_str(&String::from_utf8_lossy(&t));
                }
            }
            Event::End(_) => {
                let (name, children, text) = stack
                    .pop()
                    .ok_or_else(|| XmlError("unbalanced end tag".into()))?;
                let v = if children.is_empty() {
                    Value::String(text)
                } else {
                    group(children, is_list)
                };
                attach(&mut stack, &mut root, name, v)?;
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if !stack.is_empty() {
        return Err(XmlError("unclosed element".into()));
    }
    root.ok_or_else(|| XmlError("no root element".into()))
}

fn name_of(e: &BytesStart) -> Result<String, XmlError> {
    String::from_utf8(e.name().as_ref().to_vec()).map_err(|e| XmlError(e.to_string()))
}

/// Hands a finished element to its parent, or makes it the root.
/// An element still open while parsing: its name, finished children and text so far.
type Open = (String, Vec<(String, Value)>, String);

fn attach(
    stack: &mut [Open],
    root: &mut Option<(String, Value)>,
    name: String,
    v: Value,
) -> Result<(), XmlError> {
    match stack.last_mut() {
        Some(parent) => {
            parent.1.push((name, v));
            Ok(())
        }
        None if root.is_none() => {
            let v = match v {
                Value::String(s) if s.is_empty() => Value::Object(Map::new()),
                other => other,
            };
            *root = Some((name, v));
            Ok(())
        }
        None => Err(XmlError("more than one root element".into())),
    }
}

fn group(children: Vec<(String, Value)>, is_list: &dyn Fn(&str) -> bool) -> Value {
    let mut m = Map::new();
    for (k, v) in children {
        match m.get_mut(&k) {
            Some(Value::Array(a)) => a.push(v),
            Some(existing) => {
                let first = existing.take();
                *existing = Value::Array(vec![first, v]);
            }
            None if is_list(&k) => {
                m.insert(k, Value::Array(vec![v]));
            }
            None => {
                m.insert(k, v);
            }
        }
    }
    Value::Object(m)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn lists_render_as_repeated_elements_and_parse_back() {
        let body = json!({"RequestId": "r-1", "LoadBalancers": {"LoadBalancer": [{"LoadBalancerId": "lb-1"}, {"LoadBalancerId": "lb-2"}]}, "TotalCount": 2});
        let xml = to_xml("DescribeLoadBalancersResponse", body.as_object().unwrap());
        assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?><DescribeLoadBalancersResponse><RequestId>r-1</RequestId><LoadBalancers><LoadBalancer><LoadBalancerId>lb-1</LoadBalancerId></LoadBalancer><LoadBalancer>"));
        let (root, parsed) = from_xml(&xml, &|_| false).unwrap();
        assert_eq!(root, "DescribeLoadBalancersResponse");
        assert_eq!(
            parsed,
            json!({"RequestId": "r-1", "LoadBalancers": {"LoadBalancer": [{"LoadBalancerId": "lb-1"}, {"LoadBalancerId": "lb-2"}]}, "TotalCount": "2"})
        );
    }

    #[test]
    fn a_single_item_list_needs_the_hint_and_text_is_escaped() {
        let body = json!({"LoadBalancers": {"LoadBalancer": [{"Name": "a<b&c"}]}});
        let xml = to_xml("R", body.as_object().unwrap());
        assert!(xml.contains("a&lt;b&amp;c"));
        let (_, hinted) = from_xml(&xml, &|k| k == "LoadBalancer").unwrap();
        assert_eq!(hinted, body);
        let (_, plain) = from_xml(&xml, &|_| false).unwrap();
        assert_eq!(
            plain,
            json!({"LoadBalancers": {"LoadBalancer": {"Name": "a<b&c"}}})
        );
    }

    #[test]
    fn malformed_xml_is_an_error() {
        assert!(from_xml("<a><b></a>", &|_| false).is_err());
        assert!(from_xml("<a>", &|_| false).is_err());
        assert!(from_xml("", &|_| false).is_err());
        assert!(from_xml("<a/><b/>", &|_| false).is_err());
    }
}
