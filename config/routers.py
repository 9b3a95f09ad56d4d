"""Public reads from a read replica (DATABASE_REPLICA_URL), everything else from the primary.

Only a request that cannot have just written, and that sees only what is published, reads
from the replica: GET or HEAD without a session (an anonymous reader), outside the admin.
Editors, forms and every write use the primary, so nobody waits for replication to see
their own change. Without DOSSIER_READ_REPLICA (the alias, set with DATABASE_REPLICA_URL)
every read goes to the primary.
"""

from contextvars import ContextVar

from django.conf import settings

_public_read: ContextVar[bool] = ContextVar("public_read", default=False)


class ReplicaReadsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        public = (
            request.method in ("GET", "HEAD")
            and settings.SESSION_COOKIE_NAME not in request.COOKIES
            and not request.path.startswith("/admin/")
        )
        token = _public_read.set(public)
        try:
            return self.get_response(request)
        finally:
            _public_read.reset(token)


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        replica = getattr(settings, "DOSSIER_READ_REPLICA", "")
        return replica if replica and _public_read.get() else None

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # one database, two copies

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db != getattr(settings, "DOSSIER_READ_REPLICA", "")
