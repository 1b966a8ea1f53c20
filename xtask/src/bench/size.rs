//! Transfer size: the widget's files next to peer embed bundles (from `xtask/bench/size.mjs`), and
//! the size techniques tried on the Leptos build with the effect each had when measured.

use serde_json::{json, Value};

use super::section::{arr, kb, num, Section};
use super::table::Table;

/// The widget's transfer size (brotli) as a share of the smallest peer's: the target, and
/// what we aim for.
const TARGET_RATIO: f64 = 0.8;
const AIM_RATIO: f64 = 0.6;

/// When [`TECHNIQUES`] were measured (a row measured later says its date in its note): each
/// needs its own wasm-release build (minutes), so the bench shows them as recorded, beside the
/// peers measured in the run.
const TECHNIQUES_MEASURED_ON: &str = "2026-11-30";

/// One size technique tried on the Leptos build (the whole package: wasm + JS, brotli -11).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Technique {
    /// What was changed.
    name: &'static str,
    /// The package's brotli -11 bytes with the change.
    package: u64,
    /// The package's brotli -11 bytes of the build it was compared with.
    against: u64,
    /// Whether the shipped build keeps it.
    kept: bool,
    /// How it was measured / what it was compared with.
    note: &'static str,
}

/// The stable baseline: `opt-level = "z"`, fat LTO, one codegen unit, `panic = "abort"`,
/// wasm-opt `-Oz --converge`, esbuild on the glue (measured with the code of that day).
const BASELINE: u64 = 143_029;

/// The package of `size-findings.md`'s baseline (the same build, with that morning's code).
const FINDINGS_BASELINE: u64 = 141_508;

/// The package after the move to serde / serde-wasm-bindgen / gloo-net (every kept row above
/// it; 0.97x the smallest peer), before the rows that work on how serde is used.
const SERDE_BUILD: u64 = 156_862;

/// [`SERDE_BUILD`] with frames read once into their variant: the build the wasm-opt rows after
/// it were measured on (its wasm-bindgen output, optimised each way).
const FRAMES_ONCE: u64 = 152_117;

/// The row of the markdown parser and renderer: what agent messages in markdown cost.
const MARKDOWN: &str = "markdown in agent messages (pulldown-cmark 0.13, tables, strikethrough)";

