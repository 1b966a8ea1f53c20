//! Short import names for the `web` build: wasm-bindgen names every JS function the wasm
//! imports like `__wbg_addEventListener_c03a6c2e6a4d09ef` (a name plus a 16-digit hash), and
//! each name is written twice, in the wasm's import section and as a key of the glue's import
//! object. Renaming them `a`, `b`, ... in both saves about 4 KB brotli of the package.
//!
//! The same goes for the exports the glue calls by a generated name: wasm-bindgen's closure
//! shims, `wasm_bindgen_<hash>___convert__closures_____invoke___<argument types>` (70–330
//! characters each), renamed `$a`, `$b`, ... in the wasm and the glue, where they are property
//! names (`wasm.<name>(…)`), one or more times each; 0.5 KB brotli more.
//!
//! Only imports from the glue itself (module `./<name>_bg.js`, or `wbg`) are renamed; snippet
//! modules are real ES modules whose export names must stay. Each old name must occur exactly
//! once in the glue as a whole identifier, else nothing is renamed and the files stay as they
//! were (a glue shape this does not know is left alone, never half-renamed).

use crate::error::{Error, Result};

/// Renames the glue's imports (object keys, so a short name may equal a local variable's) in `wasm` and `js` (the minified `web` glue). `glue_module` is
/// the import module the glue provides (`./operator_chat_bg.js`). Returns the new files and how
/// many names changed, or `None` when the glue does not have each name exactly once.
pub fn shorten(
    wasm: &[u8],
    js: &str,
    glue_module: &str,
) -> Result<Option<(Vec<u8>, String, usize)>> {
    let mut names = Vec::new();
    let mut exports = Vec::new();
    let rewritten = rewrite_sections(
        wasm,
        |module, field| {
            if module == glue_module || module == "wbg" {
                let short = short_name(names.len());
                names.push((field.to_owned(), short.clone()));
                Some(short)
            } else {
                None
            }
        },
        |name| {
            if is_generated_export(name) {
                let short = format!("${}", short_name(exports.len()));
                exports.push((name.to_owned(), short.clone()));
                Some(short)
            } else {
                None
            }
        },
    )?;
    let mut spans = Vec::with_capacity(names.len() + exports.len());
    for (old, new) in &names {
        let found = identifier_positions(js, old);
        if found.len() != 1 {
            return Ok(None);
        }
        spans.push((found[0], old.len(), new.as_str()));
    }
    for (old, new) in &exports {
        let found = identifier_positions(js, old);
        if found.is_empty() {
            return Ok(None);
        }
        spans.extend(found.into_iter().map(|at| (at, old.len(), new.as_str())));
    }
    spans.sort_by_key(|s| s.0);
    let mut out = String::with_capacity(js.len());
    let mut at = 0;
    for (start, len, new) in spans {
        out.push_str(&js[at..start]);
        out.push_str(new);
        at = start + len;
    }
    out.push_str(&js[at..]);
    Ok(Some((rewritten, out, names.len() + exports.len())))
}

/// Whether an export is one of wasm-bindgen's closure shims, which only the glue calls.
fn is_generated_export(name: &str) -> bool {
    name.starts_with("wasm_bindgen_") && name.contains("closures")
}

/// The export names [`shorten`] gave `wasm` (the renamed module), old and new, for the glue's
/// type declarations: every `$<letters>` export is one, in the order of the originals.
pub fn renamed_exports(original: &[u8], renamed: &[u8]) -> Result<Vec<(String, String)>> {
    let names = |wasm: &[u8]| -> Result<Vec<String>> {
        let mut all = Vec::new();
        rewrite_sections(
            wasm,
            |_, _| None,
            |name| {
                all.push(name.to_owned());
                None
            },
        )?;
        Ok(all)
    };
    Ok(names(original)?
        .into_iter()
        .zip(names(renamed)?)
        .filter(|(old, new)| old != new)
        .collect())
}

/// The module name of each import of `wasm`, in order (`wasm_split` reads its split points off
/// them).
pub fn import_modules(wasm: &[u8]) -> Result<Vec<String>> {
    let mut modules = Vec::new();
    rewrite_sections(
        wasm,
        |module, _| {
            modules.push(module.to_owned());
            None
        },
        |_| None,
    )?;
    Ok(modules)
}

/// `a`..`z`, `A`..`Z`, then two letters and on: short identifiers, distinct for each `i`.
fn short_name(mut i: usize) -> String {
    const LETTERS: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    let mut s = String::new();
    loop {
        s.push(char::from(LETTERS[i % LETTERS.len()]));
        i /= LETTERS.len();
        if i == 0 {
            return s;
        }
    }
}

/// Byte offsets where `name` occurs in `js` not preceded or followed by an identifier char.
fn identifier_positions(js: &str, name: &str) -> Vec<usize> {
    let ident = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '$';
    js.match_indices(name)
        .filter(|(i, _)| {
            let before = js[..*i].chars().next_back().is_none_or(|c| !ident(c));
            let after = js[i + name.len()..]
                .chars()
                .next()
                .is_none_or(|c| !ident(c));
            before && after
        })
        .map(|(i, _)| i)
        .collect()
}

