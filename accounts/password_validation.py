"""Passwords that German-speaking attackers try first: local words with a number or a symbol.

Django's CommonPasswordValidator knows English lists; guessing against a Potsdam account starts
with „Potsdam2024!“, „Sommer2024!!“, „Passwort1234“ or a keyboard row. A password whose letters
are only such words (one to three of them), or a stretch of a keyboard row, is refused, whatever
digits and symbols surround them.
"""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Lower case, umlauts spelled out (see _letters). Places, seasons, months, days, the site's own
# vocabulary and the usual German password words.
_LOCAL_WORDS_TEXT = """
    potsdam potsdamer brandenburg berlin babelsberg sanssouci havel cecilienhof bornstedt golm
    drewitz zentrumost waldstadt schlaatz eiche fahrland groszglienicke kirchsteigfeld
    teltow kleinmachnow stahnsdorf werder michendorf caputh falkensee cottbus frankfurt oder
    oranienburg bernau eberswalde rathaus stadt stadtverwaltung verwaltung landeshauptstadt
    sommer winter herbst fruehling fruhling fruehjahr
    januar februar maerz marz april mai juni juli august september oktober november dezember
    montag dienstag mittwoch donnerstag freitag samstag sonntag
    passwort password kennwort geheim geheimnis hallo willkommen start login anmelden admin test
    buero buro chancengleichheit vielfalt integration migration umsetzungsmonitor monitor
    ichliebedich schatz sonne liebe fussball hertha union turbine
"""
LOCAL_WORDS = frozenset(_LOCAL_WORDS_TEXT.split())

# German (QWERTZ) and English (QWERTY) keyboards, rows in order and the columns top to bottom.
KEYBOARD_RUNS = (
    "qwertzuiopueasdfghjkloeaeyxcvbnm",
    "qwertyuiopasdfghjklzxcvbnm",
    "qwertzuiopasdfghjklyxcvbnm",
    "qayxswedcvfrtgbnhzujmkiolp",
    "qazwsxedcrfvtgbyhnujmikolp",
    "abcdefghijklmnopqrstuvwxyz",
)


def _letters(password: str) -> str:
    """Only the letters, lower case, with ä, ö, ü and ß spelled out as a keyboard user types them."""
    text = password.lower()
    for umlaut, spelled in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")):
        text = text.replace(umlaut, spelled)
    text = unicodedata.normalize("NFKD", text)
    return re.sub(r"[^a-z]", "", text)


def _is_few_local_words(letters: str, words_left: int = 3) -> bool:
    if not letters:
        return True
    if words_left == 0:
        return False
    return any(
        letters.startswith(word) and _is_few_local_words(letters[len(word) :], words_left - 1) for word in LOCAL_WORDS
    )


def _is_keyboard_run(letters: str) -> bool:
    if len(letters) < 4:
        return False
    return any(letters in run or letters in run[::-1] for run in KEYBOARD_RUNS)


def is_guessable(password: str) -> bool:
    # No letter at all („2024-2024!!“) counts as guessable too: Django's NumericPasswordValidator
    # only catches passwords without any symbol.
    letters = _letters(password)
    return _is_few_local_words(letters) or _is_keyboard_run(letters)


class LocalCommonPasswordValidator:
    """Refuses local words, seasons, months and keyboard rows with digits or symbols around them."""

    def validate(self, password, user=None):
        if is_guessable(password):
            raise ValidationError(
                _(
                    "Dieses Passwort ist zu leicht zu erraten: Es besteht nur aus gängigen Wörtern (etwa Stadt, "
                    "Jahreszeit, Monat oder „Passwort“) oder einer Tastaturreihe, mit Zahlen oder Zeichen ergänzt."
                ),
                code="password_too_guessable",
            )

    def get_help_text(self):
        return _(
            "Kein Passwort aus gängigen Wörtern wie Stadt, Jahreszeit, Monat oder „Passwort“ mit Zahlen, "
            "keine Tastaturreihe."
        )
