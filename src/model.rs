//! The proposal as written in TOML: serde types that keep every value's span.
//!
//! Nothing here checks or computes; `validate` turns this into a checked proposal.

use std::collections::BTreeMap;
use std::fmt;

use schemars::JsonSchema;
use serde::Deserialize;
use serde::de::{self, Deserializer, Visitor};
use toml::Spanned;

/// One budget proposal file (`proposals/*.toml`).
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[schemars(description = "Et budgetforslag (en fil under `proposals/`).")]
pub struct Proposal {
    /// Short id used across catalogues, e.g. "SU04" or "BI16".
    #[schemars(
        description = "Kort id, der bruges på tværs af kataloger, f.eks. \"SU04\" eller \"BI16\"."
    )]
    #[schemars(with = "String")]
    pub id: Spanned<String>,
    /// Which form (template and required sections) the proposal uses, e.g. "standard".
    #[schemars(
        description = "Hvilket skema (skabelon og påkrævede afsnit) forslaget bruger, f.eks. \"standard\"."
    )]
    #[schemars(with = "String")]
    pub form: Spanned<String>,
    /// The headline ("Overskrift").
    #[schemars(description = "Forslagets overskrift (\"Overskrift\").")]
    #[schemars(with = "String")]
    pub title: Spanned<String>,
    /// Municipality that issues the proposal, e.g. "Københavns Kommune".
    #[schemars(
        description = "Den kommune, der udsender forslaget, f.eks. \"Københavns Kommune\"."
    )]
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub municipality: Option<Spanned<String>>,
    /// The municipality's logo, printed at the top of the first page.
    #[schemars(description = "Kommunens logo, trykt øverst på første side.")]
    #[serde(default)]
    #[schemars(with = "Option<Logo>")]
    pub logo: Option<Spanned<Logo>>,
    /// Committees ("Udvalg") the proposal goes to, in the order printed.
    #[schemars(
        description = "De udvalg, forslaget går til (\"Udvalg\"), i den rækkefølge de trykkes."
    )]
    #[schemars(with = "Vec<String>")]
    pub committees: Spanned<Vec<Spanned<String>>>,
    /// Who proposes it ("Forslagsstiller"), e.g. "Administrationen"; required unless the
    /// profile in `budgetnote.toml` names a default.
    #[schemars(
        description = "Hvem der stiller forslaget (\"Forslagsstiller\"), f.eks. \"Administrationen\"; påkrævet, medmindre profilen i `budgetnote.toml` angiver en forslagsstiller som standard."
    )]
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub proposer: Option<Spanned<String>>,
    /// Date of the proposal or meeting; also pins the PDF's timestamp.
    #[schemars(description = "Forslagets eller mødets dato; bestemmer også PDF'ens tidsstempel.")]
    #[serde(default)]
    #[schemars(with = "Option<String>", extend("format" = "date"))]
    pub date: Option<Spanned<toml::value::Datetime>>,
    /// Number of the proposal within its form's series, e.g. "01" in "Skema 2.2.1. 01".
    #[schemars(
        description = "Forslagets nummer i skemaets serie, f.eks. \"01\" i \"Skema 2.2.1. 01\"."
    )]
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub number: Option<Spanned<String>>,
    /// Budget area ("bevillingsområde") after the committee, e.g. "Forsørgelse, revalidering, og aktivering".
    #[schemars(
        description = "Bevillingsområdet, der står efter udvalget, f.eks. \"Forsørgelse, revalidering, og aktivering\"."
    )]
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub area: Option<Spanned<String>>,
    /// Address line under the district checkboxes ("Adresse").
    #[schemars(description = "Adresselinjen under afkrydsningen af bydele (\"Adresse\").")]
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub address: Option<Spanned<String>>,
    /// The amounts table of the standard form ("Beløb i 1.000 kr.").
    #[schemars(description = "Standardskemaets beløbstabel (\"Beløb i 1.000 kr.\").")]
    #[serde(default)]
    #[schemars(with = "Option<BudgetTable>")]
    pub budget: Option<Spanned<BudgetTable>>,
    /// Ticked options per checkbox group of the form, e.g. `kategorisering = ["Henvist sag"]`.
    #[schemars(
        description = "Afkrydsede muligheder pr. afkrydsningsgruppe i skemaet, f.eks. `kategorisering = [\"Henvist sag\"]`."
    )]
    #[serde(default)]
    #[schemars(with = "Option<BTreeMap<String, Vec<String>>>")]
    pub checkboxes: Option<Spanned<Ticks>>,
    /// Tables and figures by id, placed in sections with `{ table = "id" }`.
    #[schemars(
        description = "Tabeller og figurer efter id, placeret i afsnit med `{ table = \"id\" }`."
    )]
    #[serde(default)]
    #[schemars(with = "BTreeMap<String, Table>")]
    pub tables: BTreeMap<String, Spanned<Table>>,
    /// Target group ("målgruppe") of a catalogue proposal, e.g. "Borgere parate til job".
    #[schemars(
        description = "Målgruppe for et katalogforslag, f.eks. \"Borgere parate til job\"."
    )]
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub target_group: Option<Spanned<String>>,
    /// The amount a catalogue proposal asks for.
    #[schemars(description = "Det beløb, et katalogforslag beder om.")]
    #[serde(default)]
    #[schemars(with = "Option<Request>")]
    pub request: Option<Spanned<Request>>,
    /// The agreement text ("Forslag til aftaletekst"), with amounts written from a table.
    #[schemars(
        description = "Aftaleteksten (\"Forslag til aftaletekst\"), med beløbene skrevet ud fra en tabel."
    )]
    #[serde(default)]
    #[schemars(with = "Option<Agreement>")]
    pub agreement: Option<Spanned<Agreement>>,
    /// Amounts the text names on purpose that no table of this proposal holds (figures of other
    /// budgets, history), e.g. `["16,4 mio. kr."]`; W003 leaves them alone.
    #[schemars(
        description = "Beløb, som teksten nævner med vilje, men som ingen tabel i forslaget indeholder (tal fra andre budgetter, historik), f.eks. `[\"16,4 mio. kr.\"]`; W003 lader dem være."
    )]
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub external_amounts: Vec<Spanned<String>>,
    /// Section bodies by key (e.g. `resume`); the form gives headings and order.
    #[schemars(
        description = "Afsnittenes tekst efter nøgle (f.eks. `resume`); skemaet bestemmer overskrifter og rækkefølge."
    )]
    #[schemars(with = "BTreeMap<String, SectionBody>")]
    pub sections: Spanned<BTreeMap<String, Spanned<SectionBody>>>,
    /// Warnings accepted on purpose, by code, with a reason (`W005 = "…"`); read with its spans
    /// by [`crate::acknowledge`].
    #[serde(default)]
    #[schemars(
        with = "Option<serde_json::Value>",
        description = "Advarsler, der er accepteret med vilje, pr. kode med en begrundelse: W005 = \"…\", eller { at = \"text\", reason = \"…\" }, eller en liste af dem."
    )]
    pub acknowledged: Option<toml::Value>,
}

