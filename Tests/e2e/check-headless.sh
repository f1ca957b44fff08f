#!/usr/bin/env bash
# `train --headless`: 20 JSON step lines plus a summary at the seed's full size (the tuned recipe:
# batches of 128, so a quality line of the faces Jacobian truncation keeps, judged against their 16
# nearest, after the first epoch's 16 steps); bad flags exit 2.
set -euo pipefail
bin=$1
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT

# A command line that must be refused: exit 2, a one-line error, nothing on stdout.
refused() {
  local rc
  set +e
  "$bin" "$@" >"$work/out" 2>"$work/err"
  rc=$?
  set -e
  [ "$rc" -eq 2 ] || { echo "$*: exit $rc, expected 2"; exit 1; }
  [ "$(wc -l <"$work/err")" -eq 1 ] || { echo "$*: error is not one line:"; cat "$work/err"; exit 1; }
  [ ! -s "$work/out" ] || { echo "$*: printed to stdout"; exit 1; }
}
"$bin" train --headless --iterations 20 --seed 1 --run-dir "$work/run" >"$work/out.jsonl" 2>"$work/err.txt"
python3 - "$work/out.jsonl" <<'PY'
import json, math, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
steps, summary = [l for l in lines[:-1] if "quality" not in l], lines[-1]
assert len(steps) == 20, f"{len(steps)} step lines"
assert [s["iteration"] for s in steps] == list(range(1, 21))
for s in steps:
    assert set(s) == {"epoch", "iteration", "d_loss", "g_loss", "d_x", "d_g_z", "lr_g", "lr_d", "images_per_s"}, s
    assert s["epoch"] == (1 if s["iteration"] <= 16 else 2), s  # 2000 images in batches of 128: 16 steps an epoch
    assert math.isfinite(s["d_loss"]) and math.isfinite(s["g_loss"]) and s["lr_g"] == 0.0004  # the tuned recipe's
(quality,) = [l["quality"] for l in lines if "quality" in l]
assert lines.index({"quality": quality}) == 16 and quality["iteration"] == 16 and quality["epoch"] == 1, quality
assert quality["keep"] == 0.5 and set(quality["kept"]) == {"precision", "modes", "tv", "rmse"}, quality
assert quality["density"] == 4 and quality["clusters"] == 16 and "neighbours" not in quality, quality  # the recipe ranks by density at the data's shares
assert summary["summary"]["iterations"] == 20 and summary["summary"]["state"] == "finished", summary
PY
[ ! -s "$work/err.txt" ] || { echo "stderr not empty when not a terminal:"; cat "$work/err.txt"; exit 1; }

# The same seed and threads give the same losses.
"$bin" train --headless --iterations 3 --seed 1 --feature-maps 8 --threads 1 --run-dir "$work/a" | sed -n 1,3p | cut -d, -f3-4 >"$work/a.txt"
"$bin" train --headless --iterations 3 --seed 1 --feature-maps 8 --threads 1 --run-dir "$work/b" | sed -n 1,3p | cut -d, -f3-4 >"$work/b.txt"
cmp -s "$work/a.txt" "$work/b.txt" || { echo "same seed, different losses"; exit 1; }
# G's rate halves after --lr-g-late-start steps, D's stays (the tuned recipe's factor, 0.5).
"$bin" train --headless --iterations 4 --feature-maps 8 --threads 1 --lr-g-late-start 2 --run-dir "$work/late-g" \
  | sed -n 1,4p | grep -o '"lr_g":[^,]*,"lr_d":[^,]*' >"$work/late-g.txt"
printf '"lr_g":0.0004,"lr_d":0.0004\n%.0s' 1 2 >"$work/late-g-want.txt"
printf '"lr_g":0.0002,"lr_d":0.0004\n%.0s' 1 2 >>"$work/late-g-want.txt"
cmp -s "$work/late-g.txt" "$work/late-g-want.txt" || { echo "G's late rate:"; diff "$work/late-g-want.txt" "$work/late-g.txt"; exit 1; }

