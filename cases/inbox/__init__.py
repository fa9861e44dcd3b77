"""The inbox: who must act next on a case (``next_actors``), the notices telling them
(``notifications``: action needed, deadline near, deadline missed) and their e-mail copies
(``mailer``). The notices subscribe to the core's hooks (``cases.core.hooks``) when this
package is imported, so ``fire`` and the sweep tell users without importing this code. It
may import ``cases.core``, ``cases.people`` and ``workflows``.
"""

from cases.inbox import notifications  # noqa: F401  (subscribes to the core's hooks)
