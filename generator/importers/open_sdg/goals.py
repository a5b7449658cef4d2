"""Goals: the number before the first hyphen, `1-2-1` belongs to goal `1`.

Titles are the UN's short goal names ("Goal 1: No poverty", summary "End poverty in all its forms everywhere")
unless the metadata gives `goal_name`/`goal_title` as text; an id outside 1–17 gets "Goal <id>".
"""

from __future__ import annotations

import re

from generator.importers.open_sdg.text import natural_key, plain_text

SDG_GOALS = {
    1: ("No poverty", "End poverty in all its forms everywhere."),
    2: ("Zero hunger", "End hunger, achieve food security and improved nutrition and promote sustainable "
                       "agriculture."),
    3: ("Good health and well-being", "Ensure healthy lives and promote well-being for all at all ages."),
    4: ("Quality education", "Ensure inclusive and equitable quality education and promote lifelong learning "
                             "opportunities for all."),
    5: ("Gender equality", "Achieve gender equality and empower all women and girls."),
    6: ("Clean water and sanitation", "Ensure availability and sustainable management of water and sanitation "
                                      "for all."),
    7: ("Affordable and clean energy", "Ensure access to affordable, reliable, sustainable and modern energy "
                                       "for all."),
    8: ("Decent work and economic growth", "Promote sustained, inclusive and sustainable economic growth, full "
                                           "and productive employment and decent work for all."),
    9: ("Industry, innovation and infrastructure", "Build resilient infrastructure, promote inclusive and "
                                                   "sustainable industrialization and foster innovation."),
    10: ("Reduced inequalities", "Reduce inequality within and among countries."),
    11: ("Sustainable cities and communities", "Make cities and human settlements inclusive, safe, resilient "
                                               "and sustainable."),
    12: ("Responsible consumption and production", "Ensure sustainable consumption and production patterns."),
    13: ("Climate action", "Take urgent action to combat climate change and its impacts."),
    14: ("Life below water", "Conserve and sustainably use the oceans, seas and marine resources for sustainable "
                             "development."),
    15: ("Life on land", "Protect, restore and promote sustainable use of terrestrial ecosystems, sustainably "
                         "manage forests, combat desertification, and halt and reverse land degradation and halt "
                         "biodiversity loss."),
    16: ("Peace, justice and strong institutions", "Promote peaceful and inclusive societies for sustainable "
                                                   "development, provide access to justice for all and build "
                                                   "effective, accountable and inclusive institutions at all "
                                                   "levels."),
    17: ("Partnerships for the goals", "Strengthen the means of implementation and revitalize the Global "
                                       "Partnership for Sustainable Development."),
}


def goal_id(source_id: str) -> str:
    head = source_id.split("-", 1)[0]
    return str(int(head)) if head.isdigit() else head


def goal_rows(goal_ids: set[str], metadata: dict[str, dict]) -> list[dict]:
    """goals.csv: the goals of `goal_ids`, in order, titled by the metadata or the UN."""
    named: dict[str, str] = {}
    for source_id, meta in metadata.items():
        name = plain_text(meta.get("goal_name") or meta.get("goal_title"))
        if name and not re.fullmatch(r"[\w-]+(\.[\w-]+)+", name):
            named.setdefault(goal_id(source_id), name)
    goals = []
    for goal in sorted(goal_ids, key=natural_key):
        number = int(goal) if goal.isdigit() else None
        short, summary = SDG_GOALS.get(number, ("", ""))
        title = named.get(goal) or (f"Goal {goal}: {short}" if short else f"Goal {goal}")
        goals.append({"id": goal, "title": title, "summary": summary})
    return goals
