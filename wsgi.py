"""Entry point: `python wsgi.py` serves; `gunicorn -k gevent -w 1 wsgi:app` in production."""

import os

ASYNC_MODE = os.environ.get("FABRIQUE_ASYNC_MODE", "gevent")
if ASYNC_MODE == "gevent" and os.environ.get("FABRIQUE_NO_MONKEY") != "1":
    from gevent import monkey

    monkey.patch_all()
elif ASYNC_MODE == "eventlet" and os.environ.get("FABRIQUE_NO_MONKEY") != "1":
    import eventlet

    eventlet.monkey_patch()

from app import create_app  # noqa: E402
from app.extensions import socketio  # noqa: E402

app = create_app()

if __name__ == "__main__":
    host, port = app.config["HOST"], app.config["PORT"]
    print(f"Fabrique : http://{host}:{port}/  (async_mode={socketio.async_mode})", flush=True)
    socketio.run(app, host=host, port=port, allow_unsafe_werkzeug=True, log_output=False)
