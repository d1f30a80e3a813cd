"""Extensions created unbound; the factory binds them."""

from flask.json.provider import DefaultJSONProvider
from flask_babel import Babel
from flask_compress import Compress
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_socketio import SocketIO
from flask_wtf import CSRFProtect

from app.lib import strict_json
from models.base import db

__all__ = ["StrictJSONProvider", "babel", "compress", "csrf", "db", "login_manager", "migrate", "socketio"]

migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
compress = Compress()
socketio = SocketIO(json=strict_json.SocketJSON)


class StrictJSONProvider(DefaultJSONProvider):
    """Flask's JSON (responses, `tojson`, request bodies) without non-finite numbers (app/lib/strict_json.py)."""

    def dumps(self, obj, **kwargs) -> str:
        return super().dumps(obj, allow_nan=False, **kwargs)

    def loads(self, s, **kwargs):
        return strict_json.loads(s, **kwargs)
