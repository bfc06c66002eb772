"""`hubbub api_token create --user NAME --name LABEL`: issue a personal API token (shown once)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from hubbub.api.models import ApiToken
from hubbub.api.tokens import create_token, revoke_token


class Command(BaseCommand):
    help = "Create, list or revoke personal API tokens (sent as `Authorization: Bearer <token>`)."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        create = actions.add_parser("create", help="create a token and print it once")
        create.add_argument("--user", required=True, help="the username the token acts as")
        create.add_argument("--name", required=True, help="what the token is for, e.g. 'billing sync'")
        listing = actions.add_parser("list", help="list a user's tokens (never the tokens themselves)")
        listing.add_argument("--user", required=True)
        revoke = actions.add_parser("revoke", help="revoke a token by its id (from `list`)")
        revoke.add_argument("id", type=int)

    def handle(self, *_args: Any, **options: Any) -> None:
        if options["action"] == "create":
            _, token = create_token(_user(options["user"]), options["name"][:100])
            self.stdout.write(token)
            self.stderr.write("Store this token now: hubbub keeps only its hash and cannot show it again.")
        elif options["action"] == "list":
            for row in ApiToken.objects.filter(user=_user(options["user"])):
                state = "revoked" if row.revoked else "active"
                self.stdout.write(f"{row.id}\t{state}\t{row.created_at:%Y-%m-%d}\t{row.name}")
        else:
            found = ApiToken.objects.filter(id=options["id"]).first()
            if found is None:
                raise CommandError(f"no token with id {options['id']}")
            revoke_token(found)
            self.stdout.write(f"revoked token {found.id}")


def _user(username: str) -> Any:
    try:
        return get_user_model().objects.get(username=username)
    except get_user_model().DoesNotExist:
        raise CommandError(f"no user named {username!r}") from None
