import type { CompletionNode } from './completion-tree.js';

const single = (text: string) => `'${text.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;

/** `complete` lines for one word at one command path. */
function line(path: string, word: string, description: string, takesValue: boolean): string {
  const at = `-n ${single(`__dispatch_at ${single(path)}`)}`;
  if (!word.startsWith('-')) return `complete -c dispatch ${at} -f -a ${single(word)} -d ${single(description)}`;
  const flag = word.startsWith('--') ? `-l ${word.slice(2)}` : `-s ${word.slice(1)}`;
  const value = word === '-C' ? " -r -a '(__fish_complete_directories)'" : takesValue ? ' -r' : '';
  return `complete -c dispatch ${at} ${flag}${value} -d ${single(description)}`;
}

/**
 * The fish completion script: `complete` lines from the same table, each guarded by the command
 * path typed so far (found by the same walk as bash's and zsh's).
 */
export function fishScript(nodes: readonly CompletionNode[]): string {
  const paths = nodes.filter((n) => n.path !== '').map((n) => single(n.path));
  const valued = nodes.flatMap((n) => n.words.filter((w) => w.takesValue).map((w) => single(`${n.path}|${w.word}`)));
  const lines = nodes.flatMap((n) => n.words.map((w) => line(n.path, w.word, w.description, w.takesValue === true)));
  return `# dispatch completion for fish. Install:
#   dispatch completion fish > ~/.config/fish/completions/dispatch.fish
set -g __dispatch_paths ${paths.join(' ')}
set -g __dispatch_valued ${valued.join(' ')}

# The command path typed so far ('' at the root, 'config', 'config show').
function __dispatch_path
    set -l cmdpath ''
    set -l skip 0
    set -l typed (commandline -opc)
    set -e typed[1]
    for w in $typed
        if test $skip = 1
            set skip 0
            continue
        end
        if string match -q -- '-*' $w
            contains -- "$cmdpath|$w" $__dispatch_valued; and set skip 1
            continue
        end
        set -l next (string trim -- "$cmdpath $w")
        if contains -- $next $__dispatch_paths
            set cmdpath $next
        else
            break
        end
    end
    echo $cmdpath
end

function __dispatch_at
    set -l cmdpath (__dispatch_path)
    test "$cmdpath" = "$argv[1]"
end

complete -c dispatch -f
${lines.join('\n')}
`;
}
