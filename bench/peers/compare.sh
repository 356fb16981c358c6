#!/usr/bin/env bash
# The platform beside the peer a team would run instead, in one run on this machine:
# Spring Cloud Gateway + RedisRateLimiter, the Vert.x floor (../shared/peers) and the platform
# (Redis backend, embedded default, Redis backend with --cluster), all in front of one nginx and
# one Redis. Each target is warmed with wrk, then measured in one of two modes:
# --mode wrk (default): alternating rounds of `wrk -t1 -c32 --latency`; the table gives the
#   median round of each.
# --mode ceiling: the bench's `ceiling` command against all targets in one run (open-loop steps
#   from one Vert.x event loop, see docs/benchmarks.md): per target the highest rate answered with
#   < 0.1 % errors and p99 <= --p99 ms, with its ratio to the scg and floor rows.
#
# Usage: bench/peers/compare.sh [--warm S] [--targets scg,floor,redis,embedded,cluster] [--jfr TARGET]
#                               [--mode wrk] [--seconds S] [--rounds N] [--connections C]
#                               [--mode ceiling] [--p99 MS] [--max-seconds S] [--step-seconds S] [--start-rate R]
# --jfr TARGET records a Flight Recorder profile of TARGET's first measured round in
# bench/target/peers/TARGET.jfr (wrk mode).
# --max-seconds bounds each target's ceiling search (default 120).
# Target nginx (not in the default list) is the downstream alone: the load generator's own limit.
# Needs: wrk, nginx, redis-server on the PATH; launcher/target/platform.jar (mvn -B -q -DskipTests package);
# for --mode ceiling also bench/target/classes and the platform's modules in the local Maven
# repository (mvn -B -q install -DskipTests), see bench_classpath below.
# Env: PEERS_DIR (default ../shared/peers next to the checkout), PLATFORM_JAVA_OPTS.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
PEERS_DIR="${PEERS_DIR:-$ROOT/../shared/peers}"
WORK="$ROOT/bench/target/peers"
JAR="$ROOT/launcher/target/platform.jar"
WARM=45 SECONDS_PER_ROUND=10 ROUNDS=3 CONNECTIONS=32 TARGETS="scg,floor,redis,embedded,cluster" JFR_TARGET=""
MODE=wrk P99=50 MAX_SECONDS=120 STEP_SECONDS=5 START_RATE=1000
while [[ $# -gt 0 ]]; do
  case "$1" in
    --warm) WARM="$2"; shift 2 ;;
    --seconds) SECONDS_PER_ROUND="$2"; shift 2 ;;
    --rounds) ROUNDS="$2"; shift 2 ;;
    --connections) CONNECTIONS="$2"; shift 2 ;;
    --targets) TARGETS="$2"; shift 2 ;;
    --jfr) JFR_TARGET="$2"; shift 2 ;;
    --mode) MODE="$2"; shift 2 ;;
    --p99) P99="$2"; shift 2 ;;
    --max-seconds) MAX_SECONDS="$2"; shift 2 ;;
    --step-seconds) STEP_SECONDS="$2"; shift 2 ;;
    --start-rate) START_RATE="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
for tool in wrk nginx redis-server java javac; do
  command -v "$tool" >/dev/null || { echo "missing $tool (Debian: apt-get install wrk nginx-light redis-server)" >&2; exit 1; }
done
[[ -f "$JAR" ]] || { echo "missing $JAR: run mvn -B -q -DskipTests package first" >&2; exit 1; }
[[ -d "$PEERS_DIR" ]] || { echo "missing $PEERS_DIR (set PEERS_DIR)" >&2; exit 1; }
[[ "$MODE" == wrk || "$MODE" == ceiling ]] || { echo "--mode must be wrk or ceiling" >&2; exit 2; }
mkdir -p "$WORK/logs"

# The bench's class path as exec:exec@bench gives it: bench/target/classes, then the bench's
# runtime dependencies resolved offline from the local Maven repository (~/.m2), where
# `mvn -B -q install -DskipTests` put this checkout's modules. Nothing is built here.
bench_classpath() {
  [[ -d "$ROOT/bench/target/classes" ]] || { echo "missing bench/target/classes: run mvn -B -q install -DskipTests first" >&2; return 1; }
  (cd "$ROOT" && mvn -B -q -o dependency:build-classpath -pl bench -Dmdep.includeScope=runtime \
    -Dmdep.outputFile="$WORK/bench.classpath") >"$WORK/logs/bench-classpath.log" 2>&1 \
    || { echo "could not resolve the bench's class path offline: see $WORK/logs/bench-classpath.log" >&2; return 1; }
  echo "$ROOT/bench/target/classes:$(cat "$WORK/bench.classpath")"
}
if [[ "$MODE" == ceiling ]]; then BENCH_CP=$(bench_classpath); fi

