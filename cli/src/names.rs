//! Rust names for database names: `order_items` → `OrderItems` (the table),
//! `order_items` (its module), `OrderItem` (its model), `unit_price` →
//! `UnitPrice` (a column) and `unit_price` (a field).

/// Words of a database name: split at anything not alphanumeric and at
/// lower-to-upper case changes.
fn words(name: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut prev_lower = false;
    for c in name.chars() {
        if !c.is_alphanumeric() {
            prev_lower = false;
            if !word.is_empty() {
                words.push(std::mem::take(&mut word));
            }
            continue;
        }
        if c.is_uppercase() && prev_lower && !word.is_empty() {
            words.push(std::mem::take(&mut word));
        }
        prev_lower = c.is_lowercase() || c.is_ascii_digit();
        word.extend(c.to_lowercase());
    }
    if !word.is_empty() {
        words.push(word);
    }
    words
}

/// Only ASCII letters, digits and `_`, never starting with a digit.
fn ascii(ident: String, fallback: &str) -> String {
    let mut out: String = ident
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if out.is_empty() || out.trim_matches('_').is_empty() {
        out = fallback.to_owned();
    }
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, '_');
    }
    out
}

/// `UpperCamelCase`, for the table and column structs.
pub(crate) fn camel(name: &str) -> String {
    let s: String = words(name)
        .iter()
        .map(|w| {
            let mut cs = w.chars();
            cs.next()
                .map(|f| f.to_uppercase().chain(cs).collect::<String>())
                .unwrap_or_default()
        })
        .collect();
    let s = ascii(s, "Unnamed");
    // `Self` cannot be a type's name, raw or not.
    if s == "Self" {
        "SelfColumn".to_owned()
    } else {
        s
    }
}

/// `snake_case`, for modules and fields; keywords become raw identifiers.
pub(crate) fn snake(name: &str) -> String {
    let s = ascii(words(name).join("_"), "unnamed");
    match s.as_str() {
        // Not allowed as raw identifiers.
        "self" | "super" | "crate" => format!("{s}_"),
        _ if KEYWORDS.contains(&s.as_str()) => format!("r#{s}"),
        _ => s,
    }
}

/// The model of a table: its name in the singular (`users` → `User`,
/// `categories` → `Category`); `taken` are names already used.
pub(crate) fn model(table: &str, taken: &[String]) -> String {
    let plural = camel(table);
    let singular = if let Some(stem) = plural.strip_suffix("ies") {
        format!("{stem}y")
    } else if plural.ends_with("sses") || plural.ends_with("xes") || plural.ends_with("ches") {
        plural[..plural.len() - 2].to_owned()
    } else if plural.ends_with('s') && !plural.ends_with("ss") && plural.len() > 1 {
        plural[..plural.len() - 1].to_owned()
    } else {
        plural.clone()
    };
    if singular == plural || taken.contains(&singular) {
        format!("{plural}Row")
    } else {
        singular
    }
}

/// Rust's keywords (2024 edition, reserved ones included).
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "do", "dyn",
    "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl", "in", "let",
    "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref", "return",
    "static", "struct", "trait", "true", "try", "type", "typeof", "unsafe", "unsized", "use",
    "virtual", "where", "while", "yield",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(camel("order_items"), "OrderItems");
        assert_eq!(camel("userId"), "UserId");
        assert_eq!(camel("2fa codes"), "_2faCodes");
        assert_eq!(snake("OrderItems"), "order_items");
        assert_eq!(snake("type"), "r#type");
        assert_eq!(snake("self"), "self_");
        assert_eq!(snake("Straße"), "stra_e");
        assert_eq!(model("users", &[]), "User");
        assert_eq!(model("categories", &[]), "Category");
        assert_eq!(model("addresses", &[]), "Address");
        assert_eq!(model("person", &[]), "PersonRow");
        assert_eq!(model("users", &["User".to_owned()]), "UsersRow");
    }
}
