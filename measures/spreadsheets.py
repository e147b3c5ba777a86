"""Shared helpers for every spreadsheet and CSV the application writes."""

# The sheet the export writes and the import reads first.
SHEET_TITLE = "Maßnahmen"

# Cells starting with these characters are read as formulas by Excel, LibreOffice and
# Google Sheets (CSV injection, OWASP). Tab and carriage return count too.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formula(value):
    """Return ``value`` so that no spreadsheet program evaluates it as a formula.

    Text starting with a formula character gets a leading apostrophe, which spreadsheet
    programs show as plain text; other values are returned unchanged.
    """
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value