PIDS=()
cleanup() { for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
await_http() { # url seconds
  local deadline=$((SECONDS + $2))
  until curl -fs -o /dev/null "$1"; do
    (( SECONDS < deadline )) || { echo "$1 did not answer within $2 s" >&2; return 1; }
    sleep 0.2
  done
}

REDIS_PORT=$(free_port)
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no >"$WORK/logs/redis.log" 2>&1 &
PIDS+=($!)
DS_PORT=$(free_port)
PIDS+=("$("$PEERS_DIR/downstream.sh" "$DS_PORT" 2>>"$WORK/logs/nginx.log")")

cat >"$WORK/echo.yaml" <<YAML
# One tenant (Authorization: Bearer k1) whose limits never deny, and the peer's route as a
# workflow: one HTTP step POSTing the input to nginx, answered synchronously.
runs: { retention: 60s, idempotencyRetention: 60s }
tenants:
  peer:
    keys: [ { id: peer-1, sha256: "$(printf k1 | sha256sum | cut -d' ' -f1)" } ]
    rateLimits:
      submit: [ { name: burst, limit: 100000000, window: 1s } ]
      read: [ { name: reads, limit: 100000000, window: 1s } ]
    bulkhead: { maxConcurrent: 4096, maxQueued: 100000 }
workflows:
  echo:
    timeout: 5s
    steps: [ { name: call, http: { method: POST, url: "http://127.0.0.1:$DS_PORT/ok", timeout: 2s }, retry: none } ]
YAML

declare -A PORT URL JVM
# A profiled target records from its start (starting a recording later stalls the JVM for seconds).
jfr_opts() { [[ ",$JFR_TARGET," == *",$1,"* ]] && echo "-XX:StartFlightRecording=settings=profile,maxage=5m" || true; }
start_target() { # name
  local name="$1" port
  port=$(free_port); PORT[$name]=$port
  URL[$name]="http://127.0.0.1:$port/v1/workflows/echo/runs"
  case "$name" in
    nginx) # not a gateway: the downstream alone, i.e. how far the load generator itself gets
      URL[$name]="http://127.0.0.1:$DS_PORT/v1/workflows/echo/runs" ;;
    scg)
      if [[ ! -f "$WORK/scg-gateway/target/scg-gateway.jar" ]]; then
        rm -rf "$WORK/scg-gateway" && cp -r "$PEERS_DIR/scg-gateway" "$WORK/"
        (cd "$WORK/scg-gateway" && mvn -B -q package -DskipTests) >"$WORK/logs/scg-build.log" 2>&1
      fi
      PORT=$port DOWNSTREAM_URL="http://127.0.0.1:$DS_PORT" REDIS_HOST=127.0.0.1 REDIS_PORT=$REDIS_PORT \
        java $(jfr_opts scg) -jar "$WORK/scg-gateway/target/scg-gateway.jar" >"$WORK/logs/scg.log" 2>&1 &
      PIDS+=($!); JVM[$name]=$!; await_http "http://127.0.0.1:$port/health" 120 ;;
    floor)
      mkdir -p "$WORK/floor"
      javac -cp "$JAR" -d "$WORK/floor" "$PEERS_DIR/floor/Floor.java"
      java $(jfr_opts floor) -cp "$JAR:$WORK/floor" Floor "$port" "$REDIS_PORT" "$DS_PORT" >"$WORK/logs/floor.log" 2>&1 &
      PIDS+=($!); JVM[$name]=$!
      local deadline=$((SECONDS + 60))
      until curl -s -o /dev/null -X POST "${URL[$name]}"; do (( SECONDS < deadline )) || exit 1; sleep 0.2; done ;;
    redis|embedded|cluster)
      local env=(HTTP_PORT=$port HTTP_HOST=127.0.0.1 DLQ_JOURNAL_DIR="$WORK/$name/dlq" RUNS_JOURNAL_DIR="$WORK/$name/runs")
      local args=(--conf "$WORK/echo.yaml")
      [[ "$name" != embedded ]] && env+=(REDIS_URL="redis://127.0.0.1:$REDIS_PORT/$([[ $name == redis ]] && echo 1 || echo 2)")
      [[ "$name" == cluster ]] && { env+=(CLUSTER_PORT=$(free_port) CLUSTER_NAME="compare-$$"); args+=(--cluster); }
      rm -rf "${WORK:?}/$name"
      env "${env[@]}" java ${PLATFORM_JAVA_OPTS:-} $(jfr_opts "$name") -jar "$JAR" "${args[@]}" >"$WORK/logs/$name.log" 2>&1 &
      PIDS+=($!); JVM[$name]=$!; await_http "http://127.0.0.1:$port/health/ready" 120 ;;
    *) echo "unknown target $name" >&2; exit 2 ;;
  esac
  # Every target must answer the route with a 200 before it is measured.
  local status
  status=$(curl -s -o "$WORK/logs/$name.first" -w '%{http_code}' -X POST -H 'Authorization: Bearer k1' \
    -H 'Content-Type: application/json' -d '{"input":{"message":"hello"}}' "${URL[$name]}")
  [[ "$status" == 200 ]] || { echo "$name answered $status: $(cat "$WORK/logs/$name.first")" >&2; exit 1; }
}