/// A copy of `wasm` with each import's field name replaced where `rename(module, field)` says,
/// and each export's name where `rename_export(name)` says.
fn rewrite_sections(
    wasm: &[u8],
    mut rename: impl FnMut(&str, &str) -> Option<String>,
    mut rename_export: impl FnMut(&str) -> Option<String>,
) -> Result<Vec<u8>> {
    let bad = |what: &str| Error::Other(format!("wasm import rename: {what}"));
    if wasm.len() < 8 || &wasm[..4] != b"\0asm" {
        return Err(bad("not a wasm module"));
    }
    let mut out = wasm[..8].to_vec();
    let mut r = Reader { bytes: wasm, at: 8 };
    while r.at < wasm.len() {
        let start = r.at;
        let id = r.byte()?;
        let size = r.leb()? as usize;
        let body_start = r.at;
        let end = body_start
            .checked_add(size)
            .filter(|&e| e <= wasm.len())
            .ok_or_else(|| bad("section past the end"))?;
        if id == 7 {
            let count = r.leb()?;
            let mut body = Vec::new();
            write_leb(&mut body, count);
            for _ in 0..count {
                let name = r.name()?;
                let kind = r.byte()?;
                let index = r.leb()?;
                write_name(
                    &mut body,
                    &rename_export(name).unwrap_or_else(|| name.to_owned()),
                );
                body.push(kind);
                write_leb(&mut body, index);
            }
            if r.at != end {
                return Err(bad("export section length mismatch"));
            }
            out.push(7);
            write_leb(&mut out, body.len() as u64);
            out.extend_from_slice(&body);
            continue;
        }
        if id != 2 {
            out.extend_from_slice(&wasm[start..end]);
            r.at = end;
            continue;
        }
        let count = r.leb()?;
        let mut body = Vec::new();
        write_leb(&mut body, count);
        for _ in 0..count {
            let module = r.name()?;
            let field = r.name()?;
            let desc_start = r.at;
            r.import_desc()?;
            let new_field = rename(module, field).unwrap_or_else(|| field.to_owned());
            write_name(&mut body, module);
            write_name(&mut body, &new_field);
            body.extend_from_slice(&wasm[desc_start..r.at]);
        }
        if r.at != end {
            return Err(bad("import section length mismatch"));
        }
        out.push(2);
        write_leb(&mut out, body.len() as u64);
        out.extend_from_slice(&body);
    }
    Ok(out)
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn byte(&mut self) -> Result<u8> {
        let b = *self
            .bytes
            .get(self.at)
            .ok_or_else(|| Error::Other("wasm import rename: unexpected end".into()))?;
        self.at += 1;
        Ok(b)
    }

    fn leb(&mut self) -> Result<u64> {
        let mut value = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            value |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Ok(value);
            }
        }
        Err(Error::Other("wasm import rename: LEB128 too long".into()))
    }

    fn name(&mut self) -> Result<&'a str> {
        let len = self.leb()? as usize;
        let bytes = self
            .bytes
            .get(self.at..self.at + len)
            .ok_or_else(|| Error::Other("wasm import rename: name past the end".into()))?;
        self.at += len;
        std::str::from_utf8(bytes)
            .map_err(|_| Error::Other("wasm import rename: name is not UTF-8".into()))
    }

    fn limits(&mut self) -> Result<()> {
        let flags = self.byte()?;
        self.leb()?;
        if flags & 1 != 0 {
            self.leb()?;
        }
        Ok(())
    }

    /// Skips an import description: function, table, memory, global or tag.
    fn import_desc(&mut self) -> Result<()> {
        match self.byte()? {
            0 => self.leb().map(drop),
            1 => {
                self.byte()?;
                self.limits()
            }
            2 => self.limits(),
            3 => {
                self.byte()?;
                self.byte().map(drop)
            }
            4 => {
                self.byte()?;
                self.leb().map(drop)
            }
            kind => Err(Error::Other(format!(
                "wasm import rename: unknown import kind {kind}"
            ))),
        }
    }
}

fn write_leb(out: &mut Vec<u8>, mut n: u64) {
    loop {
        let b = (n & 0x7f) as u8;
        n >>= 7;
        if n == 0 {
            out.push(b);
            return;
        }
        out.push(b | 0x80);
    }
}