/// Each technique's measured effect, against the build named in its note.
const TECHNIQUES: &[Technique] = &[
    Technique {
        name: "`--cfg erase_components`",
        package: 144_331,
        against: FINDINGS_BASELINE,
        kept: false,
        note: "from shared/size-findings.md (wasm 137,215 vs 134,392 brotli)",
    },
    Technique {
        name: "`opt-level = \"s\"` instead of `\"z\"`",
        package: 149_725,
        against: FINDINGS_BASELINE,
        kept: false,
        note: "from shared/size-findings.md (wasm 142,609 vs 134,392 brotli)",
    },
    Technique {
        name: "wasm-opt `-Oz --converge` instead of one `-Oz`",
        package: BASELINE,
        against: 144_101,
        kept: true,
        note: "the same wasm-bindgen output optimised both ways (already in the baseline)",
    },
    Technique {
        name: "wasm-opt `--generate-global-effects` before `-Oz`",
        package: 142_815,
        against: BASELINE,
        kept: true,
        note: "the same wasm-bindgen output optimised both ways",
    },
    Technique {
        name: "short import names (wasm + glue)",
        package: 138_820,
        against: BASELINE,
        kept: true,
        note: "wasm-bindgen's `__wbg_<name>_<16 hex>` imports renamed `a`, `b`, ... in the wasm \
               and the web glue (xtask/src/wasm_imports.rs): wasm -2.4 KB, glue -1.8 KB",
    },
    Technique {
        name: "pinned nightly, `-Zbuild-std` + `-Cpanic=immediate-abort`",
        package: 130_703,
        against: BASELINE,
        kept: true,
        note: "no unwinding or panic-message code in std or the crates; `cargo xtask setup` \
               installs the nightly, the build falls back to stable without it",
    },
    Technique {
        name: "+ `-Zlocation-detail=none -Zfmt-debug=none`, std `optimize_for_size`",
        package: 127_594,
        against: 130_703,
        kept: true,
        note: "on top of the row above (one build with the three): no file/line strings, `{:?}` \
               prints nothing, std's smaller algorithms",
    },
    Technique {
        name: "all kept rows together (the shipped build)",
        package: 123_276,
        against: BASELINE,
        kept: true,
        note: "`cargo xtask build leptos` as committed: pinned nightly with its flags, wasm-opt \
               `--generate-global-effects -Oz --converge`, short import names",
    },
    Technique {
        name: "frames: the payload read once, straight into its variant",
        package: FRAMES_ONCE,
        against: SERDE_BUILD,
        kept: true,
        note: "the payload's `type` read first, then its fields by the variant's derived \
               `Deserialize` (src/protocol/payload.rs `from_tagged`), instead of a \
               `serde_json::Value` turned into the internally tagged enum through serde's \
               buffered `Content`",
    },
    Technique {
        name: "context and error `data` kept as JSON text (`RawJson`)",
        package: 148_278,
        against: FRAMES_ONCE,
        kept: true,
        note: "serde_json's `RawValue` instead of `serde_json::Value`: no `Value` code (its \
               `Deserialize`, map, `Display`) left in the wasm",
    },
    Technique {
        name: "frames through `JSON.parse` + serde-wasm-bindgen",
        package: 147_362,
        against: 148_278,
        kept: false,
        note: "the same payload-once path read from the browser's parse instead of \
               `serde_json::from_str` (serde_json stays for the other JSON): 0.9 KB smaller, \
               slower per frame (README \"JSON path\")",
    },
    Technique {
        name: "wasm-opt `--gufa` before `-Oz`",
        package: FRAMES_ONCE + 382,
        against: FRAMES_ONCE,
        kept: false,
        note: "each wasm-opt row: the same wasm-bindgen output optimised both ways; the \
               package is the build's plus the change of its wasm (brotli)",
    },
    Technique {
        name: "wasm-opt `-Oz --type-ssa -Oz --converge`",
        package: FRAMES_ONCE,
        against: FRAMES_ONCE,
        kept: false,
        note: "the same bytes as without `--type-ssa` (no GC types in this wasm)",
    },
    Technique {
        name: "wasm-opt `-O3` then `-Oz --converge`",
        package: FRAMES_ONCE + 889,
        against: FRAMES_ONCE,
        kept: false,
        note: "`-O3` inlines more than `-Oz` takes back",
    },
    Technique {
        name: "wasm-opt `--traps-never-happen`",
        package: FRAMES_ONCE - 620,
        against: FRAMES_ONCE,
        kept: false,
        note: "a panic is an `unreachable` trap here (`-Cpanic=immediate-abort`): with this \
               flag wasm-opt may assume it never runs, so a bug would go on instead of stopping",
    },
    Technique {
        name: "wasm-opt `--ignore-implicit-traps --low-memory-unused`",
        package: FRAMES_ONCE - 910,
        against: FRAMES_ONCE,
        kept: true,
        note: "assumptions that hold for Rust's wasm (xtask/src/widget.rs `WASM_OPT_FLAGS` says \
               why); alone: -320 B and -648 B",
    },
    Technique {
        name: "short closure-shim export names (wasm + glue)",
        package: 147_156,
        against: 147_691,
        kept: true,
        note: "wasm-bindgen's `wasm_bindgen_<hash>___convert__closures_____invoke___<types>` \
               exports (70-330 characters, 9 of them) renamed `$a`, `$b`, ... in the wasm, the \
               web glue and its `.d.ts` (xtask/src/wasm_imports.rs)",
    },
    Technique {
        name: "the serde build with this round's kept rows (the shipped build before markdown)",
        package: 147_156,
        against: SERDE_BUILD,
        kept: true,
        note: "`cargo xtask build` as committed: frames read once, `RawJson`, the two wasm-opt \
               assumptions, short export names (and a check that a payload or error `data` is \
               an object, +198 B)",
    },
    Technique {
        name: MARKDOWN,
        package: 206_957,
        against: 153_261,
        kept: true,
        note: "markdown (pulldown-cmark + renderer): 53,696 B brotli, measured by building main \
               (7fd6389) and the markdown branch with the same toolchain (wasm 147,900 -> \
               201,539 B, glue +57 B); by twiggy (raw, before brotli): pulldown-cmark code 57 KB, \
               its data (HTML entity names, unicase tables) 59 KB, unicase code 7 KB, the widget's \
               markdown tree and renderer 18 KB, hashbrown +2 KB (already in the wasm)",
    },
    Technique {
        name: "wasm-opt `--one-caller-inline-max-function-size=20`",
        package: 198_169,
        against: 209_809,
        kept: true,
        note: "measured 2026-12-01 on the markdown build, the same wasm-bindgen output optimised \
               both ways: `-Oz` no longer inlines a function of more than 20 bytes into its one \
               caller; kept apart, the functions compress better (likely Leptos' and serde's \
               monomorphised bodies repeating byte for byte) (wasm 204,331 -> 192,691 B \
               brotli, 615,445 -> 603,683 B raw); 0 (never inline them) gave -9.8 KB, 1,000 \
               -0.8 KB",
    },
    Technique {
        name: "wasm-opt `--reorder-functions-by-name` after `-Oz`",
        package: 196_033,
        against: 198_169,
        kept: true,
        note: "measured 2026-12-01, the same wasm-bindgen output optimised both ways: the same \
               functions, ordered by name, so the instances of one generic sit side by side and \
               brotli finds their likeness at short distances (wasm 192,691 -> 190,554 B brotli, \
               the same raw bytes); ordered by call count (`--reorder-functions`): +0.4 KB",
    },
    Technique {
        name: "LLVM `-Cllvm-args=-inline-threshold=0`",
        package: 211_372,
        against: 209_809,
        kept: false,
        note: "measured 2026-12-01, one nightly build each way (wasm 207,584 -> 209,147 B \
               brotli): fewer inlined bodies, more call sites; `-Zinline-mir=no` gave the same \
               bytes as without it",
    },
    Technique {
        name: "wasm-opt `--merge-similar-functions`",
        package: 198_644,
        against: 198_169,
        kept: false,
        note: "measured 2026-12-01, the same wasm-bindgen output optimised both ways: -1.5 KB \
               on the build before the one-caller setting, +0.5 KB with it",
    },
    Technique {
        name: "wasm-opt `-Os` instead of `-Oz` (with the one-caller setting)",
        package: 198_701,
        against: 198_169,
        kept: false,
        note: "measured 2026-12-01, the same wasm-bindgen output optimised both ways",
    },
    Technique {
        name: "`-Zinline-mir=yes -Zinline-mir-threshold=75` (rustc's MIR inliner)",
        package: 192_251,
        against: 196_033,
        kept: true,
        note: "measured 2026-12-01, one nightly build each way (wasm 190,554 -> 186,772 B \
               brotli): `opt-level = \"z\"` leaves the MIR inliner off, which `opt-level` 2 and 3 \
               run by default. Its threshold, scanned on experiment builds (wasm brotli, 193,969 \
               without it): 25 191,978; 50 (the default) 191,517; 75 190,205; 100 190,378; 150 \
               191,761; 200 193,406; 400 198,848. A hint threshold (`#[inline]` functions) of 50 \
               instead of 100: +0.1 KB; 200: +4.4 KB. Speed: `bench streaming` no worse with it \
               than without it on the same machine (README, \"Streaming\")",
    },
    Technique {
        name: "`-Zmir-opt-level=3`",
        package: 193_477,
        against: 196_033,
        kept: false,
        note: "measured 2026-12-01, one nightly build each way (wasm 193,969 -> 191,413 B \
               brotli): nearly all of it is the MIR inliner that this level turns on (kept \
               alone, with `-Zinline-mir`); the rest, 0.1 KB, needs passes rustc does not run \
               by default",
    },
    Technique {
        name: "`-Zcross-crate-inline-threshold=never`",
        package: 197_890,
        against: 196_033,
        kept: false,
        note: "measured 2026-12-01, one nightly build each way (wasm 193,969 -> 195,826 B \
               brotli)",
    },
    Technique {
        name: "`-Ctarget-feature=+tail-call`",
        package: 196_460,
        against: 196_033,
        kept: false,
        note: "measured 2026-12-01, one nightly build each way (wasm 193,969 -> 194,396 B \
               brotli); it would also need Safari 18.2 or later",
    },
    Technique {
        name: "talc 5 as the global allocator instead of std's dlmalloc",
        package: 196_539,
        against: 196_033,
        kept: false,
        note: "measured 2026-12-01, one nightly build each way (wasm 193,969 -> 194,475 B \
               brotli); with its `disable-realloc-in-place` feature: 194,327 B (+0.4 KB)",
    },
    Technique {
        name: "`--cfg erase_components` (again, on the markdown build)",
        package: 198_030,
        against: 196_033,
        kept: false,
        note: "measured 2026-12-01, one nightly build each way (wasm 193,969 -> 195,966 B \
               brotli): still larger, as on the first build",
    },
];

