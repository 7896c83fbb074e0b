#!/usr/bin/env bash
# vs_agate.sh KIZUNA LOADGEN AGATE - kizuna against agate, side by side.
#
# AGATE: an agate binary (https://github.com/mbrubeck/agate; `make bench
# AGATE=/path/to/agate` calls this). agate makes its own certificate in a
# temporary folder.
#
# Both servers serve the repo's capsule on 127.0.0.1, each pinned to CPU 0
# (one worker: kizuna workers = 1, agate TOKIO_WORKER_THREADS=1), the load
# generator on CPU 1. Runs alternate kizuna, agate, kizuna, agate... so that
# the machine's drift falls on both. Server CPU per request is the time
# the server's threads spent on a CPU during the run, in nanoseconds
# (/proc/PID/task/*/schedstat: user and system time, without the 10 ms
# clock ticks of /proc/PID/stat). On a virtual machine whose neighbours
# come and go, single runs of the same binary differ by 30 % or more; the
# ratio of each kizuna run to the agate run next to it is steadier, and its
# median over the rounds is the figure to quote.
#
# Scenarios, home page: full handshakes at 16 and 128 in flight; resumed
# with per-connection tickets (loadgen -s: rustls tickets are single-use).
# Prints every run, then the median per server and scenario and the ratio
# kizuna / agate (< 1.0: kizuna is cheaper), then RSS after the runs.
#
# Environment: BENCH_REQUESTS (default 3000 a run), BENCH_ROUNDS (default 10),
# KIZUNA_ENV (e.g. "LD_PRELOAD=/usr/lib/x86_64-linux-gnu/libmimalloc.so.2"),
# passed to kizuna only.
set -euo pipefail

kizuna=$(realpath "$1")
loadgen=$(realpath "$2")
agate=$(realpath "$3")
repo=$(cd "$(dirname "$0")/../.." && pwd)
requests=${BENCH_REQUESTS:-3000}
rounds=${BENCH_ROUNDS:-10}
"$agate" --help > /dev/null 2>&1 || { echo "vs_agate: $agate does not run (an agate binary is needed)" >&2; exit 1; }

work=$(mktemp -d /tmp/kizuna-vs-agate-XXXXXX)
kpid= apid=
# A server stopped by SIGTERM makes wait return 143: not a failure here.
cleanup() {
	[ -n "$kpid" ] && kill "$kpid" 2>/dev/null && { wait "$kpid" 2>/dev/null || true; }
	[ -n "$apid" ] && kill "$apid" 2>/dev/null && { wait "$apid" 2>/dev/null || true; }
	rm -rf "$work"
}
trap cleanup EXIT

freeport() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
kport=$(freeport)
aport=$(freeport)
cp -r "$repo/capsule" "$work/capsule"
cat > "$work/config.ini" <<EOF
[server]
address = 127.0.0.1
port = $kport
workers = 1
timeout = 120
max_connections = 15000
max_per_ip = 0
[capsule]
root = capsule
[log]
access = off
level = warn
EOF
mkdir -p "$work/agate-certs"

(cd "$work" && exec env ${KIZUNA_ENV:-} taskset -c 0 "$kizuna" -c "$work/config.ini") 2> "$work/kizuna.log" &
kpid=$!
TOKIO_WORKER_THREADS=1 RUST_LOG=agate=warn taskset -c 0 "$agate" \
    --content "$work/capsule" --certs "$work/agate-certs" \
    --hostname localhost --addr "127.0.0.1:$aport" 2> "$work/agate.log" &
apid=$!
for port in "$kport" "$aport"; do
	for _ in $(seq 1 100); do
		(exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
		sleep 0.1
	done
done

cpu_ns() { cat /proc/"$1"/task/*/schedstat | awk '{ns += $1} END {printf "%.0f", ns}'; }
rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }
field() { sed -n "s/.*$1=\([0-9.]*\).*/\1/p" <<<"$2"; }

run() { # server pid port concurrency flags
	local out t0 t1 ok cpu
	t0=$(cpu_ns "$2")
	out=$(taskset -c 1 "$loadgen" -p "$3" -u "gemini://localhost/" -c "$4" -n "$requests" -d 120 $5)
	t1=$(cpu_ns "$2")
	ok=$(field requests "$out")
	cpu=$(awk -v t=$((t1 - t0)) -v n="$ok" 'BEGIN { printf "%.1f", n ? t / 1e3 / n : 0 }')
	echo "$1 c=$4 flags=${5:-none} cpu_us=$cpu $out"
	echo "$1 $4${5:+$5} $cpu" >> "$work/results"
}

echo "kizuna $("$kizuna" -V | cut -d' ' -f2) (OpenSSL $(openssl version | cut -d' ' -f2)${KIZUNA_ENV:+, $KIZUNA_ENV}) against $("$agate" --version 2>&1 | head -1); $requests requests a run, $rounds rounds"
for s in "kizuna $kpid $kport" "agate $apid $aport"; do # warm up
	set -- $s
	taskset -c 1 "$loadgen" -p "$3" -u "gemini://localhost/" -c 4 -n 300 -d 30 > /dev/null
	taskset -c 1 "$loadgen" -p "$3" -u "gemini://localhost/" -c 4 -n 300 -d 30 -s > /dev/null
done
for r in $(seq 1 "$rounds"); do
	for sc in "16 " "128 " "16 -s"; do
		set -- $sc
		run kizuna "$kpid" "$kport" "$1" "${2:-}"
		run agate "$apid" "$aport" "$1" "${2:-}"
	done
done
echo
median() { sort -n | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
echo "| scenario | kizuna µs/req (median) | agate µs/req (median) | ratio kizuna/agate (median of paired runs) | range |"
echo "|---|---|---|---|---|"
for sc in 16 128 16-s; do
	k=$(awk -v s="$sc" '$1 == "kizuna" && $2 == s {print $3}' "$work/results" | median)
	a=$(awk -v s="$sc" '$1 == "agate" && $2 == s {print $3}' "$work/results" | median)
	# Each kizuna run against the agate run right after it (same round).
	ratios=$(awk -v s="$sc" '$2 == s && $1 == "kizuna" {k[++nk] = $3}
	    $2 == s && $1 == "agate" {a[++na] = $3}
	    END {for (i = 1; i <= nk && i <= na; i++) if (a[i] > 0) print k[i] / a[i]}' "$work/results")
	case $sc in 16) name="full, 16 in flight" ;; 128) name="full, 128 in flight" ;; *) name="resumed (per-connection ticket), 16 in flight" ;; esac
	printf "| %s | %s | %s | %.3f | %.2f-%.2f |\n" "$name" "$k" "$a" \
	    "$(median <<<"$ratios")" "$(sort -n <<<"$ratios" | head -1)" \
	    "$(sort -n <<<"$ratios" | tail -1)"
done
echo
printf "RSS after the runs: kizuna %.1f MB, agate %.1f MB\n" \
    "$(awk -v k="$(rss_kb "$kpid")" 'BEGIN {print k / 1024}')" \
    "$(awk -v k="$(rss_kb "$apid")" 'BEGIN {print k / 1024}')"
