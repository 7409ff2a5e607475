#!/usr/bin/env bash
# sceau bench — batch issuance and verification at scale:
#   - `sceau issue --batch` of N/10 and N CoCs from the example request
#     (each line its own id; the register numbers them) with --jobs 1, and
#     N with --jobs 2: time, CoCs per second, peak memory;
#   - `sceau verify` of N/10 and N of the PDFs just issued, each in one
#     process: time, PDFs per second, peak memory;
#   - the PDF's size on disk.
# Peak memory is the largest resident set of the process and the children
# it waited for (sceau_bench_run, wait4); it must not grow with the count.
# Usage: bench/bench_batch.sh SCEAU SCEAU_BENCH_RUN [N [TEMPLATES]]
#        (run by bench/bench_all.sh: cmake --build build-rel --target bench)
set -euo pipefail
sceau=$1
runner=$2
n=${3:-10000}
here=$(cd "$(dirname "$0")/.." && pwd)
templates=${4:-$here/templates}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export SCEAU_TEMPLATES="$templates" SCEAU_PASSPHRASE=demo

"$sceau" demo --dir "$tmp/demo" >/dev/null
# One line per request: the example CoC without its number, with an id.
python3 - "$here/docs/examples/coc.json" "$tmp" "$n" <<'PY'
import json, sys
req = json.load(open(sys.argv[1], encoding="utf-8"))
req.pop("number", None)
tmp, n = sys.argv[2], int(sys.argv[3])
for count in (n // 10, n):
    with open(f"{tmp}/req-{count}.jsonl", "w", encoding="utf-8") as f:
        for i in range(count):
            req["id"] = f"r{i:06d}"
            f.write(json.dumps(req, ensure_ascii=False, separators=(",", ":")) + "\n")
PY

summary() { echo "@summary|$1|$2|${3:-}|${4:-}|${5:--}"; }
mb() { awk -v k="$1" 'BEGIN { printf "%.0f MB", k / 1024 }'; }
rate() { awk -v c="$1" -v ms="$2" 'BEGIN { printf "%.0f", c * 1000 / ms }'; }
declare -A peak rates

issue() { # count jobs
	local count=$1 jobs=$2 out="$tmp/out-$1-$2" ms min kb st
	read -r ms min kb st < <("$runner" -o "$tmp/issue.log" "$sceau" issue \
		--signer "$tmp/demo/signer" --register "$tmp/reg-$1-$2.db" \
		--number-pattern "BENCH-{TYPE}-{YYYY}-{N:6}" --batch "$tmp/req-$count.jsonl" \
		--out-dir "$out" --jobs "$jobs")
	if [ "$st" != 0 ]; then
		echo "bench: sceau issue --batch exited $st:" >&2
		tail -5 "$tmp/issue.log" >&2
		exit 3
	fi
	rates[$count-$jobs]=$(rate "$count" "$ms")
	peak[issue-$count-$jobs]=$kb
	printf "  %6d CoCs, --jobs %d  %8.1f s  %5s CoCs/s  peak %s\n" "$count" "$jobs" \
		"$(awk -v ms="$ms" 'BEGIN { print ms / 1000 }')" "${rates[$count-$jobs]}" "$(mb "$kb")"
}

verify() { # count: the first COUNT PDFs of the N issued with --jobs 1
	local count=$1 ms min kb st
	local all files
	# (no `| head`: under pipefail its early exit would fail the pipeline)
	mapfile -t all < <(find "$tmp/out-$n-1" -name '*.pdf' | sort)
	files=("${all[@]:0:$count}")
	read -r ms min kb st < <("$runner" -o "$tmp/verify.log" "$sceau" verify \
		--trust "$tmp/demo/trust" "${files[@]}")
	if [ "$st" != 0 ]; then
		echo "bench: sceau verify of $count PDFs exited $st:" >&2
		grep -v ' valid' "$tmp/verify.log" | head -5 >&2
		exit 3
	fi
	rates[verify-$count]=$(rate "$count" "$ms")
	peak[verify-$count]=$kb
	printf "  %6d PDFs verified      %8.1f s  %5s PDFs/s  peak %s\n" "$count" \
		"$(awk -v ms="$ms" 'BEGIN { print ms / 1000 }')" "${rates[verify-$count]}" "$(mb "$kb")"
}

echo "batch issuance and verification (fsync per PDF and per register change; templates $templates)"
issue $((n / 10)) 1
issue "$n" 1
kb_pdf=$(du -sk "$tmp/out-$n-1" | awk -v c="$n" '{ printf "%.1f", $1 / c }')
echo "    $kb_pdf KB per PDF on disk"
verify $((n / 10))
verify "$n"
rm -rf "$tmp/out-$n-1"
issue "$n" 2
rm -rf "$tmp/out-$n-2" "$tmp/out-$((n / 10))-1"

per_core=${rates[$n-1]}
met=$([ "$per_core" -ge 200 ] && echo yes || echo no)
summary "issuance, signed CoCs/s, one core (\`--batch\`, \`--jobs 1\`)" "$per_core/s" "" ">= 200/s" "$met"
summary "issuance, signed CoCs/s, \`--jobs 2\`" "${rates[$n-2]}/s" "" "" "-"
summary "peak memory, batch of $((n / 10)) / $n CoCs" \
	"$(mb "${peak[issue-$((n / 10))-1]}") / $(mb "${peak[issue-$n-1]}") (\`--jobs 2\`: $(mb "${peak[issue-$n-2]}"))" \
	"" "flat" "$([ "${peak[issue-$n-1]}" -le $((peak[issue-$((n / 10))-1] * 11 / 10 + 1024)) ] && echo yes || echo no)"
summary "peak memory, \`sceau verify\` of $((n / 10)) / $n files" \
	"$(mb "${peak[verify-$((n / 10))]}") / $(mb "${peak[verify-$n]}") (${rates[verify-$n]} PDFs/s)" \
	"" "flat" "$([ "${peak[verify-$n]}" -le $((peak[verify-$((n / 10))] * 11 / 10 + 1024)) ] && echo yes || echo no)"
summary "CoC PDF on disk, from the batch" "$kb_pdf KB" "" "" "-"
