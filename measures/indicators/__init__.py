"""Indicators: is the concept working? Targets, values over time, the on-track rule, disclosure
control, charts, the public indicator pages and open data, and units' proposals of values.

Imports the core; from the other wings only what the brief names as shared (the public page
cache and open-data column form, the staff pages' access decorators). The other wings reach
this one through template includes and ``measures/templatetags/indicators.py`` only.
"""
