"""The data releases as a feed: an Atom 1.0 document beside the updates page, and each release in sentences.

The releases themselves (what changed in each partner's package, and when) come from `generator.history.releases`;
this module only words them, for the feed and for the page's plain text.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from generator.history.releases import Release, Updates
from generator.load.agenda import Agenda
from generator.publish.languages import gettext as _, ngettext

ATOM = "http://www.w3.org/2005/Atom"
# Before the first release there is no date to give the feed; this one is fixed so that rebuilds are identical.
EPOCH = "2000-01-01T00:00:00Z"


def release_summary(release: Release, agenda: Agenda, status_names: dict[str, str]) -> list[str]:
    """The release in sentences, one per indicator, shared by the page's plain text and the feed; in the language
    spoken, `status_names` (method.STATUS_NAMES) included."""
    lines = []
    for change in release.changes:
        title = agenda.indicators_by_id[change.indicator].title
        parts = []
        if change.new_periods:
            parts.append(ngettext("new period {periods}", "new periods {periods}", len(change.new_periods)).format(
                periods=_periods(change.new_periods)))
        if change.revised:
            parts.append(ngettext("{count} revised value", "{count} revised values", len(change.revised)).format(
                count=len(change.revised)))
        if change.removed:
            parts.append(ngettext("{count} observation withdrawn", "{count} observations withdrawn",
                                  change.removed).format(count=change.removed))
        if change.status_changed:
            parts.append(_("status changed from {before} to {after}").format(
                before=_(status_names[change.status_before]), after=_(status_names[change.status_after])))
        # Translators: one line of a release: an indicator, and what changed in it ("new period 2024; 2 revised
        # values").
        lines.append(_("{indicator}: {changes}.").format(indicator=title, changes="; ".join(parts) or _("published")))
    return lines


def _periods(periods: tuple[str, ...]) -> str:
    if len(periods) <= 3:
        return ", ".join(periods)
    return ngettext("{first} to {last} ({count} period)", "{first} to {last} ({count} periods)", len(periods)).format(
        first=periods[0], last=periods[-1], count=len(periods))


def atom_feed(updates: Updates, agenda: Agenda, title: str, status_names: dict[str, str],
              page_url: str = "./") -> bytes:
    """The releases as an Atom 1.0 feed. Built as a tree, so every partner's text is escaped by the serializer.

    Links are relative to the feed (it sits beside the updates page), since the generator does not know the
    address the site is published at.
    """
    ET.register_namespace("", ATOM)
    updated = max((release.date for release in updates.releases if release.date), default=EPOCH)

    def element(parent, tag: str, text: str | None = None, **attributes) -> ET.Element:
        node = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attributes)
        if text is not None:
            node.text = text
        return node

    feed = ET.Element(f"{{{ATOM}}}feed")
    element(feed, "title", _("{initiative}: data releases").format(initiative=title))
    element(feed, "id", f"urn:collective-indicators:{agenda.name}:updates")
    element(feed, "updated", updated)
    element(feed, "link", rel="alternate", type="text/html", href=page_url)
    element(feed, "link", rel="self", type="application/atom+xml", href="feed.xml")
    author = element(feed, "author")
    element(author, "name", title)
    element(feed, "generator", "collective-indicators")
    for release in updates.releases:
        entry = element(feed, "entry")
        element(entry, "title", _("{partner} published version {version}").format(
            partner=release.partner_title, version=release.version) if release.version
            else _("{partner} published").format(partner=release.partner_title))
        element(entry, "id", f"urn:collective-indicators:{agenda.name}:release:{release.key}")
        element(entry, "updated", release.date or updated)
        element(entry, "link", rel="alternate", type="text/html", href=f"{page_url}#{release.key}")
        partner = element(entry, "author")
        element(partner, "name", release.partner_title)
        element(entry, "content", "\n".join(release_summary(release, agenda, status_names)) or
                _("Package details changed; no observation changed."), type="text")
    ET.indent(feed)
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True) + b"\n"