fn write_name(out: &mut Vec<u8>, name: &str) {
    write_leb(out, name.len() as u64);
    out.extend_from_slice(name.as_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A module importing `f_1234` and `g_5678` from the glue, `h` from a snippet and a memory
    /// from the glue, then a custom section that must come through unchanged.
    fn module() -> Vec<u8> {
        let mut imports = Vec::new();
        write_leb(&mut imports, 4);
        for (module, field) in [
            ("./x_bg.js", "f_1234"),
            ("./snippets/e.js", "h"),
            ("./x_bg.js", "g_5678"),
        ] {
            write_name(&mut imports, module);
            write_name(&mut imports, field);
            imports.extend_from_slice(&[0, 0]);
        }
        write_name(&mut imports, "./x_bg.js");
        write_name(&mut imports, "mem");
        imports.extend_from_slice(&[2, 1, 1, 2]);
        let mut wasm = b"\0asm\x01\0\0\0".to_vec();
        wasm.extend_from_slice(&[1, 4, 1, 0x60, 0, 0]);
        wasm.push(2);
        write_leb(&mut wasm, imports.len() as u64);
        wasm.extend_from_slice(&imports);
        wasm.extend_from_slice(&[0, 3, 1, b'c', 9]);
        wasm
    }

    #[test]
    fn renames_glue_imports_in_both_files_and_nothing_else() {
        let js =
            "const i={f_1234:function(){},g_5678:()=>f_12345,mem:m};import{h}from'./snippets/e.js'";
        let (wasm, js, n) = shorten(&module(), js, "./x_bg.js").unwrap().unwrap();
        assert_eq!(n, 3);
        assert_eq!(
            js,
            "const i={a:function(){},b:()=>f_12345,c:m};import{h}from'./snippets/e.js'"
        );
        let mut names = Vec::new();
        rewrite_sections(
            &wasm,
            |m, f| {
                names.push(format!("{m} {f}"));
                None
            },
            |_| None,
        )
        .unwrap();
        assert_eq!(
            names,
            [
                "./x_bg.js a",
                "./snippets/e.js h",
                "./x_bg.js b",
                "./x_bg.js c"
            ]
        );
        assert_eq!(wasm[..8], module()[..8]);
        assert!(
            wasm.ends_with(&[0, 3, 1, b'c', 9]),
            "other sections unchanged"
        );
    }

    /// [`module`] with an export section: two closure shims (one's name starts the other's)
    /// and the memory.
    fn module_with_exports() -> Vec<u8> {
        let mut exports = Vec::new();
        write_leb(&mut exports, 3);
        for (name, kind, index) in [
            ("wasm_bindgen_1___convert__closures_____invoke_true_", 0, 0),
            ("memory", 2, 0),
            (
                "wasm_bindgen_1___convert__closures_____invoke_true__1_",
                0,
                0,
            ),
        ] {
            write_name(&mut exports, name);
            exports.extend_from_slice(&[kind, index]);
        }
        let mut wasm = module();
        wasm.push(7);
        write_leb(&mut wasm, exports.len() as u64);
        wasm.extend_from_slice(&exports);
        wasm
    }

    #[test]
    fn renames_closure_shim_exports_wherever_the_glue_calls_them() {
        let js = "const i={f_1234:1,g_5678:2,mem:3};\
                  function A(){w.wasm_bindgen_1___convert__closures_____invoke_true_(1);\
                  w.wasm_bindgen_1___convert__closures_____invoke_true__1_(2);\
                  w.wasm_bindgen_1___convert__closures_____invoke_true_(3);w.memory}";
        let original = module_with_exports();
        let (wasm, js, n) = shorten(&original, js, "./x_bg.js").unwrap().unwrap();
        assert_eq!(n, 5, "three imports, two exports");
        assert_eq!(
            js,
            "const i={a:1,b:2,c:3};function A(){w.$a(1);w.$b(2);w.$a(3);w.memory}"
        );
        let renamed = renamed_exports(&original, &wasm).unwrap();
        assert_eq!(
            renamed,
            [
                (
                    "wasm_bindgen_1___convert__closures_____invoke_true_".to_string(),
                    "$a".to_string()
                ),
                (
                    "wasm_bindgen_1___convert__closures_____invoke_true__1_".to_string(),
                    "$b".to_string()
                ),
            ]
        );
        let missing = "const i={f_1234:1,g_5678:2,mem:3};w.memory";
        assert!(
            shorten(&original, missing, "./x_bg.js").unwrap().is_none(),
            "a shim the glue does not call: nothing is renamed"
        );
    }

    #[test]
    fn leaves_files_alone_when_a_name_is_not_exactly_once_in_the_glue() {
        let twice = "const i={f_1234:1,g_5678:2,mem:3};f_1234()";
        assert!(shorten(&module(), twice, "./x_bg.js").unwrap().is_none());
        let missing = "const i={g_5678:2,mem:3}";
        assert!(shorten(&module(), missing, "./x_bg.js").unwrap().is_none());
    }

    #[test]
    fn rejects_what_is_not_a_wasm_module() {
        assert!(shorten(b"not wasm", "", "./x_bg.js").is_err());
        let mut cut = module();
        cut.truncate(20);
        assert!(shorten(&cut, "", "./x_bg.js").is_err());
    }

    #[test]
    fn short_names_are_distinct() {
        let names: std::collections::HashSet<_> = (0..3000).map(short_name).collect();
        assert_eq!(names.len(), 3000);
        assert_eq!(short_name(0), "a");
        assert_eq!(short_name(52), "ab");
    }
}
