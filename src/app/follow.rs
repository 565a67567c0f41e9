//! Where the transcript view scrolls, free of egui: row tops from estimated and measured heights, and the offset each kind of jump asks for.
//!
//! The view gives every row a cheap estimated height and measures a row exactly only when it is drawn or about to be.
//! [`RowHeights`] keeps the tops as prefix sums of those heights, so drawing, clicking and scrolling all read the
//! same numbers. [`reveal_offset`] and [`scroll_offset`] decide where the view goes; they only do arithmetic.

/// Where a revealed row's top goes, as a fraction of the view's height from its top: the comfort band.
pub const BAND_FRACTION: f64 = 1.0 / 3.0;
/// While following, a visible lit row stays put until its bottom passes this fraction of the view's height.
pub const FOLLOW_BOTTOM_FRACTION: f64 = 0.8;
/// How much of the view's height Page Up and Page Down scroll, so a line of context stays in sight.
pub const PAGE_FRACTION: f64 = 0.9;
/// Offsets closer than this, in points, are the same place: moving by less would only shimmer.
pub const SAME_OFFSET_PTS: f64 = 0.5;

/// True when two scroll offsets name the same place. egui keeps offsets in `f32`, whose step is 2 points at the
/// 18 million points of a 600,000-line transcript, so the tolerance grows with the offset.
pub fn same_offset(a_pts: f64, b_pts: f64) -> bool {
    let step_pts = a_pts.abs().max(b_pts.abs()) * f64::from(f32::EPSILON);
    (a_pts - b_pts).abs() <= SAME_OFFSET_PTS + 2.0 * step_pts
}

/// How much a request to show a row may move the view.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reveal {
    /// Put the row in the comfort band (its top a third down the view, clamped to the content), even when it is
    /// already visible. For jumps: opening or switching a transcript, back to now, a seek by keys, seek bar or
    /// search result, and a resize while following.
    Band,
    /// Leave the view alone while the row is wholly visible with its bottom above 80% of the view's height;
    /// otherwise act as [`Reveal::Band`]. For the follow tick: the lit line advanced while following.
    IfNeeded,
    /// Never scroll, even when the row is only partly visible. For a click on a line: the line is under the
    /// reader's pointer, and moving it would put another line under a second click.
    Never,
}

/// A scroll the reader asks for with a key (Home, End, Page Up, Page Down).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ViewScroll {
    /// To the first line.
    Home,
    /// To the last line.
    End,
    /// Up by most of a view.
    PageUp,
    /// Down by most of a view.
    PageDown,
}

/// One row's place in the content, in points from the content's top.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RowSpan {
    /// Where the row starts.
    pub top_pts: f64,
    /// How tall it is.
    pub height_pts: f64,
}

impl RowSpan {
    fn bottom_pts(self) -> f64 {
        self.top_pts + self.height_pts
    }
}

/// The scroll view's size and place, in points.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ViewGeometry {
    /// How far the content is scrolled: the content's y at the view's top.
    pub offset_pts: f64,
    /// How tall the view is.
    pub height_pts: f64,
    /// How tall all the content is.
    pub content_height_pts: f64,
}

impl ViewGeometry {
    /// The largest offset that still fills the view (zero when the content is shorter than the view).
    pub fn max_offset_pts(self) -> f64 {
        (self.content_height_pts - self.height_pts).max(0.0)
    }

    /// `offset_pts` limited to the offsets the content allows.
    pub fn clamp(self, offset_pts: f64) -> f64 {
        offset_pts.clamp(0.0, self.max_offset_pts())
    }
}

/// The offset that puts a row whose top is at `row_top_pts` in the comfort band, clamped to the content.
pub fn band_offset(row_top_pts: f64, view: ViewGeometry) -> f64 {
    view.clamp(row_top_pts - view.height_pts * BAND_FRACTION)
}

/// Where the view should scroll to show `row` as `how` asks, or `None` to stay where it is.
pub fn reveal_offset(row: RowSpan, view: ViewGeometry, how: Reveal) -> Option<f64> {
    let wanted = match how {
        Reveal::Never => return None,
        Reveal::IfNeeded if comfortably_visible(row, view) => return None,
        Reveal::Band | Reveal::IfNeeded => band_offset(row.top_pts, view),
    };
    (!same_offset(wanted, view.offset_pts)).then_some(wanted)
}

/// True when the row is wholly in view and its bottom is above the follow line.
fn comfortably_visible(row: RowSpan, view: ViewGeometry) -> bool {
    let follow_line_pts = view.offset_pts + view.height_pts * FOLLOW_BOTTOM_FRACTION;
    row.top_pts >= view.offset_pts && row.bottom_pts() <= follow_line_pts
}

