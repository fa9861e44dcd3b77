"""Each process's effects, named as in ``workflows/``: what a step of ``eol``, ``ltt`` (its
return in ``ltt_return``), ``secondment``, ``transfer`` and ``disciplinary`` (its appeal and
courts in ``disciplinary_appeal``) changes beyond the case's state (the service record, pay, dues,
follow-on cases), plus the effect they share (``retirement``) and
the eligibility check shown before an application (``applications``). Each effect registers
itself with ``cases.core.effects`` when this package is imported. It may import
``cases.core``, ``cases.people`` and ``workflows``.
"""

from cases.processes import (  # noqa: F401  (each registers its effects)
    disciplinary,
    disciplinary_appeal,
    eol,
    ltt,
    ltt_return,
    retirement,
    secondment,
    transfer,
    waiting_list,
)