for args in "--batch-size 0" "--lr nan" "--lr=-1" "--lr-g=-0.1" "--init foo" "--bogus" "--epochs 0" "--recipe foo" \
            "--ema 1" "--instance-noise=-0.1" "--instance-noise-steps 10" "--instance-noise 0.1 --instance-noise-steps=-1" "--real-label 2" \
            "--bce-from foo" "--lr-decay-steps=-1" "--lr-floor 0" "--lr-floor 1.5" "--lr-decay-start=-2" "--lr-decay-start 5 --lr-decay-steps 0" \
            "--lookahead=-1" "--lookahead-alpha 0.5" "--lookahead 5 --lookahead-alpha 1.5" "--lookahead 5 --lookahead-alpha 0" \
            "--ema-statistics foo" "--ema 0 --ema-statistics recomputed" "--recipe seed --ema-statistics recomputed" \
            "--ema-late 1" "--ema-late-start 5" "--ema-late 0.999 --ema-late-start=-1" "--recipe seed --ema-late 0.999" \
            "--top-k 1.5" "--top-k=-0.5" "--top-k-decay 0.9" "--top-k 0.5 --top-k-decay 0" "--quality-arithmetic foo" \
            "--beta1 1" "--beta1=-0.5" "--beta2 1.5" "--beta2 nan" "--r1=-1" "--r1 nan" "--r1 inf" \
            "--recipe seed --r1-every 4" "--r1 1 --r1-every 0" "--r1-every 0" "--r1 1 --r1-every=-2" \
            "--recipe seed --r1-late-start 5" "--r1-late=-1" "--r1-late nan" "--recipe seed --r1-late 10" "--r1-late 10 --r1-late-start=-1" \
            "--recipe seed --r1-later-start 2000" "--r1-later 0 --r1-later-start 2000" "--r1-later 30 --r1-later-start 900" "--r1-late-start 1600" "--r1-later=-1" \
            "--r1-late 0 --r1-later 30" "--recipe seed --r1-later 30" \
            "--recipe seed --lr-g-late-start 1400" "--lr-g-late-factor 1 --lr-g-late-start 1400" "--lr-g-late-factor 0" "--lr-g-late-factor nan" "--lr-g-late-factor 0.5 --lr-g-late-start=-1" \
            "--jacobian-truncation 0" "--jacobian-truncation 2" "--jacobian-truncation 1 --jacobian-truncation-neighbours 16" \
            "--recipe seed --jacobian-truncation-neighbours 16" "--jacobian-truncation 0.5 --jacobian-truncation-power nan" \
            "--recipe seed --jacobian-truncation-power 0.5" "--jacobian-truncation 0.5 --jacobian-truncation-power 0.5" \
            "--jacobian-truncation-neighbours 16" "--recipe seed --jacobian-truncation-clusters 16" \
            "--jacobian-truncation-density 4 --jacobian-truncation-power 0.5" "--jacobian-truncation-density=-4"; do
  refused train --headless $args
done

# A run that cannot start (its metrics file cannot be opened) says why, exits 1 and reports "failed".
mkdir -p "$work/blocked/metrics.jsonl"
set +e
"$bin" train --headless --iterations 2 --feature-maps 4 --latent-size 8 --threads 1 --run-dir "$work/blocked" >"$work/blocked.out" 2>"$work/blocked.err"
rc=$?
set -e
[ "$rc" -eq 1 ] || { echo "unstartable run: exit $rc, expected 1"; exit 1; }
grep -q "cannot start training: cannot open .*metrics.jsonl" "$work/blocked.err" || { echo "unstartable run: no reason:"; cat "$work/blocked.err"; exit 1; }
grep -q '"state":"failed","iterations":0' "$work/blocked.out" || { echo "unstartable run: summary not failed:"; cat "$work/blocked.out"; exit 1; }

# A learning-rate decay: the rate each step used, in the step lines (cosine from step 1 over 2 steps to ½).
"$bin" train --headless --iterations 4 --feature-maps 4 --latent-size 8 --threads 1 --lr-decay-start 1 --lr-decay-steps 2 \
  --lr-floor 0.5 --run-dir "$work/decay" >"$work/decay.jsonl"