/// A logo image and the alt text a screen reader says for it.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[schemars(description = "Et logobillede og den alternative tekst, som en skærmlæser læser op.")]
pub struct Logo {
    /// Image file (SVG, PNG or JPEG), relative to the proposal file, inside the project.
    #[schemars(
        description = "Billedfil (SVG, PNG eller JPEG), angivet i forhold til forslagsfilen, inden for projektet."
    )]
    #[schemars(with = "String")]
    pub file: Spanned<String>,
    /// What the image shows, e.g. "Slagelse Kommunes logo"; required (PDF/UA).
    #[schemars(
        description = "Hvad billedet viser, f.eks. \"Slagelse Kommunes logo\"; påkrævet (PDF/UA)."
    )]
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub alt: Option<Spanned<String>>,
}

/// A section's body: Markdown text, or a list of blocks (text, sub-headings, tables).
#[derive(Debug, Clone)]
pub enum SectionBody {
    /// `resume = """…"""`
    Text(String),
    /// `oekonomi = [{ text = "…" }, { table = "tabel2" }]`
    Blocks(Vec<Spanned<Block>>),
}

/// One block of a section: exactly one of the keys is set.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[schemars(description = "Én blok i et afsnit: brug præcis én af nøglerne.")]
pub struct Block {
    /// Markdown text.
    #[schemars(description = "Markdown-tekst.")]
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub text: Option<Spanned<String>>,
    /// A sub-heading inside the section.
    #[schemars(description = "En underoverskrift i afsnittet.")]
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub heading: Option<Spanned<String>>,
    /// The id of a table under `[tables]`.
    #[schemars(description = "Id på en tabel under `[tables]`.")]
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub table: Option<Spanned<String>>,
}

