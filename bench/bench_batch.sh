#!/usr/bin/env bash
# sceau bench — batch issuance: `sceau issue --batch` of N CoCs from the
# example request (each line its own id; the register numbers them), with
# --jobs 1 and --jobs 2, and once with N/10 to show that peak memory does
# not grow with the batch.
# Usage: bench/bench_batch.sh SCEAU_BINARY [N]     (cmake --build build --target bench)
set -euo pipefail
sceau=$1
n=${2:-10000}
here=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export SCEAU_TEMPLATES="$here/templates" SCEAU_PASSPHRASE=demo

"$sceau" demo --dir "$tmp/demo" >/dev/null
# One line per request: the example CoC without its number, with an id.
python3 - "$here/docs/examples/coc.json" "$tmp" "$n" <<'PY'
import json, sys
req = json.load(open(sys.argv[1]))
req.pop("number", None)
tmp, n = sys.argv[2], int(sys.argv[3])
for count in (n // 10, n):
    with open(f"{tmp}/req-{count}.jsonl", "w") as f:
        for i in range(count):
            req["id"] = f"r{i:06d}"
            f.write(json.dumps(req, ensure_ascii=False, separators=(",", ":")) + "\n")
PY

run() { # count jobs
	local count=$1 jobs=$2 out="$tmp/out-$1-$2"
	local line
	line=$("$sceau" issue --signer "$tmp/demo/signer" --register "$tmp/reg-$1-$2.db" \
		--number-pattern "BENCH-{TYPE}-{YYYY}-{N:6}" --batch "$tmp/req-$count.jsonl" \
		--out-dir "$out" --jobs "$jobs" 2>/dev/null | grep '^batch')
	echo "$line" | sed -E "s/^batch '[^']*': /  $count CoCs, --jobs $jobs: /"
	du -sk "$out" | awk -v c="$count" '{printf "    %.1f KB per PDF\n", $1 / c}'
	rm -rf "$out"
}

echo "batch issuance (sceau issue --batch; fsync per PDF and per register change)"
run $((n / 10)) 1
run "$n" 1
run "$n" 2
