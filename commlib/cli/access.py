"""``commlib access``: who may read and change which project of a shared PostgreSQL store."""

from __future__ import annotations

import click

from ..i18n import t
from ._common import _Group, _store, _table

# --- access (issue 17) ---


@click.group(cls=_Group, help=t("access.cli.help"))
def access() -> None:
    pass


@access.command("grant", help=t("access.cli.grant"))
@click.argument("role")
@click.argument("project")
@click.option("--role", "level", type=click.Choice(("viewer", "editor", "owner")),
              default="viewer", show_default=True, help=t("access.cli.level"))  # fmt: skip
@click.pass_context
def access_grant(ctx: click.Context, role: str, project: str, level: str) -> None:
    from ..access import grant

    grant(_store(ctx), role, project, level)
    click.echo(t("access.cli.granted", role=role, project=project, level=level))


@access.command("revoke", help=t("access.cli.revoke"))
@click.argument("role")
@click.argument("project")
@click.pass_context
def access_revoke(ctx: click.Context, role: str, project: str) -> None:
    from ..access import revoke

    revoke(_store(ctx), role, project)
    click.echo(t("access.cli.revoked", role=role, project=project))


@access.command("list", help=t("access.cli.list"))
@click.option("--project", default=None, help=t("access.cli.project"))
@click.option("--json", "as_json", is_flag=True, help=t("cli.help.json"))
@click.pass_context
def access_list(ctx: click.Context, project: str | None, as_json: bool) -> None:
    from ..access import as_table, grants

    found = grants(_store(ctx), project)
    if as_json:
        click.echo(found.to_json(orient="records", date_format="iso", force_ascii=False, indent=2))
    else:
        click.echo(_table(*as_table(found)) if len(found) else t("access.cli.none"))
