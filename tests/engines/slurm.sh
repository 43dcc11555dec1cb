# tests/engines/slurm.sh: a one-node Slurm cluster in a folder, for the tests
# and scripts/bench-slurm (sourced; POSIX sh).  Root only, 127.0.0.1 only, no
# systemd: munged with a throwaway key, slurmctld and slurmd from a
# slurm.conf in the folder, each started in the foreground in the
# background, so that its pid is known and it is stopped by that pid.
#
#   slurm_start DIR   start the cluster in DIR (an empty folder); on
#                     success SLURM_CONF is exported for the client commands
#                     and 0 is returned; otherwise the reason is in
#                     $slurm_why and 1 is returned (what was started is
#                     stopped again)
#   slurm_stop        cancel every job, wait for an empty queue, stop
#                     slurmd, slurmctld and munged by pid; fail if one of
#                     them is still alive afterwards
#   slurm_pids        the daemons' pids
#
# The cluster is one node, "localhost", of 4 CPUs whatever the machine has,
# in one partition, "local".
#   slurm_leftovers   the pids of processes still running for this cluster:
#                     the daemons, and any process whose environment holds
#                     this cluster's SLURM_CONF (slurmstepd, the tasks)

# shellcheck disable=SC2034,SC2016,SC2046,SC2086
# (SC2034: slurm_why is for the caller; SC2016: squeue's words are for the
# inner shell; SC2046, SC2086: pids and ports are words, split on purpose)
slurm_why=
slurm_engines=$TOP/tests/engines
# shellcheck source=tests/engines/lib.sh
. "$slurm_engines/lib.sh"
slurm_pid_munged='' slurm_pid_ctld='' slurm_pid_d=''

# slurm_version: the installed Slurm's version as a number, e.g. 2205
slurm_version() {
	slurmd -V 2>/dev/null | sed -n 's/^slurm[^ ]* \([0-9]*\)\.\([0-9]*\).*/\1 \2/p' |
		awk '{ printf "%d%02d\n", $1, $2 }'
}

slurm_pids() {
	echo $slurm_pid_munged $slurm_pid_ctld $slurm_pid_d
}

# (with -s: only those that are neither a daemon nor a daemon's child, i.e.
# the steps and their tasks)
slurm_leftovers() {
	_pids=
	for p in $(slurm_pids); do _pids="$_pids --pid $p"; done
	# shellcheck disable=SC2086
	python3 "$slurm_engines/leftovers" --dir "$slurm_dir" --self $$ \
		--env "SLURM_CONF=$slurm_dir/slurm.conf" $_pids ${1:+--steps} | tr '\n' ' ' | sed 's/ $//'
}

# slurm_only_daemons: nothing but the daemons left (no slurmstepd, no task)
slurm_only_daemons() {
	[ -z "$(slurm_leftovers -s)" ]
}

slurm_none_left() {
	[ -z "$(slurm_leftovers)" ]
}

# the node is idle; or a daemon has died (then engine_wait_for stops too)
slurm_up() {
	kill -0 "$slurm_pid_ctld" 2>/dev/null && kill -0 "$slurm_pid_d" 2>/dev/null || return 0
	slurm_node_idle
}

slurm_node_idle() {
	sinfo -h -n localhost -N -o %t 2>/dev/null | grep -qx idle
}

