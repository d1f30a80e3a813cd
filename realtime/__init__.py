"""Socket.IO: connection, thin command handlers, and the broadcaster."""

from flask import Flask

from app.extensions import socketio
from app.http import origin_checker


def init_realtime(app: Flask) -> None:
    # Handlers must be declared before init_app so every new server (one per
    # app, e.g. in tests) registers them.
    from app.services.workshop.tallies import coalescer
    from realtime import board, broadcast, connection, hybrid, minutes, presence, present, roadmaps  # noqa: F401
    from realtime.manager import client_manager

    socketio.init_app(
        app,
        async_mode=app.config["ASYNC_MODE"],
        client_manager=client_manager(app.config["SOCKETIO_MESSAGE_QUEUE"]),
        cors_allowed_origins=origin_checker(app.config["ALLOWED_ORIGINS"]),
        max_http_buffer_size=256 * 1024,
        ping_interval=app.config["PING_INTERVAL"],
        ping_timeout=app.config["PING_TIMEOUT"],
        manage_session=False,
    )
    broadcast.install(app)
    presence.install(app)
    coalescer.install(app, socketio.start_background_task, socketio.sleep)