/// The offset a scroll key asks for, clamped to the content.
pub fn scroll_offset(how: ViewScroll, view: ViewGeometry) -> f64 {
    let page_pts = view.height_pts * PAGE_FRACTION;
    match how {
        ViewScroll::Home => 0.0,
        ViewScroll::End => view.max_offset_pts(),
        ViewScroll::PageUp => view.clamp(view.offset_pts - page_pts),
        ViewScroll::PageDown => view.clamp(view.offset_pts + page_pts),
    }
}

/// A place in the content named by a row, so it survives changes of the heights above it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Anchor {
    /// The row.
    pub row: usize,
    /// How far below the row's top the place is (negative: above it).
    pub delta_pts: f64,
}

impl Anchor {
    /// The content's very top.
    pub const TOP: Anchor = Anchor {
        row: 0,
        delta_pts: 0.0,
    };
}

/// Row heights, estimated until measured, and the row tops they add up to.
///
/// Tops are `f64`: a long transcript is tens of millions of points tall, past where `f32` counts single points.
///
/// Changing a height marks the tops below it stale; [`RowHeights::measure_around`] brings them up to date before it
/// returns, and every reader expects them fresh.
#[derive(Debug, Default)]
pub struct RowHeights {
    heights_pts: Vec<f64>,
    exact: Vec<bool>,
    exact_count: usize,
    /// `tops_pts[i]` is row `i`'s top; one more entry than rows, the last being the content's height.
    tops_pts: Vec<f64>,
    /// Tops up to and including this index are up to date.
    fresh_through: usize,
}

impl RowHeights {
    /// Rows with these estimated heights, none measured yet.
    pub fn from_estimates(estimates_pts: impl IntoIterator<Item = f64>) -> Self {
        let heights_pts: Vec<f64> = estimates_pts.into_iter().collect();
        let mut rows = RowHeights {
            exact: vec![false; heights_pts.len()],
            tops_pts: vec![0.0; heights_pts.len() + 1],
            heights_pts,
            exact_count: 0,
            fresh_through: 0,
        };
        rows.refresh_tops();
        rows
    }

    /// How many rows there are.
    pub fn len(&self) -> usize {
        self.heights_pts.len()
    }

    /// True when there are no rows.
    pub fn is_empty(&self) -> bool {
        self.heights_pts.is_empty()
    }

    /// How many rows have been measured: bounded by what was shown, not by the transcript's length.
    pub fn exact_count(&self) -> usize {
        self.exact_count
    }

    /// True when row `row` has been measured.
    pub fn is_exact(&self, row: usize) -> bool {
        self.exact.get(row).copied().unwrap_or(false)
    }

    /// Row `row`'s top (the content's height past the last row).
    pub fn top_pts(&self, row: usize) -> f64 {
        debug_assert!(self.fresh_through + 1 >= self.tops_pts.len(), "stale tops");
        let last = self.tops_pts.len().saturating_sub(1);
        self.tops_pts.get(row.min(last)).copied().unwrap_or(0.0)
    }

    /// Row `row`'s height (zero past the last row).
    pub fn height_pts(&self, row: usize) -> f64 {
        self.heights_pts.get(row).copied().unwrap_or(0.0)
    }

    /// Row `row`'s place.
    pub fn span(&self, row: usize) -> RowSpan {
        RowSpan {
            top_pts: self.top_pts(row),
            height_pts: self.height_pts(row),
        }
    }

    /// The height of all rows.
    pub fn total_pts(&self) -> f64 {
        self.top_pts(self.len())
    }

    /// The row that holds content height `y_pts` (the first row above the content, the last below it).
    pub fn row_at(&self, y_pts: f64) -> usize {
        let rows = self.len();
        let after = self.tops_pts[..rows].partition_point(|top| *top <= y_pts);
        after.saturating_sub(1)
    }

    /// The anchor for content height `y_pts`: the row there and how far into it `y_pts` lies.
    pub fn anchor_at(&self, y_pts: f64) -> Anchor {
        let row = self.row_at(y_pts);
        Anchor {
            row,
            delta_pts: y_pts - self.top_pts(row),
        }
    }

    /// The content height `anchor` names with today's heights.
    pub fn offset_of(&self, anchor: Anchor) -> f64 {
        self.top_pts(anchor.row) + anchor.delta_pts
    }

