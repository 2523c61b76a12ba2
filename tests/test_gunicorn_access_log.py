"""gunicorn's access log (deploy/gunicorn/gunicorn.conf.py): no query string, and no ID number,
phone or token however the path is percent-encoded (the review's probe: an encoded purpose
``%E8%AF%81370783…`` and full-width digits were logged as they came)."""

from __future__ import annotations

import datetime as dt
import runpy
from pathlib import Path
from urllib.parse import quote

from chassis import idnumber, sensitive

CONF = runpy.run_path(str(Path(__file__).resolve().parents[1] / "deploy" / "gunicorn" / "gunicorn.conf.py"))
NUMBER = idnumber.make("370783", dt.date(1990, 3, 7), 12, "male")
FULL_WIDTH = "".join(chr(ord(c) + 0xFEE0) for c in NUMBER)


def test_the_request_line_has_no_query_string():
    assert CONF["access_log_format"].count("%(q)s") == 0 and '"%(m)s %(U)s %(H)s"' in CONF["access_log_format"]


def test_encoded_values_in_paths_and_queries_leave_no_number_in_the_access_log():
    query = f"reveal=id_number&purpose={quote('核对身份证' + NUMBER)}&text={quote(FULL_WIDTH)}"
    atoms = CONF["redact_atoms"](
        {
            "r": f"GET /people/{quote(NUMBER)}?{query} HTTP/1.1",
            "U": f"/people/{quote(FULL_WIDTH)}",
            "q": query,
            "f": f"https://console/people?phone={quote('138 1234 5678')}",
            "s": "200",
        }
    )
    text = " ".join(str(v) for v in atoms.values())
    assert not sensitive.contains_id_number(text) and not sensitive.contains_phone(text), text
    assert atoms["q"] == "-" and "?" not in atoms["r"] and atoms["r"].startswith("GET /people/370783")
    assert atoms["s"] == "200"
