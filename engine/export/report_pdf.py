"""The procurement report as PDF (fpdf2, pure Python; its core fonts are Latin-1, so
the few characters outside it are replaced)."""
from __future__ import annotations

from fpdf import FPDF, FontFace

REPLACE = {"\u2013": "-", "\u2014": "-", "\u2018": "'", "\u2019": "'", "\u201c": '"',
           "\u201d": '"', "\u2026": "...", "\u00a0": " ", "\u20ac": "EUR", "\u2264": "<=",
           "\u2265": ">="}


def latin1(text) -> str:
    text = "" if text is None else str(text)
    for a, b in REPLACE.items():
        text = text.replace(a, b)
    return text.encode("latin-1", "replace").decode("latin-1")


def _para(pdf: FPDF, height: int, text: str) -> None:
    pdf.multi_cell(0, height, text, new_x="LMARGIN", new_y="NEXT")


class _Report(FPDF):
    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("Helvetica", "I", 8)
        self.cell(0, 8, f"Udbudsrapport - side {self.page_no()}", align="C")


def render(ctx: dict) -> bytes:
    pdf = _Report(format="A4")
    pdf.set_auto_page_break(True, margin=15)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    _para(pdf, 8, latin1("Udbudsrapport (udbudslovens § 174)"))
    pdf.set_font("Helvetica", "", 9)
    instance = ctx["instance"]
    _para(pdf, 5, latin1(f"{ctx['title']} - sag {instance['id']} - model "
                                f"{instance['model']} {instance['version'][:12]} - status "
                                f"{ctx['status']} - udarbejdet {ctx['generated_at']}"))
    missing = ctx["missing"]

    def v(value) -> str:
        return missing if value in (None, "", [], {}) else str(value)

    def heading(number: str) -> None:
        title = next(t for _k, n, t in ctx["sections"] if n == number)
        pdf.ln(3)
        pdf.set_font("Helvetica", "B", 12)
        _para(pdf, 6, latin1(f"{number}. {title}"))
        pdf.set_font("Helvetica", "", 10)

    def line(label: str, value) -> None:
        pdf.set_font("Helvetica", "B", 10)
        _para(pdf, 5, latin1(label))
        pdf.set_font("Helvetica", "", 10)
        _para(pdf, 5, latin1(v(value)))

    def table(header: list[str], rows: list[list]) -> None:
        if not rows:
            _para(pdf, 5, latin1(missing))
            return
        pdf.set_font("Helvetica", "", 8)
        with pdf.table(headings_style=FontFace(emphasis="BOLD", fill_color=(235, 235, 235)),
                       line_height=4) as t:
            row = t.row()
            for h in header:
                row.cell(latin1(h))
            for values in rows:
                row = t.row()
                for value in values:
                    row.cell(latin1("" if value is None else value))
        pdf.set_font("Helvetica", "", 10)

    heading("1")
    line("Ordregiver", ctx["authority"])
    line("Kontraktens genstand (behov)", ctx["need"])
    line("Anslået værdi", ctx["estimated_value"])
    heading("2")
    line("Hvorfor ingen løsning på markedet", ctx["justification"])
    heading("3")
    line("Mindstekrav", "; ".join(ctx["minimum_requirements"]))
    line("Tildelingskriterium og evalueringsmodel", ctx["evaluation_model"])
    line("Forhandlingsplan", ctx["negotiation_plan"])
    line("Frist for ansøgninger", ctx["application_deadline"])
    heading("4")
    line("Ansøgere", ", ".join(ctx["applicants"]))
    line("Opfordret til at afgive tilbud", ", ".join(ctx["invited"]))
    pdf.set_font("Helvetica", "B", 10)
    _para(pdf, 5, latin1("Forbigåede ansøgere og begrundelse"))
    table(["Ansøger", "Begrundelse"], [[r["applicant"], r["reason"]] for r in ctx["rejected"]])
    heading("5")
    table(["Runde", "Dato", "Tilbudsgivere", "Referat", "Ændringer"],
          [[r["round"], r["date"], r["bidders"], r["minutes"], "; ".join(r["changes"])]
           for r in ctx["rounds"]])
    line("Redegørelse for forhandlingerne", ctx["negotiation_account"])
    heading("6")
    table(["Placering", "Tilbudsgiver", "Kvalitet", "Pris", "Samlet"],
          [[r["rank"], r["bidder"], r["quality"], r["price"], r["total"]]
           for r in ctx["evaluation"]])
    heading("7")
    award = ctx["award"]
    line("Valgt tilbudsgiver", award.get("winner"))
    line("Begrundelse (tilbuddets fordele)", award.get("advantages"))
    line("Underretning", award.get("notified"))
    heading("8")
    line("Standstill-perioden udløb", ctx["standstill_end"])
    line("Kontrakten underskrevet", ctx["contract_signed"])
    heading("9")
    line("Honorarrater", "; ".join(f"fase {f['phase']}: {f['amount']}"
                                   for f in ctx["fee_ledger"]))
    line("Afkald", "; ".join(f"{c['date']}: {c['amount']}" for c in ctx["call_offs"]))
    line("Partnere og udfald", "; ".join(f"{p['rank']}. {p['partner']}: {p['outcome']}, "
                                         f"{p['phases_paid']} faser betalt ({p['paid']})"
                                         for p in ctx.get("partners") or []))
    heading("11")
    line("Reduceret mellem runderne", "; ".join(
        f"runde {r['round']}: {' / '.join(r['reasons']) or '-'} (fortsætter: "
        f"{r['continuing']})" + (f"; begrundelse: {r['reduction_reason']}"
                                 if r["reduction_reason"] else "")
        for r in ctx["reduced"]) or "Ingen.")
    table(["Afvist tilbud", "Tilbud", "Begrundelse", "Unormalt lavt"],
          [[t.get("bidder"), t.get("stage"), t.get("reason"),
            "ja" if t.get("abnormally_low") else "nej"] for t in ctx["rejected_tenders"]])
    line("Unormalt lave tilbud bevaret efter forklaring", "; ".join(
        f"{t['bidder']}: {t['reason']}" for t in ctx["abnormally_low"]) or "Ingen.")
    line("Vinderens andel af underleverancer", "; ".join(
        f"{t['bidder']}: {t['share']}" + (f" ({t['subcontractors']})"
                                         if t["subcontractors"] else "")
        for t in ctx["subcontracting"]) or ctx["missing"])
    table(["Klager", "Indgivet", "Emne", "Opsættende virkning", "Udfald"],
          [[c.get("complainant"), c.get("filed_on"), c.get("subject"), c.get("suspension"),
            c.get("outcome")] for c in ctx["complaints"]])
    line("Interessekonflikter og foranstaltninger (UBL § 4)", "; ".join(
        f"{c['person']} ({c['role']}, konflikt med {c['with'] or 'hele udbuddet'}): "
        f"{c['description']} Foranstaltninger: {c['measures']}"
        for c in ctx["declared_conflicts"]) or "Ingen interessekonflikter erklæret.")
    line("Erklæringer ved vurderingerne", ctx["conflicts"] or ctx["missing"])
    line("Aflysning", ctx["cancellation"] or "Proceduren er ikke aflyst.")
    heading("12")
    table(["Nr.", "Dato", "Slags", "Til", "Emne"],
          [[lt["id"], lt["dated"], lt["kind"], lt["addressee"], lt["subject"]]
           for lt in ctx["letters"]])
    heading("10")
    pdf.set_font("Helvetica", "B", 10)
    _para(pdf, 5, latin1(ctx["verification"]["text"]))
    pdf.set_font("Helvetica", "", 10)
    _para(pdf, 5, latin1("Sagens dokumentation opbevares i mindst 3 år fra "
                                "kontrakttildelingen (direktiv 2014/24/EU, art. 84)."))
    table(["#", "Tidspunkt", "Hvem", "Hændelse", "Opgave"],
          [[e["seq"], e["at"], e["actor"], e["kind"], e["task"]] for e in ctx["events"]])
    return bytes(pdf.output())
