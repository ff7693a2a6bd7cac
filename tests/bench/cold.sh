#!/usr/bin/env bash
# Cold and warm renders of N copies of the bundled standard proposal, in fresh processes as users
# run them, beside the typst CLI and typst as a library over the same generated Typst sources.
#
#   cargo build --release --locked
#   tests/bench/cold.sh                #  N = 100 500 1000, then one proposal in a fresh process
#   NS="500" RUNS=31 tests/bench/cold.sh  # other sizes, more single-proposal runs
#
# BUDGETNOTE (default: $CARGO_TARGET_DIR or target, /release/budgetnote) and TYPST (default:
# `typst` on PATH, else /work/typst-cli/bin/typst) name the binaries; without a typst CLI its
# column is left empty. Wall time and peak memory come from /usr/bin/time (%e, %M), one run each.
# Everything happens in a temporary folder, removed at the end unless KEEP=1.
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
bin=${BUDGETNOTE:-${CARGO_TARGET_DIR:-$repo/target}/release/budgetnote}
typst=${TYPST:-$(command -v typst || echo /work/typst-cli/bin/typst)}
[ -x "$typst" ] || typst=""
ns=${NS:-100 500 1000}
runs=${RUNS:-21}
cores=$(nproc)
seed=$repo/proposals/flere-udsatte-borgere-i-beskaeftigelse.toml
work=$(mktemp -d)
[ "${KEEP:-0}" = 1 ] || trap 'rm -rf "$work"' EXIT
[ -x "$bin" ] || { echo "no budgetnote binary at $bin (cargo build --release)" >&2; exit 2; }

# The typst CLI with the options budgetnote's own export uses (fonts/ only, PDF/A-2a + PDF/UA-1).
typst_flags=(compile --ignore-system-fonts --font-path fonts --pdf-standard a-2a
  --pdf-standard ua-1 --features a11y-extras)

# `timed LABEL CMD...`: runs CMD, appends "LABEL seconds peak-MB" to $work/times.
timed() {
  local label=$1
  shift
  /usr/bin/time -f '%e %M' -o "$work/time" "$@" >/dev/null 2>"$work/stderr" || {
    echo "failed: $label: $*" >&2
    tail -5 "$work/stderr" >&2
    exit 1
  }
  read -r secs kb <"$work/time"
  echo "$label $secs $((kb / 1024))" >>"$work/times"
}

# `get LABEL FIELD`: seconds (2) or MB (3) recorded for LABEL.
get() { awk -v l="$1" -v f="$2" '$1 == l { print $f }' "$work/times"; }

# `ratio A B`: A / B to two decimals.
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }

# A project with N copies of the seed (own id and title each) and their generated Typst sources.
project() {
  local n=$1 dir=$2
  mkdir -p "$dir/proposals" "$dir/gen" "$dir/templates"
  cp "$repo/budgetnote.toml" "$dir/"
  cp -r "$repo/fonts" "$dir/fonts"
  cp "$repo/templates/budgetnote.typ" "$dir/templates/"
  awk -v n="$n" -v dir="$dir/proposals" '
    { lines[NR] = $0 }
    END {
      for (i = 1; i <= n; i++) {
        file = sprintf("%s/p%04d.toml", dir, i)
        for (j = 1; j <= NR; j++) {
          line = lines[j]
          if (line ~ /^id = /) line = sprintf("id = \"B%04d\"", i)
          else if (line ~ /^title = /) { sub(/"$/, sprintf(" %d\"", i), line) }
          print line > file
        }
        close(file)
      }
    }' "$seed"
  (cd "$dir" && ls proposals/*.toml | xargs -P"$cores" -I{} sh -c \
    "'$bin' typst {} > gen/\$(basename {} .toml).typ")
}

cpu=$(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)
mem=$(awk '/MemTotal/ { printf "%.0f GB", $2 / 1048576 }' /proc/meminfo)
echo "machine: $cores cores, $cpu, $mem; load before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "budgetnote: $bin; typst CLI: ${typst:-none} ${typst:+($("$typst" --version))}"
echo
echo "| N | render --force (cold) | unchanged | one changed | check (cold) | typst CLI, -P$cores | typst as a library | render / CLI | render / library | check / render | unchanged / cold | one changed / cold |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
for n in $ns; do
  dir=$work/n$n
  project "$n" "$dir"
  : >"$work/times"
  cd "$dir"
  timed check "$bin" check proposals
  timed cold "$bin" render proposals --force
  timed unchanged "$bin" render proposals
  sed -i 's/^title = "\(.*\)"$/title = "\1 (changed)"/' proposals/p0001.toml
  timed changed "$bin" render proposals
  timed library "$bin" bench-typst . gen lib-out
  if [ -n "$typst" ]; then
    mkdir -p cli-out
    timed cli sh -c "ls gen | xargs -P$cores -I{} '$typst' ${typst_flags[*]} --root . gen/{} cli-out/{}.pdf"
  fi
  cold=$(get cold 2)
  cli=$(get cli 2)
  echo "| $n | $cold s, $(get cold 3) MB | $(get unchanged 2) s, $(get unchanged 3) MB | $(get changed 2) s | $(get check 2) s, $(get check 3) MB | ${cli:+$cli s} | $(get library 2) s, $(get library 3) MB | $(ratio "$cold" "${cli:-0}") | $(ratio "$cold" "$(get library 2)") | $(ratio "$(get check 2)" "$cold") | $(ratio "$(get unchanged 2)" "$cold") | $(ratio "$(get changed 2)" "$cold") |"
  cd "$repo"
  [ "${KEEP:-0}" = 1 ] || rm -rf "$dir"
done

# One proposal in a fresh process: `budgetnote render FILE --force` against the typst CLI on the
# source budgetnote generates for it, alternating, median (and minimum) of RUNS runs each.
one=$work/one
project 1 "$one"
cd "$one"
declare -a own cli_runs
for ((i = 0; i < runs; i++)); do
  t0=$EPOCHREALTIME
  "$bin" render proposals/p0001.toml --force >/dev/null 2>&1
  t1=$EPOCHREALTIME
  own+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", (b - a) * 1000 }')")
  if [ -n "$typst" ]; then
    t0=$EPOCHREALTIME
    "$typst" "${typst_flags[@]}" --root . gen/p0001.typ one.pdf >/dev/null 2>&1
    t1=$EPOCHREALTIME
    cli_runs+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", (b - a) * 1000 }')")
  fi
done
# `median VALUES...`: "median (min)" in ms.
median() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { printf "%.1f ms (min %.1f)", v[int((NR + 1) / 2)], v[1] }'; }
echo
echo "one proposal, fresh process, $runs alternating runs: budgetnote render --force $(median "${own[@]}")${typst:+; typst CLI $(median "${cli_runs[@]}")}"
if [ -n "$typst" ]; then
  m1=$(printf '%s\n' "${own[@]}" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
  m2=$(printf '%s\n' "${cli_runs[@]}" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')
  echo "budgetnote / typst CLI (medians): $(ratio "$m1" "$m2")"
fi
cd "$repo"
