#!/bin/sh
# dispatch-sim-worker — a TEST DOUBLE of an AI worker CLI, for demos and tests (the built-in `sim`
# model). It follows the worker contract with plain shell commands, as the reference worker
# prompt tells a real CLI to: work plan.md top to bottom, mark items, ask through ipc/ files
# (atomic temp + mv), wait for the answer, acknowledge it, give up after the answer timeout.
#
# Usage: dispatch-sim-worker.sh PROMPT   (the last argument; the plan path is read from
# $DISPATCH_PLAN). What it does per item is scripted in the item's text:
#   {ask: QUESTION}      ask QUESTION, wait for the answer, note it      {sleep: SECONDS}  take longer
#   {block: QUESTION}    mark [?] with QUESTION and stop                 {hang}            never finish
#   {fail: MESSAGE}      mark [!] with MESSAGE and exit 1                {crash: CODE}     exit CODE, item open
#   {fail-once: MESSAGE} like fail, but only the first time (a retry then succeeds)
#   {stop}               exit 0 leaving this and later items open
#   {write: PATH}        write the item's text (directives removed) to PATH, relative to the
#                        working directory (the workspace, or the task's worktree); a path leaving
#                        it (absolute, `..`, through a symlink) or into `.git` is an error ([!])
#   {commit} / {commit: MESSAGE}   `git add -A` and commit in the working directory (message: the
#                        item's text); nothing to commit, or no repository, is an error ([!])
# A {write} happens before a {commit} of the same item, both just before the item is marked done.
# Other items take $DISPATCH_SIM_STEP seconds (default 0.2) and are marked [x].
set -u

plan=${DISPATCH_PLAN:?DISPATCH_PLAN is not set}
ipc=${DISPATCH_IPC_DIR:?DISPATCH_IPC_DIR is not set}
task_dir=${DISPATCH_TASK_DIR:-$(dirname "$plan")}
timeout=${DISPATCH_ANSWER_TIMEOUT:-180}
step=${DISPATCH_SIM_STEP:-0.2}
state="$task_dir/.sim"
mkdir -p "$state"

say() { printf 'sim-worker: %s\n' "$*" >&2; }

# Rewrites item line $1 of plan.md as $2 (plus detail line $3), dropping the item's old indented
# detail lines (a blocker or error text); writes a temp file and renames it, as workers must.
set_line() {
  tmp="$plan.sim.$$.tmp"
  awk -v n="$1" -v text="$2" -v extra="${3:-}" '
    NR == n { print text; if (extra != "") print extra; skip = 1; next }
    skip && /^[ \t]+[^ \t]/ && !/^[ \t]*[-*+][ \t]/ { next }
    { skip = 0; print }
  ' "$plan" > "$tmp" && mv "$tmp" "$plan"
}

