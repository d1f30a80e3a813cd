from flask_wtf import FlaskForm
from wtforms import BooleanField, DateTimeLocalField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from app.lib.themes import theme_choices

MODE_CHOICES = [("hybrid", "Hybride (salle et distance)"), ("in_person", "En salle"), ("remote", "À distance")]


class WorkshopForm(FlaskForm):
    title = StringField("Titre", validators=[DataRequired(), Length(max=200)])
    theme = SelectField("Thème", choices=theme_choices())
    territory = SelectField("Territoire", choices=[], validators=[Optional()])
    starts_at = DateTimeLocalField("Date et heure", validators=[Optional()], format="%Y-%m-%dT%H:%M")
    location = StringField("Lieu", validators=[Length(max=200)])
    organiser = StringField("Organisateur (affiché dans la notice de confidentialité)", validators=[Length(max=200)])
    mode = SelectField("Format", choices=MODE_CHOICES)
    prompt = TextAreaField("Question posée aux participants", validators=[Length(max=1000)])
    columns = TextAreaField(
        "Colonnes du tableau (une par ligne ; vide = celles du thème)", validators=[Length(max=2000)]
    )
    votes_per_participant = IntegerField("Gommettes par participant", default=5, validators=[NumberRange(1, 100)])
    max_votes_per_idea = IntegerField("Gommettes maximum par idée", default=3, validators=[NumberRange(1, 100)])
    vote_method = SelectField(
        "Méthode de vote", choices=[("dots", "Gommettes"), ("majority_judgment", "Jugement majoritaire")]
    )
    reveal_votes = SelectField(
        "Résultats du vote", choices=[("live", "Visibles en direct"), ("end", "Révélés à la fin du vote")]
    )
    hand_order = SelectField(
        "File de parole",
        choices=[("fifo", "Ordre d'arrivée"), ("alternate", "Alterner salle et distance")],
    )
    private_brainstorm = BooleanField("Idées masquées aux autres participants pendant le remue-méninges", default=True)
    anonymous = BooleanField("Contributions anonymes (noms visibles des seuls animateurs)")
    moderation = SelectField(
        "Modération des idées",
        choices=[("off", "Affichées aussitôt"), ("pre", "Validées par l'animation avant affichage")],
        default="off",
    )
    minutes_editors = SelectField(
        "Qui écrit le compte rendu",
        choices=[("everyone", "Tout le monde"), ("facilitators", "L'animation et les secrétaires désignés")],
        default="everyone",
    )
    minutes_locked = BooleanField("Compte rendu verrouillé (seule l'animation peut encore l'écrire)")
    retention_months = IntegerField(
        "Conservation des données personnelles (mois)", default=12, validators=[NumberRange(1, 60)]
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
    code = StringField("Code de l'atelier", validators=[DataRequired(), Length(max=20)])
    name = StringField("Votre nom ou prénom", validators=[DataRequired(), Length(max=80)])
    organisation = StringField("Structure (facultatif)", validators=[Length(max=120)])
    attendance = SelectField("Je participe", choices=[("room", "Dans la salle"), ("remote", "À distance")])
