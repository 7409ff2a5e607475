#!/usr/bin/env bash
# sceau bench — every benchmark in one run, side by side with its peer,
# ending with one markdown table (paste it into docs/performance.md).
#
#   1. rendering in-process (sceau_bench)
#   2. sizes, PAdES signing, PDF and QR verification in-process, and
#      `sceau verify` against poppler's `pdfsig` as whole processes
#      (sceau_bench_verify)
#   3. issuance against the peer stack: Python ReportLab + `pdfsig
#      -add-signature` (bench/bench_peer.sh)
#   4. batch issuance and verification of N and N/10 documents: throughput
#      and peak memory (bench/bench_batch.sh)
#   5. document status lists (sceau_bench_status)
#
# Every CoC carries a logo: the run uses a copy of the shipped templates
# with a 300x120 PNG logo added, as a body's own templates would.
# Medians of repeated runs throughout; wall-clock numbers are only worth
# something on an idle machine.
#
# Usage: bench/bench_all.sh SCEAU BUILD_DIR [N]
#   N: batch size (default 10000; the 10,000 runs take minutes of CPU).
#   SCEAU_BENCH_QUICK=1: small counts everywhere, to try the bench out.
set -euo pipefail
sceau=$(realpath "$1")
build=$(realpath "$2")
n=${3:-10000}
here=$(cd "$(dirname "$0")/.." && pwd)
quick=${SCEAU_BENCH_QUICK:-0}
if [ "$quick" = 1 ]; then
	n=${3:-200}
	render_n=20 verify_n=100 process_runs=5 peer_docs=3 peer_runs=3 status_issued=100000
else
	render_n=200 verify_n=2000 process_runs=30 peer_docs=30 peer_runs=15 status_issued=1000000
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
log=$tmp/bench.log

# templates with a logo
cp -r "$here/templates" "$tmp/templates"
python3 - "$tmp/templates" <<'PY'
import json, struct, sys, zlib
d = sys.argv[1]
w, h = 300, 120
def px(x, y):
    if (x - 60) ** 2 + (y - 60) ** 2 < 50 ** 2:
        return (0, 98, 65)
    if 130 <= x < 290 and 40 <= y < 80:
        return (193, 39, 45)
    return (255, 255, 255)
rows = b"".join(b"\0" + bytes(c for x in range(w) for c in px(x, y)) for y in range(h))
def chunk(t, data):
    return struct.pack(">I", len(data)) + t + data + struct.pack(">I", zlib.crc32(t + data))
with open(f"{d}/logo.png", "wb") as f:
    f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b""))
for name in ("coc", "halal"):
    p = f"{d}/{name}.json"
    t = json.load(open(p, encoding="utf-8"))
    t["logo"] = {"file": "logo.png", "width_mm": 30}
    json.dump(t, open(p, "w", encoding="utf-8"), ensure_ascii=False, indent=2)
PY
export SCEAU_TEMPLATES=$tmp/templates

step() { # title, command...
	echo
	echo "== $1"
	shift
	"$@" 2>&1 | tee -a "$log" | grep -v '^@summary'
}

echo "sceau benchmarks: $("$sceau" --version | head -1); $(nproc) cores ($(uname -m)); $(date -u +%Y-%m-%d)"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
step "rendering, in-process" "$build/sceau_bench" "$here/docs/examples" "$tmp/templates" "$render_n"
step "signing and verification" "$build/sceau_bench_verify" "$sceau" "$verify_n" "$process_runs"
step "issuance against the peer" "$here/bench/bench_peer.sh" "$sceau" "$build/sceau_bench_run" \
	"$tmp/templates" "$peer_docs" "$peer_runs"
step "batch issuance and verification at scale" "$here/bench/bench_batch.sh" "$sceau" \
	"$build/sceau_bench_run" "$n" "$tmp/templates"
step "document status lists" "$build/sceau_bench_status" "$sceau" "$status_issued" 10000
echo
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

# the table: one row per @summary line, the peer column filled from
# @summary-peer lines naming the same row
echo
echo "| what | sceau | peer | goal | met |"
echo "|---|---|---|---|---|"
awk -F'|' '
	$1 == "@summary-peer" { peer[$2] = $3; next }
	$1 == "@summary" { n++; what[n] = $2; s[n] = $3; p[n] = $4; g[n] = $5; m[n] = $6 }
	END {
		for (i = 1; i <= n; i++) {
			if (p[i] == "" && (what[i] in peer))
				p[i] = peer[what[i]]
			printf "| %s | %s | %s | %s | %s |\n", what[i], s[i], p[i] == "" ? "" : p[i], g[i], m[i]
		}
	}' "$log"