/// A table or figure; `kind` decides which keys apply.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[schemars(description = "En tabel eller figur; `kind` bestemmer, hvilke nøgler der gælder.")]
pub struct Table {
    /// "ledger" (amounts per year with totals), "text" (free text cells) or "comparison" (two columns).
    #[schemars(
        description = "\"ledger\" (beløbstabel: beløb pr. år med totaler), \"text\" (teksttabel: frie tekstceller) eller \"comparison\" (sammenligningstabel: to kolonner)."
    )]
    #[schemars(with = "String")]
    pub kind: Spanned<String>,
    /// Caption printed above, e.g. "Tabel 2. Oversigt over …".
    #[schemars(description = "Tekst over tabellen, f.eks. \"Tabel 2. Oversigt over …\".")]
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub caption: Option<Spanned<String>>,
    /// Ledger: unit of the amounts, "1.000 kr." or "mio. kr.".
    #[schemars(description = "Beløbstabel: beløbenes enhed, \"1.000 kr.\" eller \"mio. kr.\".")]
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub unit: Option<Spanned<String>>,
    /// Ledger: price basis, e.g. "2025 p/l" or "løbende p/l".
    #[schemars(
        description = "Beløbstabel: prisniveau, f.eks. \"2025 p/l\" eller \"løbende p/l\"."
    )]
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub prices: Option<Spanned<String>>,
    /// Ledger: its price basis differs from the proposal's on purpose (e.g. a history in
    /// løbende priser), so W007 leaves it alone.
    #[schemars(
        description = "Beløbstabel: prisniveauet afviger med vilje fra forslagets (f.eks. en historik i løbende priser), så W007 lader det være."
    )]
    #[serde(default)]
    #[schemars(with = "Option<bool>")]
    pub own_prices: Option<Spanned<bool>>,
    /// Ledger: header of the label column instead of "<unit>, <prices>" (e.g. "Budgetoverslag").
    #[schemars(
        description = "Beløbstabel: overskrift på kolonnen med rækkernes betegnelser i stedet for \"<unit>, <prices>\" (f.eks. \"Budgetoverslag\")."
    )]
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub label_header: Option<Spanned<String>>,
    /// Ledger: the columns after the label, in print order: a text such as "Udvalg" is a text
    /// column (its values in each row's `values`); a table such as
    /// `{ key = "korrigeret", header = "Korrigeret budget" }` is an amount column, or a computed
    /// one with `sum`, `difference` or `percent`. Year columns from `years` come before the first
    /// amount column.
    #[schemars(
        description = "Beløbstabel: kolonnerne efter rækkebetegnelsen, i trykt rækkefølge: en tekst som \"Udvalg\" er en tekstkolonne (værdierne står i hver rækkes `values`); en tabel som `{ key = \"korrigeret\", header = \"Korrigeret budget\" }` er en beløbskolonne eller, med `sum`, `difference` eller `percent`, en beregnet kolonne. Årskolonner fra `years` kommer før den første beløbskolonne."
    )]
    #[serde(default)]
    #[schemars(with = "Vec<Column>")]
    pub columns: Vec<Spanned<Column>>,
    /// Ledger: decimals every figure prints with (0–3); by default as many as the most precise
    /// figure written.
    #[schemars(
        description = "Beløbstabel: antal decimaler på alle tal (0–3); som standard lige så mange som det mest præcise tal, der er skrevet."
    )]
    #[serde(default)]
    #[schemars(with = "Option<i64>")]
    pub decimals: Option<Spanned<i64>>,
    /// Ledger: how a zero prints, "0" or "-"; by default as the form says.
    #[schemars(
        description = "Beløbstabel: hvordan et nul vises, \"0\" eller \"-\"; som standard som skemaet siger."
    )]
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub zero: Option<Spanned<String>>,
    /// Ledger: the row keys the rows are grouped by, outermost first, e.g. `["committee", "area"]`;
    /// each group gets a subtotal row.
    #[schemars(
        description = "Beløbstabel: de rækkenøgler, rækkerne grupperes efter, yderste først, f.eks. `[\"committee\", \"area\"]`; hver gruppe får en subtotalrække."
    )]
    #[serde(default)]
    #[schemars(with = "Option<Vec<String>>")]
    pub group_by: Option<Spanned<Vec<Spanned<String>>>>,
    /// Ledger: label of a group's subtotal row, "{group}" standing for the group's name; by
    /// default "{group} i alt".
    #[schemars(
        description = "Beløbstabel: teksten på en gruppes subtotalrække, hvor \"{group}\" står for gruppens navn; som standard \"{group} i alt\"."
    )]
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub subtotal: Option<Spanned<String>>,
    /// Ledger: subtotals per group name as transcribed (checked against the computed ones).
    #[schemars(
        description = "Beløbstabel: subtotaler pr. gruppenavn, som de står i forlægget (kontrolleres mod de beregnede)."
    )]
    #[serde(default)]
    #[schemars(with = "Option<BTreeMap<String, BTreeMap<String, RawAmount>>>")]
    pub stated_subtotals: Option<Spanned<BTreeMap<String, Spanned<YearAmounts>>>>,
    /// Ledger: the total row is the same figure as a row of another ledger, `"table.label"`
    /// (e.g. `"oversigt.Dagtilbud"`); checked in every column both tables have (E065).
    #[schemars(
        description = "Beløbstabel: totalrækken er samme tal som en række i en anden beløbstabel, `\"table.label\"` (f.eks. `\"oversigt.Dagtilbud\"`); kontrolleres i alle kolonner, begge tabeller har (E065)."
    )]
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub total_same_as: Option<Spanned<String>>,
    /// Ledger: rows read from a spreadsheet kept beside the proposal, at every check and render
    /// (label, text columns, then the figure columns in order), added after the rows written here.
    #[schemars(
        description = "Beløbstabel: rækker læst fra et regneark, der ligger ved siden af forslaget, ved hver `check` og `render` (betegnelse, tekstkolonner og derefter talkolonnerne i rækkefølge), tilføjet efter de rækker, der er skrevet her."
    )]
    #[serde(default)]
    #[schemars(with = "Option<SheetRange>")]
    pub from: Option<Spanned<SheetRange>>,
    /// Ledger: a bar chart of some of the table's columns, printed below it.
    #[schemars(
        description = "Beløbstabel: et søjlediagram over nogle af tabellens kolonner, vist under tabellen."
    )]
    #[serde(default)]
    #[schemars(with = "Option<Chart>")]
    pub chart: Option<Spanned<Chart>>,
    /// Ledger: the years, strictly increasing.
    #[schemars(description = "Beløbstabel: årene, i stigende rækkefølge.")]
    #[serde(default)]
    #[schemars(with = "Option<Vec<i64>>")]
    pub years: Option<Spanned<Vec<Spanned<i64>>>>,
    /// Ledger: header of the row-total column (e.g. "I alt"); no row totals if absent.
    #[schemars(
        description = "Beløbstabel: overskrift på kolonnen med rækketotaler (f.eks. \"I alt\"); uden den ingen rækketotaler."
    )]
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub row_total: Option<Spanned<String>>,
    /// Ledger: label of the column-total row (e.g. "Udgifter i alt (netto)"); no total row if absent.
    #[schemars(
        description = "Beløbstabel: teksten på totalrækken (f.eks. \"Udgifter i alt (netto)\"); uden den ingen totalrække."
    )]
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub total: Option<Spanned<String>>,
    /// Ledger: the column totals as transcribed (checked against the computed ones).
    #[schemars(
        description = "Beløbstabel: kolonnetotalerne, som de står i forlægget (kontrolleres mod de beregnede)."
    )]
    #[serde(default)]
    #[schemars(with = "Option<BTreeMap<String, RawAmount>>")]
    pub stated_totals: Option<Spanned<YearAmounts>>,
    /// Ledger: the grand total as transcribed (checked).
    #[schemars(
        description = "Beløbstabel: hovedtotalen, som den står i forlægget (kontrolleres)."
    )]
    #[serde(default)]
    #[schemars(with = "Option<RawAmount>")]
    pub stated_grand_total: Option<Spanned<RawAmount>>,
    /// Ledger: how far a stated total may differ from the sum of its rounded parts, in the
    /// table's unit, e.g. "0,1" for a table published in mio. kr. with one decimal. Within it the
    /// stated (published) total is printed.
    #[schemars(
        description = "Beløbstabel: hvor meget en angivet total højst må afvige fra summen af dens afrundede dele, i tabellens enhed, f.eks. \"0,1\" for en tabel offentliggjort i mio. kr. med én decimal. Inden for grænsen trykkes den angivne (offentliggjorte) total."
    )]
    #[serde(default)]
    #[schemars(with = "Option<RawAmount>")]
    pub rounding: Option<Spanned<RawAmount>>,
    /// Text and comparison tables: the header cells.
    #[schemars(description = "Tekst- og sammenligningstabeller: overskriftscellerne.")]
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub header: Vec<Spanned<String>>,
    /// The rows.
    #[schemars(description = "Rækkerne.")]
    #[serde(default)]
    #[schemars(with = "Vec<Row>")]
    pub rows: Vec<Spanned<Row>>,
}

