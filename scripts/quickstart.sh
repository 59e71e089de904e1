#!/usr/bin/env bash
# The README's main job: one real dispatch with the built-in simulated worker (a test double of an
# AI CLI, in plain sh) on a machine with no config file and no AI CLI — a plan of four items, a
# question asked and answered, completion, and `dispatch status` showing it. It works in a fresh
# temp folder with its own DISPATCH_HOME, so it leaves your own setup alone.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dispatch() {
  printf '\n$ dispatch'
  for arg in "$@"; do
    if [[ $arg =~ ^[A-Za-z0-9._/=-]+$ ]]; then printf ' %s' "$arg"; else printf " '%s'" "${arg//\'/\'\\\'\'}"; fi
  done
  printf '\n'
  node "$root/apps/cli/dist/dispatch.js" "$@"
}
work=$(mktemp -d)
mkdir -p "$work/project"
cd "$work/project"
export DISPATCH_HOME="$work/home" DISPATCH_SIM_STEP=0.3

dispatch run --model sim --id security-review \
  --step "Scan the code for hardcoded secrets" \
  --step "Review the authentication logic {ask: Found both JWT and session-based auth. Which should I focus on?}" \
  --step "Check the token expiry settings" \
  --step "Write the findings to output.md" \
  "review the auth module for security problems"
dispatch wait security-review
dispatch answer security-review "Focus on JWT: session-based auth is deprecated."
dispatch wait security-review
dispatch status
dispatch daemon stop >/dev/null
printf '\nThe task folder, its plan, questions, answers and event log: %s\n' "$work/project/.dispatch/tasks/security-review"
