"""The demo data: agencies, civil servants, users and cases of every process, driven only
through ``service.open_case`` and ``fire``. ``seed`` builds it; each process's cases are in
the module of its name (``disciplinary``, ``eol``, ``ltt``, ``secondment``, ``transfer``; the
disciplinary cases the RCSC handles in ``disciplinary_rcsc``), declared with ``kit``. It
may import every other room of ``cases`` and ``workflows``.
"""
