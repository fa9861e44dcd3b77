"""Review and paper: the due-process report an appellate body reads (``due_process`` and
its ``due_process_*`` parts), the RCSC's oversight of every agency (``oversight``, with who
may look and its filters in ``oversight_filters``, the overdue and due-soon lists in
``oversight_pending`` and the pure statistics in ``oversight_stats``), letters and orders
(``documents`` issues them; ``letters`` holds each process's letters and what they say, one
module per process) rendered to HTML and PDF (``printing``), and the replay of every case
from its audit trail (``replay``). It may import ``cases.core``, ``cases.people``,
``cases.inbox``, ``cases.processes`` and ``workflows``.
"""
