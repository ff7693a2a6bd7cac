//! HTML pages: every word and figure of the seeds (and of the PDFs of the newer fixtures) in
//! order in the pages' text, user text escaped, same bytes every time, a project's own form
//! (tests/forms/own-form) in its own page layout from its form.html.j2, and a real browser
//! (headless Chromium with axe-core) finding no accessibility violation and no horizontal
//! scrolling at phone and desktop width.

use std::path::{Path, PathBuf};
use std::process::Command;

use budgetnote::Project;
use budgetnote::catalogue::CheckedCatalogue;
use budgetnote::checked::CheckedProposal;
use budgetnote::export::html;

use crate::common::{missing_in_order, pdf_text, root, run_cli, seed_tokens, tokens};

/// A proposal's page from the bundled page templates.
fn page(p: &CheckedProposal) -> String {
    html::Pages::bundled().proposal(p).expect("page")
}

/// A checked proposal of the project at the repository root.
fn checked(path: &Path) -> CheckedProposal {
    let project = Project::open(&root()).expect("project opens");
    let checked = project.check_file(path).expect("readable proposal");
    assert!(
        !checked.report.has_errors(),
        "{}: {:#?}",
        path.display(),
        checked.report.diagnostics
    );
    checked.proposal.expect("checked proposal")
}

/// A checked catalogue of the project at the repository root.
fn checked_catalogue(path: &Path) -> CheckedCatalogue {
    let project = Project::open(&root()).expect("project opens");
    let source = std::fs::read_to_string(path).expect("catalogue readable");
    let (report, _, catalogue) =
        budgetnote::catalogue::check(path, source, &project).expect("catalogue checks");
    assert!(!report.has_errors(), "{:#?}", report.diagnostics);
    catalogue.expect("checked catalogue")
}

/// A catalogue's pages: the index, then each proposal's href (relative to the index, the
/// proposal's file beside the catalogue with `.html`) and page, in the catalogue's order.
fn catalogue_pages(path: &Path) -> (String, Vec<(String, String)>) {
    let c = checked_catalogue(path);
    let dir = path.parent().expect("catalogue folder");
    let hrefs: Vec<String> = c
        .proposals
        .iter()
        .map(|(file, _)| {
            let relative = file.strip_prefix(dir).unwrap_or(file);
            relative
                .with_extension("html")
                .to_string_lossy()
                .replace('\\', "/")
        })
        .collect();
    let pages: Vec<(String, &CheckedProposal)> = hrefs
        .iter()
        .cloned()
        .zip(c.proposals.iter().map(|(_, p)| p))
        .collect();
    let index = html::Pages::bundled()
        .catalogue(&c, &pages)
        .expect("index page");
    let proposals = pages
        .iter()
        .map(|(href, p)| (href.clone(), page(p)))
        .collect();
    (index, proposals)
}

