"""Who took part in a contact: a box offering the register's names, a "+" and the people chosen."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import ipywidgets as w

from ...errors import InvalidRecord, Problem
from ...i18n import t
from ...models import Stakeholder
from ._common import stakeholder_labels


class PeoplePicker(w.HBox):
    """Who took part: a box offering the register's names, a "+" and the people chosen.

    A name picked from the list (or typed in full, or a name only one person has) is
    added at once; what is typed and not added stays in ``pending`` (the browser never
    drops it silently: saving refuses it, under the field). ``value`` is the labels chosen;
    ``ids`` maps each label to its stakeholder's id (set by the widget with the options).
    """

    def __init__(self, placeholder: str, tooltip: str) -> None:
        self.box = w.Combobox(
            options=[], ensure_option=False, placeholder=placeholder, continuous_update=False
        )
        self.add_button = w.Button(icon="plus", tooltip=tooltip, layout=w.Layout(width="3em"))
        self.chosen = w.HBox([])
        self._labels: list[str] = []
        self._value: list[str] = []
        self.ids: dict[str, int] = {}
        self.box.observe(self._typed, names="value")
        super().__init__([self.box, self.add_button, self.chosen])

    @property
    def options(self) -> list[str]:
        return list(self._labels)

    @options.setter
    def options(self, labels: Iterable[str]) -> None:
        self._labels = list(labels)
        self.box.options = self._labels

    @property
    def value(self) -> list[str]:
        return list(self._value)

    @value.setter
    def value(self, labels: Iterable[str]) -> None:
        self._value = list(dict.fromkeys(labels))
        for button in self.chosen.children:
            button.close()
        buttons = []
        for text in self._value:
            button = w.Button(description=text, icon="times", tooltip=t("widgets.remove"))
            button.layout.width = "auto"
            button.on_click(lambda _b, text=text: self.remove(text))
            buttons.append(button)
        self.chosen.children = buttons

    @property
    def pending(self) -> str:
        """What is typed in the box and not added yet."""
        return self.box.value.strip()

    def resolve(self, text: str) -> str | None:
        """The label ``text`` stands for: a label, or a name only one person has."""
        text = text.strip()
        if text in self._labels:
            return text
        named = [lb for lb in self._labels if lb.split(" · ")[0].casefold() == text.casefold()]
        return named[0] if len(named) == 1 else None

    def add(self) -> bool:
        """Add what the box holds; ``False`` when it names nobody in the register."""
        if not self.pending:
            return True
        found = self.resolve(self.pending)
        if found is None:
            return False
        self.value = [*self._value, found]
        self.box.value = ""
        return True

    def set_people(self, people: Iterable[Stakeholder]) -> None:
        """Offer ``people`` (the register, as the screen may show it); the chosen ones who are
        not among them any more are dropped."""
        labels = stakeholder_labels(people)
        self.ids = {text: i for i, text in labels.items()}
        self.options = labels.values()
        self.value = [tag for tag in self.value if tag in self.ids]

    def add_or_refuse(self) -> None:
        """What "+" does: add the typed name, or say (``InvalidRecord``) it is nobody in the
        register."""
        if not self.add():
            message = t("widgets.contact.unknown_stakeholder", name=self.pending)
            raise InvalidRecord([Problem("stakeholder_ids", self.pending, message)])

    def stakeholder_ids(self, tags: list[str]) -> list[int]:
        """The ids of the people chosen (a form's ``parse``): refused while a typed name is not
        added, or when a label is nobody's any more."""
        problems = []
        if self.pending:
            message = t("widgets.contact.not_added", name=self.pending)
            problems.append(Problem("stakeholder_ids", self.pending, message))
        unknown = [tag for tag in tags if tag not in self.ids]
        if unknown:
            message = t("widgets.contact.unknown_stakeholder", name=", ".join(unknown))
            problems.append(Problem("stakeholder_ids", unknown, message))
        if problems:
            raise InvalidRecord(problems)
        return [self.ids[tag] for tag in tags]

    def remove(self, text: str) -> None:
        self.value = [v for v in self._value if v != text]

    def _typed(self, _change: dict[str, Any]) -> None:
        if self.pending and self.resolve(self.pending) is not None:
            self.add()