    /// Measures the rows that cover `above_pts` above row `row`'s top and `below_pts` from it down (always `row`
    /// itself), calling `measure` for each row not measured yet. Returns how many rows were measured.
    pub fn measure_around(
        &mut self,
        row: usize,
        above_pts: f64,
        below_pts: f64,
        mut measure: impl FnMut(usize) -> f64,
    ) -> usize {
        let mut measured = 0;
        let mut covered_pts = 0.0;
        for index in row..self.len() {
            measured += usize::from(self.measure_row(index, &mut measure));
            covered_pts += self.height_pts(index);
            if covered_pts >= below_pts {
                break;
            }
        }
        covered_pts = 0.0;
        for index in (0..row.min(self.len())).rev() {
            if covered_pts >= above_pts {
                break;
            }
            measured += usize::from(self.measure_row(index, &mut measure));
            covered_pts += self.height_pts(index);
        }
        self.refresh_tops();
        measured
    }

    /// Measures one row unless it is already measured; true when it was.
    fn measure_row(&mut self, row: usize, measure: &mut impl FnMut(usize) -> f64) -> bool {
        if self.is_exact(row) || row >= self.len() {
            return false;
        }
        let height_pts = measure(row);
        if (height_pts - self.heights_pts[row]).abs() > f64::EPSILON {
            self.heights_pts[row] = height_pts;
            self.fresh_through = self.fresh_through.min(row);
        }
        self.exact[row] = true;
        self.exact_count += 1;
        true
    }

