#!/usr/bin/env bash
# Checkpoints through the real binary: resume equals an uninterrupted run, a killed writer always
# leaves a loadable file, bad files are refused in one line without touching any output, and
# sample / dataset / inspect produce what they say.
set -euo pipefail
bin=$1
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
small=(--latent-size 8 --feature-maps 8 --batch-size 16 --threads 1 --seed 4)

# 1. Resume: 12 steps straight vs 6 + resume + 6, compared bit for bit (same seed, one thread).
"$bin" train --headless "${small[@]}" --iterations 12 --run-dir "$work/straight" | sed -n 1,12p | cut -d, -f2-4 >"$work/straight.txt"
"$bin" train --headless "${small[@]}" --iterations 6 --run-dir "$work/first" >/dev/null
"$bin" train --headless --resume "$work/first/last.safetensors" --iterations 12 --threads 1 --run-dir "$work/second" >"$work/second.jsonl"
sed -n 1,6p "$work/second.jsonl" | cut -d, -f2-4 >"$work/resumed.txt"
tail -6 "$work/straight.txt" | cmp -s - "$work/resumed.txt" || {
  echo "resumed losses differ from the uninterrupted run:"; diff <(tail -6 "$work/straight.txt") "$work/resumed.txt"; exit 1; }
# The training time travels with the checkpoint: the resumed run's is the first's plus its own
# steps' (its summary's seconds), to inspect's millisecond.
seconds() { "$bin" inspect "$1" | sed -n 's/^training time: *\([0-9.]*\) s .*/\1/p'; }
t_first=$(seconds "$work/first/last.safetensors"); t_second=$(seconds "$work/second/last.safetensors")
t_session=$(sed -n 's/^{"summary".*"seconds":\([0-9.e+-]*\),.*/\1/p' "$work/second.jsonl")
awk -v a="$t_first" -v b="$t_second" -v s="$t_session" 'BEGIN { d = b - a - s; exit !(a > 0 && s > 0 && d < 0.002 && d > -0.002) }' || {
  echo "training time not carried across the resume: '$t_first' s, then '$t_second' s after '$t_session' s more"; exit 1; }
# So does the quality record: inspect shows the run's best and first clean measurement, and how
# they were measured; a resumed run's checkpoints carry it on.
"$bin" train --headless "${small[@]}" --iterations 4 --quality-every 2 --quality-samples 16 --quality-arithmetic f32 --run-dir "$work/measured" >/dev/null
"$bin" train --headless --resume "$work/measured/last.safetensors" --iterations 6 --quality-every 2 --quality-samples 16 --quality-arithmetic f32 \
  --threads 1 --run-dir "$work/measured-on" >/dev/null
for f in "$work/measured/last.safetensors" "$work/measured-on/last.safetensors"; do
  "$bin" inspect "$f" | grep -Eq '^best quality:  step [246] \([0-9.]+ s\): precision [0-9.]+, modes [0-9]+/16, TV [0-9.]+$' \
    && "$bin" inspect "$f" | grep -q '^first clean:   none (measured on 16 samples, f32, moving average, Jacobian truncation keeping 0.50 ' || {
    echo "no quality record in $f:"; "$bin" inspect "$f"; exit 1; }
done
# Resuming with a learning-rate decay for the steps left is the run that had it from the start.
decay=(--lr-decay-start 6 --lr-decay-steps 4 --lr-floor 0.25)
"$bin" train --headless "${small[@]}" "${decay[@]}" --iterations 12 --run-dir "$work/decayed" | sed -n 7,12p | cut -d, -f2-4,7-8 >"$work/decayed.txt"
"$bin" train --headless --resume "$work/first/last.safetensors" "${decay[@]}" --iterations 12 --threads 1 --run-dir "$work/redecayed" \
  | sed -n 1,6p | cut -d, -f2-4,7-8 >"$work/redecayed.txt"
cmp -s "$work/decayed.txt" "$work/redecayed.txt" && ! cmp -s "$work/decayed.txt" <(tail -6 "$work/straight.txt") || {
  echo "resumed with a decay differs from the run with it:"; diff "$work/decayed.txt" "$work/redecayed.txt"; exit 1; }
