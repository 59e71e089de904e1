/**
 * The wrapper that runs one worker attempt. It is started detached (its own session), outlives
 * the daemon, and is the worker's parent, so it alone can learn how the worker ended:
 *  1. starts the worker in a process group of its own (`setsid`, or perl's `setpgrp` where there
 *     is no setsid, e.g. macOS), stdin closed, output appended to worker.log — so cancel can kill
 *     the whole group without killing the wrapper, and the exit record is still written;
 *  2. records `<pid> <start time>` first (a pid alone proves nothing: zombies, reused pids);
 *  3. waits, then writes the exit record `{code, signal, at}` atomically (temp + mv).
 * A status above 128 is reported as the signal 128+N (sh cannot tell a worker that exited 130
 * from one killed by SIGINT; both mean it did not finish).
 *
 * Arguments: ATTEMPTS_DIR N LOG_FILE SCRIPT [ARGS...]; the worker runs `sh -c SCRIPT dispatch-worker ARGS...`.
 */
export const WRAPPER_SCRIPT = String.raw`
attempts=$1; n=$2; log=$3; script=$4; shift 4
if command -v setsid >/dev/null 2>&1; then
  setsid sh -c "$script" dispatch-worker "$@" </dev/null >>"$log" 2>&1 &
else
  perl -e 'setpgrp(0, 0); exec @ARGV' sh -c "$script" dispatch-worker "$@" </dev/null >>"$log" 2>&1 &
fi
pid=$!
start=$(sed 's/.*) //' "/proc/$pid/stat" 2>/dev/null | cut -d' ' -f20)
[ -n "$start" ] || start=$(ps -o lstart= -p "$pid" 2>/dev/null | tr -s ' ' '_')
printf '%s %s\n' "$pid" "$start" > "$attempts/.$n.pid.$$.tmp" && mv "$attempts/.$n.pid.$$.tmp" "$attempts/$n.pid"
wait "$pid"
code=$?
at=$(date -u +%Y-%m-%dT%H:%M:%S.000Z)
if [ "$code" -gt 128 ] && sig=$(kill -l $((code - 128)) 2>/dev/null); then
  record="{\"code\":null,\"signal\":\"SIG$sig\",\"at\":\"$at\"}"
else
  record="{\"code\":$code,\"signal\":null,\"at\":\"$at\"}"
fi
printf '%s\n' "$record" > "$attempts/.$n.exit.$$.tmp" && mv "$attempts/.$n.exit.$$.tmp" "$attempts/$n.exit"
`;
