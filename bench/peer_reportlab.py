#!/usr/bin/env python3
"""sceau bench — the peer: the same CoC rendered with Python ReportLab.

The fields of docs/examples/coc.json on one A4 page, roughly as sceau's
CoC template lays them out: the body's logo (PNG), the title in French,
Arabic and English, a QR code of the same text, the certificate's fields
in two columns, the goods in a table, the dossier as a list and the
footer; DejaVu Sans and Noto Naskh Arabic embedded (ReportLab subsets
them). ReportLab does not shape Arabic (no joining, no right-to-left): it
does less work than sceau's renderer there.

Usage: peer_reportlab.py REQUEST.json QR.txt LOGO.png OUT_DIR N
Renders N documents in this one process (each with its own number), writes
the last to OUT_DIR/peer-coc.pdf and prints
  MEDIAN_MS MIN_MS BYTES
(milliseconds per document, the size of one document)."""
import json
import os
import sys
import time

from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (Image, Paragraph, SimpleDocTemplate, Spacer,
                                Table, TableStyle)

FONTS = {
    "Sans": "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "Sans-Bold": "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "Arabic": "/usr/share/fonts/truetype/noto/NotoNaskhArabic-Regular.ttf",
}


def styles():
    s = {
        "title": ParagraphStyle("title", fontName="Sans-Bold", fontSize=16, leading=19),
        "sub": ParagraphStyle("sub", fontName="Sans", fontSize=7.5, leading=9),
        "ar": ParagraphStyle("ar", fontName="Arabic", fontSize=9, leading=12, alignment=2),
        "head": ParagraphStyle("head", fontName="Sans-Bold", fontSize=8.5, leading=11),
        "label": ParagraphStyle("label", fontName="Sans", fontSize=6.5, leading=8,
                                textColor=colors.grey),
        "value": ParagraphStyle("value", fontName="Sans", fontSize=8.5, leading=10.5),
        "cell": ParagraphStyle("cell", fontName="Sans", fontSize=7.5, leading=9),
        "foot": ParagraphStyle("foot", fontName="Sans", fontSize=6.5, leading=8),
    }
    return s


def para(text, style):
    text = (text or "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return Paragraph(text.replace("\n", "<br/>"), style)


def field(label, value, st):
    return [para(label, st["label"]), para(value, st["value"])]


def render(req, number, qr_text, logo, out, st):
    doc = SimpleDocTemplate(out, pagesize=A4, leftMargin=14 * mm, rightMargin=14 * mm,
                            topMargin=14 * mm, bottomMargin=14 * mm,
                            title="Certificat de conformité " + number)
    qr = QrCodeWidget(qr_text, barLevel="M")
    b = qr.getBounds()
    side = 36 * mm
    d = Drawing(side, side, transform=[side / (b[2] - b[0]), 0, 0, side / (b[3] - b[1]), 0, 0])
    d.add(qr)
    head = Table([[Image(logo, width=30 * mm, height=12 * mm),
                   [para("CERTIFICAT DE CONFORMITÉ", st["title"]),
                    para("شهادة المطابقة", st["ar"]),
                    para("Certificate of Conformity", st["value"]),
                    para("Programme de vérification de la conformité des produits industriels "
                         "importés (VoC) — normes marocaines (IMANOR)", st["sub"])],
                   [d, para(number, st["head"])]]],
                 colWidths=[40 * mm, 100 * mm, 42 * mm])
    head.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    imp, exp, inv, ins = req["importer"], req["exporter"], req["invoice"], req["inspection"]
    f = [
        field("Organisme émetteur / Issuing body", "DEMO Inspection Body", st),
        field("N° du certificat / Certificate number", number, st),
        field("Voie / Route", "A — contrôle de chaque envoi", st),
        field("Date de délivrance / Date of issue", req["issue_date"], st),
        field("Valable jusqu'au / Valid until", "2027-02-20", st),
        field("Importateur / Importer", "%s\n%s\n%s\nICE %s" % (
            imp["name"], imp.get("name_ar", ""), imp["address"], imp["ice"]), st),
        field("Exportateur / Exporter", "%s\n%s\n%s" % (exp["name"], exp["address"],
                                                        exp["country"]), st),
        field("Pays d'origine / Country of origin", req["country_of_origin"], st),
        field("Facture / Invoice", "N° %s du %s\n%s %s" % (inv["number"], inv["date"],
                                                         inv["amount"], inv["currency"]), st),
        field("Inspection / Inspection", "%s\n%s" % (ins["date"], ins["place"]), st),
    ]
    rows = [[f[i], f[i + 1] if i + 1 < len(f) else ""] for i in range(0, len(f), 2)]
    fields = Table(rows, colWidths=[91 * mm, 91 * mm])
    fields.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.3, colors.grey),
                                ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    goods = [[para(h, st["head"]) for h in ("Position tarifaire", "Désignation",
                                            "Marque / modèle", "Quantité", "Unité", "Norme")]]
    for p in req["products"]:
        desc = p["description"] + ("\n" + p["description_ar"] if "description_ar" in p else "")
        goods.append([para(p["tariff_code"], st["cell"]), para(desc, st["cell"]),
                      para("%s\n%s" % (p["brand"], p["model"]), st["cell"]),
                      para(p["quantity"], st["cell"]), para(p["unit"], st["cell"]),
                      para(p["standard"], st["cell"])])
    table = Table(goods, colWidths=[26 * mm, 66 * mm, 30 * mm, 16 * mm, 14 * mm, 30 * mm],
                  repeatRows=1)
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.3, colors.grey),
                               ("BACKGROUND", (0, 0), (-1, 0), colors.lightgrey),
                               ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    dossier = [para("• %s: %s" % (d["kind"].replace("_", " "), d["reference"]), st["cell"])
               for d in req["dossier"]["documents"]]
    foot = para("Ce certificat est signé électroniquement. Pour le vérifier, scannez le code "
                "QR ou exécutez « sceau verify » sur ce fichier PDF. Certificat n° " + number,
                st["foot"])
    story = [head, Spacer(1, 4 * mm), para("Certificat / Certificate", st["head"]), fields,
             Spacer(1, 4 * mm), para("Marchandises / Goods", st["head"]), table,
             Spacer(1, 4 * mm), para("Dossier examiné / Documents reviewed", st["head"])]
    story += dossier + [Spacer(1, 6 * mm), foot]
    doc.build(story)


def main():
    req_path, qr_path, logo, out_dir, n = sys.argv[1:6]
    n = int(n)
    for name, path in FONTS.items():
        pdfmetrics.registerFont(TTFont(name, path))
    req = json.load(open(req_path, encoding="utf-8"))
    qr_text = open(qr_path, encoding="ascii").read().strip()
    st = styles()
    out = os.path.join(out_dir, "peer-coc.pdf")
    times = []
    for i in range(n):
        t0 = time.perf_counter()
        render(req, "PEER-COC-2026-%06d" % i, qr_text, logo, out, st)
        times.append((time.perf_counter() - t0) * 1e3)
    times.sort()
    print("%.3f %.3f %d" % (times[len(times) // 2], times[0], os.path.getsize(out)))


if __name__ == "__main__":
    main()
