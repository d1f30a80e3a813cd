from flask import Blueprint

bp = Blueprint("main", __name__)


@bp.app_context_processor
def labels():
    from app.i18n import COLORS, PHASES
    from app.lib.themes import THEMES
    from app.main.labels import PHASE_HELP

    # Lazy strings: each page reads them in its own language.
    return {"phase_labels": PHASES, "phase_help": PHASE_HELP, "idea_colors": COLORS, "themes": THEMES}


from app.main import days, minutes, present, privacy_pages, results, routes  # noqa: E402, F401
