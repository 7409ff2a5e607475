#!/usr/bin/env bash
# sceau bench — the peer stack for issuance: the same CoC rendered with
# Python ReportLab (bench/peer_reportlab.py, in one process, median per
# document) and signed with poppler's `pdfsig -add-signature` (one process
# per document, as pdfsig works, median), with the same key and
# certificate as sceau (the demo signer, imported into an NSS database).
# Against `sceau issue` of the same request, one document per process
# (--no-register, so no register commits), median.
#
# Installs nothing: without ReportLab (Debian: python3-reportlab), pdfsig
# (poppler-utils) or certutil/pk12util (libnss3-tools) it says what is
# missing and skips the peer.
# Usage: bench/bench_peer.sh SCEAU SCEAU_BENCH_RUN TEMPLATES [DOCS [RUNS]]
#        (run by bench/bench_all.sh: cmake --build build-rel --target bench)
set -euo pipefail
sceau=$1
runner=$2
templates=$3
docs=${4:-30}
runs=${5:-15}
here=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export SCEAU_TEMPLATES="$templates" SCEAU_PASSPHRASE=demo
row="issuance, signed CoCs/s, one core (\`--batch\`, \`--jobs 1\`)"
ms() { awk -v ms="$1" 'BEGIN { printf "%.1f ms", ms }'; }

echo "peer issuance (Python ReportLab + poppler pdfsig -add-signature)"
py=
for p in python3 /usr/bin/python3; do
	if command -v "$p" >/dev/null && "$p" -c 'import reportlab, PIL' 2>/dev/null; then
		py=$p
		break
	fi
done
missing=()
[ -n "$py" ] || missing+=("python3-reportlab")
command -v pdfsig >/dev/null || missing+=("poppler-utils")
command -v pk12util >/dev/null && command -v certutil >/dev/null || missing+=("libnss3-tools")
command -v openssl >/dev/null || missing+=("openssl")
if [ ${#missing[@]} -gt 0 ]; then
	echo "  skipped: missing ${missing[*]} (apt-get install ${missing[*]})"
	echo "@summary-peer|$row|skipped (no ${missing[*]})"
	exit 0
fi

"$sceau" demo --dir "$tmp/demo" >/dev/null
d=$tmp/demo
# the logo: sceau draws the PNG; the peer gets the same picture as JPEG
# (pdfsig 22.12 failed more often on ReportLab's Flate-encoded images)
"$py" -c 'from PIL import Image; Image.open("'"$templates"'/logo.png").convert("RGB").save("'"$tmp"'/logo.jpg", quality=90)'

# the demo signer's key and certificate in an NSS database
openssl pkcs12 -export -inkey "$d/signer/signer.key" -passin pass:demo \
	-in "$d/signer/signer.crt" -certfile "$d/root/root.crt" -name signer \
	-passout pass:bench -out "$tmp/signer.p12"
mkdir "$tmp/nss"
certutil -N -d "sql:$tmp/nss" --empty-password
pk12util -i "$tmp/signer.p12" -d "sql:$tmp/nss" -W bench >/dev/null
certutil -A -d "sql:$tmp/nss" -n root -t CT,C,C -i "$d/root/root.crt"

# render: DOCS documents in one process
read -r render_ms render_min peer_bytes < <("$py" "$here/bench/peer_reportlab.py" \
	"$d/coc.json" "$d/coc.qr" "$tmp/logo.jpg" "$tmp" "$docs")
# sign: RUNS processes; pdfsig 22.12 fails now and then with a P-256 key
# (exit 3, "unable update signature": the signature's length varies by a
# byte); such a run is retried and its time not counted.
sign_times=()
fails=0
while [ ${#sign_times[@]} -lt "$runs" ]; do
	read -r t _ _ st < <("$runner" "pdfsig" -nssdir "sql:$tmp/nss" -add-signature -nick signer \
		-reason bench "$tmp/peer-coc.pdf" "$tmp/peer-signed.pdf")
	if [ "$st" = 0 ]; then
		sign_times+=("$t")
	else
		fails=$((fails + 1))
		[ "$fails" -le $((runs * 4)) ] || { echo "bench: pdfsig keeps failing" >&2; exit 3; }
	fi
done
sign_ms=$(printf '%s\n' "${sign_times[@]}" | sort -g | awk '{ v[NR] = $1 } END { print v[int(NR / 2) + 1] }')
pdfsig -nssdir "sql:$tmp/nss" "$tmp/peer-signed.pdf" 2>/dev/null | grep -q "Signature is Valid" ||
	echo "  note: pdfsig does not say its own signature is valid"
signed_bytes=$(stat -c %s "$tmp/peer-signed.pdf")

# sceau: the same request, one `sceau issue` process per document
read -r sceau_ms _ _ st < <("$runner" -n "$runs" "$sceau" issue --signer "$d/signer" \
	--in "$d/coc.json" --out "$tmp/sceau-coc.pdf" --no-register --force)
[ "$st" = 0 ] || { echo "bench: sceau issue exited $st" >&2; exit 3; }
sceau_bytes=$(stat -c %s "$tmp/sceau-coc.pdf")

peer_total=$(awk -v a="$render_ms" -v b="$sign_ms" 'BEGIN { print a + b }')
printf "  ReportLab render      %s median of %d (in one process; %.1f KB unsigned)\n" \
	"$(ms "$render_ms")" "$docs" "$(awk -v b="$peer_bytes" 'BEGIN { print b / 1024 }')"
printf "  pdfsig -add-signature %s median of %d processes (%d failed runs retried; %.1f KB signed)\n" \
	"$(ms "$sign_ms")" "$runs" "$fails" "$(awk -v b="$signed_bytes" 'BEGIN { print b / 1024 }')"
printf "  peer, per document    %s (%.1f signed CoCs/s per core)\n" "$(ms "$peer_total")" \
	"$(awk -v t="$peer_total" 'BEGIN { print 1000 / t }')"
printf "  sceau issue process   %s median of %d (--no-register; %.1f KB; unlocking the key\n" \
	"$(ms "$sceau_ms")" "$runs" "$(awk -v b="$sceau_bytes" 'BEGIN { print b / 1024 }')"
echo "                        with scrypt is most of it: compare the batch's time per CoC)"
echo "@summary|one \`sceau issue\` process (key unlocked with scrypt) vs ReportLab render + one \`pdfsig\` process|$(ms "$sceau_ms")|$(ms "$peer_total") ($(ms "$render_ms") + $(ms "$sign_ms"))||-"
echo "@summary|signed CoC PDF size (sceau / peer)|$(awk -v b="$sceau_bytes" 'BEGIN { printf "%.1f KB", b / 1024 }')|$(awk -v b="$signed_bytes" 'BEGIN { printf "%.1f KB", b / 1024 }')|<= 150 KB|$([ "$sceau_bytes" -le 153600 ] && echo yes || echo no)"
echo "@summary-peer|$row|$(awk -v t="$peer_total" 'BEGIN { printf "%.1f/s", 1000 / t }') (ReportLab + pdfsig)"