grep -q '"lr_g":0.0001,' "$work/redecayed.txt" || { echo "the decay did not reach its floor:"; cat "$work/redecayed.txt"; exit 1; }
# R1 may change for the steps left, or go; --r1-every is refused where the run has no R1 left.
"$bin" train --headless --resume "$work/first/last.safetensors" --r1 2 --r1-every 2 --iterations 7 --threads 1 --run-dir "$work/r1" >/dev/null
"$bin" inspect "$work/r1/last.safetensors" | grep -q 'R1 penalty γ 2.0, 10.0 after step 1000, 30.0 after step 1500 (lazy: ×2 every 2 steps)' || { echo "R1 not in the resumed run's config:"; "$bin" inspect "$work/r1/last.safetensors"; exit 1; }
"$bin" train --headless --resume "$work/first/last.safetensors" --r1-late 10 --r1-late-start 9 --iterations 7 --threads 1 --run-dir "$work/r1-late" >/dev/null
"$bin" inspect "$work/r1-late/last.safetensors" | grep -q 'R1 penalty γ 3.0, 10.0 after step 9, 30.0 after step 1500 (lazy: ×4 every 4 steps)' || { echo "late R1 not in the resumed run's config:"; "$bin" inspect "$work/r1-late/last.safetensors"; exit 1; }
"$bin" train --headless --resume "$work/r1-late/last.safetensors" --r1-later 30 --r1-later-start 12 --iterations 8 --threads 1 --run-dir "$work/r1-later" >/dev/null
"$bin" inspect "$work/r1-later/last.safetensors" | grep -q 'R1 penalty γ 3.0, 10.0 after step 9, 30.0 after step 12 (lazy' || { echo "second late R1 not in the resumed run's config:"; "$bin" inspect "$work/r1-later/last.safetensors"; exit 1; }
# the start alone moves the checkpoint's second stage
"$bin" train --headless --resume "$work/r1-later/last.safetensors" --r1-later-start 14 --iterations 9 --threads 1 --run-dir "$work/r1-later-moved" >/dev/null
"$bin" inspect "$work/r1-later-moved/last.safetensors" | grep -q '10.0 after step 9, 30.0 after step 14 (lazy' || { echo "the moved second stage is not in the resumed run's config:"; "$bin" inspect "$work/r1-later-moved/last.safetensors"; exit 1; }
set +e; "$bin" train --headless --resume "$work/r1-later/last.safetensors" --r1-later 30 --r1-later-start 5 2>"$work/err" >/dev/null; rc=$?; set -e
grep -q -- "--r1-later-start (5) must come after --r1-late-start (9)" "$work/err" || { echo "resume with --r1-later-start before --r1-late-start: rc $rc"; cat "$work/err"; exit 1; }
"$bin" train --headless --resume "$work/r1/last.safetensors" --r1 0 --iterations 8 --threads 1 --run-dir "$work/no-r1" >/dev/null
! "$bin" inspect "$work/no-r1/last.safetensors" | grep -q 'R1' || { echo "R1 still in the config:"; "$bin" inspect "$work/no-r1/last.safetensors"; exit 1; }
set +e; "$bin" train --headless --resume "$work/no-r1/last.safetensors" --r1-every 2 2>"$work/err" >/dev/null; rc=$?; set -e
[ "$rc" -eq 1 ] && grep -q -- "--r1-every needs --r1 (the checkpoint's run has none)" "$work/err" || { echo "resume with --r1-every alone: rc $rc"; cat "$work/err"; exit 1; }
# New rates for the steps left.
"$bin" train --headless --resume "$work/first/last.safetensors" --lr-d 1e-4 --iterations 7 --threads 1 --run-dir "$work/rates" \
  | sed -n 1p | grep -q '"lr_g":0.0004,"lr_d":0.0001,' || { echo "the resumed run did not take --lr-d"; exit 1; }
# The moving average samples and never trains: it may change for the steps left, G's steps do not.
"$bin" train --headless --resume "$work/first/last.safetensors" --ema 0.999 --ema-statistics recomputed --iterations 12 \
  --threads 1 --run-dir "$work/ema" | sed -n 1,6p | cut -d, -f2-4 >"$work/ema.txt"
