"""Reading and writing the spreadsheets lists arrive and leave in (.xlsx and .csv).

Reading is defensive: files are sniffed (an .xlsx is a zip; a .csv must decode as
UTF-8 or GB18030, as Excel in China writes it), rows and columns are bounded,
formula cells are refused rather than evaluated, and empty rows are skipped.
Writing lives in ``chassis.spreadsheets`` (shared by every service's reports).
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator

from openpyxl import load_workbook

MAX_ROWS = 200_000
MAX_COLUMNS = 60


class UnreadableFile(ValueError):
    """The upload is not a spreadsheet we can read; carries Chinese and English text."""

    def __init__(self, zh: str, en: str):
        super().__init__(en)
        self.zh, self.en = zh, en


class FormulaCell(str):
    """A cell that held a formula: refused by the importer, never evaluated."""


def read_rows(content: bytes, filename: str) -> tuple[list[str], Iterator[tuple[int, list]]]:
    """(header, iterator of (row number as the user sees it, cell values)) for .xlsx or .csv."""
    if content[:4] == b"PK\x03\x04":
        return _read_xlsx(content)
    if filename.lower().endswith((".xlsx", ".xlsm")):
        raise UnreadableFile(
            "文件扩展名为 .xlsx，但内容不是有效的 Excel 文件", "The file is named .xlsx but is not a valid workbook"
        )
    return _read_csv(content)


def _read_xlsx(content: bytes) -> tuple[list[str], Iterator[tuple[int, list]]]:
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise UnreadableFile(
            "无法读取该 Excel 文件，请另存为 .xlsx 后重试", f"Cannot read the workbook: {exc}"
        ) from None
    sheet = workbook.worksheets[0]
    # values_only skips building cell objects (several times faster); with data_only=False a
    # formula arrives as its text, "=...", which is refused like any text that looks like one.
    rows = sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS)
    header_values = next(rows, None)
    if header_values is None:
        raise UnreadableFile("文件是空的", "The file is empty")
    header = [str(v).strip() if v is not None else "" for v in header_values]

    def body() -> Iterator[tuple[int, list]]:
        for number, values in enumerate(rows, start=2):
            if number - 1 > MAX_ROWS:
                raise UnreadableFile(f"行数超过上限 {MAX_ROWS}", f"More than {MAX_ROWS} rows")
            yield number, [FormulaCell(v) if isinstance(v, str) and v.startswith("=") else v for v in values]
        workbook.close()

    return header, body()


def _read_csv(content: bytes) -> tuple[list[str], Iterator[tuple[int, list]]]:
    if b"\x00" in content[:65536]:
        raise UnreadableFile(
            "文件不是文本格式的 CSV，也不是 Excel 文件", "The file is neither a text CSV nor a workbook"
        )
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise UnreadableFile(
            "无法识别文件编码（支持 UTF-8 和 GB18030）", "Unknown encoding (UTF-8 and GB18030 are supported)"
        )
    reader = csv.reader(io.StringIO(text))
    header = [h.strip() for h in next(reader, [])][:MAX_COLUMNS]
    if not any(header):
        raise UnreadableFile("文件是空的", "The file is empty")

    def body() -> Iterator[tuple[int, list]]:
        for number, values in enumerate(reader, start=2):
            if number - 1 > MAX_ROWS:
                raise UnreadableFile(f"行数超过上限 {MAX_ROWS}", f"More than {MAX_ROWS} rows")
            yield number, [FormulaCell(v) if v.startswith("=") else v for v in values[:MAX_COLUMNS]]

    return header, body()
