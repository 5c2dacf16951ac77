"""Writing and reading the signed Excel workbook (openpyxl)."""
