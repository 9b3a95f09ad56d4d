"""Signals the editors' desk sends; a leaf module, so senders and listeners need not
know each other."""

from django.dispatch import Signal

# Sent once a translation's review move (submit, approve, request changes, withdraw) is
# committed, with ``entry``: the ReviewEntry it logged. Mail listens (notifications.py).
review_moved = Signal()