/// A ledger column as declared: a text column (a header alone) or an amount column.
#[derive(Debug, Clone)]
pub enum Column {
    /// `"Udvalg"`: a text column.
    Text(String),
    /// `{ key = "…", header = "…", … }`.
    Spec(Box<ColumnSpec>),
}

/// A declared column of a ledger.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[schemars(description = "En erklæret kolonne i en beløbstabel.")]
pub struct ColumnSpec {
    /// The key rows use for the column's amounts, e.g. `korrigeret`.
    #[schemars(
        description = "Den nøgle, rækkerne bruger til kolonnens beløb, f.eks. `korrigeret`."
    )]
    #[schemars(with = "String")]
    pub key: Spanned<String>,
    /// Printed header, e.g. "Korrigeret budget"; the key if absent.
    #[schemars(
        description = "Trykt overskrift, f.eks. \"Korrigeret budget\"; nøglen, hvis den mangler."
    )]
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub header: Option<Spanned<String>>,
    /// A text column: its values come from each row's `values`.
    #[schemars(description = "En tekstkolonne: værdierne kommer fra hver rækkes `values`.")]
    #[serde(default)]
    #[schemars(with = "Option<bool>")]
    pub text: Option<Spanned<bool>>,
    /// Computed: the sum of these columns.
    #[schemars(description = "Beregnet: summen af disse kolonner.")]
    #[serde(default)]
    #[schemars(with = "Option<Vec<String>>")]
    pub sum: Option<Spanned<Vec<Spanned<String>>>>,
    /// Computed: the first column minus the second, e.g. `["forventet", "korrigeret"]`.
    #[schemars(
        description = "Beregnet: første kolonne minus anden, f.eks. `[\"forventet\", \"korrigeret\"]`."
    )]
    #[serde(default)]
    #[schemars(with = "Option<Vec<String>>")]
    pub difference: Option<Spanned<Vec<Spanned<String>>>>,
    /// Computed: the first column in per cent of the second, e.g. `["afvigelse", "korrigeret"]`.
    #[schemars(
        description = "Beregnet: første kolonne i procent af anden, f.eks. `[\"afvigelse\", \"korrigeret\"]`."
    )]
    #[serde(default)]
    #[schemars(with = "Option<Vec<String>>")]
    pub percent: Option<Spanned<Vec<Spanned<String>>>>,
    /// Percent columns: "signed" (a fall is negative) or "unsigned" (the size alone).
    #[schemars(
        description = "Procentkolonner: \"signed\" (et fald er negativt) eller \"unsigned\" (kun størrelsen)."
    )]
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub sign: Option<Spanned<String>>,
    /// Decimals of this column's figures (0–3); percent columns default to 1.
    #[schemars(
        description = "Antal decimaler på kolonnens tal (0–3); procentkolonner har som standard 1."
    )]
    #[serde(default)]
    #[schemars(with = "Option<i64>")]
    pub decimals: Option<Spanned<i64>>,
}

