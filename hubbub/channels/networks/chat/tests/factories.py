"""Chat accounts and sessions for tests, set up as an administrator and the widget would."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils import timezone

from hubbub.channels.models import ChannelAccount, ChatSession
from hubbub.channels.networks.chat.payloads import StartSession
from hubbub.channels.networks.chat.queries import ChatVisitor, chat_account, visitor_for_token
from hubbub.channels.networks.chat.sessions import OpenedSession, open_session
from hubbub.core.models import Brand, BrandAccount
from hubbub.core.networks import Network

SHOP = "https://shop.example"


def make_chat_account(
    brand: Brand, *, origins: Sequence[str] = (SHOP,), handle: str = "", enabled: bool = True
) -> BrandAccount:
    """A brand's chat account whose widget may run on `origins`."""
    account = BrandAccount.objects.create(
        brand=brand, network=Network.CHAT, handle=handle or f"{brand.slug}-web"
    )
    ChannelAccount.objects.create(
        account=account,
        enabled=enabled,
        settings={"allowed_origins": list(origins), "greeting": "Hi from Acme!", "colour": "#0a7c59"},
    )
    return account


def open_chat(account: BrandAccount, *, name: str = "", email: str = "") -> tuple[OpenedSession, ChatVisitor]:
    """A visitor's open session on `account`, and the session as the endpoints see it."""
    found = chat_account(account.id)
    assert found is not None
    opened = open_session(found, StartSession(name=name, email=email))
    visitor = visitor_for_token(opened.token)
    assert visitor is not None
    return opened, visitor


def close_chat(thread_id: str) -> None:
    """End a conversation, as closing it in the workplace will."""
    ChatSession.objects.filter(thread_id=thread_id).update(closed_at=timezone.now())
