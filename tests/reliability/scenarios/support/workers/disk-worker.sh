#!/bin/sh
# A worker double for disk trouble (scenario 13), in plain sh as the worker prompt allows. It marks
# the first item, asks one question, then marks the `step-NN` items in place one at a time (same
# length: the bytes fit the pages they had), touches ipc/.done and exits 0. Every write is retried
# until the disk takes it, as a careful worker does: while the disk is full or read-only it waits.
plan=$DISPATCH_PLAN
ipc=$DISPATCH_IPC_DIR
pace=${DISK_WORKER_PACE:-0.15}

say() { echo "disk-worker: $*" 2>/dev/null; }

# retry CMD...: runs CMD until it succeeds (2 minutes at most).
retry() {
  n=0
  until "$@" 2>/dev/null; do
    n=$((n + 1))
    [ $((n % 20)) -eq 1 ] && say "write failed ($n), retrying"
    [ "$n" -gt 1200 ] && { say "the disk refused writes for 2 minutes, giving up"; exit 1; }
    sleep 0.1
  done
}

# put PATH TEXT: whole file, temp then rename.
put() { printf '%s\n' "$2" > "$1.disk-worker.tmp" && mv -f "$1.disk-worker.tmp" "$1"; }
# overwrite TEXT: plan.md rewritten in place (truncate, then the bytes).
overwrite() { printf '%s\n' "$1" > "$plan"; }

retry put "$plan" "$(sed 's/^- \[ \] scan$/- [x] scan — done/' "$plan")"
retry put "$ipc/001.question" "Which auth should I focus on?"
# Never waits for ever (a test that failed half-way must not leave it behind): 2 minutes at most.
waited=0
until [ -f "$ipc/001.answer" ]; do
  sleep 0.1
  waited=$((waited + 1))
  [ "$waited" -gt 1200 ] && { say "no answer in 2 minutes, giving up"; exit 1; }
done
retry put "$ipc/001.done" ""
say "answer: $(cat "$ipc/001.answer")"
i=1
while :; do
  item=$(printf 'step-%02d' "$i")
  grep -q "^- \[ \] $item\$" "$plan" || break
  retry overwrite "$(sed "s/^- \[ \] $item\$/- [x] $item/" "$plan")"
  sleep "$pace"
  i=$((i + 1))
done
retry touch "$ipc/.done"
say "all items done"