/// A range of a spreadsheet (XLSX, ODS or CSV) the figures are read from.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[schemars(description = "Et område i et regneark (XLSX, ODS eller CSV), som tallene læses fra.")]
pub struct SheetRange {
    /// The file, relative to the proposal, inside the project, e.g. "drift.xlsx".
    #[schemars(
        description = "Filen, angivet i forhold til forslaget, inden for projektet, f.eks. \"drift.xlsx\"."
    )]
    #[schemars(with = "String")]
    pub file: Spanned<String>,
    /// The sheet of a workbook, e.g. "Drift"; the first sheet if absent (a CSV file has none).
    #[schemars(
        description = "Arket i en projektmappe, f.eks. \"Drift\"; det første ark, hvis det mangler (en CSV-fil har ingen ark)."
    )]
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub sheet: Option<Spanned<String>>,
    /// The cells, e.g. "A2:F9" (rows of a table) or "C7:F7" (one row's figures).
    #[schemars(
        description = "Cellerne, f.eks. \"A2:F9\" (rækkerne i en tabel) eller \"C7:F7\" (én rækkes tal)."
    )]
    #[schemars(with = "String")]
    pub range: Spanned<String>,
}

/// A bar chart of a ledger's figures.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[schemars(description = "Et søjlediagram over en beløbstabels tal.")]
pub struct Chart {
    /// The columns (keys or years) drawn as bars; all amount columns if absent.
    #[schemars(
        description = "Kolonnerne (nøgler eller år), der tegnes som søjler; alle beløbskolonner, hvis den mangler."
    )]
    #[serde(default)]
    #[schemars(with = "Option<Vec<String>>")]
    pub columns: Option<Spanned<Vec<Spanned<String>>>>,
    /// Caption printed above the chart, e.g. "Figur 1. Budget og forventet regnskab".
    #[schemars(
        description = "Tekst over diagrammet, f.eks. \"Figur 1. Budget og forventet regnskab\"."
    )]
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub caption: Option<Spanned<String>>,
}

/// A row of any table kind.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[schemars(description = "En række i en tabel (alle tabeltyper).")]
pub struct Row {
    /// Ledger: the row's label (activity, agreement, account name).
    #[schemars(description = "Beløbstabel: rækkens betegnelse (aktivitet, aftale, kontonavn).")]
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub label: Option<Spanned<String>>,
    /// Ledger: account number printed before the label, e.g. "05.73".
    #[schemars(description = "Beløbstabel: kontonummer trykt før betegnelsen, f.eks. \"05.73\".")]
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub account: Option<Spanned<String>>,
    /// Ledger: the text columns' values.
    #[schemars(description = "Beløbstabel: værdierne i tekstkolonnerne.")]
    #[serde(default)]
    #[schemars(with = "Vec<String>")]
    pub values: Vec<Spanned<String>>,
    /// Ledger: amounts per year or column key; a computed column's figure written here is a
    /// stated one, checked against the computed.
    #[schemars(
        description = "Beløbstabel: beløb pr. år eller kolonnenøgle; et tal, der skrives her for en beregnet kolonne, er et angivet tal, som kontrolleres mod det beregnede."
    )]
    #[serde(default)]
    #[schemars(with = "Option<BTreeMap<String, RawAmount>>")]
    pub amounts: Option<Spanned<YearAmounts>>,
    /// Ledger: the row total as transcribed (checked).
    #[schemars(
        description = "Beløbstabel: rækketotalen, som den står i forlægget (kontrolleres)."
    )]
    #[serde(default)]
    #[schemars(with = "Option<RawAmount>")]
    pub stated_total: Option<Spanned<RawAmount>>,
    /// Text tables: a group row spanning all columns instead of cells. Ledgers: the row's free
    /// group label (used by `group_by = ["group"]`).
    #[schemars(
        description = "Teksttabeller: en grupperække hen over alle kolonner i stedet for celler. Beløbstabeller: rækkens frie gruppebetegnelse (bruges af `group_by = [\"group\"]`)."
    )]
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub group: Option<Spanned<String>>,
    /// Ledger: the committee the row belongs to (used by `group_by = ["committee"]`).
    #[schemars(
        description = "Beløbstabel: det udvalg, rækken hører til (bruges af `group_by = [\"committee\"]`)."
    )]
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub committee: Option<Spanned<String>>,
    /// Ledger: the area ("bevillingsområde", "politikområde") the row belongs to.
    #[schemars(
        description = "Beløbstabel: det område (\"bevillingsområde\", \"politikområde\"), rækken hører til."
    )]
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub area: Option<Spanned<String>>,
    /// Ledger: the row's figures read from one row of a spreadsheet (the figure columns in order),
    /// instead of `amounts`.
    #[schemars(
        description = "Beløbstabel: rækkens tal læst fra én række i et regneark (talkolonnerne i rækkefølge) i stedet for `amounts`."
    )]
    #[serde(default)]
    #[schemars(with = "Option<SheetRange>")]
    pub from: Option<Spanned<SheetRange>>,
    /// Ledger: the row is the same figure as a row of another ledger, `"table.label"` (the other
    /// table's row, subtotal or total row by its printed label); checked (E065).
    #[schemars(
        description = "Beløbstabel: rækken er samme tal som en række i en anden beløbstabel, `\"table.label\"` (den anden tabels række, subtotal- eller totalrække efter dens trykte betegnelse); kontrolleres (E065)."
    )]
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub same_as: Option<Spanned<String>>,
    /// Ledger: the row's expense type ("service", "overførsel", …).
    #[schemars(description = "Beløbstabel: rækkens udgiftstype (\"service\", \"overførsel\", …).")]
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub expense: Option<Spanned<String>>,
    /// Text and comparison tables: the cells.
    #[schemars(description = "Tekst- og sammenligningstabeller: cellerne.")]
    #[serde(default)]
    #[schemars(with = "Vec<Cell>")]
    pub cells: Vec<Spanned<Cell>>,
}

