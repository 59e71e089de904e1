import type { CompletionNode } from './completion-tree.js';

const single = (text: string) => `'${text.replaceAll("'", `'\\''`)}'`;
// _describe reads `word:description`; a colon in the word itself is escaped.
const item = (word: string, description: string) => single(`${word.replaceAll(':', '\\:')}:${description}`);

/**
 * The zsh completion script, with each command's and option's description: the same walk as
 * bash's over the same table. Works from $fpath (as `_dispatch`) and sourced.
 */
export function zshScript(nodes: readonly CompletionNode[]): string {
  const words = nodes.map(
    (n) => `    ${single(n.path)}) reply=(${n.words.map((w) => item(w.word, w.description)).join(' ')}) ;;`,
  );
  const valued = nodes.map(
    (n) =>
      `    ${single(n.path)}) reply=(${n.words
        .filter((w) => w.takesValue)
        .map((w) => single(w.word))
        .join(' ')}) ;;`,
  );
  return `#compdef dispatch
# dispatch completion for zsh. Install:
#   dispatch completion zsh > ~/.zfunc/_dispatch   with fpath+=(~/.zfunc) before compinit in ~/.zshrc
# or add to ~/.zshrc, after compinit: source <(dispatch completion zsh)
_dispatch_words() {
  reply=()
  case "$1" in
${words.join('\n')}
  esac
}

_dispatch_valued() {
  reply=()
  case "$1" in
${valued.join('\n')}
  esac
}

_dispatch() {
  local cmdpath='' next w i
  local -a reply items
  for ((i = 2; i < CURRENT; i++)); do
    w=\${words[i]}
    if [[ $w == -* ]]; then
      _dispatch_valued "$cmdpath"
      (( \${reply[(Ie)$w]} )) && ((i++))
      continue
    fi
    next=\${cmdpath:+$cmdpath }$w
    _dispatch_words "$next"
    if (( \${#reply} )); then cmdpath=$next; else break; fi
  done
  _dispatch_valued "$cmdpath"
  if (( CURRENT > 2 && \${reply[(Ie)\${words[CURRENT-1]}]} )); then
    [[ \${words[CURRENT-1]} == -C ]] && _files -/
    return
  fi
  _dispatch_words "$cmdpath"
  items=("\${reply[@]}")
  _describe -t commands 'dispatch' items
}

if [[ \${funcstack[1]} == _dispatch ]]; then
  _dispatch "$@"
else
  compdef _dispatch dispatch
fi
`;
}
