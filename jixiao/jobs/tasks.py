"""The one task of the task framework: run a queued job. Every kind of job goes through it, so the
worker needs nothing but this module path (``jixiao.jobs.tasks.job_execute``)."""

from django.conf import settings
from django_tasks import task


@task(backend=settings.JOBS_TASK_BACKEND)
def job_execute(job_id: int) -> dict:
    from jixiao.jobs.services import job_run

    return job_run(job_id)
