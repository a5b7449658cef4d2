"""The agenda's texts in other languages: its optional `translations` table (translations.csv), one row per text.

    language,resource,id,field,text
    es,goals,ready-for-school,title,Todos los niños ingresan a la escuela listos para aprender

A text without a row is shown in the default language, marked as such on the page. One table rather than a column
per language (`title_es`): adding a language changes no other table's schema.
"""

from __future__ import annotations

from dataclasses import dataclass, field

TRANSLATIONS = "translations"
# Each table whose texts may be translated, with those texts' columns. A group's id is `<dimension>/<group>`; the
# initiative's vision (datapackage.json's `initiative`) has the id `initiative`; a partner's texts (its package's
# description and `partner` property) its slug; a partner's activity `<partner>/<activity>`.
TRANSLATABLE = {
    "initiative": ("vision",),
    "partners": ("description", "contribution", "sector", "source"),
    "activities": ("activity", "what", "who"),
    "goals": ("title", "summary"),
    "indicators": ("title", "definition", "source", "next_update"),
    "units": ("label", "symbol"),
    "dimensions": ("label", "description"),
    "groups": ("label",),
    "geographies": ("name",),
}
LANGUAGE_PATTERN = "[a-z]{2,3}(-[A-Za-z0-9]+)*"


@dataclass(frozen=True)
class Translations:
    """The agenda's translated texts by (language, resource, id, field)."""

    texts: dict[tuple[str, str, str, str], str]
    lines: dict[tuple[str, str, str, str], int] = field(default_factory=dict)  # where each is in translations.csv

    def text(self, language: str, resource: str, item_id: str, field: str) -> str | None:
        return self.texts.get((language, resource, item_id, field))

    @property
    def languages(self) -> list[str]:
        return sorted({key[0] for key in self.texts})


NO_TRANSLATIONS = Translations({})


def translations_from(rows: list[dict]) -> Translations:
    keys = [(row["language"], row["resource"], row["id"], row["field"]) for row in rows]
    return Translations({key: row["text"] for key, row in zip(keys, rows) if row.get("text")},
                        {key: line for line, key in enumerate(keys, start=2)})


def translations_resource() -> dict:
    """The table's resource in the agenda's datapackage.json."""
    def text(name: str, description: str, **constraints) -> dict:
        return {"name": name, "type": "string", "description": description,
                "constraints": {"required": True, **constraints}}

    return {
        "name": TRANSLATIONS,
        "path": f"{TRANSLATIONS}.csv",
        "description": "The agenda's texts in the site's other languages; a text without a row is shown in the "
                       "default language.",
        "schema": {
            "fields": [
                text("language", "The language's code, as mkdocs.yml names it (es, fr, pt-BR).",
                     pattern=LANGUAGE_PATTERN),
                text("resource", "The table the text is from.", enum=list(TRANSLATABLE)),
                text("id", "The id of the row the text is from; for a group, <dimension>/<group>; for the "
                           "initiative's vision, initiative; for a partner's texts, its slug; for a partner's "
                           "activity, <partner>/<activity>."),
                text("field", "The column the text is from."),
                text("text", "The translated text."),
            ],
            "primaryKey": ["language", "resource", "id", "field"],
        },
    }
