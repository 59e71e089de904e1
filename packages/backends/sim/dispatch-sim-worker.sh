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
# bash, where there is one, naps without forking (see nap below): hundreds of sim workers each
# forking a `sleep` several times a second would load a 2-core machine on their own.
if [ -z "${BASH_VERSION:-}" ] && command -v bash >/dev/null 2>&1; then exec bash "$0" "$@"; fi

plan=${DISPATCH_PLAN:?DISPATCH_PLAN is not set}
ipc=${DISPATCH_IPC_DIR:?DISPATCH_IPC_DIR is not set}
task_dir=${DISPATCH_TASK_DIR:-$(dirname "$plan")}
timeout=${DISPATCH_ANSWER_TIMEOUT:-180}
step=${DISPATCH_SIM_STEP:-0.2}
state="$task_dir/.sim"
mkdir -p "$state"

# Sleeps $1 seconds: a `sleep` process, or under bash ≥ 4 a read with a timeout from a FIFO only
# this worker holds (nobody writes to it), which costs no process.
nap() { sleep "$1"; }
if [ -n "${BASH_VERSION:-}" ] && [ "${BASH_VERSION%%.*}" -ge 4 ]; then
  rm -f "$state/nap"
  if mkfifo "$state/nap" 2>/dev/null && exec 3<>"$state/nap"; then
    rm -f "$state/nap" # the open descriptor keeps it
    nap() { read -r -t "$1" -u 3 _ || :; }
  fi
fi

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

# The helpers below use the shell's own pattern matching and return through variables: a
# process per call (a `$(...)` subshell, sed, awk) costs milliseconds on a loaded machine, and
# hundreds of sim workers stepping at once would spend the machine on them.

# Sets $line and $text to the first open item ([ ] or [?] or [!]) outside code fences, or $line
# to nothing when all are done.
first_open() {
  line='' text='' n=0 fence=''
  while IFS= read -r l || [ -n "$l" ]; do
    n=$(( n + 1 ))
    t=${l#"${l%%[![:blank:]]*}"}
    case $t in '```'*) if [ -n "$fence" ]; then fence=''; else fence=1; fi; continue ;; esac
    [ -n "$fence" ] && continue
    case $t in [-*+][[:blank:]]*) ;; *) continue ;; esac
    t=${t#?}; t=${t#"${t%%[![:blank:]]*}"}
    case $t in '[ ]'*|'[?]'*|'[!]'*) ;; *) continue ;; esac
    t=${t#???}; text=${t#"${t%%[![:blank:]]*}"}; line=$n
    return
  done < "$plan"
}

# Sets $clean to $1 without its {directives} and the spaces before each.
strip_directives() {
  clean='' rest=$1
  while :; do
    case $rest in *'{'*'}'*) ;; *) break ;; esac
    before=${rest%%'{'*} after=${rest#*'{'}
    case $after in *'}'*) ;; *) break ;; esac
    while :; do case $before in *' ') before=${before% } ;; *) break ;; esac; done
    clean=$clean$before rest=${after#*'}'}
  done
  clean=$clean$rest
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

# Sets $value to the argument of the directive {$1: ...} in $2 (its last one), or to nothing.
directive() {
  value=''
  case $2 in *"{$1:"*) ;; *) return ;; esac
  value=${2##*"{$1:"}
  case $value in *'}'*) value=${value%%'}'*} ;; *) value=''; return ;; esac
  value=${value#"${value%%[! ]*}"}
}
has_flag() { case $2 in *"{$1}"*) return 0 ;; esac; return 1; }

# Sets $seq to the number after the highest question in ipc/, zero-padded to 3 digits.
next_seq() {
  last=0
  for f in "$ipc"/[0-9]*.question; do
    q=${f##*/}; q=${q%.question}
    case $q in *[!0-9]*) continue ;; esac
    q=${q#"${q%%[!0]*}"} # leading zeros would make $(( )) read 008 as (invalid) octal
    [ "${q:-0}" -gt "$last" ] && last=$q
  done
  seq=$(( last + 1 ))
  case $seq in ?) seq=00$seq ;; ??) seq=0$seq ;; esac
}

