"""Printable sheets of rating tokens: one card per token with its QR code (inline SVG).

Tokens are shown only once, when issued, so the sheet is the issuing response
itself; print it or save it as PDF from the browser. Each QR code opens the public
rating form with the token; the token text is printed too, for typing it in.
"""

from __future__ import annotations

import segno
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

_templates = Environment(loader=PackageLoader("evaluation.entrypoints.api"), autoescape=select_autoescape())
SOURCE_ZH = {"self": "自评", "public": "民评"}


def qr_svg(text: str) -> Markup:
    # segno writes the SVG itself from the encoded bytes; no caller text reaches it unescaped.
    return Markup(segno.make(text, error="m").svg_inline(scale=3, border=2, title="评价二维码"))  # noqa: S704


def render(round_row: dict, person_name: str, issued: list[dict], form_url: str) -> str:
    cards = [
        {
            **t,
            "url": form_url + t["token"],
            "qr": qr_svg(form_url + t["token"]),
            "source_zh": SOURCE_ZH[t["source"]],
        }
        for t in issued
    ]
    return _templates.get_template("token_sheet.html").render(round=round_row, person_name=person_name, cards=cards)
