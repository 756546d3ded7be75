#!/usr/bin/env bash
# Runs every benchmark program of a bench build and prints their reports.
set -euo pipefail
dir=${1:-build/bench}
for b in "$dir"/tests/bench/bench_*; do
    [ -x "$b" ] || continue
    echo "== $b"
    case "$(basename "$b")" in
        bench_server) "$b" 2000 4 ;;  # a load program, not a Google Benchmark
        *) "$b" --benchmark_min_time=0.2 ;;
    esac
done
