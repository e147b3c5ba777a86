"""Shared helpers for every spreadsheet and CSV the application writes."""

# The sheet the export writes and the import reads first.
SHEET_TITLE = "Maßnahmen"

# Cells starting with these characters are read as formulas by Excel, LibreOffice and
# Google Sheets (CSV injection, OWASP). Tab and carriage return count too.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def looks_like_formula(text: str) -> bool:
    """Whether a spreadsheet program may evaluate ``text`` as a formula.

    Spreadsheet programs skip leading blanks before a formula character (`` =1+1`` is
    a formula in LibreOffice and, on import, in Excel), so whitespace in front counts too.
    """
    return text.startswith(FORMULA_PREFIXES) or text.lstrip().startswith(FORMULA_PREFIXES)


def neutralise_formula(value):
    """Return ``value`` so that no spreadsheet program evaluates it as a formula.

    Text that looks like a formula gets a leading apostrophe, which spreadsheet programs
    show as plain text; other values are returned unchanged.
    """
    if isinstance(value, str) and looks_like_formula(value):
        return "'" + value
    return value
