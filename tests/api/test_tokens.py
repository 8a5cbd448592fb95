import hashlib

import pytest
from tests.api.conftest import ApiClient
from typer.testing import CliRunner

from kesu.api.models import ApiToken
from kesu.api.tokens import create_token, revoke_token, user_for_token
from kesu.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_only_the_sha256_of_a_token_is_stored(world):
    token, raw_token = create_token(user=world.users["edu"], name="统计脚本")
    stored = ApiToken.objects.get(pk=token.pk)
    assert stored.key_hash == hashlib.sha256(raw_token.encode()).hexdigest()
    assert raw_token not in {stored.key_hash, stored.prefix, stored.name}
    assert raw_token.startswith(stored.prefix)


def test_a_token_authenticates_its_user_and_stamps_last_use(world):
    token, raw_token = create_token(user=world.users["edu"], name="x")
    assert token.last_used_at is None
    assert user_for_token(raw_token) == world.users["edu"]
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_revoked_and_unknown_tokens_get_401_with_json_detail(world):
    token, raw_token = create_token(user=world.users["office"], name="x")
    assert ApiClient(raw_token).get("/api/plans").status_code == 200
    revoke_token(token=token)
    for client in (ApiClient(raw_token), ApiClient("kesu_not-a-token"), ApiClient(None)):
        response = client.get("/api/plans")
        assert response.status_code == 401
        assert "令牌" in response.json()["detail"]
        assert response["WWW-Authenticate"].startswith("Bearer")


def test_token_of_a_deactivated_user_stops_working(world):
    _, raw_token = create_token(user=world.users["edu"], name="x")
    world.users["edu"].is_active = False
    world.users["edu"].save()
    assert ApiClient(raw_token).get("/api/plans").status_code == 401


def test_creation_and_revocation_are_audited_without_the_hash(world):
    token, _ = create_token(user=world.users["edu"], name="x")
    revoke_token(token=token)
    entries = AuditEntry.objects.filter(model="api.ApiToken", object_id=str(token.pk)).order_by("id")
    assert [entry.action for entry in entries] == ["create", "update"]
    assert all("key_hash" not in (entry.after or {}) for entry in entries)
    assert entries[1].after["revoked_at"] is not None


def test_cli_creates_lists_and_revokes_tokens(world):
    from kesu.cli import _register, app

    _register()  # what `kesu` does before dispatching: loads the command modules
    runner = CliRunner()
    created = runner.invoke(app, ["tokens", "create", "edu", "--name", "报表系统"])
    assert created.exit_code == 0, created.output
    raw_token = created.stdout.strip().splitlines()[-1]
    assert user_for_token(raw_token) == world.users["edu"]

    listed = runner.invoke(app, ["tokens", "list", "edu"])
    assert "报表系统" in listed.stdout and "有效" in listed.stdout

    token = ApiToken.objects.get(user=world.users["edu"])
    revoked = runner.invoke(app, ["tokens", "revoke", str(token.pk)])
    assert revoked.exit_code == 0
    assert user_for_token(raw_token) is None

    missing = runner.invoke(app, ["tokens", "create", "nobody"])
    assert missing.exit_code != 0
    assert "没有用户" in missing.output
