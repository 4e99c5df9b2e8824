"""Tables to files: CSV that Excel opens with æøå and Arabic intact, and XLSX (openpyxl)."""

import csv
import io

from openpyxl import Workbook
from openpyxl.styles import Font


def to_csv(header: list[str], rows: list[list]) -> bytes:
    """UTF-8 with a byte-order mark, so Excel reads non-Latin names correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")  # Norwegian Excel expects semicolons
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


def to_xlsx(title: str, header: list[str], rows: list[list]) -> bytes:
    """A one-sheet workbook with a bold header row."""
    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
