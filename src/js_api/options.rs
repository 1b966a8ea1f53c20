//! The options object of `mount(element, options)` (the `<operator-chat>` element's attributes
//! arrive as one too), read with `serde-wasm-bindgen` into one typed config, [`MountOptions`].
//! Every mistake is an [`OptionError`] whose message names the option, e.g.
//! `operator-chat: options.title must be a string`.

use js_sys::{Function, Object, Reflect};
use serde::de::DeserializeOwned;
use wasm_bindgen::{JsCast, JsValue};

use super::theme::Theme;
use crate::strings::Strings;
use crate::ui::Loading;

/// A wrong `mount()` option (or `setContext` argument). Its message starts `operator-chat:` and
/// names the option.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OptionError {
    /// `mount(element)` got no options, or neither `sessionEndpoint` nor `getToken`.
    #[error("operator-chat: options.sessionEndpoint or options.getToken is required ({0})")]
    NoTokenSource(&'static str),
    /// Both `sessionEndpoint` and `getToken` were given.
    #[error(
        "operator-chat: options.sessionEndpoint and options.getToken were both given: pass one"
    )]
    BothTokenSources,
    /// A value that must be a plain object is not (`what` is e.g. `options.theme`).
    #[error("operator-chat: {0} must be an object")]
    NotAnObject(String),
    /// An option of the wrong type: `expected` is e.g. `a string`, `true or false`.
    #[error("operator-chat: options.{option} must be {expected}")]
    WrongType {
        /// The option's path, e.g. `title`, `locale.retry`.
        option: String,
        /// What it must be.
        expected: &'static str,
    },
    /// A key that is not an option (a typo), with the keys that are.
    #[error("operator-chat: options.{option} is not a {what} (known: {known})")]
    Unknown {
        /// The key's path, e.g. `sesionEndpoint`, `theme.colour`.
        option: String,
        /// `known option`, `known string` or `theme property`.
        what: &'static str,
        /// The keys that are known, comma-separated.
        known: String,
    },
    /// A string option that must not be blank.
    #[error("operator-chat: options.{option} must not be empty{hint}")]
    Empty {
        /// The option.
        option: &'static str,
        /// What to give instead, e.g. ` (give the signed-in user's id)`, or nothing.
        hint: &'static str,
    },
    /// `loading` other than `idle`, `interaction` or `eager`.
    #[error("operator-chat: options.loading must be \"idle\", \"interaction\" or \"eager\"")]
    Loading,
    /// `colorScheme` other than `light`, `dark` or `auto`.
    #[error("operator-chat: options.colorScheme must be \"light\", \"dark\" or \"auto\"")]
    ColorScheme,
    /// A theme value that could break out of its declaration.
    #[error("operator-chat: options.theme.{0} must be a single CSS value (no `;`, `{{` or `}}`)")]
    UnsafeCss(String),
}

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
    /// `onUnreadChange(count)`.
    pub on_unread_change: Option<Function>,
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
    /// `starterPrompts`: suggested first messages.
    pub starter_prompts: Vec<String>,
    /// `loading`: `eager` fetches the markdown renderer's chunk at mount (else on opening).
    pub loading: Loading,
    /// Callbacks.
    pub callbacks: JsCallbacks,
}

/// Every option `mount` understands (anything else is a typo and an error).
pub const KNOWN_OPTIONS: [&str; 19] = [
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
    "starterPrompts",
    "loading",
    "onMessage",
    "onError",
    "onStateChange",
    "onUnreadChange",
];

