//! Long explanations of the diagnostic codes, for `budgetnote explain CODE`: what the rule is,
//! why it exists, and a wrong and a right example.

use crate::diagnostic::Code;

/// The explanation of one code.
#[derive(Debug, Clone, Copy)]
pub struct Explanation {
    /// One line: what the code means.
    pub summary: &'static str,
    /// Why the rule exists and how to fix a file that breaks it.
    pub text: &'static str,
    /// A TOML fragment that gets the code.
    pub wrong: &'static str,
    /// The same fragment, fixed.
    pub right: &'static str,
}

impl Code {
    /// Every code, in order.
    pub const ALL: [Code; 61] = [
        Code::E001,
        Code::E002,
        Code::E003,
        Code::E004,
        Code::E010,
        Code::E011,
        Code::E012,
        Code::E013,
        Code::E014,
        Code::E015,
        Code::E016,
        Code::E017,
        Code::E018,
        Code::E019,
        Code::E020,
        Code::E021,
        Code::E022,
        Code::E023,
        Code::E024,
        Code::E025,
        Code::E026,
        Code::E027,
        Code::E028,
        Code::E029,
        Code::E030,
        Code::E031,
        Code::E032,
        Code::E033,
        Code::E034,
        Code::E035,
        Code::E036,
        Code::E037,
        Code::E038,
        Code::E039,
        Code::E040,
        Code::E041,
        Code::E042,
        Code::E043,
        Code::E060,
        Code::E061,
        Code::E062,
        Code::E063,
        Code::E064,
        Code::W001,
        Code::W002,
        Code::W003,
        Code::W004,
        Code::W005,
        Code::W006,
        Code::W007,
        Code::W008,
        Code::E050,
        Code::E051,
        Code::E052,
        Code::E053,
        Code::E056,
        Code::E057,
        Code::E054,
        Code::E055,
        Code::E058,
        Code::W011,
    ];

    /// The code named by `text` ("E014", "e14" and "14" are all E014).
    pub fn parse(text: &str) -> Option<Code> {
        let text = text.trim().to_ascii_uppercase();
        let (letter, digits) = match text.chars().next() {
            Some(c @ ('E' | 'W')) => (c, &text[1..]),
            _ => ('E', text.as_str()),
        };
        let number: u32 = digits.parse().ok()?;
        let wanted = format!("{letter}{number:03}");
        Code::ALL.into_iter().find(|c| c.as_str() == wanted)
    }

    /// The long explanation of this code.
    pub fn explanation(self) -> Explanation {
        explanation(self)
    }
}

/// Shorthand for building an explanation.
const fn x(
    summary: &'static str,
    text: &'static str,
    wrong: &'static str,
    right: &'static str,
) -> Explanation {
    Explanation {
        summary,
        text,
        wrong,
        right,
    }
}

