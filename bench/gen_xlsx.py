#!/usr/bin/python3
"""gen_xlsx.py ROWS OUT.xlsx: the rows of gen_talents.py (same columns, same
values for the same ROWS) as an xlsx, written by openpyxl in write-only mode
(Debian python3-openpyxl). 身份证号 and 手机号 are text cells, 工作年限 a number."""
import sys

from openpyxl import Workbook

from gen_talents import HEADER, rows


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: gen_xlsx.py ROWS OUT.xlsx")
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("人才")
    ws.append(HEADER)
    for r in rows(int(sys.argv[1])):
        ws.append(r)
    wb.save(sys.argv[2])


if __name__ == "__main__":
    main()
