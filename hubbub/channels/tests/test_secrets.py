"""Credentials encrypted at rest: keys from the environment or SECRET_KEY, rotation, bounds."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet
from django.test import override_settings

from hubbub.channels.models import ChannelAccount
from hubbub.channels.secrets import (
    SecretsError,
    decrypt_secrets,
    derived_key,
    encrypt_secrets,
    read_secrets,
    rotate_secrets,
    store_secrets,
)
from hubbub.channels.tests.toy_network import connect_toy_account
from hubbub.core.models import Brand
from hubbub.env import ConfigurationError, env_fernet_key, env_fernet_keys

OLD_KEY = Fernet.generate_key().decode()
NEW_KEY = Fernet.generate_key().decode()


def test_stored_credentials_are_encrypted_and_read_back(brand_a: Brand) -> None:
    channel = connect_toy_account(brand_a, "acmecare")

    store_secrets(channel, {"access_token": "tok-123456"})

    stored = ChannelAccount.objects.get(id=channel.id)
    assert "tok-123456" not in stored.secrets_encrypted
    assert read_secrets(stored) == {"access_token": "tok-123456"}


def test_without_a_configured_key_the_key_is_derived_from_the_secret_key() -> None:
    with override_settings(HUBBUB_CREDENTIALS_KEY="", HUBBUB_CREDENTIALS_OLD_KEYS=[], SECRET_KEY="s3cret"):
        token = encrypt_secrets({"a": "b"})

    assert Fernet(derived_key("s3cret")).decrypt(token.encode()) == b'{"a": "b"}'
    with override_settings(SECRET_KEY="another"), pytest.raises(SecretsError):
        decrypt_secrets(token)


def test_an_old_key_still_decrypts_and_rotation_moves_to_the_new_key(brand_a: Brand) -> None:
    channel = connect_toy_account(brand_a, "acmecare")
    with override_settings(HUBBUB_CREDENTIALS_KEY=OLD_KEY):
        store_secrets(channel, {"token": "t-old-key"})

    with override_settings(HUBBUB_CREDENTIALS_KEY=NEW_KEY, HUBBUB_CREDENTIALS_OLD_KEYS=[OLD_KEY]):
        assert read_secrets(channel) == {"token": "t-old-key"}
        assert rotate_secrets(channel) is True

    assert Fernet(NEW_KEY.encode()).decrypt(channel.secrets_encrypted.encode()) == b'{"token": "t-old-key"}'
    with override_settings(HUBBUB_CREDENTIALS_KEY=NEW_KEY, HUBBUB_CREDENTIALS_OLD_KEYS=[]):
        assert read_secrets(ChannelAccount.objects.get(id=channel.id)) == {"token": "t-old-key"}


def test_an_unreadable_token_is_an_error_that_shows_no_value() -> None:
    token = Fernet(Fernet.generate_key()).encrypt(b'{"token": "hidden-value"}').decode()

    with pytest.raises(SecretsError) as error:
        decrypt_secrets(token)

    assert str(error.value) == "the credentials cannot be decrypted with the configured keys"


@pytest.mark.parametrize(
    "values",
    [{"token": 5}, {"": "x"}, {"token": "x" * 8_001}, {f"k{n}": "v" for n in range(21)}],
)
def test_credentials_outside_the_bounds_are_refused(values: dict[str, object]) -> None:
    with pytest.raises(SecretsError):
        encrypt_secrets(values)  # type: ignore[arg-type]


def test_no_credentials_are_stored_as_nothing() -> None:
    assert (encrypt_secrets({}), decrypt_secrets("")) == ("", {})


def test_the_config_a_connector_gets_does_not_show_credentials_in_its_repr(brand_a: Brand) -> None:
    from hubbub.channels.queries import account_config  # noqa: PLC0415 (kept next to its one use)

    config = account_config(connect_toy_account(brand_a, "acmecare"))

    assert config.secrets["token"] not in repr(config)


def test_environment_keys_are_checked_and_never_echoed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HUBBUB_CREDENTIALS_KEY", NEW_KEY)
    monkeypatch.setenv("HUBBUB_CREDENTIALS_OLD_KEYS", f"{OLD_KEY}, {NEW_KEY}")
    assert (env_fernet_key("HUBBUB_CREDENTIALS_KEY"), env_fernet_keys("HUBBUB_CREDENTIALS_OLD_KEYS")) == (
        NEW_KEY,
        [OLD_KEY, NEW_KEY],
    )

    monkeypatch.setenv("HUBBUB_CREDENTIALS_KEY", "not-a-key-but-secret")
    with pytest.raises(ConfigurationError) as error:
        env_fernet_key("HUBBUB_CREDENTIALS_KEY")
    assert str(error.value) == "HUBBUB_CREDENTIALS_KEY: key 1 is not URL-safe base64 of 32 bytes"

    monkeypatch.setenv("HUBBUB_CREDENTIALS_KEY", f"{OLD_KEY},{NEW_KEY}")
    with pytest.raises(ConfigurationError, match="holds one key"):
        env_fernet_key("HUBBUB_CREDENTIALS_KEY")
