#!/usr/bin/env bash
# The interactive trainer, driven as a person would in tmux at 100×35 and at 80×24: the quality
# chart, first samples, space pauses (PAUSED, the step counter stops), s writes a checkpoint, + changes the rate shown,
# resizes (including below the minimum) survive, q asks to save and y saves and quits with exit 0,
# and the terminal is restored. Also: piped stdout is refused with a hint to use --headless.
set -euo pipefail
bin=$1
work=$(mktemp -d)
socket="dcgan-e2e-$$"
tm() { tmux -L "$socket" "$@"; }
cleanup() { tm kill-server 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

screen() { tm capture-pane -p -t e2e; }
# wait_for PATTERN [SECONDS]: until the screen matches the extended regex.
wait_for() {
  local pattern=$1 limit=${2:-60} i
  for ((i = 0; i < limit * 5; i++)); do
    screen | grep -Eq "$pattern" && return 0
    sleep 0.2
  done
  echo "timed out waiting for /$pattern/; screen:"; screen; return 1
}
step_counter() { screen | grep -Eo 'step [0-9,]+/' | sed -n 1p | tr -dc 0-9; }

for size in 100x35 80x24; do
  width=${size%x*}; height=${size#*x}
  run="$work/run-$size"
  rm -f "$work/exit"
  tm new-session -d -s e2e -x "$width" -y "$height" \
    "TERM=xterm-256color LANG=C.UTF-8 '$bin' train --latent-size 16 --feature-maps 8 --threads 1 --preview-every 2 --run-dir '$run'; echo \$? >'$work/exit'; sleep 600"
  wait_for 'RUNNING' 30
  wait_for '─ Quality ─' 30                      # the quality chart, under the two others
  wait_for 'Samples ─ step [1-9]' 120            # the first refreshed preview
  tm send-keys -t e2e ' '
  wait_for 'PAUSED' 30
  paused_at=$(step_counter); sleep 3
  [ "$(step_counter)" = "$paused_at" ] || { echo "$size: the step counter moved while paused"; screen; exit 1; }
  tm send-keys -t e2e 's'
  for i in $(seq 1 100); do ls "$run"/step-*.safetensors >/dev/null 2>&1 && break; sleep 0.2; done
  ls "$run"/step-*.safetensors >/dev/null 2>&1 || { echo "$size: s wrote no checkpoint"; screen; exit 1; }
  wait_for 'checkpoint saved|saved to' 20
  tm send-keys -t e2e '+'
  wait_for 'G 5\.00e-04' 20                    # the tuned recipe's 4e-4 × 1.25
  tm resize-window -t e2e -x 120 -y 40; wait_for 'DCGAN smiles' 10
  tm resize-window -t e2e -x 40 -y 10; wait_for 'too small' 10
  tm resize-window -t e2e -x "$width" -y "$height"; wait_for 'DCGAN smiles' 10
  tm send-keys -t e2e ' '                          # resume, so there are unsaved steps
  wait_for 'RUNNING' 20
  start=$(step_counter)
  for i in $(seq 1 300); do [ "$(step_counter)" -gt "$start" ] && break; sleep 0.2; done
  tm send-keys -t e2e 'q'
  wait_for 'Save checkpoint before quitting' 20
  tm send-keys -t e2e 'y'
  for i in $(seq 1 150); do [ -s "$work/exit" ] && break; sleep 0.2; done
  [ "$(cat "$work/exit" 2>/dev/null)" = "0" ] || { echo "$size: exit code '$(cat "$work/exit" 2>/dev/null)'"; screen; exit 1; }
  [ "$(tm display-message -p -t e2e '#{alternate_on}')" = "0" ] || { echo "$size: still on the alternate screen"; exit 1; }
  screen | grep -q 'DCGAN smiles' && { echo "$size: the dashboard is still on screen after exit"; screen; exit 1; }
  [ "$(ls "$run"/step-*.safetensors | wc -l)" -ge 2 ] || { echo "$size: quitting with y did not save"; exit 1; }
  tm kill-session -t e2e
done

# Not a terminal: refused at once with a hint.
set +e; "$bin" train --run-dir "$work/piped" </dev/null 2>"$work/err" | cat >/dev/null; rc=${PIPESTATUS[0]}; set -e
[ "$rc" -eq 2 ] && grep -q -- "--headless" "$work/err" || { echo "piped stdout: rc $rc"; cat "$work/err"; exit 1; }
