"""Background jobs: one mechanism for all long work (registry imports today; roster comparisons,
benefit cycles, PDF batches and survey rounds next).

A job is a ``Job`` row (owner, region, kind, status, progress, result, files) run by Django's task
framework (the ``django-tasks`` backport; the database backend ``django-tasks-db`` by default, so
the embedded SQLite needs no broker). Domain apps register what a kind of job does
(``jixiao.jobs.kinds.register``); this app never imports them. See docs/ARCHITECTURE.md, "Background jobs"."""
