//! SVG plots with plotters: per-backend load over time, and each backend's health timeline with
//! its probe results. Text uses DejaVu Sans, shipped in `assets/fonts/` and registered once, so
//! plots render the same on machines without system fonts.

use std::path::Path;
use std::sync::Once;

use anyhow::{anyhow, Result};
use plotters::prelude::*;
use plotters::style::{register_font, FontStyle};

use super::simulation::Outcome;

static FONT: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
static REGISTER: Once = Once::new();

fn fonts() {
    REGISTER.call_once(|| {
        for st in [
            FontStyle::Normal,
            FontStyle::Bold,
            FontStyle::Italic,
            FontStyle::Oblique,
        ] {
            let _ = register_font("sans-serif", st, FONT);
        }
    });
}

fn color(i: usize) -> RGBColor {
    const P: [RGBColor; 10] = [
        RGBColor(31, 119, 180),
        RGBColor(255, 127, 14),
        RGBColor(44, 160, 44),
        RGBColor(214, 39, 40),
        RGBColor(148, 103, 189),
        RGBColor(140, 86, 75),
        RGBColor(227, 119, 194),
        RGBColor(127, 127, 127),
        RGBColor(188, 189, 34),
        RGBColor(23, 190, 207),
    ];
    P[i % P.len()]
}

fn e<E: std::fmt::Debug>(x: E) -> anyhow::Error {
    anyhow!("plot: {x:?}")
}

/// `load.svg`: requests per second to each backend, per window.
pub fn load_svg(o: &Outcome, path: &Path) -> Result<()> {
    fonts();
    let w = o.window_ns as f64 / 1e9;
    let dur = o.duration_ns as f64 / 1e9;
    let ymax = o
        .window_picks
        .iter()
        .flat_map(|r| r.iter())
        .copied()
        .max()
        .unwrap_or(1) as f64
        / w
        * 1.15;
    let root = SVGBackend::new(path, (1000, 560)).into_drawing_area();
    root.fill(&WHITE).map_err(e)?;
    let mut ch = ChartBuilder::on(&root)
        .caption(
            format!("{}: load per backend ({})", o.scenario, o.scheduler),
            ("sans-serif", 22),
        )
        .margin(14)
        .x_label_area_size(44)
        .y_label_area_size(70)
        .build_cartesian_2d(0.0..dur, 0.0..ymax.max(1.0))
        .map_err(e)?;
    ch.configure_mesh()
        .x_desc("simulated time (s)")
        .y_desc(format!("requests / s ({w} s windows)"))
        .label_style(("sans-serif", 14))
        .axis_desc_style(("sans-serif", 15))
        .light_line_style(RGBColor(235, 235, 235))
        .draw()
        .map_err(e)?;
    let show = o.backends.len().min(10);
    for b in 0..show {
        let c = color(b);
        let pts: Vec<(f64, f64)> = o
            .window_picks
            .iter()
            .enumerate()
            .map(|(i, r)| ((i as f64 + 0.5) * w, r[b] as f64 / w))
            .collect();
        ch.draw_series(LineSeries::new(pts, c.stroke_width(2)))
            .map_err(e)?
            .label(format!(
                "{} (w={})",
                o.backends[b].name, o.backends[b].weight
            ))
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], c.stroke_width(3)));
    }
    ch.configure_series_labels()
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK.mix(0.3))
        .label_font(("sans-serif", 13))
        .position(SeriesLabelPosition::UpperRight)
        .draw()
        .map_err(e)?;
    root.present().map_err(e)?;
    Ok(())
}

