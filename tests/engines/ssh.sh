# tests/engines/ssh.sh: two ssh servers on 127.0.0.1 standing in for two
# machines, for GNU parallel --sshlogin (sourced; POSIX sh).  Root only
# (sshd's privilege separation), no systemd: each sshd runs in the
# foreground in the background (-D), so its pid is known and it is stopped
# by that pid.  Host keys, the client key and the configs are throwaway
# files in the folder.
#
#   ssh_start DIR   start them; on success $ssh_config is an ssh_config
#                   naming the two machines node1 and node2 (ssh -F
#                   "$ssh_config" node1 ...) and 0 is returned; otherwise
#                   the reason is in $ssh_why and 1 is returned
#   ssh_stop        stop both by pid; fail if anything of theirs is left
#   ssh_pids        the servers' pids
#   ssh_leftovers   the pids still running for them: the servers, their
#                   sessions, and any process started through them
#
# SetEnv in the servers' config: PATH gives the sessions $ssh_path (the
# tools under test), and SHLVL=1 keeps the remote shell from reading slow
# rc files.

# shellcheck disable=SC2034,SC2046,SC2086
# (SC2034: ssh_why and ssh_config are for the caller; SC2046, SC2086: pids
# and ports are words, split on purpose)
ssh_why=
ssh_engines=${TOP:-.}/tests/engines
# shellcheck source=tests/engines/lib.sh
. "$ssh_engines/lib.sh"
ssh_pid1='' ssh_pid2='' ssh_port1='' ssh_port2=''

ssh_pids() {
	echo $ssh_pid1 $ssh_pid2
}

ssh_leftovers() {
	python3 "$ssh_engines/leftovers" --dir "$ssh_dir" --self $$ \
		--env-suffix "SSH_CONNECTION= 127.0.0.1 $ssh_port1" \
		--env-suffix "SSH_CONNECTION= 127.0.0.1 $ssh_port2" \
		--pid "$ssh_pid1" --pid "$ssh_pid2" | tr '\n' ' ' | sed 's/ $//'
}

ssh_start() {
	ssh_dir=$1
	ssh_path=${2:-$PATH}
	if [ "$(id -u)" != 0 ]; then
		ssh_why="the ssh servers need root (privilege separation)"
		return 1
	fi
	for c in /usr/sbin/sshd ssh ssh-keygen rsync parallel python3; do
		if ! command -v $c >/dev/null 2>&1; then
			ssh_why="$c is not installed (Debian packages openssh-server rsync parallel; scripts/deps installs them)"
			return 1
		fi
	done
	mkdir -p "$ssh_dir/home1" "$ssh_dir/home2" && chmod 700 "$ssh_dir" || return 1
	# sshd wants its privilege separation folder
	if [ ! -d /run/sshd ]; then
		mkdir /run/sshd && chmod 755 /run/sshd || return 1
	fi
	if ! ssh-keygen -q -t ed25519 -N '' -f "$ssh_dir/host_key" </dev/null >/dev/null ||
		! ssh-keygen -q -t ed25519 -N '' -f "$ssh_dir/client_key" </dev/null >/dev/null; then
		ssh_why="ssh-keygen failed"
		return 1
	fi
	cp "$ssh_dir/client_key.pub" "$ssh_dir/authorized_keys"
	set -- $(engine_ports 2)
	ssh_port1=$1 ssh_port2=$2
	: >"$ssh_dir/ssh_config"
	ssh_config=$ssh_dir/ssh_config
	for n in 1 2; do
		port=$ssh_port1
		[ $n = 1 ] || port=$ssh_port2
		cat >"$ssh_dir/sshd_config$n" <<EOC
ListenAddress 127.0.0.1
Port $port
HostKey $ssh_dir/host_key
PidFile $ssh_dir/sshd$n.pid
AuthorizedKeysFile $ssh_dir/authorized_keys
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
PrintMotd no
SetEnv SHLVL=1 PATH=$ssh_path HOME=$ssh_dir/home$n
Subsystem sftp internal-sftp
EOC
		/usr/sbin/sshd -D -e -f "$ssh_dir/sshd_config$n" 2>"$ssh_dir/sshd$n.log" &
		if [ $n = 1 ]; then ssh_pid1=$!; else ssh_pid2=$!; fi
		cat >>"$ssh_config" <<EOC
Host node$n
	HostName 127.0.0.1
	Port $port
	User root
	IdentityFile $ssh_dir/client_key
	IdentitiesOnly yes
	UserKnownHostsFile $ssh_dir/known_hosts
	StrictHostKeyChecking accept-new
	BatchMode yes
	LogLevel ERROR
EOC
	done
	for n in 1 2; do
		if ! engine_wait_for 20 ssh -F "$ssh_config" node$n true; then
			ssh_why="ssh to node$n does not work: $(tail -n 1 "$ssh_dir/sshd$n.log")"
			ssh_stop
			return 1
		fi
	done
	return 0
}

ssh_kill() {
	[ -n "$1" ] || return 0
	kill "$1" 2>/dev/null || return 0
	engine_wait_for 20 sh -c "! kill -0 $1" || kill -9 "$1" 2>/dev/null
	wait "$1" 2>/dev/null
	return 0
}

ssh_none_left() {
	[ -z "$(ssh_leftovers)" ]
}

ssh_stop() {
	# the sessions first: they end when their work does
	engine_wait_for 20 sh -c "[ -z \"\$(python3 '$ssh_engines/leftovers' --pid $ssh_pid1 --pid $ssh_pid2 --steps)\" ]"
	ssh_kill "$ssh_pid1"
	ssh_kill "$ssh_pid2"
	engine_wait_for 20 ssh_none_left
	_left=$(ssh_leftovers)
	ssh_pid1='' ssh_pid2=''
	if [ -n "$_left" ]; then
		ssh_why="still running after ssh_stop: $_left"
		return 1
	fi
	return 0
}
