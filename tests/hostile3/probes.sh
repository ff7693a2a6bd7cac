#!/usr/bin/env bash
# The hostile-file probes of issue 22, run again against a built budgetnote: one row per probe
# saying what happened, the exit code, the seconds and the peak memory (MB) of the run measured.
#
#   tests/hostile3/probes.sh                 # runs target/release/budgetnote
#   BUDGETNOTE=/path/to/budgetnote tests/hostile3/probes.sh
#   PROBE_TIMEOUT=300 SKIP_2001=1 tests/hostile3/probes.sh
#
# It builds nothing. It needs bash, coreutils (mkfifo, ln) and python3; the diff probes also need
# git (they are reported as skipped without it). Each run is killed after PROBE_TIMEOUT seconds
# (default 300) and reported as "timeout". Everything happens in a temp folder that is removed at
# the end. The bombs (a 1.5 GB shared string, a 3 GB sparse file, a 200 MB blob) need about
# 300 MB of free disk.
set -u

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
bin=${BUDGETNOTE:-$repo/target/release/budgetnote}
if [ ! -x "$bin" ]; then
    echo "no budgetnote at $bin: build it (cargo build --release) or set BUDGETNOTE" >&2
    exit 2
fi
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
limit=${PROBE_TIMEOUT:-300}
work=$(mktemp -d)
trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT
export NO_COLOR=1

# measure.py DIR LOG -- CMD...: runs CMD in DIR (output to LOG.out/LOG.err) with the time limit
# and prints "EXIT SECONDS PEAK_MB"; the peak is the largest resident set of CMD or any process
# it waited for.
cat >"$work/measure.py" <<'EOF'
import os, resource, signal, subprocess, sys, time
limit, cwd, log = float(sys.argv[1]), sys.argv[2], sys.argv[3]
cmd = sys.argv[5:]
start = time.monotonic()
with open(log + ".out", "wb") as out, open(log + ".err", "wb") as err:
    p = subprocess.Popen(cmd, cwd=cwd, stdin=subprocess.DEVNULL, stdout=out, stderr=err,
                         start_new_session=True)
    try:
        code = str(p.wait(timeout=limit))
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        p.wait()
        code = "timeout"
took = time.monotonic() - start
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print(code, "%.1f" % took, "%.0f" % peak)
EOF

printf '| %-34s | %-66s | %7s | %7s | %7s |\n' probe "what happened" exit seconds "peak MB"
printf '|%s|%s|%s|%s|%s|\n' "$(printf -- '-%.0s' {1..36})" "$(printf -- '-%.0s' {1..68})" \
    --------- --------- ---------

n=0
# run DIR CMD...: measures CMD in DIR; sets EXIT, SECS, PEAK, ERR (stderr) and OUT (stdout).
run() {
    local dir=$1
    shift
    n=$((n + 1))
    read -r EXIT SECS PEAK < <(python3 "$work/measure.py" "$limit" "$dir" "$work/log$n" -- "$@")
    ERR=$(cat "$work/log$n.err")
    OUT=$(cat "$work/log$n.out")
}

# row NAME WHAT: prints the row of the last run.
row() {
    printf '| %-34s | %-66s | %7s | %7s | %7s |\n' "$1" "$2" "$EXIT" "$SECS" "$PEAK"
}

# skip NAME WHY: a probe that could not run.
skip() {
    printf '| %-34s | %-66s | %7s | %7s | %7s |\n' "$1" "skipped: $2" - - -
}

# has TEXT: whether the last run's stderr or stdout holds TEXT.
has() {
    grep -qF -- "$1" <<<"$ERR$OUT"
}

# fresh NAME: a new project made by `init` at $work/NAME; prints its path.
fresh() {
    (cd "$work" && "$bin" init "$1" >/dev/null 2>&1)
    echo "$work/$1"
}

