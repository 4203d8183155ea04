"""The accounts part of the JSON API: who a token belongs to."""

from __future__ import annotations

from ninja import Router, Schema

from probity.api.schemas import Unauthorized
from probity.apps.accounts.api_auth import TokenAuth

router = Router(tags=["account"])


class Me(Schema):
    username: str
    name: str


@router.get(
    "/me",
    auth=TokenAuth(),
    response={200: Me, 401: Unauthorized},
    summary="Who this token belongs to",
    operation_id="me",
)
def me(request):
    """The token owner's username and name (their username when no name is recorded).

    Send a personal token from /account/tokens as `Authorization: Bearer <token>`; a missing,
    revoked or expired token gets 401.
    """
    user = request.auth
    return {"username": user.get_username(), "name": user.get_full_name() or user.get_username()}
