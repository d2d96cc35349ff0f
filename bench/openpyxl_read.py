#!/usr/bin/python3
"""openpyxl_read.py FILE.xlsx: the peer of xlsx_read_bench.c. Opens the workbook
with python3-openpyxl in read-only mode, walks every row of the first sheet
and touches every cell value (the same work as the C reader: rows, cells and
the length of each value's text). Prints the same one-line summary."""
import sys
import time

from openpyxl import load_workbook


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: openpyxl_read.py FILE.xlsx")
    t0 = time.monotonic()
    wb = load_workbook(sys.argv[1], read_only=True)
    ws = wb.worksheets[0]
    rows = cells = nbytes = 0
    for row in ws.iter_rows(values_only=True):
        if all(v is None for v in row):
            continue
        rows += 1
        for v in row:
            cells += 1
            if v is not None:
                nbytes += len(str(v).encode("utf-8"))
    wb.close()
    secs = time.monotonic() - t0
    print("rows=%d cells=%d bytes=%d seconds=%.3f rows_per_s=%.0f format=xlsx"
          % (rows, cells, nbytes, secs, rows / secs if secs > 0 else 0))


if __name__ == "__main__":
    main()
