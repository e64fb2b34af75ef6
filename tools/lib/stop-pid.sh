# Sourced by the stop scripts of tools/: stop processes by their PIDs.
#
#   stop_pid PID [SIGNAL]
#
# Sends SIGNAL (default TERM), waits up to 30 s for the process to end,
# then sends KILL. Harmless when the process is gone already.
stop_pid() {
    local pid=$1 signal=${2:-TERM}
    kill -"$signal" "$pid" 2>/dev/null || return 0
    for _ in $(seq 150); do
        kill -0 "$pid" 2>/dev/null || return 0
        sleep 0.2
    done
    kill -KILL "$pid" 2>/dev/null || true
}

#   stop_pidfiles DIR NAME...
#
# stop_pid the process of each DIR/NAME.pid there is, and remove the file.
stop_pidfiles() {
    local dir=$1 name
    shift
    for name in "$@"; do
        [ -f "$dir/$name.pid" ] || continue
        stop_pid "$(cat "$dir/$name.pid")"
        rm -f "$dir/$name.pid"
    done
}
