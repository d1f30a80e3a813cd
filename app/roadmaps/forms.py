"""Facilitator forms; each turns its fields into the same payload the JSON API takes."""

from flask_babel import lazy_gettext
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import IntegerField, SelectField, SelectMultipleField, StringField, TextAreaField, widgets
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from app.services.roadmaps.fields import STATUS_LABELS


def _lines(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class RoadmapForm(FlaskForm):
    title = StringField(lazy_gettext("Titre"), validators=[DataRequired(), Length(max=200)])
    territory = SelectField(lazy_gettext("Territoire"), choices=[])
    year = IntegerField(lazy_gettext("Année"), validators=[Optional(), NumberRange(2000, 2100)])
    description = TextAreaField(lazy_gettext("Présentation"), validators=[Length(max=5000)])
    axes = TextAreaField(lazy_gettext("Axes (un par ligne)"), validators=[DataRequired(), Length(max=3000)])

    def to_payload(self) -> dict:
        territory = self.territory.data or ""
        return {
            "title": self.title.data,
            "territory": int(territory) if territory.isdigit() else territory,
            "year": self.year.data,
            "description": self.description.data or "",
            "axes": _lines(self.axes.data),
        }


class CheckboxesField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class ActionForm(FlaskForm):
    title = StringField(lazy_gettext("Intitulé de l'action"), validators=[DataRequired(), Length(max=200)])
    axis_id = SelectField(lazy_gettext("Axe"), coerce=int, choices=[])
    description = TextAreaField(lazy_gettext("Description"), validators=[Length(max=5000)])
    lead = StringField(lazy_gettext("Structure pilote"), validators=[Length(max=200)])
    partners = TextAreaField(lazy_gettext("Partenaires (un par ligne)"), validators=[Length(max=4000)])
    cities = CheckboxesField(lazy_gettext("Communes concernées"), choices=[], validate_choice=False)
    due = StringField(lazy_gettext("Échéance"), validators=[Length(max=20)])
    status = SelectField(lazy_gettext("Statut"), choices=list(STATUS_LABELS.items()))
    progress = IntegerField(lazy_gettext("Avancement (%)"), default=0, validators=[NumberRange(0, 100)])
    milestones = TextAreaField(
        lazy_gettext("Jalons (un par ligne : AAAA-MM-JJ intitulé)"), validators=[Length(max=4000)]
    )

    def to_payload(self) -> dict:
        return {
            "title": self.title.data,
            "axis_id": self.axis_id.data,
            "description": self.description.data or "",
            "lead": self.lead.data or "",
            "partners": _lines(self.partners.data),
            "cities": list(self.cities.data or []),
            "due": self.due.data or "",
            "status": self.status.data,
            "progress": self.progress.data if self.progress.data is not None else 0,
            "milestones": [_milestone(line) for line in _lines(self.milestones.data)],
        }

    def fill(self, action) -> None:
        self.partners.data = "\n".join(action.partners or [])
        self.cities.data = list(action.cities or [])
        self.milestones.data = "\n".join(
            ("[x] " if m.get("done") else "") + f"{m['date']} {m['title']}" for m in action.milestones or []
        )


def _milestone(line: str) -> dict:
    """« [x] 2026-03-31 Lancement » → {date, title, done}; the service explains a bad date."""
    done = line.lower().startswith("[x]")
    if done:
        line = line[3:].strip()
    when, _, title = line.partition(" ")
    return {"date": when, "title": title.strip() or when, "done": done}


class ImportForm(FlaskForm):
    file = FileField(lazy_gettext("Fichier CSV (colonnes de l'export)"), validators=[FileRequired()])


class ConfirmForm(FlaskForm):
    """A button that only needs the CSRF token (publish toggle)."""
