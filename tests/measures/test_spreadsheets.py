import pytest

from measures.spreadsheets import neutralise_formula


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+49 331 289", "'+49 331 289"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tabc", "'\tabc"),
        ("\rabc", "'\rabc"),
        # Spreadsheet programs skip blanks before a formula character.
        (" =1+1", "' =1+1"),
        ("  +49 331", "'  +49 331"),
        ("\n@SUM(A1)", "'\n@SUM(A1)"),
        (" Sprachkurse", " Sprachkurse"),
        ("Sprachkurse", "Sprachkurse"),
        ("", ""),
        (12, 12),
        (None, None),
    ],
)
def test_neutralise_formula(value, expected):
    assert neutralise_formula(value) == expected


@pytest.mark.parametrize("value", [" =1+1", "'Apostroph", "  -5", "\t=A1", "Text"])
def test_import_restores_what_the_export_neutralised(value):
    from measures.exchange.widgets import restore_formula

    assert restore_formula(neutralise_formula(value)) == value
