"""Territorial roadmaps: axes, actions with their change history, and who may see them.

Roadmaps belong to territories, not to workshops. Each has its facilitators (its creator, then the
colleagues they add): they alone edit it and see it unpublished (app/services/core/guards.py `leads`).
Everyone sees published roadmaps; an unpublished one answers « not found » to visitors and `forbidden`
to the other facilitators.
"""

from flask_babel import gettext as _
from flask_babel import lazy_gettext
from sqlalchemy import or_, select

from app.lib.timezone import local
from app.services.core import validation as v
from app.services.core.errors import Invalid, NotFound, Unauthorized
from app.services.core.guards import leads, require_lead
from app.services.core.lookup import owned
from app.services.core.territories import resolve_territory
from app.services.core.titled import retitle
from app.services.core.unit_of_work import transaction
from app.services.roadmaps import fields as rf
from app.services.roadmaps.sources import add_idea_source, change_label, log_change, resolve_ideas, source_dicts
from models import Action, Axis, Roadmap, Territory, User, db
from models import roadmap_facilitators as rfac

MAX_AXES = 12
TRACKED = ("title", "axis", "description", "lead", "partners", "cities", "due", "status", "progress", "milestones")


def require_user(user: User | None) -> User:
    """A logged-in account (creating a roadmap needs no more). Raises Unauthorized."""
    if user is None:
        raise Unauthorized(_("Connexion d'animateur requise."))
    return user


def visible_roadmaps(user: User | None) -> list[Roadmap]:
    """The published roadmaps, and those `user` leads."""
    stmt = select(Roadmap).order_by(Roadmap.year.desc().nulls_last(), Roadmap.title)
    mine = select(rfac.c.roadmap_id).where(rfac.c.user_id == (user.id if user is not None else None))
    if user is None or not user.is_active:
        stmt = stmt.where(Roadmap.published.is_(True))
    else:
        stmt = stmt.where(or_(Roadmap.published.is_(True), Roadmap.id.in_(mine)))
    return list(db.session.execute(stmt).unique().scalars())


def get_roadmap(roadmap_id, user: User | None = None) -> Roadmap:
    """A published roadmap, or one `user` leads. Raises NotFound (also an unpublished one for a visitor),
    Forbidden (an unpublished one for a facilitator who does not lead it)."""
    roadmap = db.session.get(Roadmap, roadmap_id) if v.is_id(roadmap_id) else None
    if roadmap is None or (not roadmap.published and user is None):
        raise NotFound(_("Feuille de route introuvable."))
    if not roadmap.published:
        require_lead(user, roadmap, _("la consulter avant sa publication"))
    return roadmap


def led_roadmap(roadmap_id, user: User | None, what: str = lazy_gettext("la modifier")) -> Roadmap:
    """The roadmap, if `user` is one of its facilitators. Raises Unauthorized, NotFound, Forbidden."""
    require_user(user)
    roadmap = get_roadmap(roadmap_id, user)
    require_lead(user, roadmap, what)
    return roadmap


def get_action(roadmap: Roadmap, action_id, *, retired: bool = False) -> Action:
    """An action of the roadmap; a deleted or merged one only with `retired` (its history). Raises NotFound."""
    action = owned(Action, action_id, roadmap.id, _("Action introuvable dans cette feuille de route."), owner="roadmap_id")
    if action.deleted_at is not None and not retired:
        raise NotFound(_("Cette action a été supprimée de la feuille de route."))
    return action


def axis_of(roadmap: Roadmap, axis_id, field: str = "axis_id") -> Axis:
    """Raises Invalid naming the field."""
    for axis in roadmap.axes:
        if v.is_int(axis_id) and axis.id == axis_id:
            return axis
    raise Invalid(_("« %(field)s » : axe inconnu dans cette feuille de route.", field=field), field=field)