    /// Recomputes the tops below the first changed height.
    fn refresh_tops(&mut self) {
        let start = self.fresh_through;
        let mut y_pts = self.tops_pts.get(start).copied().unwrap_or(0.0);
        for (index, height_pts) in self.heights_pts.iter().enumerate().skip(start) {
            self.tops_pts[index] = y_pts;
            y_pts += height_pts;
        }
        if let Some(total) = self.tops_pts.last_mut() {
            *total = y_pts;
        }
        self.fresh_through = self.tops_pts.len().saturating_sub(1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const VIEW_PTS: f64 = 300.0;

    fn view(offset_pts: f64) -> ViewGeometry {
        ViewGeometry {
            offset_pts,
            height_pts: VIEW_PTS,
            content_height_pts: 3000.0,
        }
    }

    fn row(top_pts: f64, height_pts: f64) -> RowSpan {
        RowSpan {
            top_pts,
            height_pts,
        }
    }

    #[test]
    fn reveal_offset_follows_the_reason() {
        // (why, row, view offset, how, expected new offset)
        let cases = [
            (
                "open: lit row a third down",
                row(1000.0, 30.0),
                0.0,
                Reveal::Band,
                Some(900.0),
            ),
            (
                "open: row near the top clamps to 0",
                row(50.0, 30.0),
                0.0,
                Reveal::Band,
                None,
            ),
            (
                "switch: offset from elsewhere is replaced",
                row(50.0, 30.0),
                700.0,
                Reveal::Band,
                Some(0.0),
            ),
            (
                "seek: visible row still goes to the band",
                row(200.0, 30.0),
                0.0,
                Reveal::Band,
                Some(100.0),
            ),
            (
                "seek: row near the end clamps to the end",
                row(2980.0, 20.0),
                0.0,
                Reveal::Band,
                Some(2700.0),
            ),
            (
                "back to now: already in the band",
                row(1100.0, 30.0),
                1000.0,
                Reveal::Band,
                None,
            ),
            (
                "follow tick: visible, above 80%",
                row(1200.0, 30.0),
                1000.0,
                Reveal::IfNeeded,
                None,
            ),
            (
                "follow tick: bottom exactly at 80%",
                row(1210.0, 30.0),
                1000.0,
                Reveal::IfNeeded,
                None,
            ),
            (
                "follow tick: bottom past 80%",
                row(1220.0, 30.0),
                1000.0,
                Reveal::IfNeeded,
                Some(1120.0),
            ),
            (
                "follow tick: partly below the view",
                row(1290.0, 30.0),
                1000.0,
                Reveal::IfNeeded,
                Some(1190.0),
            ),
            (
                "follow tick: above the view",
                row(500.0, 30.0),
                1000.0,
                Reveal::IfNeeded,
                Some(400.0),
            ),
            (
                "follow tick: partly above the view",
                row(990.0, 30.0),
                1000.0,
                Reveal::IfNeeded,
                Some(890.0),
            ),
            (
                "follow tick: at the end, band is where we are",
                row(2980.0, 20.0),
                2700.0,
                Reveal::IfNeeded,
                None,
            ),
            (
                "click: visible row",
                row(1100.0, 30.0),
                1000.0,
                Reveal::Never,
                None,
            ),
            (
                "click: partly visible row at the bottom",
                row(1290.0, 30.0),
                1000.0,
                Reveal::Never,
                None,
            ),
            (
                "click: partly visible row at the top",
                row(990.0, 30.0),
                1000.0,
                Reveal::Never,
                None,
            ),
            (
                "resize: lit row back to the band",
                row(1250.0, 30.0),
                1000.0,
                Reveal::Band,
                Some(1150.0),
            ),
        ];
        for (why, row, offset_pts, how, want) in cases {
            assert_eq!(reveal_offset(row, view(offset_pts), how), want, "{why}");
        }
    }

    #[test]
    fn reveal_offset_in_content_shorter_than_the_view_stays_at_zero() {
        let short = ViewGeometry {
            offset_pts: 0.0,
            height_pts: VIEW_PTS,
            content_height_pts: 120.0,
        };
        for how in [Reveal::Band, Reveal::IfNeeded, Reveal::Never] {
            assert_eq!(reveal_offset(row(90.0, 30.0), short, how), None, "{how:?}");
        }
    }

    #[test]
    fn scroll_keys_move_by_pages_and_to_the_ends() {
        let cases = [
            (ViewScroll::Home, 1000.0, 0.0),
            (ViewScroll::End, 1000.0, 2700.0),
            (ViewScroll::PageDown, 1000.0, 1270.0),
            (ViewScroll::PageDown, 2600.0, 2700.0),
            (ViewScroll::PageUp, 1000.0, 730.0),
            (ViewScroll::PageUp, 100.0, 0.0),
        ];
        for (how, offset_pts, want) in cases {
            assert_eq!(
                scroll_offset(how, view(offset_pts)),
                want,
                "{how:?} from {offset_pts}"
            );
        }
    }

    #[test]
    fn tops_are_prefix_sums_updated_by_measurement() {
        let mut rows = RowHeights::from_estimates([10.0, 10.0, 10.0, 10.0]);
        assert_eq!(rows.total_pts(), 40.0);
        assert_eq!(rows.row_at(25.0), 2);
        assert_eq!(rows.row_at(-5.0), 0);
        assert_eq!(rows.row_at(500.0), 3);
        let measured = rows.measure_around(1, 0.0, 1.0, |_| 25.0);
        assert_eq!(measured, 1);
        assert!(rows.is_exact(1) && !rows.is_exact(0) && !rows.is_exact(2));
        let tops: Vec<f64> = (0..=4).map(|i| rows.top_pts(i)).collect();
        assert_eq!(tops, [0.0, 10.0, 35.0, 45.0, 55.0]);
        assert_eq!(
            rows.measure_around(1, 0.0, 1.0, |_| 99.0),
            0,
            "measured once"
        );
    }

    #[test]
    fn measure_around_covers_the_asked_span_only() {
        let mut rows = RowHeights::from_estimates(vec![10.0; 1000]);
        let measured = rows.measure_around(500, 30.0, 50.0, |_| 20.0);
        // Below: rows 500..=502 (20 + 20 + 20 >= 50); above: rows 499 and 498 (20 + 20 >= 30).
        assert_eq!(measured, 5);
        assert_eq!(rows.exact_count(), 5);
        assert!((498..=502).all(|i| rows.is_exact(i)));
        assert_eq!(rows.top_pts(500), 5020.0);
        assert_eq!(rows.total_pts(), 10_050.0);
    }

    #[test]
    fn an_anchor_keeps_its_place_when_rows_above_change() {
        let mut rows = RowHeights::from_estimates(vec![10.0; 100]);
        let anchor = rows.anchor_at(505.0);
        assert_eq!(
            anchor,
            Anchor {
                row: 50,
                delta_pts: 5.0
            }
        );
        rows.measure_around(50, 100.0, 0.0, |_| 30.0);
        assert_eq!(rows.offset_of(anchor), rows.top_pts(50) + 5.0);
        // Rows 46..=49 were measured (30 + 30 + 30 + 30 >= 100).
        assert_eq!(rows.top_pts(50), 460.0 + 4.0 * 30.0);
    }

    #[test]
    fn empty_rows_are_harmless() {
        let mut rows = RowHeights::from_estimates(Vec::new());
        assert!(rows.is_empty());
        assert_eq!(rows.total_pts(), 0.0);
        assert_eq!(rows.row_at(10.0), 0);
        assert_eq!(rows.offset_of(Anchor::TOP), 0.0);
        assert_eq!(rows.measure_around(0, 100.0, 100.0, |_| 10.0), 0);
    }
}
