//! The harness's SVG plots: latency percentiles against the offered rate (medians over the
//! runs at each rate), and CPU time per event by stage (the ceilings, the core path and the
//! whole service).

use plotters::prelude::*;

use super::results::{Latency, Results};
use super::stats::median;
use crate::report::charts::{self, Series};

const FONT: &str = "sans-serif";
const COLORS: [RGBColor; 3] = [
    RGBColor(0x1f, 0x77, 0xb4),
    RGBColor(0xff, 0x7f, 0x0e),
    RGBColor(0xd6, 0x27, 0x28),
];

/// One percentile of a latency row.
type Percentile = fn(&Latency) -> f64;

/// p50, p99 and p99.9 (ms, event produced → outcome fetched) against the offered rate.
pub fn latency(results: &Results) -> Result<String, String> {
    let rates = results.rates();
    let lines: [(&str, Percentile); 3] = [
        ("p50", |l| l.p50_ms),
        ("p99", |l| l.p99_ms),
        ("p99.9", |l| l.p999_ms),
    ];
    let points: Vec<Vec<(f64, f64)>> = lines
        .iter()
        .map(|(_, pick)| {
            rates
                .iter()
                .filter_map(|rate| {
                    let values: Vec<f64> = results.at_rate(*rate).into_iter().map(pick).collect();
                    Some((f64::from(*rate), median(&values)?))
                })
                .collect()
        })
        .collect();
    let top = points.iter().flatten().map(|p| p.1).fold(1.0, f64::max) * 1.2;
    let right = rates.last().map_or(1.0, |r| f64::from(*r)) * 1.1;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (760, 380)).into_drawing_area();
        root.fill(&WHITE).map_err(text)?;
        let mut chart = ChartBuilder::on(&root)
            .caption("End-to-end latency against offered rate", (FONT, 18))
            .margin(14)
            .x_label_area_size(40)
            .y_label_area_size(60)
            .build_cartesian_2d(0.0..right, 0.0..top)
            .map_err(text)?;
        chart
            .configure_mesh()
            .x_desc("offered events/s")
            .y_desc("ms, produced -> outcome fetched")
            .x_label_formatter(&|v| format!("{v:.0}"))
            .y_label_formatter(&|v| format!("{v:.0}"))
            .label_style((FONT, 14))
            .draw()
            .map_err(text)?;
        for (((name, _), series), color) in lines.iter().zip(&points).zip(COLORS) {
            chart
                .draw_series(std::iter::once(PathElement::new(
                    series.clone(),
                    color.stroke_width(2),
                )))
                .map_err(text)?
                .label(*name)
                .legend(move |(x, y)| PathElement::new([(x, y), (x + 18, y)], color));
            chart
                .draw_series(series.iter().map(|p| Circle::new(*p, 3, color.filled())))
                .map_err(text)?;
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperLeft)
            .border_style(BLACK)
            .background_style(WHITE)
            .label_font((FONT, 14))
            .draw()
            .map_err(text)?;
        root.present().map_err(text)?;
    }
    Ok(svg)
}

/// CPU µs per event (medians): bare consumer, bare pipe, core path, service.
pub fn cpu_by_stage(results: &Results) -> Result<String, String> {
    let summary = results.summary().ok_or("no drain was measured")?;
    let core = results.core.as_ref().map_or(0.0, |c| c.cpu_us_per_event);
    let categories = ["bare consumer", "bare pipe", "core path", "service"].map(str::to_owned);
    let series = [Series {
        name: "CPU per event",
        color: COLORS[0],
        values: vec![
            summary.consumer_cpu_us,
            summary.pipe_cpu_us,
            core,
            summary.service_cpu_us,
        ],
    }];
    charts::stacked_columns(
        charts::FULL,
        &categories,
        &series,
        "CPU µs per event",
        &|v| format!("{v:.0}"),
    )
}

fn text(error: impl std::fmt::Display) -> String {
    error.to_string()
}
