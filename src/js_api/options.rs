//! The options object of `mount(element, options)`, read and checked. Every mistake is an
//! `Error` whose message names the option, e.g. `operator-chat: options.title must be a string`.

use js_sys::{Function, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};

use super::theme::Theme;
use crate::strings::Strings;

/// Where the widget gets its credentials from.
#[derive(Debug, Clone)]
pub enum TokenOrigin {
    /// `sessionEndpoint`: POST to the host backend's session endpoint.
    Endpoint(String),
    /// `getToken`: an async function returning `{conversation_id, token, expires_at,
    /// events_url, session_url}`.
    Function(Function),
}

/// The host's event callbacks.
#[derive(Debug, Clone, Default)]
pub struct JsCallbacks {
    /// `onMessage(message)`.
    pub on_message: Option<Function>,
    /// `onError(error)`.
    pub on_error: Option<Function>,
    /// `onStateChange(state)`.
    pub on_state_change: Option<Function>,
}

/// Checked `mount` options.
#[derive(Debug, Clone)]
pub struct MountOptions {
    /// Token source.
    pub token: TokenOrigin,
    /// Panel title.
    pub title: Option<String>,
    /// Composer placeholder.
    pub placeholder: Option<String>,
    /// Start open (launcher mode).
    pub open: bool,
    /// Render the panel in place.
    pub inline: bool,
    /// Keep the conversation across reloads (`sessionStorage`).
    pub persist: bool,
    /// With `persist`, also keep the token.
    pub persist_token: bool,
    /// `persistKey`: the host's user id; the saved state is kept per user.
    pub persist_key: Option<String>,
    /// CSS custom property values.
    pub theme: Theme,
    /// `"light"` or `"dark"` to force a palette; `None` follows `prefers-color-scheme`.
    pub color_scheme: Option<&'static str>,
    /// `lang` of the widget's text (from `locale.lang`).
    pub lang: Option<String>,
    /// The widget's texts: English, with the other keys of `locale` over it.
    pub strings: Strings,
    /// Callbacks.
    pub callbacks: JsCallbacks,
}

/// Every option `mount` understands (anything else is a typo and an error).
pub const KNOWN_OPTIONS: [&str; 16] = [
    "sessionEndpoint",
    "getToken",
    "title",
    "placeholder",
    "open",
    "initiallyOpen",
    "inline",
    "persist",
    "persistToken",
    "persistKey",
    "theme",
    "colorScheme",
    "locale",
    "onMessage",
    "onError",
    "onStateChange",
];

/// A message for a bad option: `operator-chat: options.<name> <problem>`.
pub fn option_error(name: &str, problem: &str) -> String {
    format!("operator-chat: options.{name} {problem}")
}

