"""Local time of the workshops: what people read (minutes, exports, attendance sheets, history) is shown on the
workshop's clock, Europe/Paris unless the workshop's `timezone` setting or FABRIQUE_TIMEZONE says otherwise.

The database keeps UTC. A time typed without an offset (a form's `datetime-local`, an API client's
"2026-03-12T15:30") is what a person read on the wall clock of the workshop's zone: it is read in that zone,
never as UTC (which showed a workshop entered at 15:30 as "16 h 30" in winter, "17 h 30" in summer).
"""

import functools
import os
from datetime import UTC, datetime, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask_babel import lazy_gettext

DEFAULT_ZONE = "Europe/Paris"
# Readable names for the zones French workshops use; any other zone is named by its identifier.
ZONE_LABELS = {
    "Europe/Paris": lazy_gettext("heure de Paris"),
    "America/Cayenne": lazy_gettext("heure de Cayenne"),
    "America/Guadeloupe": lazy_gettext("heure de la Guadeloupe"),
    "America/Martinique": lazy_gettext("heure de la Martinique"),
    "Indian/Reunion": lazy_gettext("heure de La Réunion"),
    "Indian/Mayotte": lazy_gettext("heure de Mayotte"),
    "Pacific/Noumea": lazy_gettext("heure de Nouméa"),
    "Pacific/Tahiti": lazy_gettext("heure de Tahiti"),
    "UTC": "UTC",
}


@functools.lru_cache(maxsize=64)
def _zone(name: str) -> tzinfo | None:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def valid_zone(name) -> bool:
    """Whether `name` is an IANA zone this machine knows (e.g. "Europe/Paris")."""
    return isinstance(name, str) and 0 < len(name) <= 64 and _zone(name) is not None


def default_zone_name() -> str:
    """FABRIQUE_TIMEZONE if it names a known zone, else Europe/Paris."""
    name = os.environ.get("FABRIQUE_TIMEZONE", "").strip()
    return name if valid_zone(name) else DEFAULT_ZONE


def zone(name: str | None = None) -> tzinfo:
    """The zone named (the default one when None or unknown); UTC when the machine has no tz database."""
    return _zone(name or "") or _zone(default_zone_name()) or UTC


def zone_name_of(settings: dict | None) -> str:
    """The zone of a workshop, from its settings."""
    name = (settings or {}).get("timezone")
    return name if valid_zone(name) else default_zone_name()


def zone_label(name: str | None = None) -> str:
    """How to name the zone next to a time: « heure de Paris »."""
    name = name if valid_zone(name) else default_zone_name()
    return str(ZONE_LABELS.get(name, name))


def local(moment: datetime, zone_name: str | None = None) -> datetime:
    """`moment` on the clock of the zone; a naive value is read as UTC (how the database stores it)."""
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(zone(zone_name))


def to_utc(moment: datetime, zone_name: str | None = None) -> datetime:
    """A typed time as UTC: a naive value is wall-clock time in the zone (the earlier one when the clock
    goes back), an aware one keeps its offset."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone(zone_name), fold=0)
    return moment.astimezone(UTC)


PARIS = zone(DEFAULT_ZONE)
