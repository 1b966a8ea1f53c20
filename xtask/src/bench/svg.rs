//! A small SVG line chart (no dependencies): panels stacked vertically, each with axes, ticks,
//! one polyline per series, a legend and an optional dashed reference line.

use std::fmt::Write;

const WIDTH: f64 = 720.0;
const PANEL_HEIGHT: f64 = 300.0;
const LEFT: f64 = 70.0;
const RIGHT: f64 = 190.0;
const TOP: f64 = 40.0;
const BOTTOM: f64 = 50.0;
const COLORS: [&str; 6] = [
    "#4f46e5", "#dc2626", "#059669", "#d97706", "#0891b2", "#7c3aed",
];

/// One line: `(x, y)` points, drawn in x order.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub name: String,
    pub points: Vec<(f64, f64)>,
}

/// One chart panel.
#[derive(Debug, Clone, PartialEq)]
pub struct Panel {
    pub title: String,
    pub x_label: String,
    pub y_label: String,
    pub series: Vec<Series>,
    /// Logarithmic x axis (for 50 → 5,000 style scales).
    pub log_x: bool,
    /// A horizontal dashed line at this y, with its label (e.g. one frame, 16.7 ms).
    pub reference: Option<(f64, String)>,
}

/// `&`, `<`, `>` and `"` escaped for SVG text and attributes.
pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// About five round tick values (1, 2 or 5 times a power of ten) from 0 to at least `max`.
pub fn ticks(max: f64) -> Vec<f64> {
    if !(max.is_finite() && max > 0.0) {
        return vec![0.0, 1.0];
    }
    let raw = max / 5.0;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * mag)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * mag);
    let count = (max / step).ceil() as usize;
    (0..=count).map(|i| i as f64 * step).collect()
}

/// Powers of ten covering `lo..=hi` (both > 0).
fn log_ticks(lo: f64, hi: f64) -> Vec<f64> {
    let (a, b) = (lo.log10().floor() as i32, hi.log10().ceil() as i32);
    (a..=b).map(|e| 10f64.powi(e)).collect()
}

fn number(v: f64) -> String {
    if v >= 1000.0 && v.fract() == 0.0 {
        let s = format!("{v:.0}");
        let mut out = String::new();
        for (i, c) in s.chars().enumerate() {
            if i > 0 && (s.len() - i) % 3 == 0 {
                out.push(',');
            }
            out.push(c);
        }
        out
    } else if v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{v}")
    }
}

/// The whole chart as an SVG document.
pub fn chart(panels: &[Panel]) -> String {
    let height = PANEL_HEIGHT * panels.len().max(1) as f64;
    let mut out = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{WIDTH}\" height=\"{height}\" \
         viewBox=\"0 0 {WIDTH} {height}\" font-family=\"system-ui, sans-serif\" font-size=\"12\">\n\
         <rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n"
    );
    for (i, panel) in panels.iter().enumerate() {
        draw_panel(&mut out, panel, i as f64 * PANEL_HEIGHT);
    }
    out.push_str("</svg>\n");
    out
}

