"""What contract changes announce to the layers above, which contracts never import.

`installation_changed` is sent inside the changing service's transaction, after an
organisation's installed release (or a release it may run) changed, with
`actor`, `organization` and `now`. The tickets app decides waiting requests again
(capella 4.5, `accord.tickets.restructure.recheck_awaiting_upgrade`); a receiver's
error rolls the whole change back, as a direct call would.
"""

from __future__ import annotations

from django.dispatch import Signal

installation_changed = Signal()
