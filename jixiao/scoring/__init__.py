"""The scoring domain, pure Python (no Django, no I/O): a project's inputs (``inputs``), the leaf
rules (``rules``), the satisfaction survey (``survey``, ``presets``), the engine that turns a
``ProjectInput`` into an ``EvaluationResult`` (``engine``) and the one place figures are printed
(``figures``). Workbooks, the database, the web pages and the reports all sit above it."""
