"""JSON that never carries a non-finite number (Infinity, -Infinity, NaN).

Browsers' `JSON.parse` and socket.io clients reject `Infinity` and `NaN`, which
Python's `json` writes and reads by default: one such value in a snapshot or an
event would break every client. So everything the server writes goes through
`dumps` (which raises instead), and request bodies go through `loads` (which
refuses them with a French message). Socket.IO packets are read with
`lenient_loads`: the command wrapper then answers a non-finite value with
`invalid` (edge checks in app/services/core/validation.py) instead of dropping
the packet without an answer.
"""

import json
import math


class Refused(ValueError):
    """A JSON document refused for a reason its sender should read (the message is French)."""


class NotFinite(Refused):
    """A JSON document that holds NaN, Infinity or a number out of the float range."""


class TooDeep(Refused):
    """A JSON document nested deeper than the parser goes."""


def _constant(name: str):
    raise NotFinite(f"« {name} » n'est pas un nombre JSON valide : les nombres doivent être finis.")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise NotFinite(f"Le nombre {text[:40]} est hors limites : les nombres doivent être finis.")
    return value


def dumps(obj, **kwargs) -> str:
    """`json.dumps` that raises ValueError on a non-finite number rather than writing it."""
    kwargs["allow_nan"] = False
    return json.dumps(obj, **kwargs)


def loads(text, **kwargs):
    """`json.loads` that refuses NaN, Infinity and overflowing numbers. Raises ValueError (NotFinite)."""
    return lenient_loads(text, parse_constant=_constant, parse_float=_finite_float, **kwargs)


def lenient_loads(text, **kwargs):
    """`json.loads`, except that nesting too deep for the parser is a ValueError, not a RecursionError."""
    try:
        return json.loads(text, **kwargs)
    except RecursionError:
        raise TooDeep("Document JSON trop imbriqué.") from None


class SocketJSON:
    """The `json` module python-socketio and python-engineio use for packets."""

    dumps = staticmethod(dumps)
    loads = staticmethod(lenient_loads)
