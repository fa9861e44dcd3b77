"""Letters and orders, one module per process (``disciplinary``, ``eol``, ``ltt``,
``secondment``, ``transfer``, named as in ``workflows``): each declares its letters
(``DECLARATIONS``: after which step, in which states, by whom) and what each says, read
from the case. ``kit`` holds what they share; ``cases.review.documents`` gathers them and
issues them. It may import ``cases.core`` and ``workflows``.
"""
