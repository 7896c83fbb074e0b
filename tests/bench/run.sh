#!/usr/bin/env bash
# run.sh KIZUNA LOADGEN - the server benchmark behind `make bench`.
#
# Starts KIZUNA on 127.0.0.1 (one worker, pinned to CPU 0) with a temporary
# config and the repo's capsule plus a 100 KB file, drives it with LOADGEN
# (pinned to CPU 1) through a fixed set of scenarios, and prints a Markdown
# table. Server CPU per request comes from /proc/PID/stat (utime + stime)
# before and after each run, so it does not depend on how fast the load
# generator is. Every run is bounded in count and time; nothing leaves
# loopback. Figures only: this never fails on a number.
#
# Environment: BENCH_REQUESTS (default 4000 per scenario, a quarter of it at
# concurrency 1), BENCH_IDLE ("1000 10000").
#
# Idle connections come in two kinds: "TCP", connected and silent (no
# ClientHello: loadgen -t), and "TLS", handshake done and no request sent.
# Their RSS is read once the server's CPU time has stopped moving (every
# handshake finished), and counted from the RSS before that count's
# connections were opened.
set -euo pipefail

kizuna=$(realpath "$1")
loadgen=$(realpath "$2")
repo=$(cd "$(dirname "$0")/../.." && pwd)
requests=${BENCH_REQUESTS:-4000}
idle_counts=${BENCH_IDLE:-1000 10000}
ncpu=$(nproc)
server_cpu=0
client_cpu=$((ncpu > 1 ? 1 : 0))

