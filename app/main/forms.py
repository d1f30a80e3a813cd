from flask_babel import lazy_gettext
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateTimeLocalField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from app.i18n import current
from app.lib.themes import theme_choices

MODE_CHOICES = [
    ("hybrid", lazy_gettext("Hybride (salle et distance)")),
    ("in_person", lazy_gettext("En salle")),
    ("remote", lazy_gettext("À distance")),
]
# Each language named in itself (the page marks each name with its own `lang`), whatever the page's language.
LANGUAGE_CHOICES = [("fr", "Français"), ("en", "English")]


class WorkshopForm(FlaskForm):
    title = StringField(lazy_gettext("Titre"), validators=[DataRequired(), Length(max=200)])
    theme = SelectField(lazy_gettext("Thème"), choices=theme_choices())
    territory = SelectField(lazy_gettext("Territoire"), choices=[], validators=[Optional()])
    starts_at = DateTimeLocalField(lazy_gettext("Date et heure"), validators=[Optional()], format="%Y-%m-%dT%H:%M")
    location = StringField(lazy_gettext("Lieu"), validators=[Length(max=200)])
    organiser = StringField(
        lazy_gettext("Organisateur (affiché dans la notice de confidentialité)"), validators=[Length(max=200)]
    )
    mode = SelectField(lazy_gettext("Format"), choices=MODE_CHOICES)
    prompt = TextAreaField(lazy_gettext("Question posée aux participants"), validators=[Length(max=1000)])
    columns = TextAreaField(
        lazy_gettext("Colonnes du tableau (une par ligne ; vide = celles du thème)"), validators=[Length(max=2000)]
    )
    votes_per_participant = IntegerField(
        lazy_gettext("Gommettes par participant"), default=5, validators=[NumberRange(1, 100)]
    )
    max_votes_per_idea = IntegerField(
        lazy_gettext("Gommettes maximum par idée"), default=3, validators=[NumberRange(1, 100)]
    )
    vote_method = SelectField(
        lazy_gettext("Méthode de vote"),
        choices=[("dots", lazy_gettext("Gommettes")), ("majority_judgment", lazy_gettext("Jugement majoritaire"))],
    )
    reveal_votes = SelectField(
        lazy_gettext("Résultats du vote"),
        choices=[("live", lazy_gettext("Visibles en direct")), ("end", lazy_gettext("Révélés à la fin du vote"))],
    )
    hand_order = SelectField(
        lazy_gettext("File de parole"),
        choices=[("fifo", lazy_gettext("Ordre d'arrivée")), ("alternate", lazy_gettext("Alterner salle et distance"))],
    )
    private_brainstorm = BooleanField(
        lazy_gettext("Idées masquées aux autres participants pendant le remue-méninges"), default=True
    )
    anonymous = BooleanField(lazy_gettext("Contributions anonymes (noms visibles des seuls animateurs)"))
    moderation = SelectField(
        lazy_gettext("Modération des idées"),
        choices=[
            ("off", lazy_gettext("Affichées aussitôt")),
            ("pre", lazy_gettext("Validées par l'animation avant affichage")),
        ],
        default="off",
    )
    minutes_editors = SelectField(
        lazy_gettext("Qui écrit le compte rendu"),
        choices=[
            ("everyone", lazy_gettext("Tout le monde")),
            ("facilitators", lazy_gettext("L'animation et les secrétaires désignés")),
        ],
        default="everyone",
    )
    minutes_locked = BooleanField(lazy_gettext("Compte rendu verrouillé (seule l'animation peut encore l'écrire)"))
    retention_months = IntegerField(
        lazy_gettext("Conservation des données personnelles (mois)"), default=12, validators=[NumberRange(1, 60)]
    )

    def to_payload(self) -> dict:
        columns = [line.strip() for line in (self.columns.data or "").splitlines() if line.strip()]
        return {
            "title": self.title.data,
            "theme": self.theme.data,
            "territory": int(self.territory.data) if (self.territory.data or "").isdigit() else None,
            "starts_at": self.starts_at.data.isoformat() if self.starts_at.data else None,
            "location": self.location.data or "",
            "organiser": self.organiser.data or "",
            "mode": self.mode.data,
            "prompt": self.prompt.data or "",
            "columns": columns or None,
            "retention_months": self.retention_months.data,
            "settings": {
                "votes_per_participant": self.votes_per_participant.data,
                "max_votes_per_idea": self.max_votes_per_idea.data,
                "vote_method": self.vote_method.data,
                "reveal_votes": self.reveal_votes.data,
                "hand_order": self.hand_order.data,
                "private_brainstorm": bool(self.private_brainstorm.data),
                "anonymous": bool(self.anonymous.data),
                "moderation": self.moderation.data or "off",
                "minutes_editors": self.minutes_editors.data or "everyone",
                "minutes_locked": bool(self.minutes_locked.data),
            },
        }


class JoinForm(FlaskForm):
    code = StringField(lazy_gettext("Code de l'atelier"), validators=[DataRequired(), Length(max=20)])
    name = StringField(lazy_gettext("Votre nom ou prénom"), validators=[DataRequired(), Length(max=80)])
    organisation = StringField(lazy_gettext("Structure (facultatif)"), validators=[Length(max=120)])
    attendance = SelectField(
        lazy_gettext("Je participe"),
        choices=[("room", lazy_gettext("Dans la salle")), ("remote", lazy_gettext("À distance"))],
    )
    # The language of the board that follows (issue 18): the page's own by default, kept in the session. An
    # unknown value never blocks a join: the route keeps the page's language then.
    lang = SelectField(
        lazy_gettext("Langue / Language"), choices=LANGUAGE_CHOICES, default=current, validate_choice=False
    )
