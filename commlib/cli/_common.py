"""What the commands share: errors shown as one line, the store they open, plain tables."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from ..errors import CommlibError
from ..i18n import t

if TYPE_CHECKING:
    from ..store import Store

__all__ = ["_Group", "_store", "_table", "_where"]


class _Group(click.Group):
    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except CommlibError as err:
            click.echo(f"{t('word.error')}: {err}", err=True)
            ctx.exit(1)
        except KeyboardInterrupt:
            click.echo(t("cli.interrupted"), err=True)
            ctx.exit(130)


def _store(ctx: click.Context) -> Store:
    from ..store import Store  # here: ``commlib report`` starts its kernels before pandas loads

    store = Store(ctx.obj["db"])
    ctx.call_on_close(store.close)
    return store


def _where(store: Store) -> str:
    return t("cli.store_at", path=store.where, version=store.schema_version)


def _table(header: list[str], rows: list[list[str]]) -> str:
    """A plain text table whose columns line up with Chinese (double-width) text too."""
    import unicodedata

    def width(text: str) -> int:
        return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)

    sizes = [max(width(r[i]) for r in [header, *rows]) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        out = []
        for i, (cell, size) in enumerate(zip(cells, sizes, strict=True)):
            pad = " " * (size - width(cell))
            out.append(cell + pad if i == 0 else pad + cell)
        return "  ".join(out).rstrip()

    return "\n".join([line(header), *(line(r) for r in rows)])
