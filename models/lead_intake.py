"""Duplicate-free lead intake (PP-8, ST-13, RC-3).

A request for a client who already has an open lead for the same product does not
create a second lead: the existing one is returned and updated. The client is matched
by commercial partner, else by normalized email, else by sanitized phone, else by the
VAT of its partner, within the same company. One search serves a whole batch.

Only the companies the requester works in are searched (``env.companies``): a row that names another
company is never merged, so Odoo's own create refuses it as it would any lead of that company.
"""
from odoo import tools

from .playbook_rules import OPEN_STATUSES

MATCH_ORDER = ("partner", "email", "phone", "vat")


class LeadMatcher:
    """Finds, for each row of a ``crm.lead`` create batch, the open lead it duplicates."""

    def __init__(self, lead_model, vals_list):
        self.Lead = lead_model
        self.env = lead_model.env
        # The search stays inside the requester's companies; only the matched lead's id leaves the matcher.
        # sudo: the one open lead per client and product is found whoever may read it
        self.su_env = lead_model.sudo().env
        self.vals_list = vals_list
        self._prefetch(vals_list)
        self.keys = [self._row_key(vals) for vals in vals_list]
        # row -> existing lead, or the index of an earlier row of the batch, or None
        self.targets = self._find_targets()

    def creates(self, row):
        return self.targets[row] is None

    def merge(self, created):
        """Map the batch back to leads, in row order, merging duplicates into their lead."""
        created_iter = iter(created)
        result = []
        for row, target in enumerate(self.targets):
            if target is None:
                result.append(next(created_iter))
                continue
            lead = result[target] if isinstance(target, int) else target
            lead._merge_intake(self.vals_list[row])
            result.append(lead)
        return self.Lead.browse([lead.id for lead in result])

    # Keys -----------------------------------------------------------------

    def _prefetch(self, vals_list):
        """Read the batch's partners and teams at once, so that building the keys costs no query per row."""
        partner_ids = {vals["partner_id"] for vals in vals_list if vals.get("product_id") and vals.get("partner_id")}
        team_ids = {vals["team_id"] for vals in vals_list if vals.get("product_id") and vals.get("team_id")}
        partners = self.su_env["res.partner"].browse(partner_ids)
        partners.fetch(["commercial_partner_id", "email", "phone", "mobile"])
        partners.commercial_partner_id.fetch(["vat"])
        self.su_env["crm.team"].browse(team_ids).fetch(["company_id"])

    def _row_key(self, vals):
        if not vals.get("product_id"):
            return None
        partner = self.su_env["res.partner"].browse(vals.get("partner_id")).commercial_partner_id
        team = self.su_env["crm.team"].browse(vals.get("team_id"))
        company_id = vals.get("company_id") or team.company_id.id or self.env.company.id
        if not self.env.su and company_id not in self.env.companies.ids:
            return None
        company = self.env["res.company"].browse(company_id)
        country = self.env["res.country"].browse(vals.get("country_id")) or company.country_id
        email = vals.get("email_from") or (partner.email if partner else False)
        phone = vals.get("phone") or vals.get("mobile") or (partner.phone or partner.mobile if partner else False)
        return {
            "company": company_id,
            "product": vals["product_id"],
            "partner": partner.id or False,
            "email": tools.email_normalize(email) if email else False,
            "phone": self._sanitize_phone(phone, country),
            "vat": partner.vat or False,
        }

    def _sanitize_phone(self, phone, country):
        if not phone:
            return False
        return self.Lead._phone_format(number=phone, country=country, force_format="E164") or False

    # Matching ---------------------------------------------------------------

    def _find_targets(self):
        keyed = [key for key in self.keys if key]
        existing = self._search_candidates(keyed) if keyed else self.Lead.browse()
        vat_partners = self._partners_by_vat(keyed)
        targets = []
        for row, key in enumerate(self.keys):
            target = None
            if key:
                target = self._best_existing(key, existing, vat_partners)
                if target is None:
                    target = self._best_earlier_row(row, key, targets)
            targets.append(target)
        return targets

    def _search_candidates(self, keys):
        """One indexed search for every open lead that may match a row of the batch."""
        fields_ = {
            "partner": "commercial_partner_id",
            "email": "email_normalized",
            "phone": "phone_sanitized",
        }
        clauses = []
        for kind, field_name in fields_.items():
            values = sorted({key[kind] for key in keys if key[kind]})
            if values:
                clauses.append([(field_name, "in", values)])
        vat_partner_ids = [p.id for partners in self._partners_by_vat(keys).values() for p in partners]
        if vat_partner_ids:
            clauses.append([("commercial_partner_id", "in", vat_partner_ids)])
        if not clauses:
            return self.Lead.browse()
        client_domain = ["|"] * (len(clauses) - 1) + [leaf for clause in clauses for leaf in clause]
        domain = [
            ("product_id", "in", sorted({key["product"] for key in keys})),
            ("company_id", "in", sorted({key["company"] for key in keys}) + [False]),
            ("work_status", "in", OPEN_STATUSES),
            ("active", "=", True),
        ] + client_domain
        return self.su_env["crm.lead"].search_fetch(
            domain,
            ["product_id", "company_id", "commercial_partner_id", "email_normalized", "phone_sanitized"],
            order="id",
        )

    def _partners_by_vat(self, keys):
        if not hasattr(self, "_vat_cache"):
            vats = sorted({key["vat"] for key in keys if key["vat"]})
            companies = sorted({key["company"] for key in keys}) + [False]
            partners = self.su_env["res.partner"].search_fetch(
                [("vat", "in", vats), ("parent_id", "=", False), ("company_id", "in", companies)],
                ["vat"]) if vats else []
            self._vat_cache = {}
            for partner in partners:
                self._vat_cache.setdefault(partner.vat, []).append(partner)
        return self._vat_cache

    def _lead_matches(self, lead, key, kind, vat_partners):
        if kind == "partner":
            return key["partner"] and lead.commercial_partner_id.id == key["partner"]
        if kind == "email":
            return key["email"] and lead.email_normalized == key["email"]
        if kind == "phone":
            return key["phone"] and lead.phone_sanitized == key["phone"]
        partners = vat_partners.get(key["vat"], []) if key["vat"] else []
        return lead.commercial_partner_id.id in [p.id for p in partners]

    def _best_existing(self, key, candidates, vat_partners):
        same_deal = [
            lead for lead in candidates
            if lead.product_id.id == key["product"] and lead.company_id.id in (key["company"], False)
        ]
        for kind in MATCH_ORDER:
            for lead in same_deal:
                if self._lead_matches(lead, key, kind, vat_partners):
                    return lead.with_env(self.env)
        return None

    def _best_earlier_row(self, row, key, targets):
        for kind in MATCH_ORDER:
            for earlier in range(row):
                other = self.keys[earlier]
                if not other or (other["product"], other["company"]) != (key["product"], key["company"]):
                    continue
                if key[kind] and other[kind] == key[kind]:
                    target = targets[earlier]
                    return earlier if target is None else target
        return None