/// `health.svg`: one lane per backend; green while in rotation, red while marked down, grey
/// hatching while the backend is actually faulty, ticks for probe results.
pub fn health_svg(o: &Outcome, path: &Path) -> Result<()> {
    fonts();
    let n = o.backends.len().min(20);
    let dur = o.duration_ns as f64 / 1e9;
    let h = 190 + 46 * n as u32;
    let root = SVGBackend::new(path, (1000, h)).into_drawing_area();
    root.fill(&WHITE).map_err(e)?;
    let names: Vec<String> = o.backends.iter().take(n).map(|b| b.name.clone()).collect();
    let mut ch = ChartBuilder::on(&root)
        .caption(
            format!("{}: health timeline and probes", o.scenario),
            ("sans-serif", 22),
        )
        .margin(14)
        .x_label_area_size(44)
        .y_label_area_size(90)
        .build_cartesian_2d(0.0..dur, -0.6..n as f64 + 1.6)
        .map_err(e)?;
    ch.configure_mesh()
        .disable_y_mesh()
        .y_labels(4 * (n + 2))
        .y_label_formatter(&|y| {
            let r = y.round();
            if (y - r).abs() > 0.05 || r < 0.0 {
                return String::new();
            }
            names.get(r as usize).cloned().unwrap_or_default()
        })
        .x_desc("simulated time (s)")
        .label_style(("sans-serif", 14))
        .axis_desc_style(("sans-serif", 15))
        .draw()
        .map_err(e)?;
    let green = RGBColor(120, 200, 120);
    let red = RGBColor(230, 110, 100);
    for b in 0..n {
        let y0 = b as f64 - 0.25;
        let y1 = b as f64 + 0.25;
        // Health state segments.
        let mut t = 0.0;
        let mut healthy = true;
        let mut segs = vec![];
        for x in o.transitions.iter().filter(|x| x.backend as usize == b) {
            let tt = x.t as f64 / 1e9;
            segs.push((t, tt, healthy));
            t = tt;
            healthy = x.healthy;
        }
        segs.push((t, dur, healthy));
        ch.draw_series(segs.into_iter().map(|(a, z, h)| {
            Rectangle::new([(a, y0), (z, y1)], if h { green } else { red }.filled())
        }))
        .map_err(e)?;
        // Actual faults as a dark band above the lane.
        ch.draw_series(
            o.faults
                .iter()
                .filter(|f| f.backend as usize == b)
                .map(|f| {
                    let a = f.from as f64 / 1e9;
                    let z = f.to.map(|t| t as f64 / 1e9).unwrap_or(dur);
                    Rectangle::new([(a, y1), (z, y1 + 0.12)], BLACK.mix(0.6).filled())
                }),
        )
        .map_err(e)?;
        // Probe ticks below the lane: green ok, red failed.
        ch.draw_series(
            o.probes
                .iter()
                .filter(|p| p.backend as usize == b)
                .map(|p| {
                    let x = p.t as f64 / 1e9;
                    let c = if p.ok {
                        RGBColor(30, 120, 30)
                    } else {
                        RGBColor(200, 0, 0)
                    };
                    PathElement::new(vec![(x, y0 - 0.16), (x, y0 - 0.02)], c.stroke_width(2))
                }),
        )
        .map_err(e)?;
    }
    // Legend.
    let items: [(&str, RGBColor); 5] = [
        ("in rotation", green),
        ("marked unhealthy", red),
        ("backend faulty (injected)", RGBColor(90, 90, 90)),
        ("probe ok", RGBColor(30, 120, 30)),
        ("probe failed", RGBColor(200, 0, 0)),
    ];
    for (i, (label, c)) in items.iter().enumerate() {
        let c = *c;
        ch.draw_series(std::iter::once(Rectangle::new(
            [(0.0, 0.0), (0.0, 0.0)],
            c.filled(),
        )))
        .map_err(e)?
        .label(*label)
        .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 14, y + 5)], c.filled()));
        let _ = i;
    }
    ch.configure_series_labels()
        .background_style(WHITE.mix(0.9))
        .border_style(BLACK.mix(0.3))
        .label_font(("sans-serif", 13))
        .position(SeriesLabelPosition::UpperRight)
        .draw()
        .map_err(e)?;
    root.present().map_err(e)?;
    Ok(())
}