/// The explanation of `code`; the match is exhaustive, so every code has one.
fn explanation(code: Code) -> Explanation {
    match code {
        Code::E001 => x(
            "the file is not valid TOML, or not UTF-8 text",
            "The file could not be read as TOML at all, so nothing else was checked. Usual causes are a \
             missing quote, a missing `=`, or text pasted from Word with curly quotes. Files must be \
             saved as UTF-8.",
            "title = Flere udsatte borgere",
            "title = \"Flere udsatte borgere\"",
        ),
        Code::E002 => x(
            "a value has the wrong type or is not one of the allowed values",
            "A field holds a number where text is expected (or the other way round), or a value that \
             is not on the allowed list (units, line kinds, expense types). The message lists the \
             allowed values.",
            "unit = \"kr\"",
            "unit = \"1.000 kr.\"",
        ),
        Code::E003 => x(
            "a required field is missing or empty",
            "Every proposal needs an id, a form, a title, its committees and a proposer; tables need \
             their own required fields. Empty text counts as missing.",
            "title = \"\"",
            "title = \"Flere udsatte borgere i beskæftigelse\"",
        ),
        Code::E004 => x(
            "unknown form",
            "`form` chooses the template and which sections are required. The message lists the forms \
             that exist (standard, budgetnotat, driftsforslag, statusnotat, katalogforslag).",
            "form = \"drift\"",
            "form = \"driftsforslag\"",
        ),
        Code::E010 => x(
            "an amount is written as a TOML float",
            "Amounts are exact decimals. A TOML float such as 2.5 is binary and cannot hold every \
             Danish figure exactly, and the dot is easily confused with a thousands separator. Write \
             whole numbers as integers and decimals as Danish text.",
            "amounts = { 2024 = 2.5 }",
            "amounts = { 2024 = \"2,5\" }",
        ),
        Code::E011 => x(
            "an amount string is not a Danish number",
            "Amounts in quotes are read the Danish way: `.` groups thousands and `,` is the decimal \
             comma; a leading minus or plus is allowed.",
            "amounts = { 2024 = \"2.5\" }",
            "amounts = { 2024 = \"2,5\" }",
        ),
        Code::E012 => x(
            "`years` is not strictly increasing",
            "A table's years are its columns, left to right. Each year may appear once, in order.",
            "years = [2024, 2026, 2025]",
            "years = [2024, 2025, 2026]",
        ),
        Code::E013 => x(
            "an amount for a year the table does not have",
            "Every amount must fall in one of the table's `years`; otherwise it would be silently \
             left out of the PDF and the totals.",
            "years = [2024, 2025]\namounts = { 2024 = -500, 2026 = -500 }",
            "years = [2024, 2025, 2026]\namounts = { 2024 = -500, 2026 = -500 }",
        ),
        Code::E014 => x(
            "a stated figure differs from the one computed from the lines",
            "Nets, row totals, column totals and grand totals are always computed. When a figure is \
             also stated (to check a transcription), it must equal the computed one; both are named \
             in the message. The PDF prints the computed figure.",
            "[budget.stated_net]\nservice = { 2024 = -400 }   # the lines add up to -300",
            "[budget.stated_net]\nservice = { 2024 = -300 }",
        ),
        Code::E015 => x(
            "the change in årsværk per area does not add up to the stated total",
            "`budget.staff.fte` is the total change in full-time equivalents (årsværk) per year; the \
             areas under it must add up to it.",
            "fte = { 2024 = 2 }\n# areas: 1 + 2",
            "fte = { 2024 = 3 }\n# areas: 1 + 2",
        ),
        Code::E016 => x(
            "a section the form requires is missing or empty",
            "Each form has required sections (the standard form's seven, for instance). An empty \
             section would leave a heading with nothing under it.",
            "[sections]\nresume = \"\"",
            "[sections]\nresume = \"Forslaget flytter 2,8 mio. kr. til beskæftigelse.\"",
        ),
        Code::E017 => x(
            "a section key the form does not have",
            "Text under a key the form does not know would not be printed. The message lists the \
             form's section keys; the usual cause is a typo.",
            "[sections]\nresumé = \"…\"",
            "[sections]\nresume = \"…\"",
        ),
        Code::E018 => x(
            "a key in an amounts table that is not a year",
            "Amounts are keyed by year.",
            "amounts = { år2024 = -500 }",
            "amounts = { 2024 = -500 }",
        ),
        Code::E019 => x(
            "a budget table has no lines",
            "The amounts table needs at least one line; the nets are computed from the lines.",
            "[budget]\nunit = \"1.000 kr.\"\nyears = [2024]",
            "[budget]\nunit = \"1.000 kr.\"\nyears = [2024]\n\n[[budget.lines]]\nkind = \"omstilling\"\nexpense = \"service\"\ncommittee = \"SU\"\namounts = { 2024 = -500 }",
        ),
        Code::E020 => x(
            "a section places a table that is not defined under `[tables]`",
            "A block `{ table = \"id\" }` must name a table defined as `[tables.id]`.",
            "oekonomi = [{ table = \"tabel3\" }]   # only [tables.tabel2] exists",
            "oekonomi = [{ table = \"tabel2\" }]",
        ),
        Code::E021 => x(
            "a ticked option the checkbox group does not have",
            "Checkbox groups print the form's own options; a ticked option that is not one of them \
             would be lost. The message lists the valid options.",
            "kategorisering = [\"Henvist\"]",
            "kategorisering = [\"Henvist sag\"]",
        ),
        Code::E022 => x(
            "too many ticks in a checkbox group",
            "Some groups allow one tick only, some options exclude all others (such as \"Hele byen\"), \
             and an option can be ticked once.",
            "bydele = [\"Hele byen\", \"Amager Øst\"]",
            "bydele = [\"Hele byen\"]",
        ),
        Code::E023 => x(
            "a checkbox group the form does not have",
            "Only the form's own checkbox groups are printed; the message lists them.",
            "[checkboxes]\nkategori = [\"Need to\"]",
            "[checkboxes]\nkategorisering = [\"Need to\"]",
        ),
        Code::E024 => x(
            "a block without exactly one of `text`, `heading`, `table`",
            "Each block of a section is one thing: a piece of text, a sub-heading or a table.",
            "{ text = \"…\", table = \"tabel2\" }",
            "{ text = \"…\" }, { table = \"tabel2\" }",
        ),
        Code::E025 => x(
            "a table of unknown kind, or a stated total without a row-total column",
            "Tables are `kind = \"ledger\"` (figures with computed totals) or `kind = \"text\"`. A \
             `stated_total` on a row needs the table to have a row-total column (`row_total`).",
            "kind = \"tabel\"",
            "kind = \"ledger\"",
        ),
        Code::E026 => x(
            "`amounts_from` does not name a ledger table",
            "The agreement text writes its amounts from a ledger's total row, so it must name a table \
             of kind \"ledger\" that has a total row.",
            "amounts_from = \"tabel1\"   # a text table",
            "amounts_from = \"tabel2\"   # a ledger with total_label",
        ),
        Code::E027 => x(
            "a `[request]` without exactly one of `amount` or `parts`",
            "A catalogue proposal asks for one amount, or for parts that are added up; not both, not \
             neither.",
            "[request]\nyear = 2025\namount = \"2,2\"\nparts = [{ label = \"intern\", amount = \"2\" }]",
            "[request]\nyear = 2025\namount = \"2,2\"",
        ),
        Code::E028 => x(
            "lists nested more than 8 levels deep",
            "Deeper lists cannot be laid out readably (and would exhaust the typesetter). Flatten the \
             list or split it into paragraphs.",
            "- a\n  - b\n    - c … (nine levels)",
            "- a\n  - b",
        ),
        Code::E029 => x(
            "a character the bundled fonts cannot print",
            "Accessible and archival PDFs (PDF/UA, PDF/A) may not show a character as an empty box, \
             so a character the fonts in fonts/ lack is an error at the character itself. Write it \
             another way, or add a font that has it.",
            "title = \"Forslag ✓\"",
            "title = \"Forslag (godkendt)\"",
        ),
        Code::E030 => x(
            "a catalogue names a proposal file that does not exist",
            "Paths in `proposals` are relative to the catalogue file; a folder includes every .toml \
             in it.",
            "proposals = [\"katalog/k9.toml\"]",
            "proposals = [\"katalog/k8-finansiering.toml\"]",
        ),
        Code::E031 => x(
            "a catalogue includes the same proposal twice",
            "Each proposal appears once in an annex; naming a file and also its folder counts twice.",
            "proposals = [\"katalog\", \"katalog/k1.toml\"]",
            "proposals = [\"katalog\"]",
        ),
        Code::E032 => x(
            "a catalogue's frame has an unknown unit",
            "The frame (råderum) is in \"mio. kr.\" or \"1.000 kr.\".",
            "frame = { amount = 21, unit = \"mio\" }",
            "frame = { amount = 21, unit = \"mio. kr.\" }",
        ),
        Code::E033 => x(
            "two proposals in a catalogue share an id",
            "Ids identify proposals in the overview and the contents; each must be unique.",
            "# k1.toml and k2.toml both have id = \"K1\"",
            "# k2.toml: id = \"K2\"",
        ),
        Code::E034 => x(
            "a proposal in the catalogue has errors, so the annex is not written",
            "An annex with a broken proposal would be incomplete. Fix the errors reported for that \
             file; the annex is written once every proposal is clean.",
            "proposals = [\"katalog\"]   # katalog/k3.toml has an E014",
            "proposals = [\"katalog\"]   # k3.toml fixed",
        ),
        Code::E035 => x(
            "a logo without alt text",
            "A screen reader says the alt text instead of showing the image; accessible PDFs (PDF/UA) \
             require it for every image.",
            "logo = { file = \"logo.svg\" }",
            "logo = { file = \"logo.svg\", alt = \"Slagelse Kommunes logo\" }",
        ),
        Code::E036 => x(
            "a logo file that is missing, outside the project, or not an image",
            "The logo's path is relative to the proposal file and must stay inside the project folder \
             (only files there are read); it must be SVG, PNG or JPEG.",
            "logo = { file = \"C:/Billeder/logo.bmp\", alt = \"…\" }",
            "logo = { file = \"logo.svg\", alt = \"Slagelse Kommunes logo\" }",
        ),
        Code::E037 => x(
            "an amount against its line's sign convention",
            "Amounts are signed as in the municipality's budget: (−) is a lower cost or higher income, \
             (+) a higher cost. So savings (omstilling, effektivisering, besparelse, mindreudgift) \
             are negative and investments and extra costs (investering, merudgift) positive. A saving \
             entered with a plus would quietly turn into a cost in every total. A year that holds a \
             one-off investment on a saving line on purpose is declared in `one_off_years`.",
            "kind = \"omstilling\"\namounts = { 2024 = 500, 2025 = -500 }",
            "kind = \"omstilling\"\namounts = { 2024 = -500, 2025 = -500 }",
        ),
        Code::E038 => x(
            "a line's committee abbreviation is not in the register of committees",
            "The project's budgetnote.toml holds the municipality's register of committees \
             (abbreviation = full name). Every abbreviation on a budget line must be in it, so that \
             a typo such as \"SUU\" cannot put an amount under a committee that does not exist.",
            "committee = \"SSU\"",
            "committee = \"SU\"   # budgetnote.toml: SU = \"Socialudvalget\"",
        ),
        Code::E039 => x(
            "a line's committee is not one of the proposal's committees",
            "A line under a committee's budget must belong to a committee the proposal goes to; \
             otherwise the amount would be decided by a committee that never sees the proposal.",
            "committees = [\"Socialudvalget\"]\n# line: committee = \"AMU\"",
            "committees = [\"Socialudvalget\", \"Arbejdsmarkedsudvalget\"]\n# line: committee = \"AMU\"",
        ),
        Code::E043 => x(
            "an unknown key close to a known key of the same table (a typo)",
            "A key that budgetnote does not know but that is one or two letters from a key of the \
             same table is almost certainly that key misspelt. Ignoring it would silently switch \
             off what it was for: `[budget.stated_nets]` would leave the stated nets unchecked. So \
             it is an error, with the key it is close to, and the PDF is withheld. Case, `_` \
             against `-`, and æ/ø/å written as ae/oe/aa count as the same spelling.",
            "[budget.stated_nets]\nservice = { 2024 = -600 }",
            "[budget.stated_net]\nservice = { 2024 = -600 }",
        ),
        Code::W001 => x(
            "an unknown key (it would be ignored)",
            "A key budgetnote does not know, and that is close to no key of its table, is ignored; \
             its value would not be used. The proposal still renders. (A key close to a known one \
             is E043, an error.)",
            "colour = \"blue\"",
            "# (remove the key)",
        ),
        Code::W002 => x(
            "a table is defined but placed in no section",
            "A table under `[tables]` is printed where a section places it with `{ table = \"id\" }`; \
             one placed nowhere would not be printed.",
            "[tables.tabel4]   # no section has { table = \"tabel4\" }",
            "oekonomi = [{ text = \"…\" }, { table = \"tabel4\" }]",
        ),
        Code::W004 => x(
            "an årsværk figure in the text that the staff table does not explain",
            "Every \"N årsværk\" stated in the text must be a figure of \"Ændring i antal \
             årsværk\" (the total or an area, in any year), or one of several stated parts that \
             together make such a figure (\"3 årsværk … 1 årsværk\" against +4). Approximate \
             mentions (\"ca. 12 årsværk\") are not checked.",
            "fte = { 2024 = 4 }\n# text: \"… 3 årsværk … 2 årsværk …\"",
            "fte = { 2024 = 4 }\n# text: \"… 3 årsværk … 1 årsværk …\"",
        ),
        Code::W005 => x(
            "a period stated in the text that no table covers",
            "A period in the text (\"perioden 2024 til 2026\", \"en fireårig investering\") must be \
             the span of years with amounts of one of the proposal's tables, so that text and \
             figures describe the same investment.",
            "years = [2024, 2025, 2026, 2027]   # amounts in all four\n# text: \"i perioden 2024 til 2026\"",
            "# text: \"i perioden 2024 til 2027\"",
        ),
        Code::W006 => x(
            "a budget table with fewer than four years",
            "A budget table covers the budget year and the three overslagsår. A year left out looks \
             the same as a year forgotten; include it in `years` and leave its amounts blank if \
             nothing changes that year.",
            "years = [2024, 2025, 2026]",
            "years = [2024, 2025, 2026, 2027]   # 2027 blank on purpose",
        ),
        Code::W007 => x(
            "a table in another price basis than the proposal's, or without one",
            "Figures in different price bases (2024-priser, 2025 p/l, løbende priser) cannot be \
             compared or added. Every amounts table of a proposal states the same basis; a table \
             that differs on purpose (a history in løbende priser) says so with `own_prices = true`.",
            "[budget]\nprices = \"2024-priser\"\n[tables.tabel2]\nkind = \"ledger\"\nprices = \"2025-priser\"",
            "[tables.tabel2]\nkind = \"ledger\"\nprices = \"2024-priser\"",
        ),
        Code::E040 => x(
            "a proposal id used by another file of the run",
            "Ids name proposals in catalogues, overviews, footers and PDF metadata; two files with \
             one id would be confused. Each proposal in a folder has its own id.",
            "# a.toml and b.toml both have id = \"SU04\"",
            "# b.toml: id = \"SU05\"",
        ),
        Code::E041 => x(
            "a stated Udgiftstype that differs from the lines' expense types",
            "The Udgiftstype in the header (service, overførsel, anlæg, finansiering) is derived \
             from the expense types of the budget lines. When it is also stated (transcribed from \
             the original form), it must name the same types, so the header cannot promise \
             service money while a line moves transfers.",
            "expense_types = [\"service\"]\n# a line: expense = \"overførsel\"",
            "expense_types = [\"service\", \"overførsel\"]",
        ),
        Code::E042 => x(
            "an account number that is malformed or not in the chart of accounts",
            "An `account` on a budget line or ledger row is checked against the municipal chart of \
             accounts (den autoriserede kontoplan); hovedkonto 5 and 6 are bundled. It is written \
             in full, hovedkonto.hovedfunktion.funktion (5.57.73), or short, hovedkonto.funktion \
             (05.73). A number that names no function is an error, and the help lists the nearest \
             valid ones. Accounts in other hovedkonti are not checked unless the project adds them. \
             A function of a newer kontoplan is added in budgetnote.toml under [accounts].",
            "account = \"5.57.37\"",
            "account = \"5.57.73\"   # or, in budgetnote.toml: [accounts] \"5.25.20\" = { name = \"…\", expense = \"service\" }",
        ),
        Code::E060 => x(
            "a file that is not a regular file (a folder, FIFO, device or socket)",
            "budgetnote reads only ordinary files: proposals, catalogues, the files a catalogue \
             names and budgetnote.toml. A FIFO (named pipe) would make a run wait forever, and a \
             device such as /dev/zero never ends, so neither is opened. A symlink is followed and \
             judged by what it points at. Other files of the run are still checked and rendered.",
            "# proposals/x.toml is a symlink to /dev/zero\nproposals = [\"x.toml\"]",
            "# proposals/x.toml is an ordinary file saved by an editor\nproposals = [\"x.toml\"]",
        ),
        Code::E061 => x(
            "a file larger than the limit (10 MB for TOML)",
            "A proposal or catalogue is a few kilobytes of text. A TOML file over 10 MB is refused \
             without being read whole, so a wrong file (an export, a disk image renamed .toml) \
             cannot exhaust memory in a batch that reads files in parallel.",
            "proposals = [\"export-2024.toml\"]   # 2 GB",
            "proposals = [\"k1-dagpenge.toml\"]   # 12 kB",
        ),
        Code::E062 => x(
            "a catalogue entry, or a symlink found in a folder, leads outside the project root",
            "A catalogue's `proposals` paths are relative to the catalogue file and must stay inside \
             the project folder (the --root folder), after `..` and symlinks are resolved. A file \
             outside is never opened, so a catalogue cannot print someone else's file into an \
             annex or an error message. Copy the proposal into the project instead. The same holds \
             for a symlink that `check` or `render` finds in a folder: if it points outside both \
             the project and the folder named on the command line, it is reported and not read \
             (a file named on the command line itself is read wherever it is).",
            "proposals = [\"../../other-project/k1.toml\"]",
            "proposals = [\"katalog/k1.toml\"]",
        ),
        Code::E063 => x(
            "two input files would be written to the same output file",
            "Each proposal gets out/<its path>.pdf, its path taken from the project root with a \
             leading proposals/ dropped (files outside the project: from the folder named on the \
             command line, or just the file name). Two inputs that still map to one PDF (x.toml \
             at the project root and proposals/x.toml, or names differing only in upper and lower \
             case) would overwrite each other, so neither is written. Likewise a PDF that the \
             output folder's manifest gives to another input that still exists is not replaced \
             by a newcomer (a file outside the project with the same name): render that one \
             with -o to another folder, or delete the PDF if its owner should no longer have it.",
            "# x.toml and proposals/x.toml, both rendered: both would be out/x.pdf",
            "# rename one: proposals/x-2025.toml → out/x-2025.pdf",
        ),
        Code::E064 => x(
            "an input's file name is too long for its PDF",
            "A file name may have at most 255 bytes (ext4, APFS, NTFS). budgetnote writes each PDF \
             through a temp file beside it whose name adds 48 bytes (`.x.pdf.budgetnote-<process>-<n>.tmp`), \
             so a PDF's name may have at most 207 bytes, and the proposal's file name without \
             `.toml` at most 203 (letters such as æ, ø and å take two bytes each). `check` \
             refuses such a file first, and nothing is written for it.",
            "# proposals/forslag-om-…-(240 characters).toml",
            "# proposals/forslag-om-styrket-indsats.toml",
        ),
        Code::W008 => x(
            "a budget line's expense type differs from its account's usual one",
            "Each function of the chart has the expense type its money usually is: 5.57.73 \
             Kontant- og uddannelseshjælp is an overførsel, administration under 6.45 is service. \
             A line that names the account but another expense type is usually a wrong account or \
             a wrong `expense`; check both.",
            "account = \"5.57.73\"\nexpense = \"service\"",
            "account = \"5.57.73\"\nexpense = \"overførsel\"",
        ),
        Code::W003 => x(
            "an amount in the text matches no figure in the tables",
            "Every amount of money written in the text (\"2,8 mio. kr.\", \"59.200 kr.\") must be a \
             figure the proposal's tables hold or compute: a cell, a row or column total, a net per \
             expense type, a grand total, the request. It may be rounded to the precision it is \
             written in (2,835 mio. kr. may be written 2,8 mio. kr.). Amounts written as approximate \
             (\"ca.\", \"over\", \"op til\") and numbers without a unit of money are not checked.",
            "oekonomi = \"I alt 244,7 mio. kr.\"   # the rows add up to 244,615",
            "oekonomi = \"I alt 244,6 mio. kr.\"",
        ),
        Code::E050 => x(
            "an invisible character (control character, NUL, byte-order mark) in a text",
            "Text copied from other programs sometimes carries characters no one can see: a NUL, a bell, a form feed, a byte-order mark (U+FEFF), a text-direction control. A PDF/A and PDF/UA document may not print them, and they would hide in the text unseen, so they are refused at the character. A line break is written as a new line, a tab as a space.",
            "title = \"Flere borgere\\u0007 i job\"",
            "title = \"Flere borgere i job\"",
        ),
        Code::E051 => x(
            "a word too long to break into lines, or a one-line field that is too long",
            "A line can only break between words. A run of more than 300 characters without a space (a pasted web address, a row of dashes, text that lost its spaces) cannot be set on the page, and a PDF cannot hold a line of many thousand characters at all. A one-line field such as the title also goes into the PDF's metadata, where it must stay short. Put spaces between the words, write a long web address as a link [name](https://…), and move long text into a section.",
            "resume = \"Se https://www.kk.dk/sites/default/files/…(400 characters without a space)…\"",
            "resume = \"Se [Budgetnotatet](https://www.kk.dk/sites/default/files/…)\"",
        ),
        Code::E052 => x(
            "a link without an address, or with one that is too long",
            "A link in Markdown is written [the text](https://the-address). A link whose address is empty cannot be followed and cannot be put into a PDF, and an address of more than 8.000 characters is more than a PDF reader accepts. Give the address, or remove the brackets to print the text alone.",
            "resume = \"Se [budgetaftalen]() for detaljer.\"",
            "resume = \"Se [budgetaftalen](https://www.kk.dk/budget) for detaljer.\"",
        ),
        Code::E053 => x(
            "emphasis, bold and links nested too deeply",
            "Stars and underscores mark emphasis: *kursiv*, **fed**. Text with many stray stars (a row of ***** as a divider, or pasted text) can nest emphasis inside emphasis hundreds of levels deep, which the typesetter refuses to parse. Write a star that is not emphasis as \\\\*.",
            "resume = \"******************************** Vigtigt ********************************\"",
            "resume = \"**Vigtigt**\"",
        ),
        Code::E056 => x(
            "the typesetter or the PDF standard refuses the content",
            "check typesets every file it finds no other error in, in memory, exactly as render does, so a file that passes check also renders. When typst or the PDF/A and PDF/UA standards refuse the document, the refusal is reported here, at the text being set when it happened. The known causes have codes of their own (E029, E050-E053); E056 is the net for the rest. Change or shorten the marked text, and report the case so that it gets a code of its own.",
            "resume = \"(text the PDF standard refuses)\"",
            "resume = \"(the same text, changed or shortened)\"",
        ),
        Code::E057 => x(
            "budgetnote failed while typesetting the file (an internal fault)",
            "A fault inside budgetnote or the typesetter (a panic) stopped this one file. It is caught for the file alone: no PDF is written for it, every other file is still rendered, and the run ends with exit code 1. The file is probably correct; report the fault with the file attached.",
            "(any file that makes the typesetter fail)",
            "(report it; meanwhile change the text around the place named)",
        ),
        Code::E054 => x(
            "a logo image that is too large",
            "A logo is printed a few centimetres wide; a few hundred pixels across is plenty. A file over 5 MB, or a compressed image that decodes to more than 25 million pixels (a 1 MB PNG can hold gigabytes of pixels), would make rendering slow or run out of memory, so it is refused at check time before it is decoded. Export the logo smaller, or as SVG.",
            "logo = { file = \"logo-scan-12000x9000.png\", alt = \"Kommunens logo\" }",
            "logo = { file = \"logo-600.png\", alt = \"Kommunens logo\" }",
        ),
        Code::E055 => x(
            "a catalogue frame that is too small",
            "The frame (råderum) is what the proposals of a catalogue compete for, and each proposal's chart shows its share of it. A frame below 1.000 kr. is a frame written in the wrong unit (0,000021 instead of 21 mio. kr.), and the shares would be numbers too large to compute, so it is refused.",
            "frame = { amount = \"0,000000021\", unit = \"mio. kr.\" }",
            "frame = { amount = \"21\", unit = \"mio. kr.\" }",
        ),
        Code::E058 => x(
            "an acknowledgement without a reason, or of an error",
            "A warning that is wrong for one place can be acknowledged under [acknowledged] with a reason, so that --deny warnings passes without weakening the check. Only warnings can be acknowledged (an error must be fixed), and every acknowledgement needs a reason someone reviewing the proposal can judge.",
            "[acknowledged]\\nW005 = \\\"\\\"",
            "[acknowledged]\\nW005 = \\\"the years named are the previous plan's\\\"",
        ),
        Code::W011 => x(
            "an acknowledgement that matches no warning",
            "An acknowledgement accepts a warning the file has. When the text changes so that the warning is gone, or its `at` no longer names the text the warning points at, the acknowledgement is stale and would silently accept a future warning; remove or correct it.",
            "[acknowledged]\\nW003 = { at = \\\"16,4 mio. kr.\\\", reason = \\\"from the 2023 accounts\\\" }   # the text no longer says 16,4 mio. kr.",
            "# (the acknowledgement removed)",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Every code has a summary, a text, and a wrong and a right example that differ.
    #[test]
    fn every_code_is_explained() {
        for code in Code::ALL {
            let e = code.explanation();
            assert!(!e.summary.is_empty() && !e.text.is_empty(), "{code:?}");
            assert!(!e.wrong.is_empty() && !e.right.is_empty(), "{code:?}");
            assert_ne!(e.wrong, e.right, "{code:?}");
        }
    }

    // Codes are found by their printed name, in any case, with or without the letter.
    #[test]
    fn codes_parse_from_text() {
        assert_eq!(Code::parse("E014"), Some(Code::E014));
        assert_eq!(Code::parse("e14"), Some(Code::E014));
        assert_eq!(Code::parse("14"), Some(Code::E014));
        assert_eq!(Code::parse("W001"), Some(Code::W001));
        assert_eq!(Code::parse("E999"), None);
        assert_eq!(Code::parse("tabel"), None);
    }
}
