//! HTML export for the municipality's website: one accessible page per proposal and an index
//! page per catalogue, built from the same view data the PDF templates get (so every figure is
//! formatted by the same code), laid out in the order each form's PDF template prints it.
//!
//! Every user text is HTML-escaped; Markdown bodies keep only paragraphs, lists, emphasis and
//! links (with a web or mail address), as the PDF does. Pages need no JavaScript and link one
//! stylesheet, [`STYLESHEET`], written as `budgetnote.css` beside them.

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

use crate::catalogue::CheckedCatalogue;
use crate::checked::CheckedProposal;
use crate::view::catalogue::{CatalogueView, catalogue_view};
use crate::view::ledger::{BarChartView, LedgerView};
use crate::view::{
    BlockView, ChartView, CheckboxView, SectionView, TableView, TextTableView, View, view,
};

/// The one stylesheet every page links, written as `budgetnote.css` beside the pages.
pub const STYLESHEET: &str = include_str!("budgetnote.css");

/// The file name pages link the stylesheet by, relative to themselves.
const STYLESHEET_FILE: &str = "budgetnote.css";

/// The sign convention the amendment form prints under each of its ledgers.
const AMENDMENT_SIGNS: &str = "Fortegn: (+) = merudgift/mindreindtægt, (−) = mindreudgift/merindtægt. Nettovirkningen er ændringerne plus finansieringen; et udgiftsneutralt forslag har nettovirkning 0 i alle år.";

/// One whole HTML page for a proposal.
pub fn proposal(p: &CheckedProposal) -> String {
    let v = view(p);
    let mut page = Page::default();
    proposal_body(&mut page, &v, p.form.name.as_str());
    let description = v.subject.clone();
    page.finish(&v.title, &description, &v.authors, &v.footer)
}

/// The index page of a catalogue: cover, overview with totals against the frame, selections,
/// and every proposal linked (`pages`: each proposal's href relative to the index, and the
/// proposal) with its share of the frame.
pub fn catalogue(c: &CheckedCatalogue, pages: &[(String, &CheckedProposal)]) -> String {
    let v = catalogue_view(c);
    let mut page = Page::default();
    catalogue_body(&mut page, &v, pages);
    let title = match &v.annex {
        Some(annex) => format!("{annex} {}", v.title),
        None => v.title.clone(),
    };
    page.finish(&title, &v.subject, &v.authors, &v.footer)
}

/// A page being written: its body's HTML and a counter for element ids.
#[derive(Default)]
struct Page {
    /// The HTML inside `<main>`.
    out: String,
    /// The last id handed out.
    ids: usize,
}

impl Page {
    /// Appends literal HTML.
    fn raw(&mut self, html: &str) {
        self.out.push_str(html);
    }

    /// Appends text, escaped.
    fn text(&mut self, text: &str) {
        self.out.push_str(&escape(text));
    }

    /// Appends `<tag attrs>text</tag>` with the text escaped (`attrs` is literal and may be "").
    fn element(&mut self, tag: &str, attrs: &str, text: &str) {
        self.out.push('<');
        self.out.push_str(tag);
        if !attrs.is_empty() {
            self.out.push(' ');
            self.out.push_str(attrs);
        }
        self.out.push('>');
        self.text(text);
        self.out.push_str("</");
        self.out.push_str(tag);
        self.out.push_str(">\n");
    }

    /// A fresh element id, e.g. "bn-3".
    fn id(&mut self) -> String {
        self.ids += 1;
        format!("bn-{}", self.ids)
    }

    /// The whole document around the body written so far.
    fn finish(self, title: &str, description: &str, authors: &[String], footer: &str) -> String {
        let mut html = String::with_capacity(self.out.len() + 1024);
        html.push_str("<!DOCTYPE html>\n<html lang=\"da\">\n<head>\n<meta charset=\"utf-8\">\n");
        html.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        html.push_str(&format!("<title>{}</title>\n", escape(title)));
        html.push_str(&format!(
            "<meta name=\"description\" content=\"{}\">\n",
            escape(description)
        ));
        if !authors.is_empty() {
            html.push_str(&format!(
                "<meta name=\"author\" content=\"{}\">\n",
                escape(&authors.join(", "))
            ));
        }
        html.push_str("<meta name=\"generator\" content=\"budgetnote\">\n");
        html.push_str(&format!(
            "<link rel=\"stylesheet\" href=\"{STYLESHEET_FILE}\">\n</head>\n<body>\n<main>\n"
        ));
        html.push_str(&self.out);
        html.push_str("</main>\n<footer>\n");
        html.push_str(&format!("<p>{}</p>\n", escape(footer)));
        html.push_str("</footer>\n</body>\n</html>\n");
        html
    }
}