/// The text a reader sees in a page's body: tags dropped, the numbers a numbered list's
/// markers show ("1."), entities decoded, whitespace collapsed (so no line break joins two
/// words).
fn html_text(page: &str) -> String {
    let body = page
        .split_once("<body>")
        .map_or(page, |(_, b)| b)
        .split("</body>")
        .next()
        .unwrap_or("");
    let tags = regex::Regex::new(r"<(/?)([a-z0-9]+)([^>]*)>").unwrap();
    let start = regex::Regex::new(r#"start="(\d+)""#).unwrap();
    // Per open list: the next item's number, if numbered.
    let mut lists: Vec<Option<u64>> = Vec::new();
    let text = tags.replace_all(body, |c: &regex::Captures<'_>| {
        let closing = &c[1] == "/";
        match (&c[2], closing) {
            ("ol", false) => {
                let first = start.captures(&c[3]).map_or(1, |s| s[1].parse().unwrap());
                lists.push(Some(first));
            }
            ("ul", false) => lists.push(None),
            ("ol" | "ul", true) => {
                lists.pop();
            }
            ("li", false) => {
                if let Some(Some(n)) = lists.last_mut() {
                    *n += 1;
                    return format!(" {}. ", *n - 1);
                }
            }
            _ => {}
        }
        " ".to_owned()
    });
    let text = text
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&");
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The PDF's text without its page footers (the line "<footer>  side 1 af 2" on every page),
/// which the HTML prints once at the end of the page.
fn pdf_text_without_footers(pdf: &[u8]) -> String {
    let footer = regex::Regex::new(r"side \d+ af \d+\s*$").unwrap();
    pdf_text(pdf)
        .lines()
        .filter(|l| !footer.is_match(l))
        .collect::<Vec<_>>()
        .join("\n")
}

/// What a reader of a catalogue reads: the index, then for each proposal the link to it in
/// the index's list of proposals ("E2 Samlet virksomhedsservice") followed by its page.
fn read_through(index: &str, pages: &[(String, String)]) -> String {
    let mut text = vec![html_text(index)];
    for (href, page) in pages {
        let link = regex::Regex::new(&format!(r#"<a href="{}">([^<]*)</a>"#, regex::escape(href)))
            .unwrap();
        let last = link
            .captures_iter(index)
            .last()
            .expect("the index links every page");
        text.push(last[1].to_owned());
        text.push(html_text(page));
    }
    text.join(" ")
}

/// Checks one seed against its bundled proposal's page; `deviations` are the seed's tokens the
/// page deliberately does not have in that place, in seed order.
fn check_seed(seed: &str, proposal: &str, deviations: &[&str]) {
    let page = page(&checked(&root().join("proposals").join(proposal)));
    let seed = seed_tokens(seed);
    assert!(seed.len() > 300, "seed has {} tokens", seed.len());
    let missing = missing_in_order(&seed, &tokens(&html_text(&page)));
    assert_eq!(
        missing, deviations,
        "seed tokens missing from the HTML, in order"
    );
}

// Seed 000 (standard form): header block, amounts table and every section, in order. As in
// the PDF, the sign note is the form's own text, so the seed's misspelling "mindredgift" is
// not in it.
#[test]
fn seed_000_standard_form_page_is_complete() {
    check_seed(
        "000_dd8ab556e71c6a73.txt",
        "flere-udsatte-borgere-i-beskaeftigelse.toml",
        &["mindredgift"],
    );
}

// Seed 001 (budgetnotat): the same deviations as its PDF (the Kategorisering box stands at the
// top, where the PDF has it; the seed's "Tablet 3" prints "Tabel 3").
#[test]
fn seed_001_budgetnotat_page_is_complete() {
    check_seed(
        "001_f497faa6887c9686.txt",
        "bi16-fokuseret-indsats-udsatte-borgere.toml",
        crate::fidelity::SEED_001_DEVIATIONS,
    );
}

// Seed 003 (driftsforslag): prose, bullets and the budgetoverslag with its totals.
#[test]
fn seed_003_driftsforslag_page_is_complete() {
    check_seed(
        "003_5615e5717e163dff.txt",
        "tvaerfaglig-indsats-udsatte-ledige.toml",
        &[],
    );
}

// Seed 004 (statusnotat): municipality, title, committee and date, nested lists.
#[test]
fn seed_004_statusnotat_page_is_complete() {
    check_seed(
        "004_760c860620b662c4.txt",
        "investering-aktivitetsparate.toml",
        &[],
    );
}

// Seed 002 (the catalogue annex): the index page then the proposals' pages in the index's
// order hold every word and figure of the annex, except the share charts, which stand beside
// each proposal's link on the index (a proposal's own page is the same whether or not it is in
// a catalogue): their figures are checked on the index instead.
#[test]
fn seed_002_catalogue_pages_are_complete() {
    let (index, pages) = catalogue_pages(&root().join("proposals/katalog-med-forslag.toml"));
    assert_eq!(pages.len(), 8);
    let text = read_through(&index, &pages);
    let seed = seed_tokens("002_9e51e28af9a7b8e3.txt");
    let missing = missing_in_order(&seed, &tokens(&text));
    let chart_words = tokens(
        "Figur: Forslagets andel af det samlede råderum på indsatsrammen Råderum på 21 mio. kr.",
    );
    let index_tokens = tokens(&html_text(&index));
    for token in &missing {
        assert!(
            chart_words.contains(token) || index_tokens.contains(token),
            "{token} is missing from the pages and is not a chart's word on the index: {missing:?}"
        );
    }
    let index_text = html_text(&index);
    for needle in [
        "Bilag 1. Katalog med forslag",
        "Råderum på 21 mio. kr. i 2025",
        "I alt, alle forslag 32,7",
        "Forslagene udgør i alt 32,7 mio. kr. i 2025 og overstiger råderummet på 21 mio. kr. med 11,7 mio. kr.",
        "Figur: Forslagets andel af det samlede råderum på indsatsrammen Råderum på 21 mio. kr. 2,2 mio. kr. 10 pct.",
    ] {
        assert!(
            index_text.contains(needle),
            "{needle} missing: {index_text}"
        );
    }
    // Every proposal is linked from the index by its href.
    for (href, _) in &pages {
        assert!(index.contains(&format!("<a href=\"{href}\">")), "{href}");
    }
}

// The newer fixtures (a budget follow-up with grouped ledger and chart, a party's amendment,
// a savings catalogue with target and selections): every token of their PDF's text, page
// footers aside, is in the HTML in order.
#[test]
fn newer_fixtures_match_their_pdf_text() {
    let project = Project::open(&root()).expect("project opens");
    for (fixture, deviations) in [
        // The PDF's chart hyphenates "Integrations-udvalget" around its first bar's figure
        // and its text layer holds a group's first figure before the group's name; the page
        // prints the name whole, then the figures.
        (
            "tests/tables/opfoelgning/proposal.toml",
            &["336100", "272700", "integrations", "udvalget", "39000"][..],
        ),
        ("tests/amendments/konservative/proposal.toml", &[][..]),
    ] {
        let p = checked(&root().join(fixture));
        let pdf = project.pdf(&p).expect("pdf");
        let expected = tokens(&pdf_text_without_footers(&pdf));
        assert!(expected.len() > 100, "{fixture}: {}", expected.len());
        let missing = missing_in_order(&expected, &tokens(&html_text(&page(&p))));
        assert_eq!(
            missing, deviations,
            "{fixture}: PDF words missing from the HTML"
        );
    }
    let path = root().join("tests/catalogues/savings/catalogue.toml");
    let c = checked_catalogue(&path);
    let pdf = project.catalogue_pdf(&c).expect("catalogue pdf");
    let mut pdf_text = pdf_text_without_footers(&pdf);
    // The PDF's contents page ("Indhold", then "Oversigt" and each proposal with its page
    // number) has no place on a web page: the index links the proposals further down. The
    // overview starts at the second "Oversigt".
    let (before, after) = pdf_text.split_once("Indhold").expect("contents page");
    let overview = after.match_indices("Oversigt").nth(1).expect("overview").0;
    pdf_text = format!("{before} {}", &after[overview..]);
    let (index, pages) = catalogue_pages(&path);
    let text = read_through(&index, &pages);
    let missing = missing_in_order(&tokens(&pdf_text), &tokens(&text));
    assert!(
        missing.is_empty(),
        "savings catalogue: PDF words missing from the HTML: {missing:?}"
    );
}

/// Text that would do something if it were spliced into HTML.
const NASTY: &str =
    r#"<script>alert("x")</script> Drift & anlæg 'citat' "dobbelt" <b>fed</b> &amp;"#;

// User text is never HTML: a title, proposer and Markdown body with a script tag, ampersands
// and quotes print literally and no element or attribute comes from them.
#[test]
fn user_text_is_escaped() {
    let work = tempfile::tempdir().unwrap();
    let base = std::fs::read_to_string(root().join("tests/good/minimal.toml")).unwrap();
    let literal = |s: &str| format!("'''{s}'''");
    let body = r#"Se <script>alert(1)</script> & "citat" og 'enkelt' [link](ersat-af-script) <img src=x onerror=alert(1)>."#;
    let text = base
        .replace(
            "title = \"Testforslag\"",
            &format!("title = {}", literal(NASTY)),
        )
        .replace(
            "proposer = \"Administrationen\"",
            &format!("proposer = {}", literal(NASTY)),
        )
        .replace(
            "resume = \"Resumé.\"",
            &format!("resume = {}", literal(body)),
        );
    let file = work.path().join("nasty.toml");
    std::fs::write(&file, text).unwrap();
    // `check` refuses a script link (E105), so one is put in after it: the page drops it too.
    let mut proposal = checked(&file);
    for block in proposal.sections.iter_mut().flat_map(|s| &mut s.blocks) {
        if let budgetnote::checked::Block::Text(text) = block {
            *text = text.replace("ersat-af-script", "javascript:alert(1)");
        }
    }
    let page = page(&proposal);
    assert!(!page.contains("<script"), "{page}");
    assert!(!page.contains("<img"), "{page}");
    assert!(!page.contains("<b>"), "{page}");
    assert!(!page.contains("javascript:"), "{page}");
    assert!(
        page.contains(
            "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; Drift &amp; anlæg &#39;citat&#39;"
        ),
        "{page}"
    );
    let shown = html_text(&page);
    assert!(
        shown.matches(NASTY).count() >= 2,
        "title and proposer print literally: {shown}"
    );
    assert!(
        shown.contains(r#"Se <script>alert(1)</script> & "citat" og 'enkelt' link <img src=x onerror=alert(1)>."#),
        "{shown}"
    );
}

// Every page is a whole Danish document that links the one stylesheet, with real tables whose
// headers have a scope, and no script.
#[test]
fn pages_are_semantic_and_script_free() {
    let (index, pages) = catalogue_pages(&root().join("proposals/katalog-med-forslag.toml"));
    let mut all: Vec<String> = bundled().iter().map(|p| page(&checked(p))).collect();
    all.push(index);
    all.extend(pages.into_iter().map(|(_, p)| p));
    let th_tag = regex::Regex::new("<th[ >]").unwrap();
    for page in &all {
        assert!(page.starts_with("<!DOCTYPE html>\n<html lang=\"da\">"));
        assert!(page.contains("<link rel=\"stylesheet\" href=\"budgetnote.css\">"));
        assert!(!page.contains("<script"));
        assert_eq!(page.matches("<h1>").count(), 1, "one top heading");
        let th = th_tag.find_iter(page).count();
        assert_eq!(
            th,
            page.matches("<th scope=").count(),
            "every <th> has a scope"
        );
        assert_eq!(
            page.matches("<table").count(),
            page.matches("</table>").count()
        );
    }
    assert!(all.iter().any(|p| p.contains("<th scope=\"col\"")));
    // Tables scroll inside their container (the browser test checks the page does not).
    let scroll = html::STYLESHEET
        .split(".table-scroll {")
        .nth(1)
        .unwrap_or("");
    assert!(
        scroll
            .split('}')
            .next()
            .unwrap()
            .contains("overflow-x: auto")
    );
}

// Same input, same bytes.
#[test]
fn pages_are_deterministic() {
    for p in bundled() {
        let a = page(&checked(&p));
        let b = page(&checked(&p));
        assert_eq!(a, b, "{}", p.display());
    }
    let path = root().join("proposals/katalog-med-forslag.toml");
    assert_eq!(catalogue_pages(&path), catalogue_pages(&path));
}

/// The single proposals bundled in `proposals/` (not the catalogue's).
fn bundled() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(root().join("proposals"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.extension().is_some_and(|e| e == "toml")
                && !std::fs::read_to_string(p).unwrap().contains("[catalogue]")
        })
        .collect();
    files.sort();
    files
}

/// Writes every page the browser test loads into `dir` (a stylesheet beside each folder of
/// pages); returns the pages' paths relative to `dir`.
fn write_pages(dir: &Path) -> Vec<String> {
    let mut written = Vec::new();
    let mut write = |relative: &str, html: &str| {
        let file = dir.join(relative);
        let folder = file.parent().unwrap();
        std::fs::create_dir_all(folder).unwrap();
        std::fs::write(folder.join("budgetnote.css"), html::STYLESHEET).unwrap();
        std::fs::write(&file, html).unwrap();
        written.push(relative.to_owned());
    };
    for p in bundled() {
        let stem = p.file_stem().unwrap().to_string_lossy().into_owned();
        write(&format!("{stem}.html"), &page(&checked(&p)));
    }
    for fixture in [
        "tests/tables/opfoelgning/proposal.toml",
        "tests/amendments/konservative/proposal.toml",
        "tests/tables/long-words/proposal.toml",
    ] {
        let name = fixture.split('/').nth(2).unwrap();
        let path = root().join(fixture);
        if path.is_file() {
            write(&format!("{name}.html"), &page(&checked(&path)));
        }
    }
    write("own-form.html", &own_form_page(&own_project()).0);
    for (folder, catalogue) in [
        ("katalog", "proposals/katalog-med-forslag.toml"),
        ("savings", "tests/catalogues/savings/catalogue.toml"),
    ] {
        let (index, pages) = catalogue_pages(&root().join(catalogue));
        write(&format!("{folder}/index.html"), &index);
        for (href, page) in pages {
            write(&format!("{folder}/{href}"), &page);
        }
    }
    written
}

/// How to install what the browser test needs.
const INSTALL: &str = "install them as .ci/run does: `apt-get install chromium` (Debian's \
    package, /usr/bin/chromium) and `npm ci` in tests/browser (node and npm from the system)";

// In headless Chromium, every page (bundled proposals, the newer fixtures, the project's own
// form tests/forms/own-form, both catalogue indexes and their proposals) has no axe-core violation, loads its stylesheet, and does not
// scroll horizontally at 375 px or 1280 px; screenshots of both widths are written (to
// $BUDGETNOTE_SCREENSHOTS if set). Fails, never skips, when node or Chromium is missing.
#[test]
fn pages_pass_axe_and_fit_a_phone_in_chromium() {
    let browser_dir = root().join("tests/browser");
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    assert!(
        Path::new(&chromium).is_file(),
        "{chromium} is missing; {INSTALL}"
    );
    assert!(
        browser_dir.join("node_modules/puppeteer-core").is_dir()
            && browser_dir.join("node_modules/axe-core").is_dir(),
        "tests/browser/node_modules is missing; {INSTALL}"
    );
    let out = tempfile::tempdir().unwrap();
    let pages = write_pages(out.path());
    let shots = std::env::var("BUDGETNOTE_SCREENSHOTS")
        .map(PathBuf::from)
        .unwrap_or_else(|_| out.path().join("screenshots"));
    let run = Command::new("node")
        .arg(browser_dir.join("check.mjs"))
        .arg(out.path())
        .arg(&shots)
        .args(&pages)
        .env("CHROMIUM", &chromium)
        .output()
        .unwrap_or_else(|e| panic!("node cannot be run ({e}); {INSTALL}"));
    assert!(
        run.status.success(),
        "the browser check failed: {}\n{INSTALL}",
        String::from_utf8_lossy(&run.stderr)
    );
    let result: serde_json::Value =
        serde_json::from_slice(&run.stdout).expect("the browser check prints JSON");
    let results = result["results"].as_array().expect("results");
    assert_eq!(results.len(), pages.len() * 2, "every page at both widths");
    let mut problems = Vec::new();
    for r in results {
        let at = format!("{} at {} px", r["page"], r["width"]);
        if r["axePasses"].as_u64().unwrap_or(0) < 10 {
            problems.push(format!("{at}: axe did not run its rules"));
        }
        let violations = r["violations"].as_array().unwrap();
        if !violations.is_empty() {
            problems.push(format!("{at}: axe violations {violations:#?}"));
        }
        if r["scrollWidth"].as_u64() > r["clientWidth"].as_u64() {
            problems.push(format!(
                "{at}: scrolls horizontally ({} > {})",
                r["scrollWidth"], r["clientWidth"]
            ));
        }
        if r["stylesheet"] != serde_json::Value::Bool(true) {
            problems.push(format!("{at}: the stylesheet did not load"));
        }
        if !r["failedRequests"].as_array().unwrap().is_empty() {
            problems.push(format!("{at}: failed requests {}", r["failedRequests"]));
        }
        let shot = PathBuf::from(r["screenshot"].as_str().unwrap());
        let png = std::fs::read(&shot).unwrap_or_default();
        if !png.starts_with(b"\x89PNG") {
            problems.push(format!("{at}: no screenshot at {}", shot.display()));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

// `render --format html` writes a page beside each PDF's place and an index per catalogue whose
// every link leads to a page written, with the stylesheet in each folder; a PDF-only run leaves
// the pages; a proposal that gets an error loses its page, and the others keep theirs.
#[test]
fn render_writes_linked_pages_and_keeps_them_current() {
    let dir = tempfile::tempdir().unwrap();
    crate::common::copy_dir(&root().join("proposals"), &dir.path().join("proposals"));
    // The repository's profile: the bundled budgetnotat's districts are Københavns Kommune's.
    std::fs::copy(
        root().join("budgetnote.toml"),
        dir.path().join("budgetnote.toml"),
    )
    .unwrap();
    let run = |args: &[&str]| {
        let out = crate::common::run_cli(dir.path(), args);
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (code, stderr) = run(&["render", "--format", "html"]);
    assert_eq!(code, Some(0), "{stderr}");
    let out = dir.path().join("out");
    let index = std::fs::read_to_string(out.join("katalog-med-forslag.html")).unwrap();
    let links: Vec<&str> = index
        .split("href=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .collect();
    assert!(links.len() >= 9, "{links:?}");
    for link in &links {
        assert!(
            out.join(link).is_file(),
            "the index links {link}, which was not written"
        );
    }
    assert!(out.join("budgetnote.css").is_file());
    assert!(out.join("katalog/budgetnote.css").is_file());
    assert!(
        !out.join("bi16-fokuseret-indsats-udsatte-borgere.pdf")
            .exists()
    );
    let page = out.join("bi16-fokuseret-indsats-udsatte-borgere.html");
    let first = std::fs::read(&page).unwrap();
    let (code, stderr) = run(&["render", "--format", "pdf"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(
        std::fs::read(&page).unwrap(),
        first,
        "a PDF run changed the page"
    );
    assert!(out.join("budgetnote.css").is_file());
    let broken = dir
        .path()
        .join("proposals/bi16-fokuseret-indsats-udsatte-borgere.toml");
    let text = std::fs::read_to_string(&broken).unwrap();
    std::fs::write(&broken, text.replacen("id = \"BI16\"", "id = 16", 1)).unwrap();
    let (code, stderr) = run(&["render", "--format", "html"]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        !page.exists(),
        "the page of a proposal with errors is still there"
    );
    assert!(
        out.join("flere-udsatte-borgere-i-beskaeftigelse.html")
            .is_file()
    );
}

/// The fixture project with its own form "tilskud" and its own page template.
fn own_project() -> PathBuf {
    root().join("tests/forms/own-form")
}

/// The page of the own-form fixture's proposal in the project at `project` (the fixture or a
/// changed copy), with the diagnostics of the project's page templates.
fn own_form_page(project: &Path) -> (String, Vec<budgetnote::diagnostic::FileReport>) {
    let opened = Project::open(project).expect("project opens");
    let checked = opened
        .check_file(&project.join("proposals/ansoegning.toml"))
        .expect("readable proposal");
    assert!(
        !checked.report.has_errors(),
        "{:#?}",
        checked.report.diagnostics
    );
    let p = checked.proposal.expect("checked proposal");
    let (pages, reports) = html::Pages::load(&project.join("templates"));
    (pages.proposal(&p).expect("page"), reports)
}

/// Fails unless every needle is in `text`, in this order.
fn assert_in_order(text: &str, needles: &[&str]) {
    let mut from = 0;
    for needle in needles {
        let at = text[from..]
            .find(needle)
            .unwrap_or_else(|| panic!("{needle:?} missing after byte {from}: {text}"));
        from += at + needle.len();
    }
}

// A project's own form gets its own page from its form.html.j2: the form's name, the applicant
// block with the ticked pool, each of the form's sections as a numbered part under the form's
// own heading, the text table inside its part, and the closing line, in the page's one layout.
#[test]
fn own_form_page_has_its_own_sections_headings_and_layout() {
    let (page, reports) = own_form_page(&own_project());
    assert!(reports.is_empty(), "{reports:#?}");
    let text = html_text(&page);
    assert_in_order(
        &text,
        &[
            "Tilskudsansøgning Værested for unge ledige",
            "Ansøger Foreningen Fællesskab",
            "Udvalg Socialudvalget",
            "Dato 1. februar 2025",
            "Pulje Socialpuljen",
            "Del 1: Formål At give unge ledige et sted at mødes",
            "Del 2: Målgruppe Unge mellem 18 og 29 år uden arbejde.",
            "Del 3: Budget for projektet Projektet koster i alt 200.000 kr. om året.",
            "Post Beløb Husleje 120.000 kr. Aktiviteter 80.000 kr.",
            "Ansøgningen behandles af Socialudvalget.",
        ],
    );
    // Its own structure: one part per filled section, labelled by its heading.
    assert_eq!(page.matches("<section class=\"part\"").count(), 3, "{page}");
    assert!(
        page.contains("<h2 id=\"del-1\">Del 1: Formål</h2>"),
        "{page}"
    );
    assert!(page.contains("aria-labelledby=\"del-3\""), "{page}");
    assert!(page.contains("<th scope=\"col\">Post</th>"), "{page}");
    // The shared layout: a Danish page with the stylesheet, one top heading, the footer.
    assert!(page.starts_with("<!DOCTYPE html>\n<html lang=\"da\">"));
    assert!(page.contains("<link rel=\"stylesheet\" href=\"budgetnote.css\">"));
    assert_eq!(page.matches("<h1>").count(), 1);
    assert!(page.contains("<footer>\n<p>T-2025-01"), "{page}");
    // Not the generic page: the generic labels are not there.
    assert!(!text.contains("Forslagsstiller"), "{text}");
}

// Without a form.html.j2, a project's own form gets the generic page from the layout's default
// blocks: title, the header block with the generic labels, the pool's boxes, and every section
// under the heading its form.toml gives.
#[test]
fn own_form_without_a_page_template_gets_the_generic_page() {
    let dir = tempfile::tempdir().unwrap();
    crate::common::copy_dir(&own_project(), dir.path());
    std::fs::remove_file(dir.path().join("templates/tilskud/form.html.j2")).unwrap();
    let (page, reports) = own_form_page(dir.path());
    assert!(reports.is_empty(), "{reports:#?}");
    let text = html_text(&page);
    assert_in_order(
        &text,
        &[
            "Værested for unge ledige",
            "Udvalg Socialudvalget Forslagsstiller Foreningen Fællesskab",
            "Pulje Socialpuljen",
            "Formål At give unge ledige",
            "Målgruppe Unge mellem",
            "Budget for projektet Projektet koster",
        ],
    );
    assert!(page.contains("<h2>Målgruppe</h2>"), "{page}");
    assert!(!text.contains("Del 1"), "{text}");
    assert!(
        page.contains("<span class=\"box ticked\" role=\"img\" aria-label=\"markeret\">"),
        "{page}"
    );
}

// `render --format html` of the fixture project writes the own form's page from its template.
#[test]
fn render_writes_the_own_forms_page() {
    let dir = tempfile::tempdir().unwrap();
    crate::common::copy_dir(&own_project(), dir.path());
    let out = crate::common::run_cli(dir.path(), &["render", "--format", "html"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let page = std::fs::read_to_string(dir.path().join("out/ansoegning.html")).unwrap();
    assert!(page.contains("Del 2: Målgruppe"), "{page}");
    assert!(dir.path().join("out/budgetnote.css").is_file());
}

// A project's page template replaces the bundled one of the same path; one that does not parse
// is reported at its line (E056) and `render --format html` fails that file (counted in the
// summary and the exit code), naming the template.
#[test]
fn project_page_templates_replace_bundled_ones_and_broken_ones_are_reported() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("proposals")).unwrap();
    std::fs::create_dir_all(dir.path().join("templates/standard")).unwrap();
    std::fs::copy(
        root().join("tests/good/minimal.toml"),
        dir.path().join("proposals/minimal.toml"),
    )
    .unwrap();
    let own = dir.path().join("templates/standard/form.html.j2");
    std::fs::write(
        &own,
        "{% extends \"_page.html.j2\" %}\n{% block header %}<h1>Egen: {{ p.title }}</h1>\n{% endblock %}\n",
    )
    .unwrap();
    let project = Project::open(dir.path()).expect("project opens");
    let p = project
        .check_file(&dir.path().join("proposals/minimal.toml"))
        .unwrap()
        .proposal
        .expect("checked");
    let (pages, reports) = html::Pages::load(&dir.path().join("templates"));
    assert!(reports.is_empty(), "{reports:#?}");
    let page = pages.proposal(&p).unwrap();
    assert!(page.contains("<h1>Egen: Testforslag</h1>"), "{page}");
    assert!(
        page.contains("<h2>"),
        "the sections block is the layout's: {page}"
    );

    std::fs::write(
        &own,
        "{% extends \"_page.html.j2\" %}\n{% block header %}\n{% if %}\n",
    )
    .unwrap();
    let (_, reports) = html::Pages::load(&dir.path().join("templates"));
    assert_eq!(reports.len(), 1, "{reports:#?}");
    let d = &reports[0].diagnostics[0];
    assert_eq!(d.code, budgetnote::diagnostic::Code::E056);
    assert_eq!(reports[0].path, own);
    let span = d.span.clone().expect("spanned");
    assert_eq!(&reports[0].source[span], "{% if %}", "the broken line");
    // The broken template is reported once, at its line, by `check --format html` and by
    // `render --format html`; each page it would make is refused by name.
    let at_line = "templates/standard/form.html.j2:3:";
    let check = crate::common::run_cli(dir.path(), &["check", "--format", "html"]);
    let stderr = String::from_utf8_lossy(&check.stderr);
    assert_eq!(check.status.code(), Some(1), "{stderr}");
    assert_eq!(stderr.matches("error[E056]").count(), 1, "{stderr}");
    assert_eq!(stderr.matches(at_line).count(), 1, "{stderr}");
    assert!(
        stderr.contains("page template templates/standard/form.html.j2 has a mistake"),
        "{stderr}"
    );
    let out = crate::common::run_cli(dir.path(), &["render", "--format", "html"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_ne!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("1 failed"), "{stderr}");
    assert_eq!(stderr.matches(at_line).count(), 1, "{stderr}");
    assert!(!dir.path().join("out/minimal.html").exists());
    // The PDF does not read the page templates: without html asked for, nothing is wrong.
    let pdf_only = crate::common::run_cli(dir.path(), &["check"]);
    let stderr = String::from_utf8_lossy(&pdf_only.stderr);
    assert_eq!(pdf_only.status.code(), Some(0), "{stderr}");
    assert!(!stderr.contains("E056"), "{stderr}");
}

// User text is a value, never a template: template syntax in a title and a Markdown body
// prints as written.
#[test]
fn user_text_is_never_a_template() {
    let work = tempfile::tempdir().unwrap();
    let base = std::fs::read_to_string(root().join("tests/good/minimal.toml")).unwrap();
    let text = base
        .replace(
            "title = \"Testforslag\"",
            "title = '''{{ 7 * 7 }} {% raw %}'''",
        )
        .replace(
            "resume = \"Resumé.\"",
            "resume = '''{{ p.proposer }} {# x #}'''",
        );
    let file = work.path().join("template.toml");
    std::fs::write(&file, text).unwrap();
    let page = page(&checked(&file));
    let shown = html_text(&page);
    assert!(shown.contains("{{ 7 * 7 }} {% raw %}"), "{shown}");
    assert!(shown.contains("{{ p.proposer }} {# x #}"), "{shown}");
    assert!(!shown.contains("49"), "{shown}");
}

// Template fixtures: the page each case under tests/templates/ gets matches its reviewed
// snapshot `page.snap` beside the case (the Typst the same case generates is `generated.snap`).
#[test]
fn pages_match_their_template_fixtures() {
    let dirs = crate::common::case_dirs("templates");
    assert!(dirs.len() >= 2);
    for dir in dirs {
        let page = page(&checked(&dir.join("proposal.toml")));
        insta::with_settings!({
            snapshot_path => dir.clone(),
            prepend_module_to_snapshot => false,
            omit_expression => true,
        }, {
            insta::assert_snapshot!("page", page);
        });
    }
}

// A folder run with web pages also writes `index.html` at the top of the output folder: every
// proposal and catalogue whose page it wrote, linked to its page and PDF (links that lead to files
// that exist), titled with the profile's municipality; a file with errors is not listed.
#[test]
fn a_folder_run_writes_an_index_of_its_pages() {
    let dir = tempfile::tempdir().unwrap();
    assert!(run_cli(dir.path(), &["init", "p"]).status.success());
    let project = dir.path().join("p");
    let broken = project.join("proposals/statusnotat-eksempel.toml");
    let text = std::fs::read_to_string(&broken).unwrap();
    std::fs::write(
        &broken,
        text.replacen("form = \"statusnotat\"", "form = \"x\"", 1),
    )
    .unwrap();
    let out = run_cli(&project, &["render", "--format", "pdf,html"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let index = std::fs::read_to_string(project.join("out/index.html")).expect("an index");
    assert!(
        index.contains("<title>Forslag · Testkommune</title>"),
        "{index}"
    );
    let hrefs: Vec<&str> = index
        .split("href=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .filter(|h| *h != "budgetnote.css")
        .collect();
    // Six proposals that render, each with its page and its PDF.
    assert_eq!(hrefs.len(), 12, "{hrefs:?}");
    for href in &hrefs {
        assert!(
            project.join("out").join(href).is_file(),
            "{href} leads nowhere"
        );
    }
    assert!(hrefs.contains(&"standard-eksempel.html") && hrefs.contains(&"standard-eksempel.pdf"));
    assert!(
        !index.contains("statusnotat-eksempel"),
        "a file with errors is listed"
    );
    // The index is recorded like the pages: a PDF-only run keeps it, and it is deterministic.
    let manifest = std::fs::read_to_string(project.join("out/.budgetnote-manifest")).unwrap();
    assert!(manifest.contains("\"index.html\""), "{manifest}");
    run_cli(&project, &["render"]);
    assert!(project.join("out/index.html").is_file());
    run_cli(&project, &["render", "--format", "pdf,html"]);
    assert_eq!(
        std::fs::read_to_string(project.join("out/index.html")).unwrap(),
        index
    );
}
