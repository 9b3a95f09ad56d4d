"""A switch that turns off per-change upkeep (of the search index, of the listings) for the
length of a bulk load that rebuilds it afterwards."""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar


class Pause:
    def __init__(self, name: str):
        self._paused: ContextVar[bool] = ContextVar(name, default=False)

    @contextmanager
    def __call__(self) -> Iterator[None]:
        token = self._paused.set(True)
        try:
            yield
        finally:
            self._paused.reset(token)

    @property
    def active(self) -> bool:
        return self._paused.get()