jvm_cpu_ticks() { # pid -> user+system clock ticks so far (0 for a target that is not a JVM of ours)
  [[ -n "$1" && -r /proc/$1/stat ]] && awk '{print $14 + $15}' "/proc/$1/stat" || echo 0
}

run_wrk() { # name seconds -> "req/s p99_ms errors requests cpu_us_per_request"
  local out before after
  before=$(jvm_cpu_ticks "${JVM[$1]:-}")
  out=$(wrk -t1 -c"$CONNECTIONS" -d"$2"s --latency -s "$PEERS_DIR/wrk-post.lua" "${URL[$1]}")
  after=$(jvm_cpu_ticks "${JVM[$1]:-}")
  echo "$out" >>"$WORK/logs/$1.wrk"
  python3 - "$out" "$((after - before))" "$(getconf CLK_TCK)" <<'PY'
import re, sys
out = sys.argv[1]
cpu_seconds = int(sys.argv[2]) / int(sys.argv[3])
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
m = re.search(r"99%\s+([\d.]+)(us|ms|s)\b", out)
p99 = float(m.group(1)) * {"us": 0.001, "ms": 1, "s": 1000}[m.group(2)]
total = int(re.search(r"(\d+) requests in", out).group(1))
bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
errs = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
errors = (int(bad.group(1)) if bad else 0) + (sum(map(int, errs.groups())) if errs else 0)
print(f"{rps:.0f} {p99:.2f} {errors} {total} {cpu_seconds * 1e6 / max(total, 1):.0f}")
PY
}

IFS=, read -ra NAMES <<<"$TARGETS"
for name in "${NAMES[@]}"; do
  start_target "$name"
  echo "warming $name for $WARM s" >&2
  run_wrk "$name" "$WARM" >/dev/null
done
if [[ "$MODE" == ceiling ]]; then
  ceiling_args=(ceiling --p99 "$P99" --max-seconds "$MAX_SECONDS" --step-seconds "$STEP_SECONDS" --start-rate "$START_RATE")
  for name in "${NAMES[@]}"; do ceiling_args+=(--target "$name=${URL[$name]}"); done
  echo "## compare.sh --mode ceiling, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
  echo "each target warmed ${WARM}s with wrk -t1 -c$CONNECTIONS first; the load generator is its own JVM (GC log: $WORK/logs/ceiling-gc.log)"
  java -Xms2g -Xmx2g -XX:+AlwaysPreTouch -Xlog:gc,safepoint:file="$WORK/logs/ceiling-gc.log":uptime \
    -cp "$BENCH_CP" dev.wfgateway.bench.Bench "${ceiling_args[@]}" | tee "$WORK/logs/ceiling.out"
  exit
fi

declare -A RESULTS
for round in $(seq 1 "$ROUNDS"); do
  for name in "${NAMES[@]}"; do
    result=$(run_wrk "$name" "$SECONDS_PER_ROUND")
    if [[ "$round" == 1 && -n "$(jfr_opts "$name")" ]]; then # the profile of the first measured round
      jcmd "${JVM[$name]}" JFR.dump filename="$WORK/$name.jfr" begin="-${SECONDS_PER_ROUND}s" >/dev/null
    fi
    RESULTS[$name]+="$result;"
    echo "round $round $name: $result (req/s p99-ms errors requests cpu-us/req)" >&2
  done
done

echo "## compare.sh, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "wrk -t1 -c$CONNECTIONS, ${WARM}s warm-up per target, median of $ROUNDS alternating ${SECONDS_PER_ROUND}s rounds"
echo
python3 - "$TARGETS" "$(for n in "${NAMES[@]}"; do echo "$n=${RESULTS[$n]}"; done)" <<'PY'
import statistics, sys
labels = {"nginx": "nginx alone (the downstream)", "scg": "Spring Cloud Gateway + RedisRateLimiter", "floor": "floor (Vert.x, one EVALSHA + POST)",
          "redis": "platform, Redis backend", "embedded": "platform, embedded default",
          "cluster": "platform, Redis backend, --cluster"}
rows = {}
for line in sys.argv[2].splitlines():
    name, rounds = line.split("=", 1)
    rounds = [list(map(float, r.split())) for r in rounds.split(";") if r]
    rows[name] = rounds
med = {n: statistics.median(r[0] for r in rs) for n, rs in rows.items()}
print("| target | req/s (median) | rounds | p99 ms (median) | errors | x SCG | % floor | JVM CPU µs/req |")
print("|---|---|---|---|---|---|---|---|")
for n, rs in rows.items():
    p99 = statistics.median(r[1] for r in rs)
    errors = int(sum(r[2] for r in rs)); total = int(sum(r[3] for r in rs))
    x = f"{med[n] / med['scg']:.2f}" if "scg" in med else "-"
    f = f"{100 * med[n] / med['floor']:.0f} %" if "floor" in med else "-"
    cpu = statistics.median(r[4] for r in rs)
    print(f"| {labels[n]} | {med[n]:,.0f} | {' / '.join(f'{r[0]:,.0f}' for r in rs)} | {p99:.1f} | {errors} of {total} | {x} | {f} | {cpu:.0f} |")
PY
