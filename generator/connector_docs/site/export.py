"""The public catalog as data (catalog.json), described by schema/catalog.schema.json."""

from __future__ import annotations

import json
from typing import Any

from connector_docs.decisions import badges
from connector_docs.decisions.wording import auth_label
from connector_docs.project import Project
from connector_docs.site.pages import visible

FORMAT_VERSION = 1


def catalog_data(project: Project, guide_url: str | None = None) -> dict[str, Any]:
    guide_url = guide_url or project.options.guide_url()
    items = []
    for conn in visible(project):
        decision = project.decisions[conn.id]
        items.append({
            "id": conn.id,
            "name": conn.name,
            "description": conn.description,
            "category": conn.category,
            "categoryRaw": conn.category_raw,
            "auth": conn.auth.type,
            "authLabel": auth_label(conn.auth.type),
            "scopes": [s.name for s in conn.auth.scopes],
            # The level readiness uses (beta when the catalog claims nothing), and the
            # badge pages show (none then), with what it means and the guide's sentence.
            "level": decision.shown,
            "label": decision.label,
            "badge": decision.badge,
            "badgeNote": badges.title(decision),
            "verification": badges.verification(decision),
            "pricingTier": conn.pricing_tier,
            "featured": conn.rollout.featured,
            "lastVerified": decision.last_verified.isoformat() if decision.last_verified
            else None,
            "version": conn.version,
            # The catalog's version when a passing smoke result names it, and when.
            "verifiedVersion": decision.verified_version,
            "versionVerifiedOn": decision.version_verified_on.isoformat()
            if decision.version_verified_on else None,
            "actions": [op.id for op in conn.actions],
            "triggers": [op.id for op in conn.triggers],
            "url": guide_url.format(id=conn.id),
        })
    return {
        "formatVersion": FORMAT_VERSION,
        "generated": project.build_date.replace(microsecond=0).isoformat(),
        "audience": project.options.audience,
        "connectors": items,
    }


def catalog_json(project: Project, guide_url: str | None = None) -> str:
    return json.dumps(catalog_data(project, guide_url), indent=2, ensure_ascii=False,
                      sort_keys=False) + "\n"