work=$(mktemp -d /tmp/kizuna-bench-XXXXXX)
server_pid=
cleanup() {
	[ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cp -r "$repo/capsule" "$work/capsule"
head -c 102400 /dev/urandom > "$work/capsule/100k.bin"
mkdir -p "$work/certs"
cat > "$work/config.ini" <<EOF
[server]
address = 127.0.0.1
port = $port
workers = 1
timeout = 120
# 10,000 idle handshakes at once take longer than the default 5 s on one
# busy core: the idle table measures memory, not how a flood is shed.
handshake_timeout = 60
max_connections = 15000
max_per_ip = 0
[capsule]
root = capsule
[log]
access = off
level = warn
EOF

taskset -c "$server_cpu" "$kizuna" -c "$work/config.ini" 2> "$work/server.log" &
server_pid=$!
for _ in $(seq 1 100); do
	(exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
	sleep 0.1
done

ticks() { awk '{print $14 + $15}' "/proc/$server_pid/stat"; }
rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$server_pid/status"; }
hz=$(getconf CLK_TCK)
field() { sed -n "s/.*$1=\([0-9.]*\).*/\1/p" <<<"$2"; }

echo "kizuna $("$kizuna" -V | cut -d' ' -f2), OpenSSL $(openssl version | cut -d' ' -f2), $(nproc) CPUs ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')), server on CPU $server_cpu, load generator on CPU $client_cpu"
echo
echo "| page | concurrency | resumption | req/s | server CPU µs/req | p50 ms | p99 ms | errors | RSS after (MB) |"
echo "|---|---|---|---|---|---|---|---|---|"

run() { # name url concurrency resume
	local n=$requests flags=() out t0 t1 ok cpu
	[ "$3" -eq 1 ] && n=$((requests / 4))
	[ "$4" = yes ] && flags=(-r)
	t0=$(ticks)
	out=$(taskset -c "$client_cpu" "$loadgen" -p "$port" -u "$2" -c "$3" -n "$n" -d 60 "${flags[@]}")
	t1=$(ticks)
	ok=$(field requests "$out")
	cpu=$(awk -v t=$((t1 - t0)) -v hz="$hz" -v n="$ok" 'BEGIN { printf "%.0f", n ? t * 1e6 / hz / n : 0 }')
	printf "| %s | %s | %s | %.0f | %s | %s | %s | %s | %.1f |\n" "$1" "$3" "$4" \
	    "$(field rps "$out")" "$cpu" "$(field p50_ms "$out")" \
	    "$(field p99_ms "$out")" "$(field errors "$out")" \
	    "$(awk -v k="$(rss_kb)" 'BEGIN { print k / 1024 }')"
	echo "$1 $3 $4 $cpu $(field p50_ms "$out") $(field p99_ms "$out")" >> "$work/results"
}

# Warm up: libmagic's first look, page faults, OpenSSL's method caches.
taskset -c "$client_cpu" "$loadgen" -p "$port" -u "gemini://localhost/" -c 4 -n 200 -d 30 > /dev/null

for page in "home gemini://localhost/" \
    "section gemini://localhost/articles/kokoro-no-tsunagari/3.gmi" \
    "100 KB gemini://localhost/100k.bin"; do
	name=${page% *}
	url=${page##* }
	for c in 1 16 128; do
		for resume in no yes; do
			run "$name" "$url" "$c" "$resume"
		done
	done
done

# At rest: a worker quiet for a moment gives a burst's memory back.
sleep 1
echo
echo "RSS at rest after the runs (1 s later): $(awk -v k="$(rss_kb)" 'BEGIN { printf "%.1f", k / 1024 }') MB"

echo
echo "| idle connections | server RSS (MB) | RSS per connection (KB) | requests answered meanwhile |"
echo "|---|---|---|---|"
base=$(rss_kb)
printf "| 0 | %.1f | - | - |\n" "$(awk -v k="$base" 'BEGIN { print k / 1024 }')"
# "TLS": handshake done, no request sent; "TCP": connected, no ClientHello.
for idle in $(for count in $idle_counts; do echo "$count,TCP $count,TLS"; done); do
	count=${idle%,*}
	kind=${idle#*,}
	flags=()
	[ "$kind" = TCP ] && flags=(-t)
	taskset -c "$client_cpu" "$loadgen" -p "$port" -i "$count" -d 8 "${flags[@]}" > "$work/idle.out" &
	idle_pid=$!
	for _ in $(seq 1 300); do
		grep -q ready "$work/idle.out" && break
		sleep 0.1
	done
	# Held, not being made: "ready" is the client's view, and the server
	# may still be finishing handshakes. Once its CPU time stops moving,
	# a worker quiet for a moment has given the transient memory back.
	for _ in $(seq 1 60); do
		t0=$(ticks)
		sleep 0.5
		[ "$(ticks)" = "$t0" ] && break
	done
	sleep 0.5
	rss=$(rss_kb)
	out=$(taskset -c "$client_cpu" "$loadgen" -p "$port" -u "gemini://localhost/" -c 4 -n 100 -d 5)
	printf "| %s %s (%s) | %.1f | %.1f | %s of 100, p99 %s ms |\n" "$count" "$kind" \
	    "$(cut -d' ' -f2- "$work/idle.out")" \
	    "$(awk -v k="$rss" 'BEGIN { print k / 1024 }')" \
	    "$(awk -v k="$rss" -v b="$base" -v n="$count" 'BEGIN { print (k - b) / n }')" \
	    "$(field requests "$out")" "$(field p99_ms "$out")"
	wait "$idle_pid"
	sleep 2
	base=$(rss_kb)   # each count from where the last left the server
done

# The cryptographic floor of one full TLS 1.3 handshake on one core: one
# ECDSA P-256 signature, one X25519 key generation and one derivation.
speed=$(openssl speed -seconds 2 ecdsap256 ecdhx25519 2>/dev/null)
sign=$(awk '/ecdsa \(nistp256\)/ {print $(NF-1)}' <<<"$speed")
x25519=$(awk '/ecdh \(X25519\)/ {print $NF}' <<<"$speed")
floor=$(awk -v s="$sign" -v x="$x25519" 'BEGIN { printf "%.1f", 1e6 / s + 2e6 / x }')
echo
echo "Cryptographic floor (openssl speed, one core): ECDSA P-256 sign ${sign}/s, X25519 ${x25519} op/s:"
echo "$floor µs per full handshake, a ceiling of $(awk -v f="$floor" 'BEGIN { printf "%.0f", 1e6 / f }') handshakes/s per core."
awk -v f="$floor" '
	$1 == "home" && $2 == 16 && $3 == "no" { full = $4 }
	$1 == "home" && $2 == 16 && $3 == "yes" { res = $4 }
	$1 == "home" && $2 == 128 && $3 == "no" { p50 = $5; p99 = $6 }
	END {
		printf "Home page, concurrency 16: %d µs of server CPU per full handshake = %.2fx the floor; with resumption %d µs (%.2fx the full cost).\n", full, full / f, res, res / full
		printf "Concurrency 128, full handshakes: p50 %s ms, p99 %s ms (p99/p50 = %.2f).\n", p50, p99, p99 / p50
	}' "$work/results"
