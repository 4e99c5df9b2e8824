"""Tables to files: CSV that Excel opens with æøå and Arabic intact, and XLSX (openpyxl)."""

import csv
import io

from openpyxl import Workbook
from openpyxl.styles import Font

# A spreadsheet runs a cell starting with one of these as a formula ("CSV injection"): a
# participant named =HYPERLINK(...) must reach the coordinator's Excel as a name, not a link.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def inert(value):
    """Text that would start a formula gets a leading apostrophe (OWASP's advice); other
    values are unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _inert_rows(rows: list[list]) -> list[list]:
    return [[inert(value) for value in row] for row in rows]


def to_csv(header: list[str], rows: list[list]) -> bytes:
    """UTF-8 with a byte-order mark, so Excel reads non-Latin names correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")  # Norwegian Excel expects semicolons
    writer.writerow([inert(value) for value in header])
    writer.writerows(_inert_rows(rows))
    return buffer.getvalue().encode("utf-8-sig")


def to_xlsx(title: str, header: list[str], rows: list[list]) -> bytes:
    """A one-sheet workbook with a bold header row."""
    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    sheet.append([inert(value) for value in header])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in _inert_rows(rows):
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
