"""Absolute addresses in what the site hands out (exports, feed, sitemap, catalogue, e-mails).

Built from ``SITE_URL``, never from the request's Host header: a file or page cached under one
host name must not carry another's addresses, and a forged Host must not end up in them.
"""

from django.conf import settings


def absolute(path: str) -> str:
    return settings.SITE_URL + path
