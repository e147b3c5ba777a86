"""The bare floor of the public-page benchmark: a Django application with nothing but
SecurityMiddleware and CommonMiddleware and one view returning a 20 KB HTML page.

Served by the same gunicorn (2 sync workers) and loaded with the same wrk settings as the
application, it shows what this machine can do with Django at all; the application's pages
are reported as a share of it (bench/README.md).
"""

import os

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "bench-floor-only-never-deployed")
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
INSTALLED_APPS = []
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.common.CommonMiddleware",
]
ROOT_URLCONF = "bench.floor.urls"
DATABASES = {}
USE_TZ = True