# Asks $1; sets $answer to the answer's first line and returns 0, or returns 1 after the answer
# timeout.
ask() {
  next_seq
  printf '%s\n' "$1" > "$ipc/$seq.question.tmp" && mv "$ipc/$seq.question.tmp" "$ipc/$seq.question"
  say "asked question $seq: $1"
  # Looks every 0.1 s for the first 2 s, then every 0.5 s.
  waited=0 # tenths of a second
  while [ ! -f "$ipc/$seq.answer" ]; do
    if [ "$waited" -ge $(( timeout * 10 )) ]; then return 1; fi
    if [ "$waited" -lt 20 ]; then
      nap 0.1; waited=$(( waited + 1 ))
    else
      nap 0.5; waited=$(( waited + 5 ))
    fi
  done
  : > "$ipc/$seq.done"
  answer=''; IFS= read -r answer < "$ipc/$seq.answer" || :
}

# A late answer left for us by the dispatcher (an answered question nobody acknowledged): sets
# $answer to its first line, or returns 1 when there is none.
late_answer() {
  for f in "$ipc"/[0-9]*.question; do
    q=${f##*/}; q=${q%.question}
    case $q in *[!0-9]*) continue ;; esac
    if [ -f "$ipc/$q.answer" ] && [ ! -f "$ipc/$q.done" ]; then
      : > "$ipc/$q.done"
      answer=''; IFS= read -r answer < "$ipc/$q.answer" || :
      return 0
    fi
  done
  return 1
}

say "working on $plan"
while :; do
  first_open
  if [ -z "$line" ]; then
    : > "$ipc/.done"
    say "all items done"
    exit 0
  fi
  strip_directives "$text"
  directive sleep "$text"; nap "${value:-$step}"

  if late_answer; then
    set_line "$line" "- [x] $clean — answered: $answer"
    continue
  fi
  if has_flag hang "$text"; then say "hanging"; while :; do sleep 3600; done; fi
  if has_flag stop "$text"; then say "stopping with open items"; exit 0; fi
  directive crash "$text"; if [ -n "$value" ]; then say "crashing with $value"; exit "$value"; fi
  directive fail "$text"; msg=$value
  directive fail-once "$text"
  if [ -n "$value" ] && [ ! -f "$state/failed-$line" ]; then : > "$state/failed-$line"; msg=$value; fi
  if [ -n "$msg" ]; then
    set_line "$line" "- [!] $clean" "  Error: $msg"
    say "error: $msg"; exit 1
  fi
  directive block "$text"
  if [ -n "$value" ]; then
    set_line "$line" "- [?] $clean" "  > **Blocker:** $value"
    exit 0
  fi
  directive ask "$text"; question=$value
  if [ -n "$question" ]; then
    if ask "$question"; then
      set_line "$line" "- [x] $clean — answered: $answer"
    else
      printf 'Working on: %s\nWaiting for an answer to: %s\n' "$clean" "$question" > "$task_dir/context.md"
      set_line "$line" "- [?] $clean" "  > **Blocker:** $question"
      say "no answer in ${timeout}s; saved context and stopped"
      exit 0
    fi
    continue
  fi
  directive write "$text"; target=$value
  directive commit "$text"; message=$value
  if has_flag commit "$text"; then message=${clean:-dispatch sim commit}; fi
  if [ -n "$target" ] && ! msg=$(write_file "$target" "$clean"); then
    set_line "$line" "- [!] $clean" "  Error: $msg"; say "error: $msg"; exit 1
  fi
  if [ -n "$message" ] && ! msg=$(commit_all "$message"); then
    set_line "$line" "- [!] $clean" "  Error: $msg"; say "error: $msg"; exit 1
  fi
  set_line "$line" "- [x] $clean — done by the sim worker"
done
