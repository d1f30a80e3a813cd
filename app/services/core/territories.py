"""Territories (départements, EPT / intercommunalités, communes), shared by workshops and roadmaps.

Admins create them (page, CLI, API, CSV import of communes with their INSEE code); a roadmap or a workshop
may name one that does not exist yet only when its author could create it, i.e. is an admin.
"""

import csv
import io
import re

from flask_babel import gettext as _
from flask_babel import lazy_gettext
from sqlalchemy import select

from app.services.core import validation as v
from app.services.core.errors import Conflict, Forbidden, Invalid
from app.services.core.unit_of_work import transaction
from models import Territory, User, db
from models.territory import KIND_LABELS, TERRITORY_KINDS

KIND_ORDER = {kind: i for i, kind in enumerate(TERRITORY_KINDS)}
MAX_CITIES = 300
MAX_CSV_ROWS = 40_000
INSEE = re.compile(r"^(?:\d{5}|2[AB]\d{3})$")
UNKNOWN = lazy_gettext(
    "Territoire inconnu : « {name} ». Seul un administrateur peut créer un territoire "
    "(page Administration › Territoires) : demandez-le à l'un d'eux, ou choisissez un territoire existant."
)
# CSV columns (lower case, accents and spaces as the INSEE and data.gouv.fr files write them).
CSV_COLUMNS = {
    "insee": ("insee", "code_insee", "code insee", "codgeo", "com", "code_commune_insee", "code commune"),
    "name": ("nom", "commune", "name", "libelle", "libgeo", "nom_commune", "nom commune"),
    "parent": ("ept", "epci", "intercommunalite", "intercommunalité", "parent", "libepci", "nom_epci"),
    "departement": ("departement", "département", "dep", "nom_departement", "libdep"),
}


def is_admin(user: User | None) -> bool:
    return user is not None and bool(user.is_active) and bool(user.is_admin)


def require_admin(user: User | None, what: str = lazy_gettext("créer un territoire")) -> User:
    """Raises Forbidden unless `user` is an active admin."""
    if not is_admin(user):
        raise Forbidden(_("Seuls les administrateurs peuvent %(what)s.", what=what))
    return user


def find_territory(name: str) -> Territory | None:
    return db.session.execute(select(Territory).filter_by(name=name)).scalar_one_or_none()


def resolve_territory(value, user: User | None = None, field: str = "territory", kind: str = "ept") -> Territory:
    """The territory given by id or by name. An unknown name is created (as `kind`, not yet committed) when
    `user` is an admin; otherwise the refusal says who may create it. Raises Invalid."""
    if v.is_int(value):
        territory = db.session.get(Territory, value) if v.is_id(value) else None
        if territory is None:
            raise Invalid(_("Territoire inconnu."), field=field)
        return territory
    if not isinstance(value, str):
        raise Invalid(_("« %(field)s » doit être un identifiant ou un nom.", field=field), field=field)
    name = v.text(value, field, max_len=120)
    territory = find_territory(name)
    if territory is not None:
        return territory
    if not is_admin(user):
        raise Invalid(UNKNOWN.format(name=name), field=field)
    # Not added here: it enters the session with the workshop or roadmap that names it, inside their transaction.
    return Territory(name=name, kind=kind, cities=[])


def territory_id(value, field: str = "territory") -> int:
    """The id of an existing territory given by id or by name. Raises Invalid."""
    return resolve_territory(value, None, field).id


def territory_dict(territory: Territory) -> dict:
    return {**territory.to_dict(), "kind_label": str(KIND_LABELS.get(territory.kind, territory.kind))}


def list_territories() -> list[Territory]:
    """Every territory: départements, then EPT, then communes, each by name."""
    rows = db.session.execute(select(Territory)).scalars()
    return sorted(rows, key=lambda t: (KIND_ORDER.get(t.kind, 9), t.name.casefold()))


def _parent(value, field: str = "parent") -> Territory | None:
    if value in (None, ""):
        return None
    return resolve_territory(value, None, field)


def _cities(value) -> list[str]:
    if value in (None, ""):
        return []
    if isinstance(value, str):  # « A, B » as the CLI and the admin form write it
        value = [c for c in re.split(r"[,;\n]", value) if c.strip()]
    return list(dict.fromkeys(v.string_list(value, "cities", max_items=MAX_CITIES, max_len=120)))


def create_territory(user: User | None, data: dict, *, trusted: bool = False) -> Territory:
    """Create a territory {name, kind, parent?, cities?, insee?}: its cities also become communes under it.
    `trusted` is the CLI (whoever runs it owns the server); otherwise `user` must be an admin.
    Raises Forbidden, Invalid, Conflict."""
    if not trusted:
        require_admin(user)
    v.mapping(data)
    name = v.text(data.get("name"), "name", max_len=120)
    kind = v.choice(data.get("kind", "ept"), "kind", TERRITORY_KINDS)
    insee = _insee(data.get("insee")) if data.get("insee") not in (None, "") else None
    with transaction():
        if find_territory(name) is not None:
            raise Conflict(_("Le territoire « %(name)s » existe déjà.", name=name), field="name")
        parent = _parent(data.get("parent"))
        territory = Territory(name=name, kind=kind, parent=parent, cities=_cities(data.get("cities")), insee=insee)
        db.session.add(territory)
        db.session.flush()
        for city in territory.cities:
            _attach_commune(city, territory)
    return territory