/// The techniques table: each with its measured effect, and the package it leads to as a share
/// of the smallest peer measured in this run (`smallest_peer`: its brotli bytes and name).
fn techniques(smallest_peer: Option<(f64, String)>) -> Table {
    let mut t = Table::new(
        &format!(
            "Size techniques on the Leptos build (whole package, brotli -11; each measured at \
             build time on {TECHNIQUES_MEASURED_ON} unless its note gives another date, one \
             build per row)"
        ),
        &[
            "technique",
            "package",
            "effect",
            "kept",
            "vs. smallest peer",
        ],
    );
    let ratio = |bytes: u64| {
        smallest_peer
            .as_ref()
            .map(|(peer, _)| format!("{:.2}", bytes as f64 / peer))
            .unwrap_or_default()
    };
    t.row(vec![
        "baseline (stable toolchain)".into(),
        kb(BASELINE as f64),
        String::new(),
        String::new(),
        ratio(BASELINE),
    ]);
    for tech in TECHNIQUES {
        let change = tech.package as f64 - tech.against as f64;
        t.row(vec![
            tech.name.into(),
            kb(tech.package as f64),
            format!(
                "{:+.1} KB ({:+.1} %)",
                change / 1000.0,
                100.0 * change / tech.against as f64
            ),
            if tech.kept { "yes" } else { "no" }.into(),
            ratio(tech.package),
        ]);
        t.note(format!("{}: {}", tech.name, tech.note));
    }
    t.note(
        "not measured here: fewer monomorphised closures (the component split), and \
         `-Csymbol-mangling-version=legacy` on the nightly (its v0 names make wasm-bindgen's \
         closure exports ~1 KB longer, raw)",
    );
    if let Some((_, name)) = smallest_peer {
        t.note(format!(
            "vs. smallest peer: the package's brotli bytes / {name}'s, as measured in this run"
        ));
    }
    t
}

