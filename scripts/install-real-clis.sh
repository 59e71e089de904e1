#!/usr/bin/env bash
# Installs the real worker CLIs that the real-CLI end-to-end tests run (apps/cli/test/real-*.test.ts,
# against a loopback fake model API: no network at test time, no account), pinned, into a cache
# folder, unless they are there already; then prints the folder holding their executables, for
# DISPATCH_REAL_CLIS_DIR:
#   export DISPATCH_REAL_CLIS_DIR="$(scripts/install-real-clis.sh)"
# The cache is $DISPATCH_REAL_CLIS_CACHE, else ~/.cache/dispatch-real-clis (shared by clones and
# worktrees, and kept between CI runs on one machine).
# claude-code 2.1.197 is the newest that installs on Node 20. Progress goes to stderr.
set -euo pipefail

CLAUDE_CODE_VERSION=2.1.197
CODEX_VERSION=0.169.0
GEMINI_CLI_VERSION=0.61.0

cache="${DISPATCH_REAL_CLIS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/dispatch-real-clis}"
bin="$cache/node_modules/.bin"

installed() { # name version: the package in the cache is that version
  node -e 'const [dir, name, want] = process.argv.slice(1); try { process.exit(require(`${dir}/node_modules/${name}/package.json`).version === want ? 0 : 1) } catch { process.exit(1) }' "$cache" "$1" "$2"
}

if ! installed @anthropic-ai/claude-code "$CLAUDE_CODE_VERSION" || ! installed @openai/codex "$CODEX_VERSION" \
  || ! installed @google/gemini-cli "$GEMINI_CLI_VERSION" \
  || [ ! -x "$bin/claude" ] || [ ! -x "$bin/codex" ] || [ ! -x "$bin/gemini" ]; then
  mkdir -p "$cache"
  [ -f "$cache/package.json" ] || echo '{ "name": "dispatch-real-clis", "private": true }' > "$cache/package.json"
  echo "installing @anthropic-ai/claude-code@$CLAUDE_CODE_VERSION, @openai/codex@$CODEX_VERSION and @google/gemini-cli@$GEMINI_CLI_VERSION into $cache" >&2
  npm i --prefix "$cache" --save-exact --no-audit --no-fund --loglevel=error \
    "@anthropic-ai/claude-code@$CLAUDE_CODE_VERSION" "@openai/codex@$CODEX_VERSION" "@google/gemini-cli@$GEMINI_CLI_VERSION" >&2
fi

"$bin/claude" --version >&2
"$bin/codex" --version >&2
"$bin/gemini" --version >&2
echo "$bin"
