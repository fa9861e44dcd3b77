"""Review and paper: the due-process report an appellate body reads (``due_process``),
the RCSC's oversight of every agency (``oversight``), letters and orders (``documents``)
rendered to HTML and PDF (``printing``), and the replay of every case from its audit trail
(``replay``). It may import ``cases.core``, ``cases.people``, ``cases.inbox``,
``cases.processes`` and ``workflows``.
"""
