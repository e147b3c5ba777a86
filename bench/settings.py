"""Benchmark only: the production settings plus a URLconf with a minimal reference view."""

from integration.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