def create_roadmap(user: User | None, data: dict) -> Roadmap:
    """Create a roadmap with its axes. Raises Unauthorized, Invalid."""
    require_user(user)
    v.mapping(data)
    roadmap = Roadmap(
        title=v.text(data.get("title"), "title", max_len=200),
        territory=_territory(data.get("territory"), user),
        year=rf.year(data.get("year")),
        description=v.text(data.get("description"), "description", min_len=0, max_len=5000, required=False),
        published=v.boolean(data.get("published", False), "published"),
        created_by_id=user.id,
    )
    roadmap.axes = [Axis(title=t, position=i) for i, t in enumerate(_axis_titles(data.get("axes")))]
    roadmap.facilitators.append(user)
    with transaction():
        db.session.add(roadmap)
    return roadmap


def _territory(value, user: User) -> Territory:
    """An existing territory, or a new one named by an admin. Raises Invalid."""
    if value in (None, ""):
        raise Invalid(_("« territory » est obligatoire."), field="territory")
    return resolve_territory(value, user)


def _axis_titles(value) -> list[str]:
    titles = v.string_list(value, "axes", max_items=MAX_AXES, max_len=200)
    if not titles:
        raise Invalid(_("Il faut au moins un axe."), field="axes")
    return titles


def update_roadmap(user: User | None, roadmap_id, data: dict) -> Roadmap:
    """Patch title, description, year, territory, published or axes. Raises Unauthorized, NotFound, Forbidden,
    Invalid."""
    roadmap = led_roadmap(roadmap_id, user)
    v.mapping(data)
    with transaction():
        if "title" in data:
            roadmap.title = v.text(data["title"], "title", max_len=200)
        if "description" in data:
            roadmap.description = v.text(data["description"], "description", min_len=0, max_len=5000, required=False)
        if "year" in data:
            roadmap.year = rf.year(data["year"])
        if "territory" in data:
            roadmap.territory = _territory(data["territory"], user)
        if "published" in data:
            roadmap.published = v.boolean(data["published"], "published")
        if "axes" in data:
            _replace_axes(roadmap, _axis_titles(data["axes"]))
    return roadmap


def _replace_axes(roadmap: Roadmap, titles: list[str]) -> None:
    """Rename axes in place, add new ones; trailing axes go only if they hold no action."""

    def busy(axis: Axis) -> str | None:
        if any(a.axis_id == axis.id for a in roadmap.actions):
            return _("L'axe « %(title)s » contient des actions : déplacez-les d'abord.", title=axis.title)
        return None

    retitle(roadmap.axes, titles, lambda title, i: Axis(title=title, position=i), busy, field="axes")


def territory_cities(roadmap: Roadmap) -> list[str]:
    territory = roadmap.territory or db.session.get(Territory, roadmap.territory_id)
    return list(territory.cities or []) if territory else []


def new_action(user: User, roadmap: Roadmap, data: dict) -> Action:
    """Build (not commit) an action from validated fields. Raises Invalid, Forbidden."""
    fields = rf.action_fields(data, territory_cities(roadmap), creating=True)
    axis = axis_of(roadmap, data.get("axis_id"))
    action = Action(roadmap_id=roadmap.id, axis_id=axis.id, **fields)
    roadmap.actions.append(action)
    log_change(action, user, "created", "", action.status or "proposed")  # a code, as status rows: read in any language
    return action


def create_action(user: User | None, roadmap_id, data: dict) -> Action:
    """Add an action, optionally with source ideas. Raises Unauthorized, NotFound, Invalid, Forbidden."""
    roadmap = led_roadmap(roadmap_id, user, _("y ajouter une action"))
    v.mapping(data)
    with transaction():
        action = new_action(user, roadmap, data)
        for idea in resolve_ideas(user, data.get("source_ideas", [])):
            add_idea_source(action, idea, user)
    return action


