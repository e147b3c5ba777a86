"""Fixtures for the spreadsheet import and export tests: a small demo catalogue."""

import pytest

from measures.demo import generate_demo


@pytest.fixture
def demo(db):
    return generate_demo(measures=12, slug="demo")