/// Escapes text for HTML content and attribute values alike.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Whether a link target may become an `href`: a web or mail address, or one without a scheme
/// (a relative link); anything else (`javascript:`, `data:`) prints as text only.
fn safe_href(dest: &str) -> bool {
    let dest = dest.trim();
    let scheme_end = dest.find(':');
    let path_start = dest.find(['/', '?', '#']);
    match (scheme_end, path_start) {
        (Some(colon), Some(path)) if path < colon => true,
        (Some(colon), _) => {
            let scheme = dest[..colon].to_ascii_lowercase();
            matches!(scheme.as_str(), "http" | "https" | "mailto" | "tel")
        }
        (None, _) => true,
    }
}

/// Converts a Markdown body to HTML: paragraphs, lists, emphasis, strong and links are kept;
/// headings print as bold paragraphs; code and HTML print as their text, escaped.
pub fn markdown(md: &str) -> String {
    let mut out = String::new();
    // Per open link: whether it became an anchor.
    let mut links: Vec<bool> = Vec::new();
    for event in Parser::new_ext(md, Options::empty()) {
        match event {
            Event::Text(t) | Event::Code(t) | Event::Html(t) | Event::InlineHtml(t) => {
                out.push_str(&escape(&t));
            }
            Event::SoftBreak => out.push('\n'),
            Event::HardBreak => out.push_str("<br>\n"),
            Event::Rule => out.push_str("<hr>\n"),
            Event::Start(tag) => match tag {
                Tag::Paragraph => out.push_str("<p>"),
                Tag::Heading { .. } => out.push_str("<p><strong>"),
                Tag::CodeBlock(_) | Tag::HtmlBlock => out.push_str("<p>"),
                Tag::List(Some(1)) => out.push_str("<ol>\n"),
                Tag::List(Some(n)) => out.push_str(&format!("<ol start=\"{n}\">\n")),
                Tag::List(None) => out.push_str("<ul>\n"),
                Tag::Item => out.push_str("<li>"),
                Tag::Emphasis => out.push_str("<em>"),
                Tag::Strong => out.push_str("<strong>"),
                Tag::Link { dest_url, .. } => {
                    let safe = safe_href(&dest_url);
                    if safe {
                        out.push_str(&format!("<a href=\"{}\">", escape(dest_url.trim())));
                    }
                    links.push(safe);
                }
                _ => {}
            },
            Event::End(tag) => match tag {
                TagEnd::Paragraph | TagEnd::CodeBlock | TagEnd::HtmlBlock => {
                    while out.ends_with('\n') {
                        out.pop();
                    }
                    out.push_str("</p>\n");
                }
                TagEnd::Heading(_) => out.push_str("</strong></p>\n"),
                TagEnd::List(true) => out.push_str("</ol>\n"),
                TagEnd::List(false) => out.push_str("</ul>\n"),
                TagEnd::Item => out.push_str("</li>\n"),
                TagEnd::Emphasis => out.push_str("</em>"),
                TagEnd::Strong => out.push_str("</strong>"),
                TagEnd::Link if links.pop().unwrap_or(false) => out.push_str("</a>"),
                _ => {}
            },
            _ => {}
        }
    }
    out
}

/// The line above the title with the municipality and the date, if either is given.
fn masthead(page: &mut Page, v: &View) {
    let text = match (&v.municipality, &v.date) {
        (Some(m), Some(d)) => format!("{m}, {d}"),
        (Some(m), None) => m.clone(),
        (None, Some(d)) => d.clone(),
        (None, None) => return,
    };
    page.element("p", "class=\"masthead\"", &text);
}

/// The municipality alone above the title, if named.
fn municipality(page: &mut Page, v: &View) {
    if let Some(m) = &v.municipality {
        page.element("p", "class=\"masthead\"", m);
    }
}