/// `obj[key]`, or `undefined`.
pub(crate) fn get(obj: &JsValue, key: &str) -> JsValue {
    Reflect::get(obj, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

fn is_absent(v: &JsValue) -> bool {
    v.is_undefined() || v.is_null()
}

/// A plain object (not an array, function or primitive), as `what`.
pub fn plain_object(value: &JsValue, what: &str) -> Result<Object, OptionError> {
    if value.is_object() && !js_sys::Array::is_array(value) && !value.is_function() {
        Ok(value.clone().unchecked_into())
    } else {
        Err(OptionError::NotAnObject(what.to_owned()))
    }
}

/// The own keys of `obj`.
pub(crate) fn keys(obj: &Object) -> Vec<String> {
    Object::keys(obj)
        .iter()
        .filter_map(|k| k.as_string())
        .collect()
}

/// The option `obj[key]` deserialized (`serde-wasm-bindgen`) as a `T`, `None` when absent or
/// `null`; a value of another type is [`OptionError::WrongType`] naming `path`.
pub(crate) fn option<T: DeserializeOwned>(
    obj: &JsValue,
    key: &str,
    path: &str,
    expected: &'static str,
) -> Result<Option<T>, OptionError> {
    let value = get(obj, key);
    if is_absent(&value) {
        return Ok(None);
    }
    serde_wasm_bindgen::from_value(value)
        .map(Some)
        .map_err(|_| OptionError::WrongType {
            option: path.to_owned(),
            expected,
        })
}

fn string(obj: &JsValue, key: &str) -> Result<Option<String>, OptionError> {
    option(obj, key, key, "a string")
}

fn boolean(obj: &JsValue, key: &str) -> Result<Option<bool>, OptionError> {
    option(obj, key, key, "true or false")
}

fn function(obj: &JsValue, key: &str) -> Result<Option<Function>, OptionError> {
    let v = get(obj, key);
    if is_absent(&v) {
        return Ok(None);
    }
    v.dyn_into::<Function>()
        .map(Some)
        .map_err(|_| OptionError::WrongType {
            option: key.to_owned(),
            expected: "a function",
        })
}

fn reject_unknown(obj: &Object) -> Result<(), OptionError> {
    match keys(obj)
        .into_iter()
        .find(|key| !KNOWN_OPTIONS.contains(&key.as_str()))
    {
        Some(option) => Err(OptionError::Unknown {
            option,
            what: "known option",
            known: KNOWN_OPTIONS.join(", "),
        }),
        None => Ok(()),
    }
}

fn token_origin(obj: &JsValue) -> Result<TokenOrigin, OptionError> {
    let endpoint = string(obj, "sessionEndpoint")?;
    let get_token = function(obj, "getToken")?;
    match (endpoint, get_token) {
        (Some(_), Some(_)) => Err(OptionError::BothTokenSources),
        (Some(url), None) if url.trim().is_empty() => Err(OptionError::Empty {
            option: "sessionEndpoint",
            hint: "",
        }),
        (Some(url), None) => Ok(TokenOrigin::Endpoint(url)),
        (None, Some(f)) => Ok(TokenOrigin::Function(f)),
        (None, None) => Err(OptionError::NoTokenSource(
            "where the widget gets its token",
        )),
    }
}

/// `options.locale`: `lang` and any of the texts of [`Strings::KEYS`] (the others stay
/// English). An unknown key or a non-string value is an error naming it.
fn locale(locale: &JsValue) -> Result<(Option<String>, Strings), OptionError> {
    let mut strings = Strings::default();
    if is_absent(locale) {
        return Ok((None, strings));
    }
    let obj = plain_object(locale, "options.locale")?;
    if let Some(key) = keys(&obj)
        .into_iter()
        .find(|key| key != "lang" && strings.get(key).is_none())
    {
        return Err(OptionError::Unknown {
            option: format!("locale.{key}"),
            what: "known string",
            known: format!("lang, {}", Strings::KEYS.join(", ")),
        });
    }
    for key in Strings::KEYS {
        if let Some(text) = option::<String>(locale, key, &format!("locale.{key}"), "a string")? {
            strings.set(key, text);
        }
    }
    let lang = option(locale, "lang", "locale.lang", "a string")?;
    Ok((lang, strings))
}

impl MountOptions {
    /// What `persist` is scoped to besides `persistKey`: the session endpoint, or `getToken`.
    pub fn persist_scope(&self) -> String {
        match &self.token {
            TokenOrigin::Endpoint(url) => url.clone(),
            TokenOrigin::Function(_) => "getToken".to_owned(),
        }
    }

    /// Reads and checks `options`; the error names the offending option.
    pub fn from_js(options: &JsValue) -> Result<MountOptions, OptionError> {
        if is_absent(options) {
            return Err(OptionError::NoTokenSource(
                "mount(element, options) got no options",
            ));
        }
        let obj = plain_object(options, "options")?;
        reject_unknown(&obj)?;
        let token = token_origin(options)?;
        let open = match boolean(options, "open")? {
            Some(b) => b,
            None => boolean(options, "initiallyOpen")?.unwrap_or(false),
        };
        let (lang, strings) = locale(&get(options, "locale"))?;
        let persist_key = string(options, "persistKey")?;
        if persist_key.as_deref().is_some_and(|k| k.trim().is_empty()) {
            return Err(OptionError::Empty {
                option: "persistKey",
                hint: " (give the signed-in user's id)",
            });
        }
        let starter_prompts: Vec<String> = option(
            options,
            "starterPrompts",
            "starterPrompts",
            "an array of non-empty strings",
        )?
        .unwrap_or_default();
        if starter_prompts.iter().any(|p| p.trim().is_empty()) {
            return Err(OptionError::WrongType {
                option: "starterPrompts".to_owned(),
                expected: "an array of non-empty strings",
            });
        }
        let theme_value = get(options, "theme");
        let theme = if is_absent(&theme_value) {
            Theme::default()
        } else {
            Theme::from_js(&theme_value)?
        };
        let color_scheme = match string(options, "colorScheme")?.as_deref() {
            None | Some("auto") => None,
            Some("light") => Some("light"),
            Some("dark") => Some("dark"),
            Some(_) => return Err(OptionError::ColorScheme),
        };
        let loading = match string(options, "loading")? {
            None => Loading::default(),
            Some(name) => Loading::from_name(&name).ok_or(OptionError::Loading)?,
        };
        Ok(MountOptions {
            loading,
            token,
            color_scheme,
            title: string(options, "title")?,
            placeholder: string(options, "placeholder")?,
            open,
            inline: boolean(options, "inline")?.unwrap_or(false),
            persist: boolean(options, "persist")?.unwrap_or(false),
            persist_token: boolean(options, "persistToken")?.unwrap_or(false),
            persist_key,
            theme,
            lang,
            strings,
            starter_prompts,
            callbacks: JsCallbacks {
                on_message: function(options, "onMessage")?,
                on_error: function(options, "onError")?,
                on_state_change: function(options, "onStateChange")?,
                on_unread_change: function(options, "onUnreadChange")?,
            },
        })
    }
}
