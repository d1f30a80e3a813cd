"""Local time of the workshops: Europe/Paris, for what people read (minutes, attendance sheets)."""

from datetime import UTC, datetime, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def _paris() -> tzinfo:
    try:
        return ZoneInfo("Europe/Paris")
    except ZoneInfoNotFoundError:  # no tz database: keep UTC rather than fail an export
        return UTC


PARIS = _paris()


def local(moment: datetime) -> datetime:
    """`moment` on Paris time; a naive value is read as UTC (how the database stores it)."""
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(PARIS)
