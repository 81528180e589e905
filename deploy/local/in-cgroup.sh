#!/usr/bin/env bash
# Runs a command inside its own cgroup (v1) limited like a container: 0.5 CPU and 512 MiB.
#   bash deploy/local/in-cgroup.sh <name> <command> [args...]
# Needs root (the cgroup file systems are writable by root on the build machines). The shell puts itself into the
# cgroup before exec, so the command starts limited. Remove the empty groups afterwards with `in-cgroup.sh --remove <name>`.
set -euo pipefail
cpu_quota_us=${CGROUP_CPU_QUOTA_US:-50000}     # of a 100000 us period: 0.5 CPU
memory_bytes=${CGROUP_MEMORY_BYTES:-536870912} # 512 MiB

if [[ ${1:-} == --remove ]]; then
    rmdir "/sys/fs/cgroup/cpu/$2" "/sys/fs/cgroup/memory/$2" 2>/dev/null || true
    exit 0
fi
name=$1; shift
cpu=/sys/fs/cgroup/cpu/$name
memory=/sys/fs/cgroup/memory/$name
if [[ ! -w /sys/fs/cgroup/cpu || ! -w /sys/fs/cgroup/memory ]]; then
    echo "in-cgroup.sh: /sys/fs/cgroup/{cpu,memory} (cgroup v1) must be writable: run as root" >&2
    exit 1
fi
mkdir -p "$cpu" "$memory"
echo 100000 > "$cpu/cpu.cfs_period_us"
echo "$cpu_quota_us" > "$cpu/cpu.cfs_quota_us"
echo "$memory_bytes" > "$memory/memory.limit_in_bytes"
echo $$ > "$cpu/cgroup.procs"
echo $$ > "$memory/cgroup.procs"
exec "$@"
