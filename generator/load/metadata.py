"""What the site shows of a descriptor (licences, sources, contributors, a partner's details, the initiative),
typed and made once, at load.

The Frictionless standard makes most of a descriptor's properties optional, and a partner may write any JSON in
them. Each object here gives every optional property its documented default (blank text, no link, an empty list),
so that pages, downloads and charts read attributes that are always there and never index a raw descriptor. A
property holding a value of the wrong type (a licence's "path" that is a list, say) is left out, as though it were
not given, and noted as `Ignored`, which loading turns into a warning.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# Only these are ever made links: a descriptor's "path" may also be a file of the package, or `javascript:`.
_WEB_ADDRESS = re.compile(r"^https?://[^\s/?#]+[^\s]*$", re.IGNORECASE)


def web_address(text: str) -> str | None:
    """`text` when it is an http(s) address a reader's browser can follow, else None."""
    return text if _WEB_ADDRESS.match(text) else None


@dataclass(frozen=True)
class Licence:
    """One of a package's `licenses`. The standard asks for a name (an SPDX id) or a path (its address); both may be
    missing from a descriptor that still has a title."""

    name: str = ""
    title: str = ""
    path: str = ""

    @property
    def label(self) -> str:
        """How pages name it: its title, else its name, else its address."""
        return self.title or self.name or self.path

    @property
    def short_name(self) -> str:
        """How tables name it: its SPDX id when given, else its label."""
        return self.name or self.label

    @property
    def url(self) -> str | None:
        """The address to link its label to; None when it has none (the label is shown unlinked)."""
        return web_address(self.path)

    def to_descriptor(self) -> dict[str, str]:
        return {key: value for key, value in (("name", self.name), ("title", self.title), ("path", self.path))
                if value}


@dataclass(frozen=True)
class Source:
    """One of a package's `sources`: where its data come from."""

    title: str = ""
    path: str = ""
    email: str = ""

    @property
    def label(self) -> str:
        return self.title or self.path

    @property
    def url(self) -> str | None:
        return web_address(self.path)


@dataclass(frozen=True)
class Contributor:
    """One of a package's `contributors` (the standard's v1 `role` and v2 `roles` both read)."""

    title: str = ""
    role: str = ""
    organization: str = ""
    email: str = ""
    path: str = ""

    @property
    def label(self) -> str:
        return self.title or self.organization

    @property
    def url(self) -> str | None:
        return web_address(self.path)


@dataclass(frozen=True)
class PartnerDetails:
    """The `partner` property of a partner's package: what the organisation is and does for the common agenda."""

    sector: str = ""
    activities: str = ""
    fictional: bool = False


@dataclass(frozen=True)
class Initiative:
    """The `initiative` property of the common agenda's descriptor.

    `name` is the initiative's name as pages show it; blank, the agenda's title is shown instead
    (`Agenda.display_name`).
    `area` is the geography of the headline series: validation requires it. `data_licence` is the SPDX id the
    citation gives; blank, the agenda's first licence's.
    """

    name: str = ""
    vision: str = ""
    area: str = ""
    fictional: bool = False
    backbone: str = ""
    contact: str = ""
    data_licence: str = ""


@dataclass(frozen=True)
class Ignored:
    """A property given with a value of the wrong type, and so left out."""

    property: str  # where it is, as in licenses[2].path
    expected: str  # what the standard (or the generator) expects there, in words
    found: str  # the JSON type found

    @property
    def message(self) -> str:
        return f'"{self.property}" should be {self.expected}, but it is {self.found}, so it is ignored.'


@dataclass
class DescriptorReader:
    """Reads the properties of a descriptor as typed values, noting each one of the wrong type in `ignored`."""

    ignored: list[Ignored] = field(default_factory=list)

    def text(self, owner: dict, key: str, place: str | None = None) -> str:
        """A property as text, stripped; blank when missing. A number is read as its text (a version of 2)."""
        value = owner.get(key)
        if value is None:
            return ""
        if isinstance(value, str):
            return value.strip()
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return str(value)
        self.ignored.append(Ignored(place or key, "text", _json_type(value)))
        return ""

    def flag(self, owner: dict, key: str, place: str | None = None) -> bool:
        value = owner.get(key)
        if value is None or isinstance(value, bool):
            return bool(value)
        self.ignored.append(Ignored(place or key, "true or false", _json_type(value)))
        return False

    def object(self, owner: dict, key: str, place: str | None = None) -> dict:
        value = owner.get(key)
        if value is None or isinstance(value, dict):
            return value or {}
        self.ignored.append(Ignored(place or key, "an object ({ … })", _json_type(value)))
        return {}

    def objects(self, owner: dict, key: str) -> list[tuple[str, dict]]:
        """A list of objects, each with its place (`key[n]`, counted from 1 as people count)."""
        value = owner.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            self.ignored.append(Ignored(key, "a list of objects ([{ … }])", _json_type(value)))
            return []
        found = []
        for number, item in enumerate(value, start=1):
            place = f"{key}[{number}]"
            if isinstance(item, dict):
                found.append((place, item))
            else:
                self.ignored.append(Ignored(place, "an object ({ … })", _json_type(item)))
        return found

    def licences(self, descriptor: dict) -> tuple[Licence, ...]:
        licences = (Licence(self.text(item, "name", f"{place}.name"), self.text(item, "title", f"{place}.title"),
                            self.text(item, "path", f"{place}.path"))
                    for place, item in self.objects(descriptor, "licenses"))
        return tuple(licence for licence in licences if licence.label)

    def sources(self, descriptor: dict) -> tuple[Source, ...]:
        sources = (Source(self.text(item, "title", f"{place}.title"), self.text(item, "path", f"{place}.path"),
                          self.text(item, "email", f"{place}.email"))
                   for place, item in self.objects(descriptor, "sources"))
        return tuple(source for source in sources if source.label)

    def contributors(self, descriptor: dict) -> tuple[Contributor, ...]:
        contributors = []
        for place, item in self.objects(descriptor, "contributors"):
            role = self.text(item, "role", f"{place}.role")
            roles = item.get("roles")
            if not role and isinstance(roles, list) and roles and isinstance(roles[0], str):
                role = roles[0].strip()
            contributor = Contributor(
                self.text(item, "title", f"{place}.title"), role,
                self.text(item, "organization", f"{place}.organization"), self.text(item, "email", f"{place}.email"),
                self.text(item, "path", f"{place}.path"))
            if contributor.label:
                contributors.append(contributor)
        return tuple(contributors)

    def partner_details(self, descriptor: dict) -> PartnerDetails:
        details = self.object(descriptor, "partner")
        return PartnerDetails(self.text(details, "sector", "partner.sector"),
                              self.text(details, "activities", "partner.activities"),
                              self.flag(details, "fictional", "partner.fictional"))

    def initiative(self, descriptor: dict) -> Initiative:
        initiative = self.object(descriptor, "initiative")
        return Initiative(**{name: self.text(initiative, name, f"initiative.{name}")
                             for name in ("name", "vision", "area", "backbone", "contact", "data_licence")},
                          fictional=self.flag(initiative, "fictional", "initiative.fictional"))


def _json_type(value: object) -> str:
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, (int, float)):
        return "a number"
    return "text" if isinstance(value, str) else "null"
