//! The report's charts, drawn server-side as SVG with plotters: stacked columns (one per
//! category, e.g. a month) and horizontal bars (one per row, e.g. a payer). Each function
//! returns one `<svg>` element; text is escaped by plotters' SVG backend.

use plotters::coord::ranged1d::{SegmentValue, SegmentedCoord};
use plotters::coord::types::RangedCoordi32;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// Chart widths in pixels: one column of the page, or half of it.
pub const FULL: u32 = 760;
pub const HALF: u32 = 540;
const FONT: &str = "sans-serif";
/// plotters' SVG backend writes font sizes divided by 1.24: 16 gives about 13 px.
const LABEL_SIZE: u32 = 16;
const AXIS: RGBColor = RGBColor(0x44, 0x44, 0x44);

/// One stacked series of [`stacked_columns`]: a name for the legend, a colour, and a value
/// per category.
pub struct Series<'a> {
    pub name: &'a str,
    pub color: RGBColor,
    pub values: Vec<f64>,
}

/// Columns over `categories`, each stacking the `series` values of that category (bottom
/// to top in `series` order). `y_label` formats the value axis.
pub fn stacked_columns(
    width: u32,
    categories: &[String],
    series: &[Series<'_>],
    y_desc: &str,
    y_label: &dyn Fn(f64) -> String,
) -> Result<String, String> {
    let n = categories.len();
    let totals: Vec<f64> = (0..n)
        .map(|i| series.iter().map(|s| s.values[i]).sum())
        .collect();
    // With a legend (more than one series), headroom above the highest column keeps the
    // legend clear of it.
    let headroom = if series.len() > 1 { 1.75 } else { 1.15 };
    let top = totals.iter().copied().fold(0.0, f64::max).max(1.0) * headroom;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (width, 300)).into_drawing_area();
        root.fill(&WHITE).map_err(text)?;
        let mut chart = ChartBuilder::on(&root)
            .margin(14)
            .x_label_area_size(34)
            .y_label_area_size(70)
            .build_cartesian_2d(segments(n), 0.0..top)
            .map_err(text)?;
        chart
            .configure_mesh()
            .disable_x_mesh()
            .light_line_style(WHITE.mix(0.0))
            .axis_style(AXIS)
            .x_labels(n)
            .x_label_formatter(&|v| label_of(v, categories))
            .y_desc(y_desc)
            .y_label_formatter(&|v| y_label(*v))
            .label_style((FONT, LABEL_SIZE))
            .axis_desc_style((FONT, LABEL_SIZE))
            .draw()
            .map_err(text)?;
        let mut base = vec![0.0; n];
        for s in series {
            let bars = (0..n).filter(|i| s.values[*i] > 0.0).map(|i| {
                let (from, to) = (base[i], base[i] + s.values[i]);
                base[i] = to;
                let (left, right) = segment(i, n);
                let mut bar = Rectangle::new([(left, from), (right, to)], s.color.filled());
                bar.set_margin(0, 0, 8, 8);
                bar
            });
            let color = s.color;
            chart
                .draw_series(bars.collect::<Vec<_>>())
                .map_err(text)?
                .label(s.name)
                .legend(move |(x, y)| {
                    Rectangle::new([(x, y - 5), (x + 10, y + 5)], color.filled())
                });
        }
        if series.len() > 1 {
            chart
                .configure_series_labels()
                .position(SeriesLabelPosition::UpperRight)
                .background_style(WHITE.mix(0.85))
                .border_style(AXIS)
                .label_font((FONT, LABEL_SIZE))
                .draw()
                .map_err(text)?;
        }
        root.present().map_err(text)?;
    }
    Ok(svg)
}

/// One bar per row, top to bottom, its value written at its end with `value_label`.
/// `x_max` is the end of the value axis (e.g. 1.0 for rates).
pub fn horizontal_bars(
    width: u32,
    rows: &[(String, f64)],
    color: RGBColor,
    x_max: f64,
    value_label: &dyn Fn(f64) -> String,
) -> Result<String, String> {
    let n = rows.len();
    let height = 40 + 26 * n as u32;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (width, height)).into_drawing_area();
        root.fill(&WHITE).map_err(text)?;
        let mut chart = ChartBuilder::on(&root)
            .margin(10)
            .margin_right(70)
            .x_label_area_size(0)
            .y_label_area_size(170)
            .build_cartesian_2d(0.0..x_max.max(f64::MIN_POSITIVE), segments(n))
            .map_err(text)?;
        // Row 0 is drawn at the top: segment n - 1 - i.
        let names: Vec<String> = rows.iter().rev().map(|(name, _)| name.clone()).collect();
        chart
            .configure_mesh()
            .disable_mesh()
            .axis_style(AXIS)
            .y_labels(n)
            .y_label_formatter(&|v| label_of(v, &names))
            .label_style((FONT, LABEL_SIZE))
            .draw()
            .map_err(text)?;
        let style = TextStyle::from((FONT, LABEL_SIZE - 1).into_font())
            .color(&AXIS)
            .pos(Pos::new(HPos::Left, VPos::Center));
        let bars = rows.iter().enumerate().map(|(i, (_, value))| {
            let (bottom, top) = segment(n - 1 - i, n);
            let mut bar = Rectangle::new([(0.0, bottom), (*value, top)], color.filled());
            bar.set_margin(4, 4, 0, 0);
            bar
        });
        chart.draw_series(bars.collect::<Vec<_>>()).map_err(text)?;
        let labels = rows.iter().enumerate().map(|(i, (_, value))| {
            let at = (*value, SegmentValue::CenterOf(position(n - 1 - i)));
            Text::new(format!(" {}", value_label(*value)), at, style.clone())
        });
        chart
            .draw_series(labels.collect::<Vec<_>>())
            .map_err(text)?;
        root.present().map_err(text)?;
    }
    Ok(svg)
}