python3 - "$work/decay.jsonl" <<'PY'
import json, sys
rates = [json.loads(l)["lr_g"] for l in open(sys.argv[1]) if l.startswith('{"epoch"')]
assert len(rates) == 4 and all(abs(a - b) < 1e-9 for a, b in zip(rates, [4e-4, 4e-4, 3e-4, 2e-4])), rates
PY

# Quality lines: the arithmetic they were measured in; the trained G beside the average only when asked.
"$bin" train --headless --iterations 2 --feature-maps 4 --latent-size 8 --threads 1 --quality-every 2 --jacobian-truncation 1 \
  --run-dir "$work/q" >"$work/q.jsonl"
"$bin" train --headless --iterations 2 --feature-maps 4 --latent-size 8 --threads 1 --quality-every 2 --quality-live \
  --quality-arithmetic f32 --top-k 0.5 --jacobian-truncation 0.7 --run-dir "$work/ql" >"$work/ql.jsonl"
"$bin" train --headless --iterations 2 --feature-maps 4 --latent-size 8 --threads 1 --quality-every 2 --quality-arithmetic f32 \
  --jacobian-truncation 0.5 --jacobian-truncation-neighbours 16 --jacobian-truncation-power 0.5 --run-dir "$work/qn" >"$work/qn.jsonl"
python3 - "$work/q.jsonl" "$work/ql.jsonl" "$work/qn.jsonl" <<'PY'
import json, sys
(plain,), (live,), (local,) = ([json.loads(l)["quality"] for l in open(path) if l.startswith('{"quality"')] for path in sys.argv[1:])
assert "live" not in plain and "kept" not in plain and plain["arithmetic"] in ("f32", "bf16"), plain
assert "live" in live and live["arithmetic"] == "f32", live
assert live["keep"] == 0.7 and set(live["kept"]) == {"precision", "modes", "tv", "rmse"}, live
assert "neighbours" not in live and local["keep"] == 0.5 and local["neighbours"] == 16 and local["power"] == 0.5, local
PY

# bench --time-to-quality: a line per measurement and seed, then the table (tiny networks: never clean);
# --quality sets the samples a measurement scores (1024 when not given).
"$bin" bench --time-to-quality --feature-maps 4 --latent-size 8 --steps 4 --quality-every 2 --seeds 3 4 --quality 64 --threads 1 >"$work/ttq.txt"
grep -q "(64 fixed samples in " "$work/ttq.txt" || { echo "bench --time-to-quality --quality 64: not in its header"; cat "$work/ttq.txt"; exit 1; }
[ "$(grep -c '  step ' "$work/ttq.txt")" -eq 4 ] || { echo "bench --time-to-quality: expected 4 measurement lines"; cat "$work/ttq.txt"; exit 1; }
grep -q "(trained G: precision" "$work/ttq.txt" || { echo "bench --time-to-quality: the default recipe's trained G is not scored"; exit 1; }
grep -q "clean in 0 of 2 runs" "$work/ttq.txt" || { echo "bench --time-to-quality: no summary"; cat "$work/ttq.txt"; exit 1; }
"$bin" bench --time-to-quality --recipe seed --feature-maps 4 --latent-size 8 --steps 2 --quality-every 2 --threads 1 >"$work/ttq-seed.txt"
! grep -q "trained G" "$work/ttq-seed.txt" || { echo "bench --time-to-quality --recipe seed: the seed recipe has no average"; exit 1; }
grep -q "(1024 fixed samples in " "$work/ttq-seed.txt" || { echo "bench --time-to-quality: 1024 samples is not the default"; cat "$work/ttq-seed.txt"; exit 1; }
# Each line is written as it comes: killed at once (no exit to flush a buffer), a long run has
# already written its header (a buffered stdout would have lost it with the process).
"$bin" bench --time-to-quality --feature-maps 4 --latent-size 8 --steps 1000000 --quality-every 1000 --threads 1 >"$work/ttq-killed.txt" &
pid=$!
sleep 8
kill -KILL "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true
grep -q "^time to quality: recipe tuned" "$work/ttq-killed.txt" || { echo "bench --time-to-quality: its lines are buffered"; cat "$work/ttq-killed.txt"; exit 1; }
for args in "--quality 0" "--quality=-5" "--json" "--precision bf16"; do
  refused bench --time-to-quality --steps 2 $args
done
