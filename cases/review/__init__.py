"""Review and paper: the due-process report an appellate body reads (``due_process`` and
its ``due_process_*`` parts), the RCSC's oversight of every agency (``oversight``,
``oversight_stats``), letters and orders (``documents``, what each says in
``letter_facts``) rendered to HTML and PDF (``printing``), and the replay of every case
from its audit trail (``replay``). It may import ``cases.core``, ``cases.people``,
``cases.inbox``, ``cases.processes`` and ``workflows``.
"""
