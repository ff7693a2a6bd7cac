#!/bin/sh
# Regenerates the pictures of the user guide (docs/src/images/*.png): renders the bundled
# proposals and two test fixtures to PDF with budgetnote, then turns one page of each into a
# small PNG with pdftoppm (poppler-utils) at 60 dpi. Run from anywhere; needs cargo and pdftoppm.
# BUDGETNOTE=/path/to/budgetnote uses that binary instead of `cargo run`.
set -eu
repo=$(cd "$(dirname "$0")/.." && pwd)
images="$repo/docs/src/images"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if [ -n "${BUDGETNOTE:-}" ]; then
  bn() { "$BUDGETNOTE" "$@"; }
else
  bn() { cargo run --quiet --locked --manifest-path "$repo/Cargo.toml" -- "$@"; }
fi
cd "$repo"
bn --quiet render -o "$tmp/out" --force \
  proposals \
  tests/amendments/konservative/proposal.toml \
  tests/tables/opfoelgning/proposal.toml
mkdir -p "$images"
# page NAME PDF PAGE: page PAGE of PDF as docs/src/images/NAME.png
page() {
  pdftoppm -r 60 -png -f "$3" -l "$3" -singlefile "$tmp/out/$2" "$images/$1"
}
page standard flere-udsatte-borgere-i-beskaeftigelse.pdf 1
page budgetnotat bi16-fokuseret-indsats-udsatte-borgere.pdf 1
page driftsforslag tvaerfaglig-indsats-udsatte-ledige.pdf 1
page statusnotat investering-aktivitetsparate.pdf 1
page katalog-oversigt katalog-med-forslag.pdf 3
page katalogforslag katalog-med-forslag.pdf 4
page aendringsforslag tests/amendments/konservative/proposal.pdf 1
page budgetopfoelgning tests/tables/opfoelgning/proposal.pdf 1
ls -l "$images"