fn get(obj: &JsValue, key: &str) -> JsValue {
    Reflect::get(obj, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

fn is_absent(v: &JsValue) -> bool {
    v.is_undefined() || v.is_null()
}

/// A plain object (not an array, function or primitive), as `what`.
pub fn plain_object(value: &JsValue, what: &str) -> Result<Object, String> {
    if value.is_object() && !js_sys::Array::is_array(value) && !value.is_function() {
        Ok(value.clone().unchecked_into())
    } else {
        Err(format!("operator-chat: {what} must be an object"))
    }
}

fn string(obj: &JsValue, key: &str, path: &str) -> Result<Option<String>, String> {
    let v = get(obj, key);
    if is_absent(&v) {
        return Ok(None);
    }
    v.as_string()
        .map(Some)
        .ok_or_else(|| option_error(path, "must be a string"))
}

fn boolean(obj: &JsValue, key: &str) -> Result<Option<bool>, String> {
    let v = get(obj, key);
    if is_absent(&v) {
        return Ok(None);
    }
    v.as_bool()
        .map(Some)
        .ok_or_else(|| option_error(key, "must be true or false"))
}

fn function(obj: &JsValue, key: &str) -> Result<Option<Function>, String> {
    let v = get(obj, key);
    if is_absent(&v) {
        return Ok(None);
    }
    v.dyn_into::<Function>()
        .map(Some)
        .map_err(|_| option_error(key, "must be a function"))
}

fn reject_unknown(obj: &Object, known: &[&str], prefix: &str) -> Result<(), String> {
    for key in Object::keys(obj).iter().filter_map(|k| k.as_string()) {
        if !known.contains(&key.as_str()) {
            return Err(option_error(
                &format!("{prefix}{key}"),
                &format!("is not a known option (known: {})", known.join(", ")),
            ));
        }
    }
    Ok(())
}

fn token_origin(obj: &JsValue) -> Result<TokenOrigin, String> {
    let endpoint = string(obj, "sessionEndpoint", "sessionEndpoint")?;
    let get_token = function(obj, "getToken")?;
    match (endpoint, get_token) {
        (Some(_), Some(_)) => Err(option_error(
            "sessionEndpoint",
            "and options.getToken were both given: pass one",
        )),
        (Some(url), None) if url.trim().is_empty() => {
            Err(option_error("sessionEndpoint", "must not be empty"))
        }
        (Some(url), None) => Ok(TokenOrigin::Endpoint(url)),
        (None, Some(f)) => Ok(TokenOrigin::Function(f)),
        (None, None) => Err(option_error(
            "sessionEndpoint",
            "or options.getToken is required (where the widget gets its token)",
        )),
    }
}

/// `options.locale`: `lang` and any of the texts of [`Strings::KEYS`] (the others stay
/// English). An unknown key or a non-string value is an error naming it.
fn locale(locale: &JsValue) -> Result<(Option<String>, Strings), String> {
    let mut strings = Strings::default();
    if is_absent(locale) {
        return Ok((None, strings));
    }
    let obj = plain_object(locale, "options.locale")?;
    for key in Object::keys(&obj).iter().filter_map(|k| k.as_string()) {
        if key != "lang" && strings.get(&key).is_none() {
            return Err(option_error(
                &format!("locale.{key}"),
                &format!(
                    "is not a known string (known: lang, {})",
                    Strings::KEYS.join(", ")
                ),
            ));
        }
    }
    for key in Strings::KEYS {
        if let Some(text) = string(locale, key, &format!("locale.{key}"))? {
            strings.set(key, text);
        }
    }
    Ok((string(locale, "lang", "locale.lang")?, strings))
}

impl MountOptions {
    /// What `persist` is scoped to besides `persistKey`: the session endpoint, or `getToken`.
    pub fn persist_scope(&self) -> String {
        match &self.token {
            TokenOrigin::Endpoint(url) => url.clone(),
            TokenOrigin::Function(_) => "getToken".to_owned(),
        }
    }

    /// Reads and checks `options`; the error message names the offending option.
    pub fn from_js(options: &JsValue) -> Result<MountOptions, String> {
        if is_absent(options) {
            return Err(option_error(
                "sessionEndpoint",
                "or options.getToken is required (mount(element, options) got no options)",
            ));
        }
        let obj = plain_object(options, "options")?;
        reject_unknown(&obj, &KNOWN_OPTIONS, "")?;
        let token = token_origin(options)?;
        let open = match boolean(options, "open")? {
            Some(b) => b,
            None => boolean(options, "initiallyOpen")?.unwrap_or(false),
        };
        let (lang, strings) = locale(&get(options, "locale"))?;
        let persist_key = string(options, "persistKey", "persistKey")?;
        if persist_key.as_deref().is_some_and(|k| k.trim().is_empty()) {
            return Err(option_error(
                "persistKey",
                "must not be empty (give the signed-in user's id)",
            ));
        }
        let theme_value = get(options, "theme");
        let theme = if is_absent(&theme_value) {
            Theme::default()
        } else {
            Theme::from_js(&theme_value)?
        };
        let color_scheme = match string(options, "colorScheme", "colorScheme")?.as_deref() {
            None | Some("auto") => None,
            Some("light") => Some("light"),
            Some("dark") => Some("dark"),
            Some(_) => {
                return Err(option_error(
                    "colorScheme",
                    "must be \"light\", \"dark\" or \"auto\"",
                ))
            }
        };
        Ok(MountOptions {
            token,
            color_scheme,
            title: string(options, "title", "title")?,
            placeholder: string(options, "placeholder", "placeholder")?,
            open,
            inline: boolean(options, "inline")?.unwrap_or(false),
            persist: boolean(options, "persist")?.unwrap_or(false),
            persist_token: boolean(options, "persistToken")?.unwrap_or(false),
            persist_key,
            theme,
            lang,
            strings,
            callbacks: JsCallbacks {
                on_message: function(options, "onMessage")?,
                on_error: function(options, "onError")?,
                on_state_change: function(options, "onStateChange")?,
            },
        })
    }
}
