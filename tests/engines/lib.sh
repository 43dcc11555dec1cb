# tests/engines/lib.sh: what the engines' set-ups share (sourced by slurm.sh
# and ssh.sh; POSIX sh).

# engine_ports N: N free TCP ports on 127.0.0.1, on one line
engine_ports() {
	python3 -c '
import socket, sys
s = [socket.socket() for _ in range(int(sys.argv[1]))]
for x in s:
    x.bind(("127.0.0.1", 0))
print(" ".join(str(x.getsockname()[1]) for x in s))' "$1"
}

# engine_wait_for SECONDS TEST...: run TEST until it succeeds; 1 on timeout
engine_wait_for() {
	_n=$(($1 * 10))
	shift
	while ! "$@" >/dev/null 2>&1; do
		_n=$((_n - 1))
		[ $_n -gt 0 ] || return 1
		sleep 0.1
	done
}