def _insee(value, field: str = "insee") -> str:
    code = str(value).strip().upper() if isinstance(value, str | int) and not isinstance(value, bool) else ""
    if isinstance(value, int):
        code = f"{value:05d}"
    if not INSEE.match(code):
        raise Invalid(
            _("« %(field)s » : code INSEE invalide « %(value)s » (5 caractères, ex. 94028).", field=field, value=str(value)[:12]), field=field
        )
    return code


def _attach_commune(name: str, parent: Territory, insee: str | None = None) -> Territory:
    """The commune `name` (created if missing) under `parent`, and in its list of cities."""
    commune = db.session.execute(select(Territory).filter_by(insee=insee)).scalar_one_or_none() if insee else None
    commune = commune or find_territory(name)
    if commune is None:
        commune = Territory(name=name, kind="commune", cities=[], insee=insee)
        db.session.add(commune)
    elif commune.kind != "commune":
        raise Invalid(_("« %(name)s » est déjà un territoire d'un autre type (%(kind)s).", name=name, kind=commune.kind), field="cities")
    if insee and commune.insee is None:
        commune.insee = insee
    if commune.parent_id is None and commune is not parent:
        commune.parent = parent
    if commune.name not in (parent.cities or []):
        parent.cities = [*(parent.cities or []), commune.name]
    db.session.flush()
    return commune


def _columns(header: list[str]) -> dict[str, int]:
    names = [h.strip().lstrip("\ufeff").strip().lower() for h in header]
    found = {}
    for key, aliases in CSV_COLUMNS.items():
        for i, name in enumerate(names):
            if name in aliases:
                found[key] = i
                break
    missing = [k for k in ("insee", "name") if k not in found]
    if missing:
        raise Invalid(
            _("Colonnes attendues : code INSEE (« insee ») et nom de la commune (« nom »), "
            "puis facultativement « ept » et « departement »."),
            field="file",
        )
    return found


def import_communes(raw: bytes | str, default_parent: str | None = None) -> dict:
    """Communes from a CSV (insee; nom[; ept][; departement]), by INSEE code: new ones are created, known
    ones get their parent and code. An EPT or département named and missing is created. All or nothing.
    Raises Invalid naming the line."""
    text = raw.decode("utf-8-sig") if isinstance(raw, bytes) else raw
    sample = text[:4096]
    delimiter = ";" if sample.count(";") >= sample.count(",") else ","
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    if not rows:
        raise Invalid(_("Fichier vide."), field="file")
    if len(rows) > MAX_CSV_ROWS:
        raise Invalid(_("Au plus %(max)s lignes par fichier.", max=MAX_CSV_ROWS), field="file")
    columns = _columns(rows[0])
    created = updated = 0
    with transaction():
        fallback = resolve_territory(default_parent, None, "parent") if default_parent else None
        for number, row in enumerate(rows[1:], 2):
            if not any(cell.strip() for cell in row):
                continue
            try:
                cell = {k: (row[i].strip() if i < len(row) else "") for k, i in columns.items()}
                insee = _insee(cell["insee"])
                name = v.text(cell["name"], "nom", max_len=120)
                parent = _csv_parent(cell.get("parent"), cell.get("departement")) or fallback
                known = db.session.execute(select(Territory).filter_by(insee=insee)).scalar_one_or_none()
                known = known or find_territory(name)
                _import_commune(name, insee, parent, known)
            except Invalid as exc:
                raise Invalid(_("Ligne %(number)s : %(message)s", number=number, message=exc.message), field="file", line=number) from None
            created, updated = created + (known is None), updated + (known is not None)
    return {"rows": created + updated, "created": created, "updated": updated}


def _import_commune(name: str, insee: str, parent: Territory | None, known: Territory | None) -> None:
    if parent is not None:
        _attach_commune(name if known is None else known.name, parent, insee)
    elif known is None:
        db.session.add(Territory(name=name, kind="commune", cities=[], insee=insee))
        db.session.flush()
    elif known.insee is None:
        known.insee = insee


def _csv_parent(ept: str | None, departement: str | None) -> Territory | None:
    """The commune's EPT (or its département when no EPT is named), created if missing."""
    dep = _named(departement, "departement", None) if departement else None
    if ept:
        return _named(ept, "ept", dep)
    return dep


def _named(name: str, kind: str, parent: Territory | None) -> Territory:
    name = v.text(name, kind, max_len=120)
    territory = find_territory(name)
    if territory is None:
        territory = Territory(name=name, kind=kind, cities=[], parent=parent)
        db.session.add(territory)
        db.session.flush()
    elif territory.parent_id is None and parent is not None and territory is not parent:
        territory.parent = parent
    return territory


def territory_choices(*, communes: bool = True, blank: bool = False) -> list[tuple[str, str]]:
    """(id, name) pairs for a form's select, grouped by kind; `blank` adds a leading « — » for none."""
    stmt = select(Territory).order_by(Territory.kind, Territory.name)
    if not communes:
        stmt = stmt.where(Territory.kind != "commune")
    options = [(str(t.id), t.name) for t in db.session.execute(stmt).scalars()]
    return [("", "—"), *options] if blank else options