/// A text cell: Markdown, optionally under an underlined sub-heading.
#[derive(Debug, Clone)]
pub struct Cell {
    /// Underlined sub-heading, e.g. "Organisering i jobcentret:".
    pub heading: Option<String>,
    /// Markdown body.
    pub body: String,
}

/// What a catalogue proposal asks for: one amount, or parts that add up, in one year.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[schemars(
    description = "Hvad et katalogforslag beder om: ét beløb eller dele, der lægges sammen, i ét år."
)]
pub struct Request {
    /// Unit of the amounts, "mio. kr." or "1.000 kr.".
    #[schemars(description = "Beløbenes enhed, \"mio. kr.\" eller \"1.000 kr.\".")]
    #[schemars(with = "String")]
    pub unit: Spanned<String>,
    /// The budget year the amount is for.
    #[schemars(description = "Det budgetår, beløbet gælder.")]
    #[schemars(with = "i64")]
    pub year: Spanned<i64>,
    /// The amount, if not split into parts.
    #[schemars(description = "Beløbet, hvis det ikke er delt op.")]
    #[serde(default)]
    #[schemars(with = "Option<RawAmount>")]
    pub amount: Option<Spanned<RawAmount>>,
    /// Parts such as intern and ekstern indsats; the request is their sum.
    #[schemars(description = "Dele som intern og ekstern indsats; beløbet er deres sum.")]
    #[serde(default)]
    #[schemars(with = "Vec<RequestPart>")]
    pub parts: Vec<Spanned<RequestPart>>,
    /// An alternative amount the committee may choose instead (not counted).
    #[schemars(
        description = "Et alternativt beløb, udvalget kan vælge i stedet (tælles ikke med)."
    )]
    #[serde(default)]
    #[schemars(with = "Option<RawAmount>")]
    pub alternative: Option<Spanned<RawAmount>>,
    /// Styringsområde, e.g. "Service" or "Overførsler".
    #[schemars(description = "Styringsområde, f.eks. \"Service\" eller \"Overførsler\".")]
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub area: Option<Spanned<String>>,
}

/// One part of a request.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[schemars(description = "Én del af beløbet.")]
pub struct RequestPart {
    /// What the part is for, e.g. "intern indsats".
    #[schemars(description = "Hvad delen er til, f.eks. \"intern indsats\".")]
    #[schemars(with = "String")]
    pub label: Spanned<String>,
    /// The amount.
    #[schemars(description = "Beløbet.")]
    #[schemars(with = "RawAmount")]
    pub amount: Spanned<RawAmount>,
}

/// The agreement text: intro, lead-in, amounts per year from a table's total row, and purpose.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[schemars(
    description = "Aftaleteksten: indledning, linjen før punktet, beløb pr. år fra en tabels totalrække og formål."
)]
pub struct Agreement {
    /// The opening paragraph(s), Markdown.
    #[schemars(description = "Det eller de indledende afsnit, Markdown.")]
    #[schemars(with = "String")]
    pub intro: Spanned<String>,
    /// The line before the bullet, e.g. "Der afsættes:".
    #[schemars(description = "Linjen før punktet, f.eks. \"Der afsættes:\".")]
    #[schemars(with = "String")]
    pub lead: Spanned<String>,
    /// Id of the ledger table whose total row gives the amounts.
    #[schemars(description = "Id på den beløbstabel, hvis totalrække giver beløbene.")]
    #[schemars(with = "String")]
    pub amounts_from: Spanned<String>,
    /// Expense type named after each amount, e.g. "service".
    #[schemars(description = "Udgiftstypen, der nævnes efter hvert beløb, f.eks. \"service\".")]
    #[schemars(with = "String")]
    pub expense: Spanned<String>,
    /// What the money is for; ends the bullet.
    #[schemars(description = "Hvad pengene er til; afslutter punktet.")]
    #[schemars(with = "String")]
    pub purpose: Spanned<String>,
}

/// Ticked options per checkbox group key, e.g. `kategorisering = ["Henvist sag"]`.
pub type Ticks = BTreeMap<String, Spanned<Vec<Spanned<String>>>>;

/// Amounts per year, keyed by the year as written (`2024 = -2800`); a missing year is a blank cell.
pub type YearAmounts = BTreeMap<String, Spanned<RawAmount>>;

