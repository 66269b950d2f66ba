"""A stored letter as a Danish HTML page (Jinja2, no Flask needed) or a PDF (fpdf2)."""
from __future__ import annotations

from pathlib import Path

from fpdf import FPDF
from jinja2 import Environment, FileSystemLoader, select_autoescape

from ..clock import LOCAL_ZONE
from ..export.report_pdf import latin1
from ..rules.award import danish_date

TEMPLATES = Path(__file__).parent / "templates"
_env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]))


def _values(row: dict) -> dict:
    created = row["created_at"].astimezone(LOCAL_ZONE)
    return {"letter": row["content"], "dated": danish_date(row["content"]["dated"]),
            "number": row["id"], "instance_id": row["instance_id"],
            "created": f"{danish_date(created.date())} kl. {created:%H.%M}"}


def html(row: dict) -> str:
    """``row`` is a letter as :func:`engine.letters.records.as_dict` gives it."""
    return _env.get_template("letter.html").render(**_values(row))


class _Letter(FPDF):
    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("Helvetica", "I", 8)
        self.cell(0, 8, f"Side {self.page_no()}", align="C")


def pdf(row: dict) -> bytes:
    values = _values(row)
    letter = values["letter"]
    doc = _Letter(format="A4")
    doc.set_title(latin1(letter["subject"]))
    doc.set_auto_page_break(True, margin=15)
    doc.add_page()

    def para(text: str, size: int = 11, style: str = "", height: int = 6) -> None:
        doc.set_font("Helvetica", style, size)
        doc.multi_cell(0, height, latin1(text), new_x="LMARGIN", new_y="NEXT")

    para(letter["sender"], style="B")
    para(f"Til: {letter['addressee']}")
    para(f"Dato: {values['dated']}")
    doc.ln(6)
    para(letter["subject"], size=14, style="B", height=7)
    doc.ln(2)
    for text in letter["paragraphs"]:
        para(text)
        doc.ln(2)
    for label, value in letter["facts"]:
        para(f"{label}: {value}", size=10, height=5)
    doc.ln(4)
    para("Med venlig hilsen")
    para(letter["sender"])
    doc.ln(4)
    para(letter["legal"], size=9, height=5)
    para(f"Brev nr. {values['number']} - dannet {values['created']}", size=8, height=4)
    return bytes(doc.output())