/// The size tables; the ratio is to the smallest peer, by brotli and by gzip bytes.
pub fn section(raw: &Value) -> Section {
    let bundles = arr(raw, "bundles");
    let kind = |b: &Value| {
        b.get("kind")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_owned()
    };
    let name = |b: &Value| {
        b.get("name")
            .and_then(Value::as_str)
            .unwrap_or("?")
            .to_owned()
    };
    let widget = bundles.iter().find(|b| kind(b) == "widget");
    let smallest = |key: &str| {
        bundles
            .iter()
            .filter(|b| kind(b) == "peer")
            .filter_map(|b| Some((num(b, key)?, name(b))))
            .min_by(|a, b| a.0.total_cmp(&b.0))
    };
    let mut t = Table::new(
        "Transfer size (everything the widget loads vs. peer embed bundles)",
        &[
            "bundle",
            "raw",
            "gzip -9",
            "brotli -11",
            "vs. widget (brotli)",
        ],
    );
    let widget_brotli = widget.and_then(|w| num(w, "brotli"));
    for b in bundles {
        let times = match (widget_brotli, num(b, "brotli")) {
            (Some(w), Some(x)) if w > 0.0 => format!("{:.2}×", x / w),
            _ => String::new(),
        };
        t.row(vec![
            name(b),
            num(b, "raw").map(kb).unwrap_or_default(),
            num(b, "gzip").map(kb).unwrap_or_default(),
            num(b, "brotli").map(kb).unwrap_or_default(),
            times,
        ]);
    }
    let mut ratios = json!({});
    for key in ["brotli", "gzip"] {
        if let (Some(w), Some((peer, peer_name))) =
            (widget.and_then(|w| num(w, key)), smallest(key))
        {
            let ratio = w / peer;
            t.note(format!(
                "{key}: widget / smallest peer ({peer_name}) = {ratio:.2} \
                 (target ≤ {TARGET_RATIO}: {}; aim ≤ {AIM_RATIO}: {})",
                if ratio <= TARGET_RATIO {
                    "met"
                } else {
                    "not met"
                },
                if ratio <= AIM_RATIO { "met" } else { "not met" }
            ));
            ratios[key] = json!({"ratio": ratio, "smallest_peer": peer_name});
        }
    }
    for b in bundles {
        let files: Vec<String> = arr(b, "files")
            .iter()
            .filter_map(|f| f.get("path").and_then(Value::as_str).map(str::to_owned))
            .collect();
        let note = b.get("note").and_then(Value::as_str).unwrap_or("");
        t.note(format!("{}: {} — {note}", name(b), files.join(" + ")));
    }
    let techniques_json: Vec<Value> = TECHNIQUES
        .iter()
        .map(|tech| {
            json!({"technique": tech.name, "package_brotli": tech.package,
                   "compared_with_brotli": tech.against, "kept": tech.kept, "note": tech.note})
        })
        .collect();
    Section {
        tables: vec![t, techniques(smallest("brotli"))],
        json: json!({
            "bundles": raw.get("bundles"),
            "ratio_to_smallest_peer": ratios,
            "techniques": {"measured_on": TECHNIQUES_MEASURED_ON, "baseline_brotli": BASELINE,
                           "rows": techniques_json},
        }),
        panels: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::{section, techniques, BASELINE, TECHNIQUES};

    #[test]
    fn ratio_is_to_the_smallest_peer() {
        let raw = serde_json::json!({"bundles": [
            {"name": "operator-chat", "kind": "widget", "raw": 300, "gzip": 100, "brotli": 80, "files": [{"path": "a.wasm"}]},
            {"name": "big", "kind": "peer", "raw": 900, "gzip": 400, "brotli": 320, "files": []},
            {"name": "small", "kind": "peer", "raw": 600, "gzip": 250, "brotli": 200, "files": []}
        ]});
        let s = section(&raw);
        let t = &s.tables[0];
        assert_eq!(t.rows.len(), 3);
        assert_eq!(t.rows[1][4], "4.00×");
        assert!(
            t.notes[0].contains("smallest peer (small) = 0.40 (target ≤ 0.8: met; aim ≤ 0.6: met)"),
            "{:?}",
            t.notes
        );
        assert_eq!(s.json["ratio_to_smallest_peer"]["gzip"]["ratio"], 0.4);
        assert_eq!(
            s.tables.len(),
            2,
            "the techniques table sits beside the peers"
        );
        assert_eq!(
            s.json["techniques"]["rows"].as_array().map(Vec::len),
            Some(TECHNIQUES.len())
        );
    }

    #[test]
    fn techniques_show_their_effect_and_the_ratio_to_the_peer_of_this_run() {
        let t = techniques(Some((BASELINE as f64 * 2.0, "peer".into())));
        assert_eq!(t.rows.len(), TECHNIQUES.len() + 1);
        assert_eq!(t.rows[0][4], "0.50", "baseline / peer");
        for (row, tech) in t.rows[1..].iter().zip(TECHNIQUES) {
            let sign = if tech.package < tech.against {
                '-'
            } else {
                '+'
            };
            assert!(row[2].starts_with(sign), "{row:?}");
            assert_eq!(row[3], if tech.kept { "yes" } else { "no" });
        }
        assert!(t
            .notes
            .iter()
            .any(|n| n.contains("peer's, as measured in this run")));
        let without_peer = techniques(None);
        assert!(without_peer.rows.iter().all(|r| r[4].is_empty()));
    }
}
