//! `options.theme`: values for the widget's documented CSS custom properties (`--oc-*`, see
//! `style.css`). Keys are camelCase (`accent`, `panelWidth`) or the property itself
//! (`--oc-accent`); values are CSS strings, set through the CSSOM (`style.setProperty`), which a
//! strict CSP allows and which cannot inject other rules.

use js_sys::Number;
use wasm_bindgen::JsValue;
use web_sys::HtmlElement;

use super::options::{get, keys, plain_object, OptionError};

/// The themeable properties: (camelCase key, CSS custom property).
pub const THEME_PROPERTIES: [(&str, &str); 14] = [
    ("accent", "--oc-accent"),
    ("accentFg", "--oc-accent-fg"),
    ("bg", "--oc-bg"),
    ("fg", "--oc-fg"),
    ("muted", "--oc-muted"),
    ("surface", "--oc-surface"),
    ("border", "--oc-border"),
    ("danger", "--oc-danger"),
    ("radius", "--oc-radius"),
    ("font", "--oc-font"),
    ("fontSize", "--oc-font-size"),
    ("panelWidth", "--oc-panel-width"),
    ("panelHeight", "--oc-panel-height"),
    ("zIndex", "--oc-z"),
];

/// Custom property values to set on the widget's root.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Theme {
    /// `(--oc-name, value)` pairs, in the order given.
    pub properties: Vec<(String, String)>,
}

/// The CSS property for a theme key, if it is one.
pub fn property_for(key: &str) -> Option<&'static str> {
    THEME_PROPERTIES
        .iter()
        .find(|(camel, prop)| *camel == key || *prop == key)
        .map(|(_, prop)| *prop)
}

impl Theme {
    /// Reads `options.theme`; unknown keys and non-string values are errors naming the key.
    pub fn from_js(value: &JsValue) -> Result<Theme, OptionError> {
        let obj = plain_object(value, "options.theme")?;
        let mut properties = Vec::new();
        for key in keys(&obj) {
            let Some(prop) = property_for(&key) else {
                let known: Vec<&str> = THEME_PROPERTIES.iter().map(|(k, _)| *k).collect();
                return Err(OptionError::Unknown {
                    option: format!("theme.{key}"),
                    what: "theme property",
                    known: known.join(", "),
                });
            };
            let v = get(value, &key);
            let text = v
                .as_string()
                // A number as JS writes it (`String(n)`), so Rust's float formatting (about
                // 15 KB of wasm) stays out of the build.
                .or_else(|| {
                    let n = Number::from(v.as_f64()?).to_string_with_radix(10).ok()?;
                    Some(String::from(n))
                })
                .ok_or_else(|| OptionError::WrongType {
                    option: format!("theme.{key}"),
                    expected: "a CSS value string",
                })?;
            if text.contains([';', '{', '}']) {
                return Err(OptionError::UnsafeCss(key));
            }
            properties.push((prop.to_owned(), text));
        }
        Ok(Theme { properties })
    }

    /// Sets the properties on `element` (inline CSSOM values beat the stylesheet defaults).
    pub fn apply(&self, element: &HtmlElement) {
        let style = element.style();
        for (prop, value) in &self.properties {
            let _ = style.set_property(prop, value);
        }
    }
}
