"""Domain errors, mapped once to the contract's codes for HTTP and Socket.IO."""


class ServiceError(Exception):
    code = "invalid"
    status = 400

    def __init__(self, message, **extra):
        # A message is translated when raised (gettext in the language of the request or socket that
        # caused it); a lazy one (a module constant) is resolved here, in that language too.
        message = str(message)
        super().__init__(message)
        self.message = message
        self.extra = extra

    def to_dict(self) -> dict:
        return {"code": self.code, "message": self.message, **self.extra}


class Invalid(ServiceError):
    code, status = "invalid", 400


class Unauthorized(ServiceError):
    code, status = "unauthorized", 401


class Forbidden(ServiceError):
    code, status = "forbidden", 403


class NotFound(ServiceError):
    code, status = "not_found", 404


class Conflict(ServiceError):
    code, status = "conflict", 409


class PhaseError(ServiceError):
    code, status = "phase", 409


class BudgetError(ServiceError):
    code, status = "budget", 409


class TooLarge(ServiceError):
    code, status = "too_large", 413


class RateLimited(ServiceError):
    code, status = "rate_limited", 429