/// A label/value list such as Udvalg, Forslagsstiller; a value may be the page's `<h1>`.
fn header_block(page: &mut Page, rows: &[(&str, Value<'_>)]) {
    page.raw("<dl class=\"header-block\">\n");
    for (label, value) in rows {
        page.raw("<div>");
        page.element("dt", "", label);
        match value {
            Value::Text(text) => page.element("dd", "", text),
            Value::Title(text) => {
                page.raw("<dd>");
                page.element("h1", "", text);
                page.raw("</dd>\n");
            }
        }
        page.raw("</div>\n");
    }
    page.raw("</dl>\n");
}

/// A value of the header block.
enum Value<'a> {
    /// Plain text.
    Text(&'a str),
    /// The proposal's title, the page's top heading.
    Title(&'a str),
}

/// The body of a proposal's page, in the order its form's PDF template prints it.
fn proposal_body(page: &mut Page, v: &View, form: &str) {
    match form {
        "standard" => {
            masthead(page, v);
            header_block(
                page,
                &[
                    ("Overskrift", Value::Title(&v.title)),
                    ("Udvalg", Value::Text(&v.committees)),
                    ("Forslagsstiller", Value::Text(&v.proposer)),
                    ("Udgiftstype", Value::Text(&v.expense_types)),
                ],
            );
            if let Some(t) = &v.table {
                amounts_table(page, t);
            }
            sections(page, v, 2);
        }
        "budgetnotat" => {
            masthead(page, v);
            page.element("h1", "", &format!("{} {}", v.id, v.title));
            if let Some(group) = v.checkboxes.get("kategorisering") {
                checkbox_list(page, group);
            }
            for s in &v.sections {
                section(page, s, 2);
                if s.key == "bevillingstekniske_oplysninger"
                    && let Some(group) = v.checkboxes.get("bydele")
                {
                    checkbox_grid(page, group, v.address.as_deref());
                }
            }
            agreement(page, v);
        }
        "driftsforslag" => {
            masthead(page, v);
            page.element("p", "class=\"kind\"", "Driftsforslag");
            let number = v.number.as_deref().unwrap_or("");
            page.element(
                "p",
                "class=\"form-line\"",
                &format!("Skema 2.2.1. {number}"),
            );
            let committee = match &v.area {
                Some(area) => format!("{} - {area}", v.committees),
                None => v.committees.clone(),
            };
            page.element("p", "class=\"committee\"", &committee);
            page.element("h1", "", &v.title);
            sections(page, v, 2);
        }
        "statusnotat" => {
            if let Some(m) = &v.municipality {
                page.element("p", "class=\"masthead municipality\"", m);
            }
            page.element("h1", "", &v.title);
            let line = match &v.date {
                Some(d) => format!("{} d. {d}", v.committees),
                None => v.committees.clone(),
            };
            page.element("p", "class=\"committee\"", &line);
            // No heading precedes the body: its sub-headings are the level below the title.
            for s in &v.sections {
                section(page, s, 1);
            }
        }
        "katalogforslag" => {
            masthead(page, v);
            page.element("h1", "", &v.title);
            if let Some(target) = &v.target_group {
                page.element("p", "class=\"target-group\"", target);
            }
            for s in &v.sections {
                section(page, s, 2);
                if s.key == "oekonomi"
                    && let Some(chart) = &v.chart
                {
                    share_chart(page, chart);
                }
            }
            request(page, v);
        }
        "budgetopfoelgning" => {
            municipality(page, v);
            page.element("p", "class=\"kind\"", "Budgetopfølgning");
            page.element("h1", "", &v.title);
            let mut rows = vec![("Udvalg", Value::Text(&v.committees))];
            if let Some(d) = &v.date {
                rows.push(("Dato", Value::Text(d)));
            }
            rows.push(("Udarbejdet af", Value::Text(&v.proposer)));
            header_block(page, &rows);
            sections(page, v, 2);
        }
        "aendringsforslag" => {
            municipality(page, v);
            let kind = match &v.number {
                Some(n) => format!("Ændringsforslag nr. {n}"),
                None => "Ændringsforslag".to_owned(),
            };
            page.element("p", "class=\"kind\"", &kind);
            page.element("h1", "", &v.title);
            let mut rows = vec![
                ("Forslagsstiller", Value::Text(&v.proposer)),
                ("Udvalg", Value::Text(&v.committees)),
            ];
            if let Some(d) = &v.date {
                rows.push(("Dato", Value::Text(d)));
            }
            if let Some(group) = v.checkboxes.get("virkning") {
                for o in group.options.iter().filter(|o| o.ticked) {
                    rows.push((group.title.as_str(), Value::Text(&o.label)));
                }
            }
            header_block(page, &rows);
            for s in &v.sections {
                section_heading(page, s, 2);
                for b in &s.blocks {
                    block(page, b, 2);
                    if matches!(b, BlockView::Ledger(_)) {
                        page.element("p", "class=\"note\"", AMENDMENT_SIGNS);
                    }
                }
            }
        }
        _ => generic_body(page, v),
    }
}

/// A form this module does not know (a project's own): every part of the view in a fixed order.
fn generic_body(page: &mut Page, v: &View) {
    masthead(page, v);
    page.element("h1", "", &v.title);
    let mut rows = vec![
        ("Udvalg", Value::Text(&v.committees)),
        ("Forslagsstiller", Value::Text(&v.proposer)),
    ];
    if let Some(area) = &v.area {
        rows.push(("Område", Value::Text(area)));
    }
    header_block(page, &rows);
    if let Some(target) = &v.target_group {
        page.element("p", "class=\"target-group\"", target);
    }
    for group in v.checkboxes.values() {
        checkbox_list(page, group);
    }
    if let Some(t) = &v.table {
        amounts_table(page, t);
    }
    sections(page, v, 2);
    agreement(page, v);
    request(page, v);
}

/// Every section of a proposal; `sub_level` is the heading level of sub-headings in the PDF
/// (1 when no section heading stands above them).
fn sections(page: &mut Page, v: &View, sub_level: u8) {
    for s in &v.sections {
        section(page, s, sub_level);
    }
}

/// A section: its heading (if the form prints one), then its blocks.
fn section(page: &mut Page, s: &SectionView, sub_level: u8) {
    section_heading(page, s, sub_level);
    for b in &s.blocks {
        block(page, b, sub_level);
    }
}

/// A section's heading, one level below the page's title.
fn section_heading(page: &mut Page, s: &SectionView, _sub_level: u8) {
    if let Some(h) = &s.heading {
        page.element("h2", "", h);
    }
}

/// One block of a section; sub-headings sit one level below the section headings (PDF level
/// 2 → `<h3>`, PDF level 1 → `<h2>`).
fn block(page: &mut Page, b: &BlockView, sub_level: u8) {
    match b {
        BlockView::Text { body } => page.raw(&markdown(body)),
        BlockView::Heading { text } => {
            let tag = if sub_level <= 1 { "h2" } else { "h3" };
            page.element(tag, "", text);
        }
        BlockView::Ledger(l) => ledger(page, l),
        BlockView::TextTable(t) => text_table(page, t, false),
        BlockView::Comparison(t) => text_table(page, t, true),
    }
}

/// Opens a table's scroll container (a named, focusable region, so a phone scrolls the table
/// and not the page) and the table. A caption stands above the container, where a phone shows
/// it whole, and names the region and the table; without one, `fallback` names them unseen.
fn open_table(page: &mut Page, class: &str, caption: Option<&str>, fallback: &str) {
    let id = page.id();
    if let Some(text) = caption {
        page.element("p", &format!("class=\"caption-line\" id=\"{id}\""), text);
    }
    page.raw(&format!(
        "<div class=\"table-scroll\" role=\"region\" tabindex=\"0\" aria-labelledby=\"{id}\">\n"
    ));
    match caption {
        Some(_) => page.raw(&format!(
            "<table class=\"{class}\" aria-labelledby=\"{id}\">\n"
        )),
        None => {
            page.raw(&format!("<table class=\"{class}\">\n"));
            page.element("caption", &format!("id=\"{id}\" class=\"vh\""), fallback);
        }
    }
}

/// Closes what [`open_table`] opened.
fn close_table(page: &mut Page) {
    page.raw("</table>\n</div>\n");
}

/// The standard form's amounts table with its sign note.
fn amounts_table(page: &mut Page, t: &TableView) {
    open_table(page, "amounts", None, &t.caption);
    page.raw("<thead>\n<tr>");
    page.element("th", "scope=\"col\"", &t.caption);
    for y in &t.years {
        page.element("th", "scope=\"col\" class=\"num\"", y);
    }
    page.raw("</tr>\n</thead>\n<tbody>\n");
    let columns = t.years.len() + 1;
    for row in &t.rows {
        if row.style == "group" {
            page.raw("</tbody>\n<tbody>\n<tr class=\"group\">");
            page.element(
                "th",
                &format!("scope=\"rowgroup\" colspan=\"{columns}\""),
                &row.label,
            );
            page.raw("</tr>\n");
            continue;
        }
        page.raw(&format!("<tr class=\"{}\">", row.style));
        page.element("th", "scope=\"row\"", &row.label);
        for cell in &row.cells {
            page.element("td", "class=\"num\"", cell);
        }
        page.raw("</tr>\n");
    }
    page.raw("</tbody>\n");
    close_table(page);
    page.element("p", "class=\"note\"", &t.sign_note);
}

/// A ledger: caption, unit line, the table with a row group per outermost group, the total in
/// the table's foot, then its bar chart.
fn ledger(page: &mut Page, l: &LedgerView) {
    if let Some(unit) = &l.unit_line {
        // The unit line belongs to the table; above it, after the caption, as in the PDF.
        if let Some(caption) = &l.caption {
            page.element("p", "class=\"caption-line\"", caption);
        }
        page.element("p", "class=\"unit-line\"", unit);
        let label = l.caption.clone().unwrap_or_else(|| unit.clone());
        open_table(page, "ledger", None, &label);
    } else {
        open_table(page, "ledger", l.caption.as_deref(), &l.header[0]);
    }
    let numeric = |i: usize| l.numeric.get(i).copied().unwrap_or(false);
    page.raw("<thead>\n<tr>");
    for (i, h) in l.header.iter().enumerate() {
        let class = if numeric(i) { " class=\"num\"" } else { "" };
        page.element("th", &format!("scope=\"col\"{class}"), h);
    }
    page.raw("</tr>\n</thead>\n<tbody>\n");
    let columns = l.header.len();
    for row in &l.rows {
        let label = row.cells.first().map(String::as_str).unwrap_or("");
        let depth = row.depth.min(4);
        if row.kind == "group" {
            if row.depth == 0 {
                page.raw("</tbody>\n<tbody>\n");
            }
            page.raw(&format!("<tr class=\"group d{depth}\">"));
            page.element(
                "th",
                &format!("scope=\"rowgroup\" colspan=\"{columns}\""),
                label,
            );
            page.raw("</tr>\n");
            continue;
        }
        page.raw(&format!("<tr class=\"{} d{depth}\">", row.kind));
        page.element("th", "scope=\"row\"", label);
        for (i, cell) in row.cells.iter().enumerate().skip(1) {
            page.element("td", if numeric(i) { "class=\"num\"" } else { "" }, cell);
        }
        page.raw("</tr>\n");
    }
    page.raw("</tbody>\n");
    if let Some(total) = &l.total {
        page.raw("<tfoot>\n<tr class=\"total\">");
        let label = total.first().map(String::as_str).unwrap_or("");
        page.element("th", "scope=\"row\"", label);
        for (i, cell) in total.iter().enumerate().skip(1) {
            page.element("td", if numeric(i) { "class=\"num\"" } else { "" }, cell);
        }
        page.raw("</tr>\n</tfoot>\n");
    }
    close_table(page);
    if let Some(chart) = &l.chart {
        bar_chart(page, chart);
    }
}

/// A length in thousandths as a CSS percentage with one decimal, e.g. 432 → "43.2%".
fn percent(permille: i64) -> String {
    let p = permille.clamp(0, 1000);
    format!("{}.{}%", p / 10, p % 10)
}

/// A ledger's bar chart drawn with CSS: a legend, one labelled group of bars per row, the
/// figure beside each bar; the whole is an image whose name states every figure.
fn bar_chart(page: &mut Page, c: &BarChartView) {
    page.raw("<figure class=\"bar-chart\">\n");
    if let Some(caption) = &c.caption {
        page.element("figcaption", "", caption);
    }
    page.raw(&format!(
        "<div class=\"chart\" role=\"img\" aria-label=\"{}\">\n<div class=\"legend\">",
        escape(&c.alt)
    ));
    for (i, s) in c.series.iter().enumerate() {
        page.raw(&format!(
            "<span class=\"key\"><span class=\"swatch s{}\"></span>",
            i % 4
        ));
        page.text(s);
        page.raw("</span> ");
    }
    page.raw("</div>\n");
    let negative = c
        .groups
        .iter()
        .any(|g| g.bars.iter().any(|b| b.permille < 0));
    for g in &c.groups {
        page.raw("<div class=\"bar-group\">\n");
        page.element("div", "class=\"bar-label\"", &g.label);
        for (i, b) in g.bars.iter().enumerate() {
            let length = b.permille.abs();
            let style = if negative {
                let half = length / 2;
                if b.permille < 0 {
                    format!("left:{};width:{}", percent(500 - half), percent(half))
                } else {
                    format!("left:50%;width:{}", percent(half))
                }
            } else {
                format!("left:0;width:{}", percent(length))
            };
            let axis = if negative { " axis" } else { "" };
            page.raw(&format!(
                "<div class=\"bar-row\"><div class=\"track{axis}\"><span class=\"bar s{}\" style=\"{style}\"></span></div>",
                i % 4
            ));
            page.element("span", "class=\"bar-value\"", &b.text);
            page.raw("</div>\n");
        }
        page.raw("</div>\n");
    }
    page.raw("</div>\n</figure>\n");
}

/// A text table (or a side-by-side comparison with equal columns).
fn text_table(page: &mut Page, t: &TextTableView, equal: bool) {
    let class = if equal {
        "text-table comparison"
    } else {
        "text-table"
    };
    let fallback = t.header.join(", ");
    open_table(page, class, t.caption.as_deref(), &fallback);
    page.raw("<thead>\n<tr>");
    for h in &t.header {
        page.element("th", "scope=\"col\"", h);
    }
    page.raw("</tr>\n</thead>\n<tbody>\n");
    let columns = t.header.len().max(1);
    for row in &t.rows {
        if let Some(group) = &row.group {
            page.raw("</tbody>\n<tbody>\n<tr class=\"group\">");
            page.element(
                "th",
                &format!("scope=\"rowgroup\" colspan=\"{columns}\""),
                group,
            );
            page.raw("</tr>\n");
            continue;
        }
        page.raw("<tr>");
        for cell in &row.cells {
            page.raw("<td>");
            if let Some(h) = &cell.heading {
                page.element("p", "class=\"cell-heading\"", h);
            }
            page.raw(&markdown(&cell.body));
            page.raw("</td>");
        }
        page.raw("</tr>\n");
    }
    page.raw("</tbody>\n");
    close_table(page);
}

/// A checkbox: an image named "markeret" or "ikke markeret" (the X is drawn by the stylesheet).
fn checkbox(page: &mut Page, ticked: bool) {
    if ticked {
        page.raw("<span class=\"box ticked\" role=\"img\" aria-label=\"markeret\"></span>");
    } else {
        page.raw("<span class=\"box\" role=\"img\" aria-label=\"ikke markeret\"></span>");
    }
}

/// A checkbox group as a titled list: option, then its box.
fn checkbox_list(page: &mut Page, group: &CheckboxView) {
    let id = page.id();
    page.raw("<div class=\"checkbox-list\">\n");
    page.element(
        "p",
        &format!("class=\"box-title\" id=\"{id}\""),
        &group.title,
    );
    page.raw(&format!("<ul aria-labelledby=\"{id}\">\n"));
    for o in &group.options {
        page.raw("<li><span class=\"option\">");
        page.text(&o.label);
        page.raw("</span>");
        checkbox(page, o.ticked);
        page.raw("</li>\n");
    }
    page.raw("</ul>\n</div>\n");
}

/// A checkbox group as a grid: the first option on its own line, the rest flowing, then the
/// address line.
fn checkbox_grid(page: &mut Page, group: &CheckboxView, address: Option<&str>) {
    let id = page.id();
    page.element(
        "p",
        &format!("class=\"caption-line\" id=\"{id}\""),
        &group.title,
    );
    page.raw("<div class=\"checkbox-grid\">\n");
    let mut options = group.options.iter();
    if let Some(first) = options.next() {
        page.raw("<p class=\"first\"><strong>");
        page.text(&first.label);
        page.raw("</strong>: ");
        checkbox(page, first.ticked);
        page.raw("</p>\n");
    }
    page.raw(&format!("<ul aria-labelledby=\"{id}\">\n"));
    for o in options {
        page.raw("<li>");
        page.text(&o.label);
        page.raw(" ");
        checkbox(page, o.ticked);
        page.raw("</li>\n");
    }
    page.raw("</ul>\n<p><strong>Adresse</strong> ");
    page.text(address.unwrap_or(""));
    page.raw("</p>\n</div>\n");
}

/// The agreement text under its heading, set off by a rule on the left.
fn agreement(page: &mut Page, v: &View) {
    let Some(a) = &v.agreement else { return };
    page.element("h2", "", "Forslag til aftaletekst");
    page.raw("<div class=\"agreement\">\n");
    page.raw(&markdown(&a.intro));
    page.raw(&markdown(&a.lead));
    page.raw("<ul>\n<li>");
    page.raw(&markdown(&a.bullet));
    page.raw("</li>\n</ul>\n</div>\n");
}

/// The request line of a catalogue proposal.
fn request(page: &mut Page, v: &View) {
    if let Some(r) = &v.request {
        page.raw("<p class=\"request\"><strong>");
        page.text(&format!("Forslag: {r}"));
        page.raw("</strong></p>\n");
    }
}

/// A proposal's share of the frame: the frame as a light bar, the share filled, the amount
/// and share under it; the whole is an image named by the chart's alt text.
fn share_chart(page: &mut Page, c: &ChartView) {
    page.raw("<figure class=\"share-chart\">\n");
    page.element("figcaption", "", &c.caption);
    page.raw(&format!(
        "<div class=\"chart\" role=\"img\" aria-label=\"{}\">\n",
        escape(&c.alt)
    ));
    page.element("p", "class=\"frame\"", &c.frame_label);
    page.raw(&format!(
        "<div class=\"track share\"><span class=\"bar s0\" style=\"left:0;width:{}\"></span></div>\n",
        percent(c.share_permille)
    ));
    page.raw("<p class=\"share-line\"><strong>");
    page.text(&c.amount_label);
    page.raw("</strong> <span>");
    page.text(&c.share_label);
    page.raw("</span></p>\n</div>\n</figure>\n");
}

/// The body of a catalogue's index page.
fn catalogue_body(page: &mut Page, c: &CatalogueView, pages: &[(String, &CheckedProposal)]) {
    page.raw("<header class=\"cover\">\n");
    if let Some(annex) = &c.annex {
        page.element("p", "class=\"annex\"", annex);
    }
    page.element("h1", "", &c.title);
    if let Some(frame) = &c.frame_text {
        page.element("p", "class=\"frame-text\"", frame);
    }
    page.raw("</header>\n");
    let href = |id: &str| {
        pages
            .iter()
            .find(|(_, p)| p.id == id)
            .map(|(href, _)| href.as_str())
    };
    let link = |page: &mut Page, id: &str, text: &str| match href(id) {
        Some(h) => {
            page.raw(&format!("<a href=\"{}\">", escape(h)));
            page.text(text);
            page.raw("</a>");
        }
        None => page.text(text),
    };

    page.element("h2", "", "Oversigt");
    overview(page, c, &link);

    if !c.selections.is_empty() {
        page.element("h2", "", "Forslagspakker");
        selections(page, c);
    }

    page.element("h2", "", "Forslagene");
    page.raw("<ol class=\"proposals\">\n");
    for p in &c.proposals {
        page.raw("<li>\n<h3>");
        link(page, &p.id, &format!("{} {}", p.id, p.title));
        page.raw("</h3>\n");
        if let Some(chart) = &p.chart {
            share_chart(page, chart);
        }
        page.raw("</li>\n");
    }
    page.raw("</ol>\n");
}

/// The catalogue's overview: id, title (linked to its page), styringsområde, amounts per year,
/// grouped with subtotals, the grand total and the target rows, then the balance note.
fn overview(page: &mut Page, c: &CatalogueView, link: &dyn Fn(&mut Page, &str, &str)) {
    if let Some(unit) = &c.unit_line {
        page.element("p", "class=\"unit-line\"", unit);
    }
    open_table(page, "overview", None, "Oversigt over forslagene");
    let text_columns = if c.show_area { 3 } else { 2 };
    let columns = text_columns + c.years.len();
    page.raw("<thead>\n<tr>");
    page.element("th", "scope=\"col\"", "Nr.");
    page.element("th", "scope=\"col\"", "Forslag");
    if c.show_area {
        page.element("th", "scope=\"col\"", "Styringsområde");
    }
    year_headers(page, c);
    page.raw("</tr>\n</thead>\n");
    for g in &c.groups {
        page.raw("<tbody>\n");
        if let Some(name) = &g.name {
            page.raw("<tr class=\"group\">");
            page.element(
                "th",
                &format!("scope=\"rowgroup\" colspan=\"{columns}\""),
                name,
            );
            page.raw("</tr>\n");
        }
        for row in &g.rows {
            page.raw("<tr>");
            let id = row.first().map(String::as_str).unwrap_or("");
            page.element("th", "scope=\"row\"", id);
            for (i, cell) in row.iter().enumerate().skip(1) {
                if i == 1 {
                    page.raw("<td>");
                    link(page, id, cell);
                    page.raw("</td>");
                } else if i < text_columns {
                    page.element("td", "", cell);
                } else {
                    page.element("td", "class=\"num\"", cell);
                }
            }
            page.raw("</tr>\n");
        }
        if g.name.is_some() {
            total_row(page, "subtotal", "I alt", text_columns, &g.total);
        }
        page.raw("</tbody>\n");
    }
    page.raw("<tfoot>\n");
    total_row(
        page,
        "total",
        "I alt, alle forslag",
        text_columns,
        &c.grand_total,
    );
    for r in &c.target_rows {
        total_row(page, "subtotal", &r.label, text_columns, &r.cells);
    }
    page.raw("</tfoot>\n");
    close_table(page);
    if let Some(note) = &c.balance_note {
        page.element("p", "class=\"balance\"", note);
    }
}

/// A labelled row of figures whose label spans the text columns.
fn total_row(page: &mut Page, class: &str, label: &str, span: usize, cells: &[String]) {
    page.raw(&format!("<tr class=\"{class}\">"));
    page.element("th", &format!("scope=\"row\" colspan=\"{span}\""), label);
    for cell in cells {
        page.element("td", "class=\"num\"", cell);
    }
    page.raw("</tr>\n");
}

/// The year column headers of an overview table, with the unit when no unit line says it.
fn year_headers(page: &mut Page, c: &CatalogueView) {
    for y in &c.years {
        let header = match &c.unit_line {
            Some(_) => y.clone(),
            None => format!("{y} ({})", c.unit),
        };
        page.element("th", "scope=\"col\" class=\"num\"", &header);
    }
}

/// The selections: per selection its members, total and balance.
fn selections(page: &mut Page, c: &CatalogueView) {
    if let Some(unit) = &c.unit_line {
        page.element("p", "class=\"unit-line\"", unit);
    }
    open_table(page, "selections", None, "Forslagspakker");
    let columns = 1 + c.years.len();
    page.raw("<thead>\n<tr>");
    page.element("th", "scope=\"col\"", "Pakke");
    year_headers(page, c);
    page.raw("</tr>\n</thead>\n");
    for s in &c.selections {
        page.raw("<tbody>\n<tr class=\"group\">");
        page.element(
            "th",
            &format!("scope=\"rowgroup\" colspan=\"{columns}\""),
            &s.name,
        );
        page.raw("</tr>\n<tr class=\"members\">");
        page.element("td", &format!("colspan=\"{columns}\""), &s.members);
        page.raw("</tr>\n");
        total_row(page, "subtotal", "I alt", 1, &s.total);
        if let Some(b) = &s.balance {
            total_row(page, "plain", &b.label, 1, &b.cells);
        }
        page.raw("</tbody>\n");
    }
    close_table(page);
}

#[cfg(test)]
mod tests {
    use super::*;

    // Markup characters in user text are escaped, in content and attributes alike.
    #[test]
    fn text_is_escaped() {
        assert_eq!(
            escape(r#"<script>"a" & 'b'</script>"#),
            "&lt;script&gt;&quot;a&quot; &amp; &#39;b&#39;&lt;/script&gt;"
        );
    }

    // Raw HTML in Markdown prints as text; the kept subset maps to elements.
    #[test]
    fn markdown_keeps_its_subset_and_escapes_html() {
        let html = markdown(
            "Et **fedt** og *kursivt* <b>ord</b> & mere.\n\n- a\n- [b](https://x.dk)\n\n3. c",
        );
        assert!(
            html.starts_with("<p>Et <strong>fedt</strong> og <em>kursivt</em> &lt;b&gt;ord&lt;/b&gt; &amp; mere.</p>"),
            "{html}"
        );
        assert!(
            html.contains("<ul>\n<li>a</li>\n<li><a href=\"https://x.dk\">b</a></li>\n</ul>"),
            "{html}"
        );
        assert!(html.contains("<ol start=\"3\">\n<li>c</li>"), "{html}");
        let block = markdown("<script>alert(1)</script>");
        assert!(!block.contains("<script"), "{block}");
    }

    // A link to a script or data address prints its text only.
    #[test]
    fn unsafe_links_are_text() {
        let html = markdown("[klik](javascript:alert(1)) [mail](mailto:a@b.dk) [rel](side.html)");
        assert!(!html.contains("javascript"), "{html}");
        assert!(
            html.contains("<a href=\"mailto:a@b.dk\">mail</a>"),
            "{html}"
        );
        assert!(html.contains("<a href=\"side.html\">rel</a>"), "{html}");
        assert!(!safe_href("JavaScript:x"));
        assert!(!safe_href("data:text/html,x"));
        assert!(safe_href("https://kk.dk/a:b"));
    }

    // Bar lengths print with one decimal and never beyond the track.
    #[test]
    fn percentages_are_clamped() {
        assert_eq!(percent(432), "43.2%");
        assert_eq!(percent(1500), "100.0%");
        assert_eq!(percent(-3), "0.0%");
    }
}
