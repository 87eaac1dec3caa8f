"""Report consistency audit (报告一致性审核): ``jixiao audit`` and the workbench page.

Pure reading and checking live in plain modules (``document``, ``textnum``, ``tables``, ``checks``,
``annotate``); ``services`` runs them; the view and the CLI only call the services.
"""
