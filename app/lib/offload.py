"""Run CPU-bound work without stalling the event loop.

Under gevent or eventlet every request and socket shares one OS thread: a render that
computes for a second answers nobody else for that second. `off_loop` runs such a pure
function (no database, no Flask, no green primitives) in a native thread of the hub's pool
and waits for it cooperatively; the interpreter hands the GIL back to the event loop every
few milliseconds (sys.getswitchinterval), so the other greenlets keep running meanwhile.
Without green threads it simply calls the function.
"""

import sys
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def off_loop(fn: Callable[..., T], *args) -> T:
    """fn(*args), computed in a native thread when the process runs on green threads."""
    if _patched("gevent.monkey", lambda m: m.is_module_patched("threading")):
        import gevent

        return gevent.get_hub().threadpool.apply(fn, args)
    if _patched("eventlet.patcher", lambda m: m.is_monkey_patched("thread")):
        from eventlet import tpool

        return tpool.execute(fn, *args)
    return fn(*args)


def _patched(module: str, check: Callable) -> bool:
    loaded = sys.modules.get(module)
    return loaded is not None and bool(check(loaded))
