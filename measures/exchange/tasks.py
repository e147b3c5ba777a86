"""The background tasks of the spreadsheet import (django-tasks; run by ``manage.py db_worker``)."""

from django_tasks import task

from .jobs import job_run_confirm, job_run_preview


@task()
def preview_import(job_id: str) -> None:
    job_run_preview(job_id)


@task()
def confirm_import(job_id: str) -> None:
    job_run_confirm(job_id)