# The first error or warning of the last run's stderr (the first with code $1 if given), for
# the row.
first_code() {
    local found
    found=$(grep -oE "(error|warning)\[${1:-[EW][0-9]+}\][^|]{0,40}" <<<"$ERR" | head -1)
    [ -n "$found" ] || found=$(grep -oE '(error|warning)\[[EW][0-9]+\][^|]{0,40}' <<<"$ERR" | head -1)
    echo "$found"
}

# --- manifest -------------------------------------------------------------------------------
p=$(fresh manifest)
(cd "$p" && "$bin" render >/dev/null 2>&1)
mkdir -p "$work/keep" && echo mine >"$work/keep/notes.txt"
ln -s ../../keep "$p/out/web"
python3 - "$p/out/.budgetnote-manifest" <<'EOF'
import json, sys
m = json.load(open(sys.argv[1]))
m["files"]["web/notes.txt"] = "proposals/gone.toml"
json.dump(m, open(sys.argv[1], "w"))
EOF
run "$p" "$bin" render
if [ -f "$work/keep/notes.txt" ]; then what="keep/notes.txt outside the project kept"; else what="keep/notes.txt outside the project DELETED"; fi
has "left out/web/notes.txt alone" && what="$what, reported"
row "manifest: symlinked folder" "$what"

cp "$p/proposals/standard-eksempel.toml" "$p/proposals/kopi.toml"
sed -i 's/id = "SU01"/id = "SU78"/' "$p/proposals/kopi.toml"
(cd "$p" && "$bin" render >/dev/null 2>&1)
echo "%PDF-1.7 mine" >"$p/out/kopi.pdf"
rm "$p/proposals/kopi.toml"
run "$p" "$bin" render
if grep -q mine "$p/out/kopi.pdf" 2>/dev/null; then what="edited stale PDF kept"; else what="edited stale PDF REMOVED"; fi
c=$(grep -c "changed since budgetnote wrote it" <<<"$ERR")
row "manifest: output edited by user" "$what, warned $c time(s)"

# --- spreadsheets -----------------------------------------------------------------------------
p=$(fresh sheets)
sheet_proposal() { # sheet_proposal FILE ID: the far-cell ledger reading FILE
    sed -e "s|from = { file = \"drift.xlsx\", sheet = \"Drift\", range = \"A2:F1048576\" }|from = { file = \"$1\", range = \"A2:F9\" }|" \
        -e "s/id = \"ARK03\"/id = \"$2\"/" -e "/^stated_totals/d" \
        "$repo/tests/sheets/far-cell/proposal.toml"
}
sheet_proposal bomb.ods BOMB1 >"$p/proposals/ods-bomb.toml"
sheet_proposal bomb.xlsx BOMB2 >"$p/proposals/xlsx-bomb.toml"
python3 - "$p/proposals" "$repo/tests/sheets/far-cell/drift.xlsx" <<'EOF'
import sys, zipfile
folder, xlsx = sys.argv[1], sys.argv[2]
content = ('<?xml version="1.0" encoding="UTF-8"?>'
    '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
    '<office:body><office:spreadsheet><table:table table:name="Ark1">'
    '<table:table-row><table:table-cell office:value-type="float" office:value="1"><text:p>1</text:p></table:table-cell></table:table-row>'
    '<table:table-row table:number-rows-repeated="5999"><table:table-cell table:number-columns-repeated="16384"/></table:table-row>'
    '<table:table-row><table:table-cell table:number-columns-repeated="16000"/>'
    '<table:table-cell office:value-type="float" office:value="2"><text:p>2</text:p></table:table-cell></table:table-row>'
    '</table:table></office:spreadsheet></office:body></office:document-content>')
manifest = ('<?xml version="1.0" encoding="UTF-8"?>'
    '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
    '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
    '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
    '</manifest:manifest>')
with zipfile.ZipFile(folder + "/bomb.ods", "w") as z:
    z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED)
    z.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
    z.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
