import type { CompletionNode } from './completion-tree.js';

const single = (text: string) => `'${text.replaceAll("'", `'\\''`)}'`;

/** A `case` over command paths: each path's words, as one string. */
function table(name: string, nodes: readonly CompletionNode[], words: (n: CompletionNode) => string[]): string {
  const cases = nodes.map((n) => `    ${single(n.path)}) echo ${single(words(n).join(' '))} ;;`);
  return `${name}() {\n  case "$1" in\n${cases.join('\n')}\n  esac\n}`;
}

/**
 * The bash completion script: what may follow each command path, and a function that walks the
 * words typed so far (skipping options and their values) to the deepest command path.
 */
export function bashScript(nodes: readonly CompletionNode[]): string {
  return `# dispatch completion for bash. Install:
#   dispatch completion bash > ~/.local/share/bash-completion/completions/dispatch
# or add to ~/.bashrc: eval "$(dispatch completion bash)"
${table('_dispatch_words', nodes, (n) => n.words.map((w) => w.word))}

# The options of a command path that take a value (the next word is not a command).
${table('_dispatch_valued', nodes, (n) => n.words.filter((w) => w.takesValue).map((w) => w.word))}

_dispatch_takes_value() {
  [[ " $(_dispatch_valued "$1") " == *" $2 "* ]]
}

_dispatch() {
  local cur=\${COMP_WORDS[COMP_CWORD]} prev=\${COMP_WORDS[COMP_CWORD-1]} cmdpath='' next w i
  COMPREPLY=()
  for ((i = 1; i < COMP_CWORD; i++)); do
    w=\${COMP_WORDS[i]}
    if [[ $w == -* ]]; then
      _dispatch_takes_value "$cmdpath" "$w" && ((i++))
      continue
    fi
    next=\${cmdpath:+$cmdpath }$w
    if [[ -n $(_dispatch_words "$next") ]]; then cmdpath=$next; else break; fi
  done
  if ((COMP_CWORD > 1)) && _dispatch_takes_value "$cmdpath" "$prev"; then
    [[ $prev == -C ]] && COMPREPLY=($(compgen -d -- "$cur"))
    return
  fi
  COMPREPLY=($(compgen -W "$(_dispatch_words "$cmdpath")" -- "$cur"))
}

complete -o default -F _dispatch dispatch
`;
}