def update_action(user: User | None, roadmap_id, action_id, data: dict) -> Action:
    """Patch an action; each changed field is a history row. Raises Unauthorized, NotFound, Invalid, Forbidden."""
    roadmap = led_roadmap(roadmap_id, user, _("modifier ses actions"))
    action = get_action(roadmap, action_id)
    v.mapping(data)
    with transaction():
        changes = rf.action_fields(data, territory_cities(roadmap), creating=False)
        if "axis_id" in data:
            changes["axis"] = axis_of(roadmap, data["axis_id"])
        apply_changes(action, user, changes)
        for idea in resolve_ideas(user, data.get("source_ideas", [])):
            add_idea_source(action, idea, user)
    return action


def apply_changes(action: Action, user: User | None, changes: dict) -> int:
    """Set fields and log what really changed; returns how many fields changed."""
    count = 0
    for key in TRACKED:
        if key not in changes:
            continue
        old, new = getattr(action, key), changes[key]
        if key == "axis":
            if new.id == action.axis_id:
                continue
            old, action.axis_id, action.axis = (action.axis.title if action.axis else ""), new.id, new
            new = new.title
        elif old == new:
            continue
        else:
            setattr(action, key, new)
        log_change(action, user, key, "" if key == "description" else old, "" if key == "description" else new)
        count += 1
    return count


def roadmap_summary(roadmap: Roadmap) -> dict:
    territory = roadmap.territory
    return {
        "id": roadmap.id,
        "title": roadmap.title,
        "territory": {"id": territory.id, "name": territory.name} if territory else None,
        "year": roadmap.year,
        "description": roadmap.description,
        "published": roadmap.published,
        "created_by": roadmap.created_by_id,
        "created_at": roadmap.created_at.isoformat(),
        "axes": [{"id": a.id, "title": a.title} for a in roadmap.axes],
    }


def roadmap_dict(roadmap: Roadmap, user: User | None) -> dict:
    """The roadmap with its actions and each action's sources (docs/protocol.md §2)."""
    sources = source_dicts([s for a in roadmap.actions for s in a.sources], user, leads(user, roadmap))
    out = roadmap_summary(roadmap)
    out["cities"] = territory_cities(roadmap)
    out["actions"] = [action_dict(a, user, sources) for a in roadmap.actions]
    return out


def leads_roadmap_of(user: User | None, action: Action) -> bool:
    """Whether `user` facilitates the action's roadmap (then sees its sources' join codes, issue 19)."""
    return user is not None and leads(user, db.session.get(Roadmap, action.roadmap_id))


def action_dict(action: Action, user: User | None, sources: dict[int, dict] | None = None) -> dict:
    if sources is None:
        sources = source_dicts(action.sources, user, leads_roadmap_of(user, action))
    return {
        "id": action.id,
        "roadmap_id": action.roadmap_id,
        "axis_id": action.axis_id,
        "axis": action.axis.title if action.axis else None,
        "title": action.title,
        "description": action.description,
        "lead": action.lead,
        "partners": action.partners or [],
        "cities": action.cities or [],
        "due": action.due,
        "due_label": rf.due_label(action.due),
        "status": action.status,
        "status_label": rf.status_label(action.status),
        "progress": action.progress,
        "milestones": action.milestones or [],
        "sources": [sources[s.id] for s in action.sources if s.id in sources],
        "created_at": action.created_at.isoformat() if action.created_at else None,
    }


def history(action: Action, sources: list[dict]) -> list[dict]:
    """The change log as the viewer of `sources` (the action's sources as `action_dict` gives them) may read it.

    A source and its « source » row are always written together and never removed, so the k-th such row
    records the k-th source: it is read through that source's visibility, never from a stored copy.
    """
    added = iter(sources)
    return [
        {
            "at": local(c.at).isoformat(),  # ISO 8601 on the local clock, with its offset
            "user": c.user.name if c.user else None,
            "field": c.field,
            "old": c.old,
            "new": change_label(next(added, None), c.new) if c.field == "source" else c.new,
        }
        for c in action.changes
    ]