cmp -s "$work/ema.txt" "$work/resumed.txt" || { echo "a new average changed training:"; diff "$work/ema.txt" "$work/resumed.txt"; exit 1; }
"$bin" train --headless --resume "$work/first/last.safetensors" --ema-late 0.999 --ema-late-start 3 --iterations 7 --threads 1 --run-dir "$work/late" >/dev/null
"$bin" inspect "$work/late/last.safetensors" | grep -q 'moving average of G (decay 0.995, 0.999 after step 3) samples' \
  || { echo "the late decay is not in the resumed run's config:"; "$bin" inspect "$work/late/last.safetensors"; exit 1; }
"$bin" inspect "$work/ema/last.safetensors" | grep -q 'moving average of G (decay 0.999) with recomputed BatchNorm statistics samples' \
  || { echo "the new average is not in the resumed run's config:"; "$bin" inspect "$work/ema/last.safetensors"; exit 1; }
"$bin" train --headless --resume "$work/ema/last.safetensors" --ema 0 --iterations 13 --threads 1 --run-dir "$work/no-ema" >/dev/null
! "$bin" inspect "$work/no-ema/last.safetensors" | grep -q 'moving average' || { echo "the average is still in the config:"; "$bin" inspect "$work/no-ema/last.safetensors"; exit 1; }
# Changing the recipe while resuming is refused.
set +e; "$bin" train --headless --resume "$work/first/last.safetensors" --feature-maps 16 2>"$work/err" >/dev/null; rc=$?; set -e
[ "$rc" -eq 2 ] && grep -q "cannot change when resuming" "$work/err" || { echo "resume with --feature-maps: rc $rc"; cat "$work/err"; exit 1; }
for change in "--lookahead 5|lookahead" "--real-label 1|real-label" "--top-k 0.5|top-k" "--beta1 0|beta1"; do
  flags=${change%|*}; name=${change#*|}
  set +e; "$bin" train --headless --resume "$work/first/last.safetensors" $flags 2>"$work/err" >/dev/null; rc=$?; set -e
  [ "$rc" -eq 2 ] && grep -q -- "--$name.*cannot change when resuming" "$work/err" || { echo "resume with $flags: rc $rc"; cat "$work/err"; exit 1; }
done

# 2. A writer killed at random moments leaves either the old or the new checkpoint, never a broken one.
for i in $(seq 1 20); do
  "$bin" train --headless "${small[@]}" --iterations 100000 --save-every 1 --run-dir "$work/kill" >/dev/null 2>&1 &
  pid=$!
  sleep "0.$((RANDOM % 9 + 1))$((RANDOM % 10))"
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  if [ -e "$work/kill/last.safetensors" ]; then
    "$bin" inspect "$work/kill/last.safetensors" >/dev/null || { echo "kill $i left a broken checkpoint"; exit 1; }
  fi
done
[ -e "$work/kill/last.safetensors" ] || { echo "no checkpoint was ever written in 20 runs"; exit 1; }
ls -a "$work/kill" | grep -q "\.tmp-" && echo "(temporary files of killed writers remain, as expected; never read)"

# 3. Bad files: one line naming the file, exit code != 0, the output left alone.
good="$work/first/last.safetensors"
head -c 3000 "$good" >"$work/truncated.safetensors"
printf 'PK\003\004 not a safetensors file at all' >"$work/zip.safetensors"
python3 - "$good" "$work" <<'PY'
import json, struct, sys
data = open(sys.argv[1], "rb").read()
n = struct.unpack("<Q", data[:8])[0]
header, body = json.loads(data[8:8 + n]), data[8 + n:]
def write(name, h, b=body, length=None):
    raw = json.dumps(h).encode(); raw += b" " * (-len(raw) % 8)
    open(f"{sys.argv[2]}/{name}.safetensors", "wb").write(struct.pack("<Q", length or len(raw)) + raw + b)
write("length-beyond", header, length=len(data) * 4)
h = json.loads(json.dumps(header)); first = h["generator.net.0.weight"]; second = h["generator.net.3.weight"]
second["data_offsets"] = [first["data_offsets"][0], first["data_offsets"][0] + (second["data_offsets"][1] - second["data_offsets"][0])]
write("overlap", h)
h = json.loads(json.dumps(header)); h["generator.net.0.weight"]["dtype"] = "F16"; write("dtype", h)
h = json.loads(json.dumps(header)); e = h["discriminator.net.2.weight"]; e["shape"] = [e["shape"][1], e["shape"][0], 4, 4]; write("shape", h)
h = json.loads(json.dumps(header)); del h["discriminator.net.5.weight"]; write("missing", h)
PY
echo "keep me" >"$work/out.png"
for bad in truncated zip length-beyond overlap dtype shape missing; do
  for command in "sample --checkpoint $work/$bad.safetensors --out $work/out.png" "inspect $work/$bad.safetensors" \
                 "train --headless --resume $work/$bad.safetensors --run-dir $work/bad-run"; do
    set +e; "$bin" $command >"$work/stdout" 2>"$work/err"; rc=$?; set -e
    [ "$rc" -ne 0 ] || { echo "$command: exit 0"; exit 1; }
    [ "$(wc -l <"$work/err")" -eq 1 ] && grep -q "$work/$bad.safetensors" "$work/err" || {
      echo "$command: error is not one line naming the file:"; cat "$work/err"; exit 1; }
  done
done
[ "$(cat "$work/out.png")" = "keep me" ] || { echo "a failed sample overwrote its output"; exit 1; }
[ ! -e "$work/bad-run/last.safetensors" ] || { echo "a failed resume wrote a checkpoint"; exit 1; }

# 4. sample, dataset and inspect do what they say.
"$bin" sample --checkpoint "$good" --count 10 --out "$work/grid.png" >/dev/null
"$bin" sample --checkpoint "$good" --count 3 --out "$work/faces" >/dev/null
"$bin" sample --checkpoint "$good" --count 5 --out "$work/raw.safetensors" >/dev/null
"$bin" dataset --out "$work/data" --count 20 >/dev/null
python3 - "$work" <<'PY'
import json, struct, sys, os
w = sys.argv[1]
def png_size(path):
    d = open(path, "rb").read(24); assert d[:8] == b"\x89PNG\r\n\x1a\n", path
    return struct.unpack(">II", d[16:24])
assert png_size(f"{w}/grid.png") == (8 * 66 + 2, 2 * 66 + 2), png_size(f"{w}/grid.png")
assert sorted(os.listdir(f"{w}/faces")) == ["sample-0000.png", "sample-0001.png", "sample-0002.png"]
assert png_size(f"{w}/faces/sample-0000.png") == (64, 64)
assert len(os.listdir(f"{w}/data")) == 20 and png_size(f"{w}/data/smiley-0000.png") == (64, 64)
raw = open(f"{w}/raw.safetensors", "rb").read(); n = struct.unpack("<Q", raw[:8])[0]
h = json.loads(raw[8:8 + n]); assert h["images"]["shape"] == [5, 3, 64, 64] and h["images"]["dtype"] == "F32", h
PY
# The same noise file gives the same images; eval and batch statistics differ.
python3 - "$work/z.safetensors" <<'PY'
import json, struct, sys, random
random.seed(0); vals = [random.gauss(0, 1) for _ in range(2 * 8)]
h = {"z": {"dtype": "F32", "shape": [2, 8, 1, 1], "data_offsets": [0, 4 * len(vals)]}}
raw = json.dumps(h).encode(); raw += b" " * (-len(raw) % 8)
open(sys.argv[1], "wb").write(struct.pack("<Q", len(raw)) + raw + struct.pack(f"<{len(vals)}f", *vals))
PY
"$bin" sample --checkpoint "$good" --noise "$work/z.safetensors" --out "$work/a.safetensors" >/dev/null
"$bin" sample --checkpoint "$good" --noise "$work/z.safetensors" --out "$work/b.safetensors" >/dev/null
"$bin" sample --checkpoint "$good" --noise "$work/z.safetensors" --batch-stats --out "$work/c.safetensors" >/dev/null
cmp -s "$work/a.safetensors" "$work/b.safetensors" || { echo "same noise, different images"; exit 1; }
set +e; "$bin" sample --checkpoint "$good" --noise "$work/z.safetensors" --count 3 --out "$work/d.png" 2>/dev/null; rc=$?; set -e
[ "$rc" -eq 1 ] || { echo "--count disagreeing with the noise file: rc $rc"; exit 1; }
"$bin" inspect "$good" | grep -q "integrity:     ok" || { echo "inspect did not report integrity ok"; exit 1; }

# eval scores a checkpoint; --recompute-statistics replaces only the eval-mode statistics.
"$bin" eval --checkpoint "$good" --samples 32 --json --jacobian-truncation 1 >"$work/eval.json"
"$bin" eval --checkpoint "$good" --samples 32 --json --recompute-statistics >"$work/eval-recomputed.json"
# bf16 where oneDNN has its kernels; elsewhere (an AVX2 CPU) a clear refusal, exit 1.
set +e; "$bin" eval --checkpoint "$good" --samples 32 --json --arithmetic bf16 >"$work/eval-bf16.json" 2>"$work/err"; rc=$?; set -e
if [ "$rc" -ne 0 ]; then
  [ "$rc" -eq 1 ] && grep -q "^dcgan-smiles: --arithmetic bf16: bfloat16 arithmetic is not available on this CPU" "$work/err" \
    || { echo "eval --arithmetic bf16: rc $rc"; cat "$work/err"; exit 1; }
  rm "$work/eval-bf16.json"
  echo "(bf16: not available on this CPU, refused clearly)"
fi
python3 - "$work/eval.json" "$work/eval-recomputed.json" "$work/eval-bf16.json" <<'PY'
import json, os, sys
kept, recomputed = (json.load(open(path)) for path in sys.argv[1:3])
assert kept["arithmetic"] == "f32", kept
if os.path.exists(sys.argv[3]):
    bf16 = json.load(open(sys.argv[3]))
    assert bf16["arithmetic"] == "bf16", bf16
    for mode in ("eval", "train"):
        assert abs(kept[mode]["rmse"] - bf16[mode]["rmse"]) < 0.005, (mode, kept[mode], bf16[mode])
assert kept["statistics"] == "checkpoint" and recomputed["statistics"] == "recomputed", (kept, recomputed)
assert kept["train"] == recomputed["train"], "the batch-statistics score uses the same noise either way"
assert kept["eval"]["rmse"] != recomputed["eval"]["rmse"], (kept["eval"], recomputed["eval"])
for mode in ("eval", "train"):  # the TV chance alone gives as many good faces: 1 for none
    good = round(kept[mode]["precision"] * kept["samples"])
    assert (kept[mode]["tv_chance"] == 1) if good == 0 else (0 < kept[mode]["tv_chance"] < 1), kept[mode]
PY
"$bin" sample --checkpoint "$good" --noise "$work/z.safetensors" --recompute-statistics --out "$work/r.safetensors" >/dev/null
! cmp -s "$work/a.safetensors" "$work/r.safetensors" || { echo "sample --recompute-statistics: the checkpoint's statistics were used"; exit 1; }
set +e; "$bin" sample --checkpoint "$good" --recompute-statistics --batch-stats --out "$work/e.png" 2>"$work/err"; rc=$?; set -e
[ "$rc" -eq 2 ] && [ ! -e "$work/e.png" ] || { echo "sample --recompute-statistics --batch-stats: rc $rc"; cat "$work/err"; exit 1; }

# Jacobian truncation: sample keeps --count of twice as many candidates (the plain sample's latents
# of the same seed), in their order; eval adds the kept faces' score beside the plain ones.
"$bin" sample --checkpoint "$good" --count 12 --jacobian-truncation 1 --out "$work/plain12.safetensors" >/dev/null
"$bin" sample --checkpoint "$good" --count 6 --jacobian-truncation 0.5 --out "$work/kept6.safetensors" >/dev/null
"$bin" eval --checkpoint "$good" --samples 32 --json --jacobian-truncation 0.5 >"$work/eval-kept.json"
# … and judged against the 4 nearest candidates (the local criterion): other faces of the same candidates.
"$bin" sample --checkpoint "$good" --count 6 --jacobian-truncation 0.5 --jacobian-truncation-neighbours 4 \
  --jacobian-truncation-power 0.5 --out "$work/local6.safetensors" >/dev/null
"$bin" eval --checkpoint "$good" --samples 32 --json --jacobian-truncation 0.5 --jacobian-truncation-neighbours 4 >"$work/eval-local.json"
# … ranked by density (the 2nd nearest) and shared among the training data's 16 clusters: faces of the
# same candidates, and the file and the JSON say how they were kept.
"$bin" sample --checkpoint "$good" --count 6 --jacobian-truncation 0.5 --jacobian-truncation-density 2 \
  --jacobian-truncation-clusters 16 --out "$work/shared6.safetensors" | grep -q "by density (distance to their 2nd nearest), shared among 16 clusters"
"$bin" eval --checkpoint "$good" --samples 32 --json --jacobian-truncation 0.5 --jacobian-truncation-density 2 \
  --jacobian-truncation-clusters 16 >"$work/eval-shared.json"
python3 - "$work/plain12.safetensors" "$work/kept6.safetensors" "$work/eval.json" "$work/eval-kept.json" \
  "$work/local6.safetensors" "$work/eval-local.json" "$work/shared6.safetensors" "$work/eval-shared.json" <<'PY'
import json, struct, sys
def read(path):
    raw = open(path, "rb").read(); n = struct.unpack("<Q", raw[:8])[0]; h = json.loads(raw[8:8 + n])
    shape = h["images"]["shape"]; size = 3 * 64 * 64
    values = struct.unpack(f"<{shape[0] * size}f", raw[8 + n:8 + n + 4 * shape[0] * size])
    return h, [values[i * size:(i + 1) * size] for i in range(shape[0])]
(_, plain), (header, kept) = read(sys.argv[1]), read(sys.argv[2])
assert len(kept) == 6 and header["__metadata__"]["jacobian_truncation"] == "0.5", header
where = [min(range(12), key=lambda j: max(abs(a - b) for a, b in zip(k, plain[j]))) for k in kept]
assert all(max(abs(a - b) for a, b in zip(k, plain[j])) < 1e-5 for k, j in zip(kept, where)), "a kept face is none of the candidates"
assert where == sorted(set(where)), where
plain_eval, truncated = (json.load(open(path)) for path in sys.argv[3:5])
assert "kept" not in plain_eval and truncated["keep"] == 0.5 and set(truncated["kept"]) == {"precision", "modes", "tv", "tv_chance", "rmse"}, truncated
assert truncated["eval"] == plain_eval["eval"] and truncated["train"] == plain_eval["train"], (plain_eval, truncated)
assert "neighbours" not in truncated, truncated
header, local = read(sys.argv[5])
meta = header["__metadata__"]
assert len(local) == 6 and meta["jacobian_truncation_neighbours"] == "4" and meta["jacobian_truncation_power"] == "0.5", meta
assert all(any(max(abs(a - b) for a, b in zip(k, p)) < 1e-5 for p in plain) for k in local), "a locally kept face is none of the candidates"
local_eval = json.load(open(sys.argv[6]))
assert local_eval["neighbours"] == 4 and local_eval["power"] == 1 and local_eval["eval"] == plain_eval["eval"], local_eval
header, shared = read(sys.argv[7])
meta = header["__metadata__"]
assert len(shared) == 6 and meta["jacobian_truncation_density"] == "2" and meta["jacobian_truncation_clusters"] == "16", meta
assert "jacobian_truncation_neighbours" not in meta, meta
assert all(any(max(abs(a - b) for a, b in zip(k, p)) < 1e-5 for p in plain) for k in shared), "a densely kept face is none of the candidates"
shared_eval = json.load(open(sys.argv[8]))
assert shared_eval["density"] == 2 and shared_eval["clusters"] == 16 and "neighbours" not in shared_eval, shared_eval
assert shared_eval["eval"] == plain_eval["eval"] and "kept" in shared_eval, shared_eval
PY
for args in "--jacobian-truncation 0" "--jacobian-truncation 1.5" "--jacobian-truncation nan" \
            "--jacobian-truncation 0.5 --noise $work/z.safetensors" "--jacobian-truncation 1 --jacobian-truncation-neighbours 4" \
            "--jacobian-truncation 0.5 --jacobian-truncation-neighbours=-1" "--jacobian-truncation 0.5 --jacobian-truncation-power=-1" \
            "--jacobian-truncation 0.5 --jacobian-truncation-power 0.5" \
            "--jacobian-truncation 0.5 --jacobian-truncation-density 2 --jacobian-truncation-neighbours 4" \
            "--jacobian-truncation 1 --jacobian-truncation-clusters 16" "--jacobian-truncation 0.5 --jacobian-truncation-density=-1" \
            "--jacobian-truncation 0.5 --jacobian-truncation-clusters=-1"; do
  set +e; "$bin" sample --checkpoint "$good" $args --out "$work/f.png" 2>"$work/err"; rc=$?; set -e
  [ "$rc" -eq 2 ] && [ ! -e "$work/f.png" ] || { echo "sample $args: rc $rc"; cat "$work/err"; exit 1; }
done

# How a run samples travels with its checkpoint: sample and eval default to it, the flags override it,
# and a resumed run may change it (training never reads it).
"$bin" train --headless --resume "$good" --iterations 7 --threads 1 --jacobian-truncation 0.5 --jacobian-truncation-neighbours 4 \
  --jacobian-truncation-power 0.5 --run-dir "$work/sampler" >/dev/null
"$bin" train --headless --resume "$good" --iterations 7 --threads 1 --jacobian-truncation 1 --run-dir "$work/plain-sampler" >/dev/null
sampler="$work/sampler/last.safetensors"; plain="$work/plain-sampler/last.safetensors"
"$bin" inspect "$sampler" | grep -q "Jacobian truncation keeping 0.50 of the candidates by steepness against their 4 nearest (power 0.5)" \
  || { echo "the sampler is not in the resumed run's config:"; "$bin" inspect "$sampler"; exit 1; }
! "$bin" inspect "$plain" | grep -q "Jacobian truncation" || { echo "truncation left in:"; "$bin" inspect "$plain"; exit 1; }
"$bin" eval --checkpoint "$sampler" --samples 32 --json >"$work/eval-default.json"
"$bin" eval --checkpoint "$sampler" --samples 32 --json --jacobian-truncation 0.5 --jacobian-truncation-neighbours 4 \
  --jacobian-truncation-power 0.5 >"$work/eval-explicit.json"
# The neighbours flags alone refine the checkpoint's: each keeps what the other does not give.
"$bin" eval --checkpoint "$sampler" --samples 32 --json --jacobian-truncation-neighbours 8 >"$work/eval-k8.json"
"$bin" eval --checkpoint "$sampler" --samples 32 --json --jacobian-truncation-power 2 >"$work/eval-p2.json"
"$bin" eval --checkpoint "$sampler" --samples 32 --json --jacobian-truncation 1 >"$work/eval-off.json"
"$bin" eval --checkpoint "$plain" --samples 32 --json >"$work/eval-plain.json"
cmp -s "$work/eval-default.json" "$work/eval-explicit.json" || { echo "eval does not sample as the checkpoint's run:"; cat "$work/eval-default.json" "$work/eval-explicit.json"; exit 1; }
python3 - "$work/eval-default.json" "$work/eval-off.json" "$work/eval-plain.json" "$work/eval-k8.json" "$work/eval-p2.json" <<'PY'
import json, sys
default, off, plain, k8, p2 = (json.load(open(path)) for path in sys.argv[1:])
assert default["keep"] == 0.5 and default["neighbours"] == 4 and default["power"] == 0.5 and "kept" in default, default
assert (k8["keep"], k8["neighbours"], k8["power"]) == (0.5, 8, 0.5), k8
assert (p2["keep"], p2["neighbours"], p2["power"]) == (0.5, 4, 2), p2
assert "kept" not in off and "kept" not in plain, (off, plain)
assert off["eval"] == default["eval"], (off, default)
PY
"$bin" sample --checkpoint "$sampler" --count 4 --out "$work/default4.safetensors" | grep -q "Jacobian truncation keeping 0.50" \
  || { echo "sample does not say how it sampled"; exit 1; }
"$bin" sample --checkpoint "$sampler" --noise "$work/z.safetensors" --out "$work/given.safetensors" >/dev/null # given latents: drawn as they are
set +e; "$bin" sample --checkpoint "$plain" --jacobian-truncation-neighbours 4 --out "$work/g.png" 2>"$work/err"; rc=$?; set -e
[ "$rc" -eq 2 ] && [ ! -e "$work/g.png" ] && grep -q "the checkpoint's run samples without truncation" "$work/err" \
  || { echo "neighbours on a plainly sampling checkpoint: rc $rc"; cat "$work/err"; exit 1; }
set +e; "$bin" eval --checkpoint "$good" --jacobian-truncation-neighbours 0 --jacobian-truncation-power 0.5 >"$work/out" 2>"$work/err"; rc=$?; set -e
[ "$rc" -eq 2 ] && grep -q "power needs --jacobian-truncation-neighbours" "$work/err" || { echo "a power without neighbours: rc $rc"; cat "$work/err"; exit 1; }
# A share alone replaces the run's truncation by plain truncation, whose power cannot be changed.
"$bin" train --headless --resume "$good" --iterations 7 --threads 1 --jacobian-truncation 0.5 --run-dir "$work/plain-truncation" >/dev/null
"$bin" inspect "$work/plain-truncation/last.safetensors" | grep -q "Jacobian truncation keeping 0.50 of the candidates$" \
  || { echo "a share alone kept the run's neighbours:"; "$bin" inspect "$work/plain-truncation/last.safetensors"; exit 1; }
set +e; "$bin" eval --checkpoint "$work/plain-truncation/last.safetensors" --jacobian-truncation-power 0.5 >"$work/out" 2>"$work/err"; rc=$?; set -e
[ "$rc" -eq 2 ] && grep -q "power needs --jacobian-truncation-neighbours (the checkpoint's run judges plain steepness)" "$work/err" \
  || { echo "a power for plain truncation: rc $rc"; cat "$work/err"; exit 1; }
set +e; "$bin" eval --checkpoint "$plain" --jacobian-truncation-power 0.5 >"$work/out" 2>"$work/err"; rc=$?; set -e
[ "$rc" -eq 2 ] && grep -q "power needs --jacobian-truncation below 1 (the checkpoint's run samples without truncation)" "$work/err" \
  || { echo "a power for a plainly sampling checkpoint: rc $rc"; cat "$work/err"; exit 1; }
# A run that ranks by density at the data's shares: the flags alone refine it (density 0: by steepness,
# clusters 0: without shares), and steepness's neighbours are refused until density is turned off.
"$bin" train --headless --resume "$good" --iterations 7 --threads 1 --jacobian-truncation 0.5 --jacobian-truncation-density 4 \
  --jacobian-truncation-clusters 16 --run-dir "$work/dense" >/dev/null
dense="$work/dense/last.safetensors"
"$bin" inspect "$dense" | grep -q "keeping 0.50 of the candidates by density (distance to their 4th nearest), shared among 16 clusters" \
  || { echo "the dense sampler is not in the resumed run's config:"; "$bin" inspect "$dense"; exit 1; }
"$bin" eval --checkpoint "$dense" --samples 32 --json >"$work/eval-dense.json"
"$bin" eval --checkpoint "$dense" --samples 32 --json --jacobian-truncation-density 0 >"$work/eval-steep.json"
"$bin" eval --checkpoint "$dense" --samples 32 --json --jacobian-truncation-clusters 0 >"$work/eval-unshared.json"
"$bin" eval --checkpoint "$dense" --samples 32 --json --jacobian-truncation-density 0 --jacobian-truncation-neighbours 4 >"$work/eval-local4.json"
python3 - "$work/eval-dense.json" "$work/eval-steep.json" "$work/eval-unshared.json" "$work/eval-local4.json" <<'PY'
import json, sys
dense, steep, unshared, local = (json.load(open(path)) for path in sys.argv[1:])
assert (dense["keep"], dense["density"], dense["clusters"]) == (0.5, 4, 16) and "kept" in dense, dense
assert steep["clusters"] == 16 and "density" not in steep and "neighbours" not in steep, steep
assert unshared["density"] == 4 and "clusters" not in unshared, unshared
assert (local["neighbours"], local["power"], local["clusters"]) == (4, 1, 16) and "density" not in local, local
PY
set +e; "$bin" eval --checkpoint "$dense" --jacobian-truncation-neighbours 4 >"$work/out" 2>"$work/err"; rc=$?; set -e
[ "$rc" -eq 2 ] && grep -q "neighbours judges steepness; the checkpoint's run ranks by density (--jacobian-truncation-density 0 ranks by steepness)" "$work/err" \
  || { echo "neighbours over a run that ranks by density: rc $rc"; cat "$work/err"; exit 1; }
