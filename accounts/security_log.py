"""Security events for incident response: who (user name), from where (client address), what.

django-axes masks user name and address by default; here both are logged as the operator
configures (SECURITY_LOG_IDENTITIES: hashed or plain, see integration.log_format). Every event
goes to the logger ``accounts.security``; in JSON logs its fields stand as ``username``,
``client`` and ``event``.
"""

import logging

from integration.client_address import client_address_of
from integration.log_format import log_identity

logger = logging.getLogger("accounts.security")


def axes_client_str(username, ip_address, user_agent, path_info, request) -> str:
    """django-axes' AXES_CLIENT_STR_CALLABLE: what its own log lines say about the client."""
    if isinstance(path_info, (tuple, list)):
        path_info = path_info[0]
    return (
        f'{{username: "{log_identity(username) or "-"}", ip_address: "{log_identity(ip_address) or "-"}", '
        f'path_info: "{path_info}"}}'
    )


def record(event: str, message: str, *, request, username: str | None = None, level: int = logging.WARNING) -> None:
    """Log one security event with the person's user name and address."""
    fields = {
        "event": event,
        "username": log_identity(username),
        "client": log_identity(client_address_of(request)),
        "path": request.path,
    }
    logger.log(
        level,
        "%s (username: %s, client: %s)",
        message,
        fields["username"] or "-",
        fields["client"] or "-",
        extra={"security": fields},
    )