slurm_start() {
	slurm_dir=$1
	if [ "$(id -u)" != 0 ]; then
		slurm_why="a local Slurm cluster needs root (SlurmUser=root)"
		return 1
	fi
	for c in munged slurmctld slurmd sbatch squeue sinfo scancel python3; do
		if ! command -v $c >/dev/null 2>&1; then
			slurm_why="$c is not installed (Debian packages munge slurmctld slurmd slurm-client; scripts/deps installs them)"
			return 1
		fi
	done
	ver=$(slurm_version)
	if [ -z "$ver" ]; then
		slurm_why="cannot read Slurm's version from slurmd -V"
		return 1
	fi
	mkdir -p "$slurm_dir/state" "$slurm_dir/spool" "$slurm_dir/munge" || return 1
	chmod 700 "$slurm_dir" "$slurm_dir/munge"
	head -c 1024 /dev/urandom >"$slurm_dir/munge/key"
	chmod 600 "$slurm_dir/munge/key"
	m=$slurm_dir/munge
	munged -F -f --key-file="$m/key" --socket="$m/sock" --pid-file="$m/pid" \
		--seed-file="$m/seed" --log-file="$m/log" >/dev/null 2>"$m/err" &
	slurm_pid_munged=$!
	if ! engine_wait_for 20 test -S "$m/sock"; then
		slurm_why="munged did not start: $(tail -n 1 "$m/err" "$m/log" 2>/dev/null | tr '\n' ' ')"
		slurm_stop
		return 1
	fi
	set -- $(engine_ports 2)
	cat >"$slurm_dir/slurm.conf" <<EOC
ClusterName=plates
SlurmctldHost=localhost(127.0.0.1)
SlurmUser=root
SlurmdUser=root
SlurmctldPort=$1
SlurmdPort=$2
AuthType=auth/munge
AuthInfo=socket=$m/sock
CredType=cred/munge
StateSaveLocation=$slurm_dir/state
SlurmdSpoolDir=$slurm_dir/spool
SlurmctldPidFile=$slurm_dir/slurmctld.pid
SlurmdPidFile=$slurm_dir/slurmd.pid
SlurmctldLogFile=$slurm_dir/slurmctld.log
SlurmdLogFile=$slurm_dir/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/none
MpiDefault=none
ReturnToService=2
SlurmdParameters=config_overrides
SlurmdTimeout=30
MinJobAge=2
NodeName=localhost NodeAddr=127.0.0.1 CPUs=4 State=UNKNOWN
PartitionName=local Nodes=localhost Default=YES MaxTime=INFINITE State=UP
EOC
	# Slurm 23.11 and later read cgroup.conf even with proctrack/linuxproc
	# and want it off; 22.05 refuses the key
	if [ "$ver" -ge 2311 ]; then
		echo CgroupPlugin=disabled >"$slurm_dir/cgroup.conf"
	fi
	SLURM_CONF=$slurm_dir/slurm.conf
	export SLURM_CONF
	slurmctld -D -i -f "$SLURM_CONF" >"$slurm_dir/slurmctld.out" 2>&1 &
	slurm_pid_ctld=$!
	slurmd -D -N localhost -f "$SLURM_CONF" >"$slurm_dir/slurmd.out" 2>&1 &
	slurm_pid_d=$!
	if ! engine_wait_for 60 slurm_up || ! slurm_node_idle; then
		slurm_why="the node did not come up: $(tail -q -n 1 "$slurm_dir/slurmctld.out" "$slurm_dir/slurmd.out" 2>/dev/null | tr '\n' ' ')"
		slurm_stop
		return 1
	fi
	return 0
}

# slurm_kill PID: TERM, then KILL after 20 s; wait for it
slurm_kill() {
	[ -n "$1" ] || return 0
	kill "$1" 2>/dev/null || return 0
	if ! engine_wait_for 20 sh -c "! kill -0 $1"; then
		kill -9 "$1" 2>/dev/null
	fi
	wait "$1" 2>/dev/null
	return 0
}

slurm_stop() {
	if [ -n "$slurm_pid_ctld" ] && kill -0 "$slurm_pid_ctld" 2>/dev/null; then
		scancel --full --quiet --user=root >/dev/null 2>&1
		engine_wait_for 30 sh -c '[ -z "$(squeue -h -o %i)" ]'
	fi
	engine_wait_for 30 slurm_only_daemons
	slurm_kill "$slurm_pid_d"
	slurm_kill "$slurm_pid_ctld"
	slurm_kill "$slurm_pid_munged"
	engine_wait_for 20 slurm_none_left
	_left=$(slurm_leftovers)
	slurm_pid_munged='' slurm_pid_ctld='' slurm_pid_d=''
	if [ -n "$_left" ]; then
		slurm_why="still running after slurm_stop:$_left"
		return 1
	fi
	return 0
}
