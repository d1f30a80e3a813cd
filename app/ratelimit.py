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
        return self._count(self._key(key), 0) >= self.limit

    def hit(self, key: str) -> bool:
        """Count one hit; True if the key is now over its limit."""
        return self._count(self._key(key), 1) > self.limit

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
