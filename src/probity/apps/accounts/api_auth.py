"""Bearer-token authentication for the JSON API (django-ninja).

    from probity.apps.accounts.api_auth import TokenAuth

    router = Router(auth=TokenAuth())          # every operation of the router, or
    @router.get("/thing", auth=TokenAuth())    # one operation

A request with `Authorization: Bearer <token>` of a usable personal token (not revoked, not
expired, its owner active) runs as the token's owner: `request.user` is that person,
`request.auth` too, and `request.api_token` the ApiToken. Anything else gets 401. Tokens are
made by their owners at /account/tokens; only their SHA-256 hash is stored.

No cookie is read, so such operations need no CSRF token.
"""

from __future__ import annotations

from ninja.security import HttpBearer

from probity.apps.accounts import services


class TokenAuth(HttpBearer):
    openapi_description = "A personal API token from /account/tokens, as `Bearer prb_…`"

    def authenticate(self, request, token: str):
        api_token = services.token_authenticate(token)
        if api_token is None:
            return None
        request.user = api_token.user
        request.api_token = api_token
        return api_token.user
