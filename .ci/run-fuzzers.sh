#!/usr/bin/env bash
# Runs every libFuzzer target of a fuzz build for a time budget each (docs/testing.md "Fuzzing").
#   .ci/run-fuzzers.sh [BUILD_DIR] [SECONDS]      (make fuzz FUZZ_SECONDS=60)
# Seeds come from fixtures/ (assembled into BUILD_DIR/seeds/<target>), the regression inputs of
# fixtures/fuzz/<target>/ included; what a target discovers is
# kept in BUILD_DIR/corpus/<target> between runs; crashes, leaks, timeouts and OOMs are written to
# BUILD_DIR/crashes/<target>/. Every target runs for its full budget even when an earlier one
# crashed; the script fails when any crash file exists. One summary line per target (execs/s and
# libFuzzer's final cov:/ft:) goes to BUILD_DIR/fuzz-summary.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build/fuzz}
seconds=${2:-60}
bin=$build/tests/fuzz
fixtures=fixtures
dict=tests/fuzz/wsuslab.dict

# The selector byte some targets read first: an operation's index in protocol::all_operations.
op_index() {
    local i=0 op
    for op in GetAuthorizationCookie GetConfig GetCookie RegisterComputer StartCategoryScan \
        SyncUpdates SyncPrinterCatalog RefreshCache GetExtendedUpdateInfo GetExtendedUpdateInfo2 \
        GetFileLocations ReportEventBatch; do
        [ "$op" = "$1" ] && { echo "$i"; return; }
        i=$((i + 1))
    done
    echo 12
}

# seed DIR NAME SELECTOR FILE...: one seed file, the selector byte followed by the files' bytes.
seed() {
    local dir=$1 name=$2 selector=$3
    shift 3
    { printf "\\$(printf '%03o' "$selector")"; cat "$@"; } > "$dir/$name"
}

assemble_seeds() {
    local s=$build/seeds n f op
    rm -rf "$s"
    mkdir -p "$s"/{fuzz_request,fuzz_response,fuzz_core_rules,fuzz_scenario,fuzz_cookie,fuzz_exchange}
    n=0
    # Requests: the selector 12 means "no SOAPAction header" (the Body wrapper decides).
    for f in "$fixtures"/soap/valid/*/request*.xml "$fixtures"/soap/invalid/*.xml \
        "$fixtures"/exchanges/*/*/request.xml; do
        n=$((n + 1)); seed "$s/fuzz_request" "$n.xml" 12 "$f"
    done
    for f in "$fixtures"/soap/valid/*/response.xml; do
        op=$(basename "$(dirname "$f")")
        n=$((n + 1)); seed "$s/fuzz_response" "$n.xml" "$(op_index "$op")" "$f"
    done
    for f in "$fixtures"/soap/valid/Fault/*.xml; do
        n=$((n + 1)); seed "$s/fuzz_response" "$n.xml" 5 "$f"
    done
    for f in "$fixtures"/exchanges/*/*/response.xml; do
        op=$(sed -n 's/.*"operation": "\([A-Za-z0-9]*\)".*/\1/p' "$(dirname "$f")/meta.json")
        n=$((n + 1)); seed "$s/fuzz_response" "$n.xml" "$(op_index "$op")" "$f"
    done
    cp "$fixtures"/interop/core/*.xml "$s/fuzz_core_rules/"
    cp "$fixtures"/scenarios/*.xml "$s/fuzz_scenario/"
    cp tests/fuzz/seeds/cookie/* "$s/fuzz_cookie/"
    # Cookies as clients present them (selector 0: open() the text as it is).
    grep -rhoE --exclude-dir=fuzz '<(EncryptedData|CookieData)>[A-Za-z0-9+/=]+' "$fixtures" | sed 's/.*>//' | sort -u |
        while read -r c; do n=$((n + 1)); printf '\0%s' "$c" > "$s/fuzz_cookie/text-$n"; done
    # Exchanges: name, then the five files, separated by "\n--file--\n" (fuzz_exchange.cpp).
    for f in "$fixtures"/exchanges/*/[0-9]*; do
        [ -d "$f" ] || continue
        local req=request.xml resp=response.xml
        [ -f "$f/request.body" ] && req=request.body
        [ -f "$f/response.body" ] && resp=response.body
        { printf '%s' "$(basename "$f")"
          for part in meta.json request.http-headers "$req" response.http-headers "$resp"; do
              printf '\n--file--\n'; cat "$f/$part"
          done; } > "$s/fuzz_exchange/$(basename "$(dirname "$f")")-$(basename "$f")"
    done
    # The regression inputs (minimised crashers, hand-made edge cases) seed their target too.
    local target
    for target in "$s"/*; do
        for f in "$fixtures/fuzz/$(basename "$target")"/*; do
            if [ -f "$f" ]; then cp "$f" "$target/regression-$(basename "$f")"; fi
        done
    done
}

assemble_seeds
rm -rf "$build/crashes" "$build/logs"
mkdir -p "$build/logs"
summary=$build/fuzz-summary.txt
: > "$summary"
failed=0
for target in "$bin"/fuzz_*; do
    [ -x "$target" ] || continue
    name=$(basename "$target")
    mkdir -p "$build/corpus/$name" "$build/crashes/$name"
    echo "== $name: ${seconds}s"
    log=$build/logs/$name.log
    # -timeout: one input taking 25 s is a hang (the server must never hang or spin).
    set +e
    "$target" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=25 -dict="$dict" \
        -print_final_stats=1 -artifact_prefix="$build/crashes/$name/" \
        "$build/corpus/$name" "$build/seeds/$name" > "$log" 2>&1
    rc=$?
    set -e
    final=$(grep -E '^#[0-9]+' "$log" | tail -1)
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
    line="$name: rc=$rc runs=${execs:-?} exec/s=${rate:-?} last: ${final:-?}"
    echo "$line" | tee -a "$summary"
    if [ -n "$(ls -A "$build/crashes/$name")" ]; then
        echo "$name: CRASH, see $log and $build/crashes/$name/" | tee -a "$summary"
        grep -E 'ERROR:|runtime error|invariant broken|SUMMARY' "$log" | head -5 || true
        failed=1
    elif [ "$rc" -ne 0 ]; then
        echo "$name: exit $rc without a crash file, see $log" | tee -a "$summary"
        failed=1
    fi
done
[ "$failed" -eq 0 ] || { echo "fuzz: failures (see $summary)" >&2; exit 1; }
echo "fuzz: no crashes ($summary)"
