"""Fixed-window counters kept in memory, or in Redis when processes share one.

Keys are hashed so no address is ever kept in clear, and nothing is persisted.
"""

import hashlib
import threading
import time


class RateLimiter:
    def __init__(self, limit: int, period: float, redis_url: str | None = None, name: str = "rl"):
        self.limit, self.period, self.name = limit, period, name
        self._lock = threading.Lock()
        self._hits: dict[str, tuple[float, int]] = {}
        self._redis = None
        if redis_url:
            import redis

            self._redis = redis.Redis.from_url(redis_url, socket_timeout=1)

    def _key(self, key: str) -> str:
        return hashlib.sha256(f"{self.name}:{key}".encode()).hexdigest()[:32]

    def blocked(self, key: str) -> bool:
        """True when `key` has used up its allowance in the current window."""
        return self.count(key) >= self.limit

    def hit(self, key: str) -> bool:
        """Count one hit; True if the key is now over its limit."""
        return self.add(key) > self.limit

    def count(self, key: str) -> int:
        """The hits of `key` in the current window."""
        return self._count(self._key(key), 0)

    def add(self, key: str) -> int:
        """Count one hit; the hits of `key` in the current window, this one included."""
        return self._count(self._key(key), 1)

    def _count(self, key: str, add: int) -> int:
        if self._redis is not None:
            try:
                return self._redis_count(key, add)
            except Exception:  # noqa: BLE001 — a Redis outage must not lock people out
                pass
        now = time.monotonic()
        with self._lock:
            start, count = self._hits.get(key, (now, 0))
            if now - start > self.period:
                start, count = now, 0
            self._hits[key] = (start, count + add)
            if len(self._hits) > 100_000:
                self._hits.clear()
            return count + add

    def _redis_count(self, key: str, add: int) -> int:
        full = f"fabrique:{self.name}:{key}"
        if not add:
            return int(self._redis.get(full) or 0)
        pipe = self._redis.pipeline()
        pipe.incrby(full, add)
        pipe.expire(full, int(self.period), nx=True)
        return int(pipe.execute()[0])


class Slowdown:
    """Holds back the answer to a repeated failure (a wrong join code) a little longer each time,
    so a guesser waits while everyone else is served at once. At most `max_waiting` answers wait
    per key in this process: a flood must not pile up connections (past that, no delay)."""

    def __init__(self, step: float, cap: float, max_waiting: int = 20):
        self.step, self.cap, self.max_waiting = step, cap, max_waiting
        self._lock = threading.Lock()
        self._waiting: dict[str, int] = {}

    def delay(self, excess: int) -> float:
        """Seconds to hold back the `excess`-th failure past the allowance."""
        return min(self.step * max(excess, 0), self.cap)

    def wait(self, key: str, excess: int) -> None:
        """Sleep (cooperatively under gevent) before answering the `excess`-th failure of `key`."""
        seconds = self.delay(excess)
        with self._lock:
            if seconds <= 0 or self._waiting.get(key, 0) >= self.max_waiting:
                return
            self._waiting[key] = self._waiting.get(key, 0) + 1
        try:
            time.sleep(seconds)
        finally:
            with self._lock:
                left = self._waiting.pop(key) - 1
                if left:
                    self._waiting[key] = left


def install_limiters(app) -> None:
    """The app's limiters of failed attempts (docs/deployment.md): wrong join codes per address, with
    their slowdown; failed logins per address, per account, and per account and address."""
    on, queue = app.config["RATE_LIMITS"], app.config["SOCKETIO_MESSAGE_QUEUE"]
    join_limit, join_period = app.config["JOIN_FAIL_LIMIT"]
    login_limit, login_period = app.config["LOGIN_FAIL_LIMIT"]
    off = 10**9
    app.extensions["fabrique_join_limiter"] = RateLimiter(join_limit if on else off, join_period, queue, "join")
    app.extensions["fabrique_join_slowdown"] = Slowdown(*app.config["JOIN_FAIL_DELAY"])
    app.extensions["fabrique_login_limiters"] = {
        "address": RateLimiter(login_limit if on else off, login_period, queue, "login-address"),
        "account": RateLimiter(login_limit if on else off, login_period, queue, "login-account"),
        # Once an account is over its allowance, one failure is enough to stop an address on it.
        "account_address": RateLimiter(1 if on else off, login_period, queue, "login-pair"),
    }
