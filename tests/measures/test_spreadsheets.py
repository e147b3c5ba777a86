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
        ("Sprachkurse", "Sprachkurse"),
        ("", ""),
        (12, 12),
        (None, None),
    ],
)
def test_neutralise_formula(value, expected):
    assert neutralise_formula(value) == expected