fn draw_panel(out: &mut String, p: &Panel, y0: f64) {
    let (x_min, x_max) = (LEFT, WIDTH - RIGHT);
    let (y_top, y_bottom) = (y0 + TOP, y0 + PANEL_HEIGHT - BOTTOM);
    let _ = writeln!(
        out,
        "<text x=\"{LEFT}\" y=\"{}\" font-size=\"14\" font-weight=\"600\">{}</text>",
        y0 + 22.0,
        escape(&p.title)
    );
    let points: Vec<(f64, f64)> = p
        .series
        .iter()
        .flat_map(|s| s.points.iter().copied())
        .filter(|(x, y)| x.is_finite() && y.is_finite() && (!p.log_x || *x > 0.0))
        .collect();
    if points.is_empty() {
        let _ = writeln!(
            out,
            "<text x=\"{}\" y=\"{}\" fill=\"#6b7280\">no data measured</text>",
            LEFT + 10.0,
            y0 + PANEL_HEIGHT / 2.0
        );
        return;
    }
    let y_hi = points
        .iter()
        .map(|p| p.1)
        .chain(p.reference.as_ref().map(|r| r.0))
        .fold(0.0, f64::max);
    let y_ticks = ticks(y_hi * 1.05);
    let y_top_value = y_ticks
        .last()
        .copied()
        .unwrap_or(1.0)
        .max(f64::MIN_POSITIVE);
    let sy = |v: f64| y_bottom - (v / y_top_value) * (y_bottom - y_top);
    let (lo, hi) = points
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), p| {
            (a.min(p.0), b.max(p.0))
        });
    let x_ticks = if p.log_x {
        log_ticks(lo, hi)
    } else {
        ticks(hi)
    };
    let (xa, xb) = if p.log_x {
        (
            x_ticks.first().copied().unwrap_or(1.0).log10(),
            x_ticks.last().copied().unwrap_or(10.0).log10(),
        )
    } else {
        (0.0, x_ticks.last().copied().unwrap_or(1.0))
    };
    let span = if xb > xa { xb - xa } else { 1.0 };
    let sx = |v: f64| {
        let v = if p.log_x { v.log10() } else { v };
        x_min + (v - xa) / span * (x_max - x_min)
    };
    for t in &y_ticks {
        let y = sy(*t);
        let _ = writeln!(
            out,
            "<line x1=\"{x_min}\" y1=\"{y:.1}\" x2=\"{x_max}\" y2=\"{y:.1}\" stroke=\"#e5e7eb\"/>\
             <text x=\"{}\" y=\"{:.1}\" text-anchor=\"end\" fill=\"#374151\">{}</text>",
            x_min - 6.0,
            y + 4.0,
            number(*t)
        );
    }
    for t in &x_ticks {
        let x = sx(*t);
        let _ = writeln!(
            out,
            "<line x1=\"{x:.1}\" y1=\"{y_bottom}\" x2=\"{x:.1}\" y2=\"{}\" stroke=\"#9ca3af\"/>\
             <text x=\"{x:.1}\" y=\"{}\" text-anchor=\"middle\" fill=\"#374151\">{}</text>",
            y_bottom + 5.0,
            y_bottom + 18.0,
            number(*t)
        );
    }
    let _ = writeln!(
        out,
        "<line x1=\"{x_min}\" y1=\"{y_bottom}\" x2=\"{x_max}\" y2=\"{y_bottom}\" stroke=\"#111827\"/>\
         <line x1=\"{x_min}\" y1=\"{y_top}\" x2=\"{x_min}\" y2=\"{y_bottom}\" stroke=\"#111827\"/>\
         <text x=\"{:.1}\" y=\"{}\" text-anchor=\"middle\" fill=\"#111827\">{}</text>\
         <text x=\"16\" y=\"{:.1}\" text-anchor=\"middle\" fill=\"#111827\" transform=\"rotate(-90 16 {:.1})\">{}</text>",
        (x_min + x_max) / 2.0,
        y_bottom + 38.0,
        escape(&p.x_label),
        (y_top + y_bottom) / 2.0,
        (y_top + y_bottom) / 2.0,
        escape(&p.y_label)
    );
    if let Some((v, label)) = &p.reference {
        let y = sy(*v);
        let _ = writeln!(
            out,
            "<line x1=\"{x_min}\" y1=\"{y:.1}\" x2=\"{x_max}\" y2=\"{y:.1}\" stroke=\"#6b7280\" stroke-dasharray=\"6 4\"/>\
             <text x=\"{:.1}\" y=\"{:.1}\" fill=\"#6b7280\">{}</text>",
            x_min + 6.0,
            y - 4.0,
            escape(label)
        );
    }
    for (i, s) in p.series.iter().enumerate() {
        let color = COLORS[i % COLORS.len()];
        let mut pts: Vec<(f64, f64)> = s
            .points
            .iter()
            .copied()
            .filter(|(x, y)| x.is_finite() && y.is_finite() && (!p.log_x || *x > 0.0))
            .collect();
        pts.sort_by(|a, b| a.0.total_cmp(&b.0));
        let path: Vec<String> = pts
            .iter()
            .map(|(x, y)| format!("{:.1},{:.1}", sx(*x), sy(*y)))
            .collect();
        let _ = writeln!(
            out,
            "<polyline fill=\"none\" stroke=\"{color}\" stroke-width=\"2\" points=\"{}\"/>",
            path.join(" ")
        );
        for (x, y) in &pts {
            let _ = writeln!(
                out,
                "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"3.5\" fill=\"{color}\"/>",
                sx(*x),
                sy(*y)
            );
        }
        let ly = y_top + 6.0 + i as f64 * 18.0;
        let _ = writeln!(
            out,
            "<line x1=\"{}\" y1=\"{ly:.1}\" x2=\"{}\" y2=\"{ly:.1}\" stroke=\"{color}\" stroke-width=\"3\"/>\
             <text x=\"{}\" y=\"{:.1}\" fill=\"#111827\">{}</text>",
            x_max + 12.0,
            x_max + 30.0,
            x_max + 36.0,
            ly + 4.0,
            escape(&s.name)
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn panel(series: Vec<Series>, log_x: bool) -> Panel {
        Panel {
            title: "Latency <p99>".into(),
            x_label: "deltas/s".into(),
            y_label: "ms".into(),
            series,
            log_x,
            reference: Some((16.7, "one frame".into())),
        }
    }

    #[test]
    fn ticks_are_round_and_cover_the_maximum() {
        assert_eq!(ticks(9.0), vec![0.0, 2.0, 4.0, 6.0, 8.0, 10.0]);
        assert_eq!(ticks(0.0), vec![0.0, 1.0]);
        assert!(*ticks(1234.0).last().expect("ticks") >= 1234.0);
        assert_eq!(log_ticks(50.0, 5000.0), vec![10.0, 100.0, 1000.0, 10000.0]);
    }

    #[test]
    fn chart_draws_one_polyline_per_series_with_escaped_text() {
        let svg = chart(&[panel(
            vec![
                Series {
                    name: "p50".into(),
                    points: vec![(50.0, 3.0), (500.0, 4.0)],
                },
                Series {
                    name: "p99 & max".into(),
                    points: vec![(500.0, 12.0), (50.0, 9.0)],
                },
            ],
            true,
        )]);
        assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
        assert!(svg.trim_end().ends_with("</svg>"));
        assert_eq!(svg.matches("<polyline").count(), 2);
        assert_eq!(svg.matches("<circle").count(), 4);
        assert!(svg.contains("Latency &lt;p99&gt;"));
        assert!(svg.contains("p99 &amp; max"));
        assert!(svg.contains("stroke-dasharray"), "reference line drawn");
        assert!(!svg.contains("NaN"));
    }

    #[test]
    fn a_panel_without_finite_points_says_so() {
        let svg = chart(&[panel(
            vec![Series {
                name: "p50".into(),
                points: vec![(f64::NAN, 1.0), (0.0, 2.0)],
            }],
            true,
        )]);
        assert!(svg.contains("no data measured"));
        assert_eq!(svg.matches("<polyline").count(), 0);
    }

    #[test]
    fn large_tick_labels_get_thousands_separators() {
        assert_eq!(number(5000.0), "5,000");
        assert_eq!(number(100000.0), "100,000");
        assert_eq!(number(2.5), "2.5");
    }
}
