#!/usr/bin/env bash
# Times our training step against PyTorch's, alternating the two (ours, PyTorch, ours, …) so that
# both see the same machine load, and prints images/s of each round and the ratio of the medians.
#
#   Tests/Reference/compare_bench.sh [--precision f32|bf16|both] [--rounds 3] [--steps 10]
#                                    [--threads N] [--batch-size 64] [--bin PATH]
#
# Needs python3 with torch (CPU) for the PyTorch side. Speed is never asserted: this only reports.
set -euo pipefail
cd "$(dirname "$0")/../.."

precision=both rounds=3 steps=10 warmup=3 threads=$(nproc) batch=64
bin=.build/release/dcgan-smiles
while [ $# -gt 0 ]; do
    case "$1" in
        --precision) precision=$2; shift 2 ;;
        --rounds) rounds=$2; shift 2 ;;
        --steps) steps=$2; shift 2 ;;
        --warmup) warmup=$2; shift 2 ;;
        --threads) threads=$2; shift 2 ;;
        --batch-size) batch=$2; shift 2 ;;
        --bin) bin=$2; shift 2 ;;
        *) echo "compare_bench.sh: unknown argument $1" >&2; exit 2 ;;
    esac
done
[ -x "$bin" ] || { echo "compare_bench.sh: $bin not built (swift build -c release --product dcgan-smiles)" >&2; exit 2; }
python3 -c 'import torch' 2>/dev/null || { echo "compare_bench.sh: python3 with torch is needed" >&2; exit 2; }
case "$precision" in both) precisions="f32 bf16" ;; f32|bf16) precisions=$precision ;;
    *) echo "compare_bench.sh: --precision f32|bf16|both" >&2; exit 2 ;; esac

field() { python3 -c "import json,sys; print(json.loads(sys.stdin.read().strip().splitlines()[-1])['$1'])"; }
median() { python3 -c "import statistics,sys; print(statistics.median(float(x) for x in sys.argv[1:]))" "$@"; }

echo "machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) CPUs; threads $threads, batch $batch, $steps steps after $warmup warm-up, $rounds rounds"
for p in $precisions; do
    ours=() theirs=() ours_rss=() theirs_rss=()
    for r in $(seq 1 "$rounds"); do
        o=$("$bin" bench --recipe seed --precision "$p" --batch-size "$batch" --steps "$steps" --warmup "$warmup" --threads "$threads" --json)
        t=$(python3 Tests/Reference/bench_pytorch.py --precision "$p" --batch-size "$batch" --steps "$steps" \
            --warmup "$warmup" --threads "$threads" --json)
        ours+=("$(echo "$o" | field imagesPerSecond)"); ours_rss+=("$(echo "$o" | field peakRSSMiB)")
        theirs+=("$(echo "$t" | field images_per_s)"); theirs_rss+=("$(echo "$t" | field peak_rss_mib)")
        printf '%s round %d: ours %7.1f img/s (%4.0f MiB)   pytorch %7.1f img/s (%4.0f MiB)   ratio %.2f\n' "$p" "$r" \
            "${ours[-1]}" "${ours_rss[-1]}" "${theirs[-1]}" "${theirs_rss[-1]}" \
            "$(python3 -c "print(${ours[-1]} / ${theirs[-1]})")"
    done
    mo=$(median "${ours[@]}") mt=$(median "${theirs[@]}")
    printf '%s median: ours %.1f img/s, pytorch %.1f img/s, ratio %.2f; peak RSS ours %.0f MiB, pytorch %.0f MiB\n' \
        "$p" "$mo" "$mt" "$(python3 -c "print($mo / $mt)")" "$(median "${ours_rss[@]}")" "$(median "${theirs_rss[@]}")"
done