/// `n` segments, one per category (plotters' i32 ranges include their end).
fn segments(n: usize) -> SegmentedCoord<RangedCoordi32> {
    (0..position(n.max(1) - 1)).into_segmented()
}

/// The two ends of segment `i` of `n`.
fn segment(i: usize, n: usize) -> (SegmentValue<i32>, SegmentValue<i32>) {
    let right = if i + 1 == n {
        SegmentValue::Last
    } else {
        SegmentValue::Exact(position(i + 1))
    };
    (SegmentValue::Exact(position(i)), right)
}

fn position(i: usize) -> i32 {
    i32::try_from(i).unwrap_or(i32::MAX)
}

/// The category name at a segment's centre; nothing at its edges.
fn label_of(value: &SegmentValue<i32>, names: &[String]) -> String {
    match value {
        SegmentValue::CenterOf(i) => usize::try_from(*i)
            .ok()
            .and_then(|i| names.get(i))
            .cloned()
            .unwrap_or_default(),
        _ => String::new(),
    }
}

fn text(error: impl std::fmt::Display) -> String {
    format!("cannot draw a chart: {error}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn categories(names: &[&str]) -> Vec<String> {
        names.iter().map(|n| n.to_string()).collect()
    }

    /// The text elements' contents, in document order.
    fn texts(svg: &str) -> Vec<&str> {
        svg.split("<text")
            .skip(1)
            .map(|element| {
                let content = &element[element.find('>').expect("a text element") + 1..];
                content[..content.find("</text>").expect("closed")].trim()
            })
            .collect()
    }

    #[test]
    fn stacked_columns_draw_one_rectangle_per_nonzero_value_and_label_each_category() {
        let svg = stacked_columns(
            HALF,
            &categories(&["2026-02", "2026-03"]),
            &[
                Series {
                    name: "PASS",
                    color: GREEN,
                    values: vec![3.0, 1.0],
                },
                Series {
                    name: "FAIL",
                    color: RED,
                    values: vec![0.0, 2.0],
                },
            ],
            "outcomes",
            &|v| format!("{v:.0}"),
        )
        .expect("draws");
        assert!(svg.starts_with("<svg"), "{svg}");
        let texts = texts(&svg);
        for label in ["2026-02", "2026-03", "PASS", "FAIL", "outcomes"] {
            assert!(texts.contains(&label), "{label} missing in {texts:?}");
        }
        // Three non-empty values: three bars, besides the background and the legend.
        let bars =
            svg.matches("fill=\"#00FF00\"").count() + svg.matches("fill=\"#FF0000\"").count();
        assert_eq!(bars, 3 + 2, "{svg}");
    }

    #[test]
    fn horizontal_bars_label_rows_and_values_and_escape_text() {
        let rows = vec![("<P1>".to_owned(), 0.5), ("P2".to_owned(), 0.25)];
        let svg = horizontal_bars(FULL, &rows, BLUE, 1.0, &|v| format!("{:.0}%", v * 100.0))
            .expect("draws");
        assert_eq!(texts(&svg), ["P2", "&lt;P1&gt;", "50%", "25%"]);
        assert!(!svg.contains("<P1>"));
    }

    #[test]
    fn a_single_category_or_row_still_draws() {
        let one = categories(&["2026-03"]);
        let series = [Series {
            name: "at risk",
            color: RED,
            values: vec![0.0],
        }];
        assert!(stacked_columns(HALF, &one, &series, "$", &|v| format!("{v}")).is_ok());
        let rows = vec![("TR-001".to_owned(), 0.0)];
        assert!(horizontal_bars(HALF, &rows, BLUE, 0.0, &|v| format!("{v}")).is_ok());
    }
}
