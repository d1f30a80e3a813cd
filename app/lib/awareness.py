"""y-protocols awareness updates (who is in the document, their cursor), read and written in Python.

Encoding (y-protocols/awareness.js `encodeAwarenessUpdate`): a varUint count, then for each client a varUint
client id, a varUint clock and a varString holding the client's state as JSON ("null" once it left).
"""

import json


class Malformed(ValueError):
    """Not an awareness update."""


def _read_uint(data: bytes, pos: int) -> tuple[int, int]:
    value, shift = 0, 0
    while True:
        if pos >= len(data) or shift > 63:
            raise Malformed("varUint")
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        if byte < 0x80:
            return value, pos
        shift += 7


def _write_uint(value: int) -> bytes:
    out = bytearray()
    while value > 0x7F:
        out.append(0x80 | (value & 0x7F))
        value >>= 7
    out.append(value)
    return bytes(out)


def decode(data: bytes, max_clients: int = 64) -> list[tuple[int, int, object]]:
    """[(client id, clock, state)]. Raises Malformed."""
    count, pos = _read_uint(data, 0)
    if count > max_clients:
        raise Malformed("too many clients")
    entries = []
    for _ in range(count):
        client, pos = _read_uint(data, pos)
        clock, pos = _read_uint(data, pos)
        size, pos = _read_uint(data, pos)
        if pos + size > len(data):
            raise Malformed("varString")
        try:
            state = json.loads(data[pos : pos + size].decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise Malformed("state") from None
        pos += size
        entries.append((client, clock, state))
    if pos != len(data):
        raise Malformed("trailing bytes")
    return entries


def encode(entries: list[tuple[int, int, object]]) -> bytes:
    out = bytearray(_write_uint(len(entries)))
    for client, clock, state in entries:
        text = json.dumps(state, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        out += _write_uint(client) + _write_uint(clock) + _write_uint(len(text)) + text
    return bytes(out)