src = zipfile.ZipFile(xlsx)
with zipfile.ZipFile(folder + "/bomb.xlsx", "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
    for info in src.infolist():
        if info.filename != "xl/sharedStrings.xml":
            z.writestr(info.filename, src.read(info.filename))
    with z.open("xl/sharedStrings.xml", "w", force_zip64=True) as part:
        part.write(b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>')
        chunk = b"a" * (1024 * 1024)
        for _ in range(1536):
            part.write(chunk)
        part.write(b"</t></si></sst>")
EOF
for kind in ods xlsx; do
    size=$(stat -c %s "$p/proposals/bomb.$kind")
    run "$p" "$bin" render "proposals/$kind-bomb.toml"
    row "spreadsheet: $kind bomb ($size B)" "$(first_code E095)"
done

# --- SVG logos --------------------------------------------------------------------------------
p=$(fresh svg)
# logo FILE: the standard example (only) with the logo FILE.
logo() {
    sed -i "s|^logo = .*||; s|^date = |logo = { file = \"$1\", alt = \"Logo\" }\ndate = |" \
        "$p/proposals/standard-eksempel.toml"
}
cp "$repo/tests/hostile/prefix.svg" "$repo/tests/hostile/bomb.png" "$repo/tests/hostile/feimage.svg" \
    "$repo/tests/hostile/fifo.svg" "$p/proposals/"
python3 - "$p/proposals" <<'EOF'
import base64, sys
folder = sys.argv[1]
png = base64.b64encode(open(folder + "/bomb.png", "rb").read()).decode()
open(folder + "/datauri.svg", "w").write(
    '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    '<image width="10" height="10" href="data:image/png;base64,%s"/></svg>' % png)
EOF
for svg in prefix datauri feimage; do
    logo "$svg.svg"
    run "$p" "$bin" render proposals/standard-eksempel.toml
    row "svg: raster in $svg.svg" "$(first_code E054)"
done

# --- FIFOs and /dev/zero --------------------------------------------------------------------------
logo fifo.svg
mkfifo "$p/proposals/pipe.png"
run "$p" "$bin" check proposals/standard-eksempel.toml
row "fifo: named by an svg logo" "$(first_code E036)"

p=$(fresh fifo)
(cd "$p" && "$bin" render >/dev/null 2>&1)
rm "$p/out/standard-eksempel.pdf" && mkfifo "$p/out/standard-eksempel.pdf"
run "$p" "$bin" render
if [ -f "$p/out/standard-eksempel.pdf" ] && [ ! -p "$p/out/standard-eksempel.pdf" ]; then what="PDF typeset again in the FIFO's place"; else what="FIFO left"; fi
row "fifo: in place of a cached PDF" "$what"

rm "$p/out/standard-eksempel.pdf" && ln -s /dev/zero "$p/out/standard-eksempel.pdf"
run "$p" "$bin" render
if [ -f "$p/out/standard-eksempel.pdf" ] && [ ! -L "$p/out/standard-eksempel.pdf" ]; then what="not read; PDF typeset again in its place"; else what="symlink left"; fi
row "/dev/zero as a cached PDF" "$what"

mkdir -p "$p/templates"
mkfifo "$p/pipe.txt"
truncate -s 3G "$p/big.txt"
for name in pipe.txt big.txt; do
    { cat "$repo/templates/budgetnote.typ"; printf '\n#let hostile = read("/%s")\n' "$name"; } \
        >"$p/templates/budgetnote.typ"
    run "$p" "$bin" render proposals/standard-eksempel.toml
    what=$(grep -oE "$name cannot be read: [^,;]{0,40}" <<<"$ERR" | head -1)
    row "template #read of $name" "${what:-no refusal}"
done

# --- diff -------------------------------------------------------------------------------------
if command -v git >/dev/null; then
    p=$(fresh diff)
    g() { git -C "$p" -c user.name=probe -c user.email=probe@example.invalid -c commit.gpgsign=false "$@"; }
    g init -q && g add -A && g commit -qm init
    python3 - "$p/proposals" <<'EOF'
import sys
folder = sys.argv[1]
text = open(folder + "/standard-eksempel.toml").read().replace('id = "SU01"', 'id = "SU77"', 1)
open(folder.encode() + b"/x\xff.toml", "wb").write(text.encode())
EOF
    run "$p" "$bin" diff
    row "diff: non-UTF-8 name, work tree" "$(grep -oE 'E107 [^|]{0,50}' <<<"$OUT" | head -1)"
    g add -A && g commit -qm two
    run "$p" "$bin" diff HEAD~1 HEAD
    row "diff: non-UTF-8 name, revisions" "$(grep -oE 'E107 [^|]{0,50}' <<<"$OUT" | head -1)"
    g rm -q "proposals/$(printf 'x\xff.toml')" && g commit -qm three

    python3 - "$p/proposals/standard-eksempel.toml" a <<'EOF'
import re, sys
path, stem = sys.argv[1], sys.argv[2]
text = open(path).read()
words = "\n\n".join(" ".join("%s%d" % (stem, i + j) for j in range(12)) for i in range(0, 120000, 12))
text = re.sub(r'^status = .*$', lambda m: 'status = """\n' + words + '\n"""', text, count=1, flags=re.M)
open(path, "w").write(text)
EOF
    g commit -qam words-a
    python3 - "$p/proposals/standard-eksempel.toml" <<'EOF'
import re, sys
path = sys.argv[1]
text = open(path).read()
text = re.sub(r'(\n\n|\s)a(\d+)', lambda m: m.group(1) + ("b" if int(m.group(2)) % 7 == 0 else "a") + m.group(2), text)
open(path, "w").write(text)
EOF
    run "$p" "$bin" diff
    if grep -q "Status: " <<<"$OUT"; then what="section change shown"; else what="NO section change shown"; fi
    row "diff: 120k-word section" "1 word in 7 changed: $what, $((${#OUT} / 1024)) kB of output"
    g checkout -q -- .

    python3 - "$p/proposals/big.toml" <<'EOF'
import sys
with open(sys.argv[1], "w") as f:
    f.write('id = "BIG"\n')
    line = "# " + "x" * 1000 + "\n"
    for _ in range(200 * 1024):
        f.write(line)
EOF
    g add -A && g commit -qm big
    rm "$p/proposals/big.toml"
    run "$p" "$bin" diff HEAD~1 HEAD
    row "diff: 200 MB blob in a revision" "$(grep -oE 'E0[0-9][0-9] [^|]{0,50}' <<<"$OUT" | head -1)"
else
    skip "diff probes" "no git"
fi

# --- links and the lock ------------------------------------------------------------------------
p=$(fresh links)
sed -i 's|^resume = "|resume = "[a](JaVaScRiPt:alert(1)) [b]( javascript:x) [c](java\&#x73;cript:x) [d](data:text/html,x) [e](vbscript:x) |' \
    "$p/proposals/standard-eksempel.toml"
run "$p" "$bin" render proposals/standard-eksempel.toml
c=$(grep -c "error\[E105\]" <<<"$ERR")
if [ -f "$p/out/standard-eksempel.pdf" ]; then what="PDF WRITTEN"; else what="no PDF"; fi
row "links: javascript:/data:/vbscript:" "$c of 5 refused (E105), $what"

p=$(fresh lock)
ln -s out "$p/outlink"
run "$p" sh -c "'$bin' render -o out & '$bin' render -o outlink; wait"
listed=$(python3 -c 'import json,sys; print(sum(k.endswith(".pdf") for k in json.load(open(sys.argv[1]))["files"]))' "$p/out/.budgetnote-manifest")
pdfs=$(find "$p/out" -name '*.pdf' | wc -l)
row "lock: -o out and -o outlink" "manifest lists $listed of $pdfs PDFs"

# --- scale ------------------------------------------------------------------------------------
p=$(fresh scale)
mkdir -p "$p/big"
python3 - "$p/proposals" "$p/big" <<'EOF'
import re, sys
src, big = sys.argv[1], sys.argv[2]
std = open(src + "/standard-eksempel.toml").read()
line = ('\n[[budget.lines]]\nkind = "besparelse"\nexpense = "service"\ncommittee = "SU"\n'
        'amounts = { 2026 = -1, 2027 = -1, 2028 = -1, 2029 = -1 }\n')
head, rest = std.split("[budget.staff]", 1)
open(big + "/lines.toml", "w").write(head + line * 10000 + "\n[budget.staff]" + rest)
drift = open(src + "/driftsforslag-eksempel.toml").read()
first = drift.index("[[tables.budgetoverslag.rows]]")
rows = "".join('[[tables.budgetoverslag.rows]]\naccount = "05.73"\nlabel = "Række %d"\n'
               'amounts = { 2026 = 1, 2027 = 2, 2028 = 3, 2029 = 4 }\n\n' % i for i in range(10000))
# the example's rows (the end of its file) replaced by 10,000 rows
open(big + "/ledger.toml", "w").write(drift[:first] + rows)
para = ("Kommunen styrker indsatsen for unge ledige, så de hurtigere kommer i job eller uddannelse. "
        "Sagsbehandlerne holder den første samtale inden for en uge, og borgerne får en fast "
        "kontaktperson. Erfaringer fra andre kommuner viser, at tidlig kontakt nedbringer ledigheden.")
for name, mb in (("prose-1mb", 0.99), ("prose-5mb", 5)):
    parts = []
    size = 0
    while size < mb * 1024 * 1024:
        parts.append(para)
        size += len(para.encode()) + 2
    text = re.sub(r'^status = .*$', lambda m: 'status = """\n' + "\n\n".join(parts) + '\n"""', std, count=1, flags=re.M)
    open(big + "/" + name + ".toml", "w").write(text.replace('id = "SU01"', 'id = "P%d"' % mb))
EOF
for name in lines ledger prose-1mb prose-5mb; do
    run "$p" "$bin" render "big/$name.toml"
    if has "error["; then what="refused: $(first_code)"; elif [ -f "$p/out/big/$name.pdf" ]; then what="rendered, PDF $(($(stat -c %s "$p/out/big/$name.pdf") / 1024)) kB"; else what="no PDF"; fi
    case $name in
    lines) label="scale: 10k budget lines" ;;
    ledger) label="scale: 10k-row ledger" ;;
    prose-1mb) label="scale: 0.99 MB prose section" ;;
    prose-5mb) label="scale: 5 MB prose section" ;;
    esac
    row "$label" "$what"
done
run "$p" "$bin" check big/prose-5mb.toml
row "scale: 5 MB prose section, check" "$(first_code)"

if [ "${SKIP_2001:-0}" = 1 ]; then
    skip "scale: 2,001 PDFs" "SKIP_2001=1"
else
    p=$(fresh many)
    python3 - "$p/proposals" <<'EOF'
import sys
folder = sys.argv[1]
text = open(folder + "/standard-eksempel.toml").read()
for i in range(2001 - 7):
    open("%s/m%04d.toml" % (folder, i), "w").write(text.replace('id = "SU01"', 'id = "M%04d"' % i, 1))
EOF
    run "$p" "$bin" render
    row "scale: 2,001 PDFs, render" "$(tail -1 <<<"$ERR" | cut -c1-66)"
    if [ "$EXIT" != timeout ]; then
        run "$p" "$bin" render
        row "scale: 2,001 PDFs, re-render" "$(tail -1 <<<"$ERR" | cut -c1-66)"
    fi
fi
