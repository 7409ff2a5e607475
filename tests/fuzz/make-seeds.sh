#!/usr/bin/env bash
# Make the seed corpora in tests/fuzz/corpus/ from real files: a demo's
# PDFs, QR texts, status list, bundle, certificates and CRL; the example
# requests; the attack files of the verify suite and the PDFs signed by
# pdfsig and mutool in the foreign suite (SCEAU_FUZZ_SAVE). The fixture
# trust store tests/fuzz/trust must be the demo's: FUZZ_AT in fuzz.h is an
# hour after that demo signed.
#
# Usage: tests/fuzz/make-seeds.sh BUILD_DIR DEMO_DIR
#   BUILD_DIR: a test build (its sceau and check_verify/check_foreign)
#   DEMO_DIR:  the directory of the `sceau demo --dir DEMO_DIR` the fixture
#              came from
set -euo pipefail
build=$1 demo=$2
here=$(cd "$(dirname "$0")" && pwd)
c=$here/corpus
mkdir -p "$c"/{qr,pdf,request,batch,status,bundle,x509,qrimage}

# QR texts, and their COSE bytes (fuzz_qr also takes an input as COSE).
for d in coc halal withdrawn; do
  tr -d '\n' < "$demo/$d.qr" > "$c/qr/seed-$d.txt"
  python3 - "$demo/$d.qr" "$c/qr/seed-$d.cose" <<'PY'
import sys, zlib
t = open(sys.argv[1]).read().strip().split(':', 1)[1]
A = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
out = bytearray()
for i in range(0, len(t), 3):
    ch = t[i:i+3]
    v = sum(A.index(x) * 45**k for k, x in enumerate(ch))
    out += v.to_bytes(2 if len(ch) == 3 else 1, 'big')
open(sys.argv[2], 'wb').write(zlib.decompress(bytes(out)))
PY
done

# PDFs: ours, attacks on them, and other tools' signatures.
for d in coc halal withdrawn; do cp "$demo/$d.pdf" "$c/pdf/seed-$d.pdf"; done
save=$(mktemp -d)
SCEAU_FUZZ_SAVE=$save CK_DEFAULT_TIMEOUT=120 ASAN_OPTIONS=detect_leaks=0 \
  "$build/tests/check_verify" >/dev/null
SCEAU_FUZZ_SAVE=$save CK_DEFAULT_TIMEOUT=120 ASAN_OPTIONS=detect_leaks=0 \
  "$build/tests/check_foreign" >/dev/null
# The same attack on each run gets one name: the file's digest.
for f in "$save"/*; do
  cp "$f" "$c/pdf/seed-$(basename "$f" | cut -d- -f1)-$(sha1sum "$f" | cut -c1-12).pdf"
done
rm -rf "$save"

# Requests, and a batch of them with ids (one refused, one blank line).
cp "$here/../../docs/examples/coc.json" "$c/request/seed-coc.json"
cp "$here/../../docs/examples/halal.json" "$c/request/seed-halal.json"
python3 - "$here/../../docs/examples" "$c/batch/seed-batch.jsonl" <<'PY'
import json, sys
d, out = sys.argv[1], sys.argv[2]
lines = []
for i, n in enumerate(["coc", "halal", "coc"]):
    r = json.load(open(f"{d}/{n}.json"))
    r["id"] = f"req-{i}"
    lines.append(json.dumps(r, ensure_ascii=False, separators=(",", ":")))
lines.insert(1, "")
lines.append('{"id":"-bad","type":"coc"}\r')
open(out, "w").write("\n".join(lines) + "\n")
PY

# Trust material.
cp "$demo/trust/demo-body.status" "$c/status/seed-demo.status"
cp "$demo/trust.bundle" "$c/bundle/seed-demo.bundle"
cp "$demo/trust/root.crt" "$c/x509/seed-root.pem"
cp "$demo/trust/demo-body.crt" "$c/x509/seed-signer.pem"
cp "$demo/trust/root.crl" "$c/x509/seed-crl.pem"
openssl x509 -in "$demo/trust/root.crt" -outform DER -out "$c/x509/seed-root.der"
openssl crl -in "$demo/trust/root.crl" -outform DER -out "$c/x509/seed-crl.der"

# Photos of the QR code: the page at 110 dpi, the code's corner cut out
# (small inputs fuzz faster), as PNG (grey and colour) and JPEG.
tmp=$(mktemp -d)
crop=(-r 110 -x 688 -y 48 -W 180 -H 180 -singlefile)
pdftoppm "${crop[@]}" -png -gray "$demo/coc.pdf" "$tmp/grey"
pdftoppm "${crop[@]}" -png "$demo/coc.pdf" "$tmp/rgb"
pdftoppm "${crop[@]}" -jpeg -jpegopt quality=40 "$demo/coc.pdf" "$tmp/q40"
mv "$tmp/grey.png" "$c/qrimage/seed-grey.png"
mv "$tmp/rgb.png" "$c/qrimage/seed-rgb.png"
mv "$tmp/q40.jpg" "$c/qrimage/seed-q40.jpg"
rm -rf "$tmp"
for f in "$c"/qrimage/*; do
  zbarimg -q --raw "$f" >/dev/null || { echo "make-seeds: no QR code in $f" >&2; exit 1; }
done
