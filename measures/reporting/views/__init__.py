"""Staff pages, split by sub-domain: ``reports`` (a unit's measures and reports), ``review`` (the
Büro's review) and ``rounds`` (report rounds, the Sachstandsbericht and its archive).

Every page goes through ``staff_page``/``buero_page`` (login, never cached) and every object
through the QuerySet permission methods or the access helpers in ``access.py``.
"""