/// A budget table: years, current budget, change lines, stated totals, staff.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[schemars(
    description = "Standardskemaets beløbstabel: år, nuværende budget, ændringens linjer, angivne totaler, personale."
)]
pub struct BudgetTable {
    /// Unit of every amount: "1.000 kr." or "mio. kr.".
    #[schemars(description = "Enhed for alle beløb: \"1.000 kr.\" eller \"mio. kr.\".")]
    #[schemars(with = "String")]
    pub unit: Spanned<String>,
    /// Price basis printed in the header, e.g. "2024-priser" or "2025 p/l".
    #[schemars(
        description = "Prisniveau, der trykkes i tabelhovedet, f.eks. \"2024-priser\" eller \"2025 p/l\"."
    )]
    #[schemars(with = "String")]
    pub prices: Spanned<String>,
    /// The budget year and the overslagsår (forecast years), strictly increasing.
    #[schemars(description = "Budgetåret og overslagsårene, i stigende rækkefølge.")]
    #[schemars(with = "Vec<i64>")]
    pub years: Spanned<Vec<Spanned<i64>>>,
    /// "Nuværende budget": today's budget for the area, per year.
    #[schemars(description = "\"Nuværende budget\": områdets budget i dag, pr. år.")]
    #[serde(default)]
    #[schemars(with = "Option<BTreeMap<String, RawAmount>>")]
    pub current: Option<Spanned<YearAmounts>>,
    /// The lines of "Budgetændring – drift".
    #[schemars(description = "Linjerne i \"Budgetændring – drift\".")]
    #[serde(default)]
    #[schemars(with = "Vec<BudgetLine>")]
    pub lines: Vec<Spanned<BudgetLine>>,
    /// Net change per expense type as transcribed from a spreadsheet; checked, never trusted.
    #[schemars(
        description = "Nettoændring pr. udgiftstype, som den står i et regneark; kontrolleres altid, bruges aldrig ukontrolleret."
    )]
    #[serde(default)]
    #[schemars(with = "Option<BTreeMap<String, BTreeMap<String, RawAmount>>>")]
    pub stated_net: Option<Spanned<BTreeMap<String, Spanned<YearAmounts>>>>,
    /// "Personalekonsekvenser": change in årsværk (full-time equivalents).
    #[schemars(description = "\"Personalekonsekvenser\": ændring i årsværk.")]
    #[serde(default)]
    #[schemars(with = "Option<Staff>")]
    pub staff: Option<Spanned<Staff>>,
    /// The Udgiftstype as transcribed, e.g. `["service", "overførsel"]`; it is always derived
    /// from the lines, and when stated it must agree with them.
    #[schemars(
        description = "Udgiftstyperne, som de står i forlægget, f.eks. `[\"service\", \"overførsel\"]`; de udledes altid af linjerne, og er de angivet, skal de stemme med dem."
    )]
    #[serde(default)]
    #[schemars(with = "Option<Vec<String>>")]
    pub expense_types: Option<Spanned<Vec<Spanned<String>>>>,
}

/// One line of the change: kind, expense type, committee, amounts per year.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[schemars(description = "Én linje i ændringen: art, udgiftstype, udvalg, beløb pr. år.")]
pub struct BudgetLine {
    /// What the line is: "omstilling", "investering-drift", …
    #[schemars(description = "Hvad linjen er: \"omstilling\", \"investering-drift\", …")]
    #[schemars(with = "String")]
    pub kind: Spanned<String>,
    /// Expense type ("udgiftstype"): "service", "overførsel", "anlæg" or "finansiering".
    #[schemars(
        description = "Udgiftstype: \"service\", \"overførsel\", \"anlæg\" eller \"finansiering\"."
    )]
    #[schemars(with = "String")]
    pub expense: Spanned<String>,
    /// Abbreviation of the committee that holds the budget, e.g. "AMU".
    #[schemars(description = "Forkortelse for det udvalg, der har budgettet, f.eks. \"AMU\".")]
    #[schemars(with = "String")]
    pub committee: Spanned<String>,
    /// Printed label instead of the one built from kind, expense type and committee.
    #[schemars(
        description = "Trykt betegnelse i stedet for den, der dannes af art, udgiftstype og udvalg."
    )]
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub label: Option<Spanned<String>>,
    /// Account number in the chart of accounts, e.g. "5.57.73" (checked, not printed).
    #[schemars(
        description = "Kontonummer i kontoplanen, f.eks. \"5.57.73\" (kontrolleres, trykkes ikke)."
    )]
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub account: Option<Spanned<String>>,
    /// Amount per year in the table's unit.
    #[schemars(description = "Beløb pr. år i tabellens enhed.")]
    #[schemars(with = "BTreeMap<String, RawAmount>")]
    pub amounts: Spanned<YearAmounts>,
    /// Years in which a saving line holds a one-off investment (a positive amount), exempt from
    /// the sign convention, e.g. `[2024]`.
    #[schemars(
        description = "År, hvor en besparelseslinje rummer en engangsinvestering (et positivt beløb) og derfor er undtaget fra fortegnsreglen, f.eks. `[2024]`."
    )]
    #[serde(default)]
    #[schemars(with = "Vec<i64>")]
    pub one_off_years: Vec<Spanned<i64>>,
}