# The first open item ([ ] or [?] or [!]) as "LINE<TAB>TEXT", or nothing when all are done.
first_open() {
  awk '
    /^[ \t]*```/ { fence = !fence; next }
    !fence && /^[ \t]*[-*+][ \t]+\[[ ?!]\]/ {
      sub(/^[ \t]*[-*+][ \t]+\[[ ?!]\][ \t]*/, ""); printf "%d\t%s\n", NR, $0; exit
    }
  ' "$plan"
}

# Writes $2 to the relative path $1 below the working directory, or says why not and returns 1.
# The path is data from the plan: no absolute path, no `..` or `.git` component, no symlink on the
# way (checked before any folder is made), so a hostile step cannot write outside the tree.
write_file() {
  case "$1" in ''|/*) echo "{write: $1}: not a relative path"; return 1 ;; esac
  rest=$1 at=.
  while :; do
    part=${rest%%/*}
    case "$part" in ..|.git) echo "{write: $1}: '$part' is not allowed in the path"; return 1 ;; esac
    if [ -n "$part" ] && [ "$part" != . ]; then
      at="$at/$part"
      if [ -L "$at" ]; then echo "{write: $1}: $at is a symlink"; return 1; fi
    fi
    [ "$rest" = "$part" ] && break
    rest=${rest#*/}
  done
  if [ -d "$at" ]; then echo "{write: $1}: is a folder"; return 1; fi
  mkdir -p "$(dirname "$at")" && printf '%s\n' "$2" > "$at.sim.$$.tmp" && mv "$at.sim.$$.tmp" "$at" \
    || { echo "{write: $1}: could not write it"; return 1; }
}

# `git add -A` and a commit with message $1 in the working directory; says why not and returns 1.
commit_all() {
  who=''
  git config user.email >/dev/null 2>&1 || who='-c user.name=dispatch-sim -c user.email=sim@dispatch.invalid'
  out=$(git add -A 2>&1 && git $who commit -q -m "$1" 2>&1) \
    || { echo "{commit}: $(printf '%s' "$out" | grep . | tail -n 1)"; return 1; }
}

directive() { printf '%s' "$2" | sed -n "s/.*{$1: *\\([^}]*\\)}.*/\\1/p"; }
has_flag() { printf '%s' "$2" | grep -q "{$1}"; }

next_seq() {
  last=$(ls "$ipc" 2>/dev/null | sed -n 's/^\([0-9][0-9][0-9]*\)\.question$/\1/p' | sort -n | tail -1)
  # Leading zeros would make sh read 008 as (invalid) octal.
  last=$(printf '%s' "${last:-0}" | sed 's/^0*//')
  printf '%03d' $(( ${last:-0} + 1 ))
}

# Asks $1; prints the answer and returns 0, or returns 1 after the answer timeout.
ask() {
  seq=$(next_seq)
  printf '%s\n' "$1" > "$ipc/$seq.question.tmp" && mv "$ipc/$seq.question.tmp" "$ipc/$seq.question"
  say "asked question $seq: $1"
  waited=0
  while [ ! -f "$ipc/$seq.answer" ]; do
    if [ "$waited" -ge $(( timeout * 10 )) ]; then return 1; fi
    sleep 0.1; waited=$(( waited + 1 ))
  done
  : > "$ipc/$seq.done"
  cat "$ipc/$seq.answer"
}

# A late answer left for us by the dispatcher: an answered question nobody acknowledged.
late_answer() {
  for q in $(ls "$ipc" 2>/dev/null | sed -n 's/^\([0-9][0-9]*\)\.question$/\1/p' | sort -n); do
    if [ -f "$ipc/$q.answer" ] && [ ! -f "$ipc/$q.done" ]; then
      : > "$ipc/$q.done"; cat "$ipc/$q.answer"; return 0
    fi
  done
  return 1
}

say "working on $plan"
while :; do
  open=$(first_open)
  if [ -z "$open" ]; then
    : > "$ipc/.done"
    say "all items done"
    exit 0
  fi
  line=${open%%"	"*}
  text=${open#*"	"}
  clean=$(printf '%s' "$text" | sed 's/ *{[^}]*}//g')
  sleep "$(directive sleep "$text" | grep . || echo "$step")"

  if answer=$(late_answer); then
    set_line "$line" "- [x] $clean — answered: $(printf '%s' "$answer" | head -n 1)"
    continue
  fi
  if has_flag hang "$text"; then say "hanging"; while :; do sleep 3600; done; fi
  if has_flag stop "$text"; then say "stopping with open items"; exit 0; fi
  code=$(directive crash "$text"); if [ -n "$code" ]; then say "crashing with $code"; exit "$code"; fi
  msg=$(directive fail "$text")
  once=$(directive fail-once "$text")
  if [ -n "$once" ] && [ ! -f "$state/failed-$line" ]; then : > "$state/failed-$line"; msg=$once; fi
  if [ -n "$msg" ]; then
    set_line "$line" "- [!] $clean" "  Error: $msg"
    say "error: $msg"; exit 1
  fi
  question=$(directive block "$text")
  if [ -n "$question" ]; then
    set_line "$line" "- [?] $clean" "  > **Blocker:** $question"
    exit 0
  fi
  question=$(directive ask "$text")
  if [ -n "$question" ]; then
    if answer=$(ask "$question"); then
      set_line "$line" "- [x] $clean — answered: $(printf '%s' "$answer" | head -n 1)"
    else
      printf 'Working on: %s\nWaiting for an answer to: %s\n' "$clean" "$question" > "$task_dir/context.md"
      set_line "$line" "- [?] $clean" "  > **Blocker:** $question"
      say "no answer in ${timeout}s; saved context and stopped"
      exit 0
    fi
    continue
  fi
  target=$(directive write "$text")
  message=$(directive commit "$text")
  if has_flag commit "$text"; then message=${clean:-dispatch sim commit}; fi
  if [ -n "$target" ] && ! msg=$(write_file "$target" "$clean"); then
    set_line "$line" "- [!] $clean" "  Error: $msg"; say "error: $msg"; exit 1
  fi
  if [ -n "$message" ] && ! msg=$(commit_all "$message"); then
    set_line "$line" "- [!] $clean" "  Error: $msg"; say "error: $msg"; exit 1
  fi
  set_line "$line" "- [x] $clean — done by the sim worker"
done
