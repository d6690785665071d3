//! The shape of a RON document as the `ron` crate's `deserialize_any` shows it, read both by
//! `ron` and by ttx's spanned reader: the oracle that keeps the two in agreement. Shared by
//! `tests/ron_oracle.rs` and the `ron_oracle` fuzz target.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use ttx::ron_file::parse::{Arena, Kind, Value, parse};

/// What `deserialize_any` sees: names of structs and variants are not part of it (as in `ron`).
#[derive(Debug, Clone)]
pub enum Shape {
    Bool(bool),
    /// Every number, integer or float, by its value.
    Num(f64),
    Char(char),
    Str(String),
    Bytes(Vec<u8>),
    None,
    Some(Box<Shape>),
    Unit,
    Seq(Vec<Shape>),
    Map(Vec<(Shape, Shape)>),
}

impl PartialEq for Shape {
    fn eq(&self, other: &Shape) -> bool {
        use Shape::*;
        match (self, other) {
            (Bool(a), Bool(b)) => a == b,
            (Num(a), Num(b)) => a == b || (a.is_nan() && b.is_nan()),
            (Char(a), Char(b)) => a == b,
            (Str(a), Str(b)) => a == b,
            (Bytes(a), Bytes(b)) => a == b,
            (None, None) | (Unit, Unit) => true,
            (Some(a), Some(b)) => a == b,
            (Seq(a), Seq(b)) => a == b,
            (Map(a), Map(b)) => a == b,
            _ => false,
        }
    }
}

/// The shape of a document read by ttx's reader; `None` when it refuses the document.
pub fn ours(source: &str) -> Option<Shape> {
    parse(source, &Arena::new())
        .ok()
        .map(|value| shape(source, &value))
}

/// The shape of a document read by the `ron` crate; `None` when it refuses the document.
pub fn theirs(source: &str) -> Option<Shape> {
    ron::from_str::<Shape>(source).ok()
}

fn shape(source: &str, value: &Value) -> Shape {
    let written = source.get(value.at()..value.end()).unwrap_or_default();
    let raw_name = written.starts_with("r#");
    match &value.kind {
        Kind::Bool(b) => Shape::Bool(*b),
        Kind::Int(i) => Shape::Num(i.get() as f64),
        Kind::Float(x) => Shape::Num(*x),
        Kind::Char(c) => Shape::Char(*c),
        Kind::Str(s) => Shape::Str(s.to_string()),
        Kind::Bytes(b) => Shape::Bytes(b.to_vec()),
        Kind::List(items) => Shape::Seq(items.iter().map(|v| shape(source, v)).collect()),
        Kind::Map(entries) => Shape::Map(
            entries
                .iter()
                .map(|(k, v)| (shape(source, k), shape(source, v)))
                .collect(),
        ),
        // `()` exactly is the unit; `( )` and `Name()` are empty tuples, as in `ron`.
        Kind::Struct { fields: [], .. } if written == "()" => Shape::Unit,
        Kind::Struct { fields: [], .. } => Shape::Seq(Vec::new()),
        Kind::Struct { fields, .. } => Shape::Map(
            fields
                .iter()
                .map(|f| (Shape::Str(f.name.to_string()), shape(source, &f.value)))
                .collect(),
        ),
        Kind::Tuple {
            name: Some(name),
            items,
        } if *name == "Some" && !raw_name && items.len() == 1 => {
            Shape::Some(Box::new(shape(source, &items[0])))
        }
        Kind::Tuple { items, .. } => Shape::Seq(items.iter().map(|v| shape(source, v)).collect()),
        Kind::Unit(name) if *name == "None" && !raw_name => Shape::None,
        Kind::Unit(_) => Shape::Unit,
    }
}

impl<'de> Deserialize<'de> for Shape {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Shape, D::Error> {
        deserializer.deserialize_any(ShapeVisitor)
    }
}

struct ShapeVisitor;

impl<'de> Visitor<'de> for ShapeVisitor {
    type Value = Shape;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any RON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Shape, E> {
        Ok(Shape::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Shape, E> {
        Ok(Shape::Num(v as f64))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Shape, E> {
        Ok(Shape::Num(v as f64))
    }
    fn visit_i128<E>(self, v: i128) -> Result<Shape, E> {
        Ok(Shape::Num(v as f64))
    }
    fn visit_u128<E>(self, v: u128) -> Result<Shape, E> {
        Ok(Shape::Num(v as f64))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Shape, E> {
        Ok(Shape::Num(v))
    }
    fn visit_char<E>(self, v: char) -> Result<Shape, E> {
        Ok(Shape::Char(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Shape, E> {
        Ok(Shape::Str(v.to_string()))
    }
    fn visit_bytes<E>(self, v: &[u8]) -> Result<Shape, E> {
        Ok(Shape::Bytes(v.to_vec()))
    }
    fn visit_none<E>(self) -> Result<Shape, E> {
        Ok(Shape::None)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Shape, D::Error> {
        Shape::deserialize(d).map(|s| Shape::Some(Box::new(s)))
    }
    fn visit_unit<E>(self) -> Result<Shape, E> {
        Ok(Shape::Unit)
    }
    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<Shape, D::Error> {
        Shape::deserialize(d)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Shape, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Shape::Seq(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Shape, A::Error> {
        let mut entries = Vec::new();
        while let Some(entry) = map.next_entry()? {
            entries.push(entry);
        }
        Ok(Shape::Map(entries))
    }
    fn visit_enum<A: de::EnumAccess<'de>>(self, _data: A) -> Result<Shape, A::Error> {
        Err(de::Error::custom("enums are not read by deserialize_any"))
    }
}