/// Staff consequences: the stated change in årsværk, optionally split by area.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[schemars(
    description = "Personalekonsekvenser: den angivne ændring i årsværk, eventuelt fordelt på områder."
)]
pub struct Staff {
    /// "Ændring i antal årsværk": the total change per year.
    #[schemars(description = "\"Ændring i antal årsværk\": den samlede ændring pr. år.")]
    #[schemars(with = "BTreeMap<String, RawAmount>")]
    pub fte: Spanned<YearAmounts>,
    /// The change per area; where given, the areas must add up to `fte`.
    #[schemars(
        description = "Ændringen pr. område; hvor den er angivet, skal områderne give `fte` tilsammen."
    )]
    #[serde(default)]
    #[schemars(with = "Vec<StaffArea>")]
    pub areas: Vec<Spanned<StaffArea>>,
}

/// The change in årsværk for one area (e.g. sagsbehandlere on service).
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[schemars(description = "Ændringen i årsværk for ét område (f.eks. sagsbehandlere på service).")]
pub struct StaffArea {
    /// Printed label of the area.
    #[schemars(description = "Områdets trykte betegnelse.")]
    #[schemars(with = "String")]
    pub label: Spanned<String>,
    /// Change in årsværk per year.
    #[schemars(description = "Ændring i årsværk pr. år.")]
    #[schemars(with = "BTreeMap<String, RawAmount>")]
    pub fte: Spanned<YearAmounts>,
}

impl<'de> Deserialize<'de> for SectionBody {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        /// Accepts a string or an array of block tables.
        struct BodyVisitor;

        impl<'de> Visitor<'de> for BodyVisitor {
            type Value = SectionBody;

            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a section: Markdown text, or an array of blocks such as [{ text = \"…\" }, { table = \"id\" }]")
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<SectionBody, E> {
                Ok(SectionBody::Text(v.to_owned()))
            }

            fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<SectionBody, A::Error> {
                let mut blocks = Vec::new();
                while let Some(block) = seq.next_element()? {
                    blocks.push(block);
                }
                Ok(SectionBody::Blocks(blocks))
            }
        }

        deserializer.deserialize_any(BodyVisitor)
    }
}

impl<'de> Deserialize<'de> for Cell {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        /// Accepts a string or a `{ heading, body }` table.
        struct CellVisitor;

        /// The table form of a cell.
        #[derive(Deserialize)]
        struct CellTable {
            /// Underlined sub-heading.
            #[serde(default)]
            heading: Option<String>,
            /// Markdown body.
            #[serde(default)]
            body: String,
        }

        impl<'de> Visitor<'de> for CellVisitor {
            type Value = Cell;

            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a cell: Markdown text, or { heading = \"…\", body = \"…\" }")
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<Cell, E> {
                Ok(Cell {
                    heading: None,
                    body: v.to_owned(),
                })
            }

            fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<Cell, A::Error> {
                let table = CellTable::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(Cell {
                    heading: table.heading,
                    body: table.body,
                })
            }
        }

        deserializer.deserialize_any(CellVisitor)
    }
}

/// An amount as written: an integer, a (rejected) float, or a Danish number string.
#[derive(Debug, Clone, PartialEq)]
pub enum RawAmount {
    /// `-2800`
    Integer(i64),
    /// `2.8`: rejected by validation, because floats are not exact.
    Float(f64),
    /// `"2,8"` or `"-2.800"` or `"+4"`.
    Text(String),
}

impl<'de> Deserialize<'de> for RawAmount {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        /// Accepts integers, floats and strings; anything else is a type error.
        struct AmountVisitor;

        impl Visitor<'_> for AmountVisitor {
            type Value = RawAmount;

            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an amount: a whole number such as -2800, or a string such as \"-2,8\"")
            }

            fn visit_i64<E: de::Error>(self, v: i64) -> Result<RawAmount, E> {
                Ok(RawAmount::Integer(v))
            }

            fn visit_u64<E: de::Error>(self, v: u64) -> Result<RawAmount, E> {
                i64::try_from(v)
                    .map(RawAmount::Integer)
                    .map_err(|_| E::custom("amount is too large"))
            }

            fn visit_f64<E: de::Error>(self, v: f64) -> Result<RawAmount, E> {
                Ok(RawAmount::Float(v))
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<RawAmount, E> {
                Ok(RawAmount::Text(v.to_owned()))
            }
        }

        deserializer.deserialize_any(AmountVisitor)
    }
}

impl<'de> Deserialize<'de> for Column {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        /// Accepts a header text or a column table.
        struct ColumnVisitor;

        impl<'de> Visitor<'de> for ColumnVisitor {
            type Value = Column;

            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str(
                    "a column: a text column's header such as \"Udvalg\", or \
                     { key = \"korrigeret\", header = \"Korrigeret budget\" }",
                )
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<Column, E> {
                Ok(Column::Text(v.to_owned()))
            }

            fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<Column, A::Error> {
                ColumnSpec::deserialize(de::value::MapAccessDeserializer::new(map))
                    .map(|spec| Column::Spec(Box::new(spec)))
            }
        }

        deserializer.deserialize_any(ColumnVisitor)
    }
}
