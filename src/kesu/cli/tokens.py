"""`kesu tokens …`: API tokens for scripts and other systems (create, list, revoke)."""

from __future__ import annotations

import typer

from kesu.cli import app
from kesu.cli.common import DataDir, bilingual, fail, open_database

tokens_app = typer.Typer(help="接口令牌 / API tokens (Authorization: Bearer <token>)", no_args_is_help=True)
app.add_typer(tokens_app, name="tokens")


def _user(username: str):
    from kesu.org.models import User

    user = User.objects.filter(username=username).first()
    if user is None:
        fail(bilingual(f"没有用户“{username}”", f"no such user {username!r}"))
    return user


@tokens_app.command("create", help="为用户生成令牌；令牌只显示这一次 / create a token (shown once)")
def create(
    username: str = typer.Argument(..., help="用户名 / user name"),
    name: str = typer.Option("cli", "--name", "-n", help="令牌名称，便于区分用途 / what the token is for"),
    data_dir: DataDir = None,
) -> None:
    open_database(data_dir)
    from kesu.api.tokens import create_token

    try:
        token, raw_token = create_token(user=_user(username), name=name)
    except ValueError as exc:
        fail(str(exc))
    typer.echo(f"令牌 #{token.pk}（{token.name}）已为 {username} 生成，请妥善保存，此后不再显示：", err=True)
    typer.echo(raw_token)


@tokens_app.command("list", help="列出用户的令牌 / list a user's tokens")
def list_tokens(username: str = typer.Argument(..., help="用户名 / user name"), data_dir: DataDir = None) -> None:
    open_database(data_dir)
    from kesu.api.tokens import tokens_of

    for token in tokens_of(_user(username)):
        state = f"已吊销 {token.revoked_at:%Y-%m-%d %H:%M}" if token.revoked_at else "有效"
        used = f"{token.last_used_at:%Y-%m-%d %H:%M}" if token.last_used_at else "从未使用"
        typer.echo(f"#{token.pk}\t{token.prefix}…\t{token.name}\t{state}\t最近使用 {used}")


@tokens_app.command("revoke", help="吊销令牌 / revoke a token")
def revoke(
    token_id: int = typer.Argument(..., help="令牌编号（见 kesu tokens list）/ token number"), data_dir: DataDir = None
) -> None:
    open_database(data_dir)
    from kesu.api.models import ApiToken
    from kesu.api.tokens import revoke_token

    token = ApiToken.objects.filter(pk=token_id).first()
    if token is None:
        fail(bilingual(f"没有令牌 #{token_id}", f"no token #{token_id}"))
    revoke_token(token=token)
    typer.echo(f"令牌 #{token.pk}（{token.name}）已吊销")
