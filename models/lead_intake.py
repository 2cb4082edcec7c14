"""Duplicate-free lead intake (PP-8, ST-13, RC-3).

A request for a client who already has an open lead for the same product does not
create a second lead: the existing one is returned and updated. A request that names no
product joins the client's open lead that names none, in teams that follow the playbook.
The client is matched by commercial partner, else by normalized email, else by sanitized
phone, else by the VAT of its partner, within the same company. One search serves a whole batch.
Before the search, create locks every match key of the batch (``advisory_locks.lock_keys``): two requests for the
same client and product at once make one lead, the second one joining the first's.

Only the companies the requester works in are searched (``env.companies``): a row that names another
company is never merged, so Odoo's own create refuses it as it would any lead of that company.
"""

from odoo import tools
from odoo.tools import SQL

from .advisory_locks import lock_keys
from .playbook_rules import OPEN_STATUSES

MATCH_ORDER = ("partner", "email", "phone", "vat")
# How an open lead is keyed for each kind of match (aliases: lead, its client company "client").
MATCH_COLUMNS = {
    "partner": SQL("lead.commercial_partner_id"),
    "email": SQL("lead.email_normalized"),
    "phone": SQL("lead.phone_sanitized"),
    "vat": SQL("client.vat"),
}


def playbook_team_ids(env):
    """The teams that follow the playbook (``crm.team._playbook_follows``), archived ones included, as an
    ``SQL`` array the matching query computes itself (no query of its own, whoever asks)."""
    env["crm.team"].flush_model(["playbook_assignment", "playbook_guards"])
    return SQL("ARRAY(SELECT id FROM crm_team WHERE playbook_assignment OR playbook_guards)")


def same_request_leads(env, rows, older_only=False):
    """Which open lead is the same request: the one rule of intake, of the inbound desk, of the weekly review and
    of Odoo's merge (PP-8, ST-13).

    The same request is an open lead (new, in work or blocked) of the same company (or of none) and of the same
    client: the same company partner, else the same normalized email, else the same sanitized phone, else the
    same VAT number; and about the same product. A request that names no product is the same request as the
    client's open lead that names none and whose team follows the playbook, unless the request itself is for a
    team that does not: outside the playbook, requests without a product are never merged.

    ``rows`` are (row, key) with key {company, product, team, partner, email, phone, vat}, or an ``SQL``
    selecting those columns with the row first (``idx``). Returns {row: [lead ids]}, the best match first: by
    the order of the kinds above, then the oldest lead. With ``older_only`` (rows being leads) only older leads
    count. A batch costs one query, whatever its size.
    """
    given = None  # the kinds of match the rows name (None: unknown, rows given as SQL)
    if not isinstance(rows, SQL):
        if not rows:
            return {}
        given = {kind for _row, key in rows for kind in MATCH_ORDER if key[kind]}
        values = SQL(", ").join(
            SQL(
                "(%s, %s, %s, %s, %s, %s, %s, %s)",
                row,
                key["company"],
                key["product"] or None,
                key.get("team") or None,
                key["partner"] or None,
                key["email"] or None,
                key["phone"] or None,
                key["vat"] or None,
            )
            for row, key in rows
        )
        rows = SQL(
            "SELECT idx::int, company::int, product::int, team::int, partner::int, email::varchar, "
            "phone::varchar, vat::varchar FROM (VALUES %s) AS given(idx, company, product, team, partner, email, "
            "phone, vat)",
            values,
        )
    env["crm.lead"].flush_model(
        [
            "commercial_partner_id",
            "email_normalized",
            "phone_sanitized",
            "product_id",
            "team_id",
            "company_id",
            "work_status",
            "active",
        ]
    )
    env["res.partner"].flush_model(["vat"])
    follow = playbook_team_ids(env)
    kinds = MATCH_ORDER if given is None else [kind for kind in MATCH_ORDER if kind in given]
    if not kinds:
        return {}
    # One statement for every kind of match (each branch uses its own index), in the order of the kinds.
    branches = [
        SQL(
            """
        SELECT %(rank)s AS rank, row.idx, lead.id
          FROM (%(rows)s) row
          JOIN %(leads)s
            ON %(column)s = row.%(kind)s
           AND (lead.product_id = row.product
                OR (row.product IS NULL AND lead.product_id IS NULL AND lead.team_id = ANY(%(follow)s)
                    AND (row.team IS NULL OR row.team = ANY(%(follow)s))))
           AND (lead.company_id = row.company OR lead.company_id IS NULL)
         WHERE row.%(kind)s IS NOT NULL AND lead.active AND lead.work_status IN %(open)s
           AND lead.id != row.idx %(older)s
        """,
            rank=MATCH_ORDER.index(kind),
            rows=rows,
            # Only the VAT match reads the client company: the other branches stay a plain scan of leads, which
            # PostgreSQL plans in two thirds of the time.
            leads=SQL(
                "(crm_lead lead LEFT JOIN res_partner client ON client.id = lead.commercial_partner_id)"
                if kind == "vat"
                else "crm_lead lead"
            ),
            column=MATCH_COLUMNS[kind],
            kind=SQL.identifier(kind),
            open=OPEN_STATUSES,
            follow=follow,
            older=SQL("AND lead.id < row.idx") if older_only else SQL(),
        )
        for kind in kinds
    ]
    env.cr.execute(SQL(" UNION ALL ").join(branches))
    found = {}
    for rank, idx, lead_id in env.cr.fetchall():
        found.setdefault(idx, []).append((rank, lead_id))
    return {idx: list(dict.fromkeys(lead_id for _rank, lead_id in sorted(matches))) for idx, matches in found.items()}


class LeadMatcher:
    """Finds, for each row of a ``crm.lead`` create batch, the open lead it duplicates."""

    def __init__(self, lead_model, vals_list, lock=False):
        self.Lead = lead_model
        self.env = lead_model.env
        # The search stays inside the requester's companies; only the matched lead's id leaves the matcher.
        # sudo: the one open lead per client and product is found whoever may read it
        self.su_env = lead_model.sudo().env
        self.vals_list = vals_list
        self._prefetch(vals_list)
        self.keys = [self._row_key(vals) for vals in vals_list]
        if lock:
            lock_keys(self.env, self._lock_keys(), restart=True)
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
            lead._playbook_merge_intake(self.vals_list[row])
            result.append(lead)
        return self.Lead.browse([lead.id for lead in result])

    # Keys -----------------------------------------------------------------

    def _prefetch(self, vals_list):
        """Read the batch's partners and teams at once, so that building the keys costs no query per row."""
        partner_ids = {vals["partner_id"] for vals in vals_list if vals.get("partner_id")}
        team_ids = {vals["team_id"] for vals in vals_list if vals.get("team_id")}
        partners = self.su_env["res.partner"].browse(partner_ids)
        partners.fetch(["commercial_partner_id", "email", "phone", "mobile"])
        partners.commercial_partner_id.fetch(["vat"])
        self.su_env["crm.team"].browse(team_ids).fetch(["company_id", "playbook_guards", "playbook_assignment"])

    def _row_key(self, vals):
        """The row's key for ``same_request_leads``, or None when the row is never merged: it names no product
        and is for a team that does not follow the playbook (PP-8)."""
        team = self.su_env["crm.team"].browse(vals.get("team_id"))
        if not vals.get("product_id") and team and not team._playbook_follows():
            return None
        partner = self.su_env["res.partner"].browse(vals.get("partner_id")).commercial_partner_id
        company_id = vals.get("company_id") or team.company_id.id or self.env.company.id
        if not self.env.su and company_id not in self.env.companies.ids:
            return None
        company = self.env["res.company"].browse(company_id)
        country = self.env["res.country"].browse(vals.get("country_id") or company._playbook_country()[0])
        email = vals.get("email_from") or (partner.email if partner else False)
        phone = vals.get("phone") or vals.get("mobile") or (partner.phone or partner.mobile if partner else False)
        return {
            "company": company_id,
            "product": vals.get("product_id") or False,
            "team": team.id,
            "partner": partner.id or False,
            "email": tools.email_normalize(email) if email else False,
            "phone": self._sanitize_phone(phone, country),
            "vat": partner.vat or False,
        }

    def _lock_keys(self):
        """The advisory lock keys of the batch: each kind of match with its value, company and product (PP-8).

        A request without a product locks the client's keys without a product: the leads it may join. A known
        client is also locked whatever the product: Odoo writes the lead's phone and email back to the client,
        so two requests of one client at once would collide there (an error in the log, then a retry); they
        take turns here instead, and the later one is retried cleanly."""
        keys = {
            ("crm.lead.intake", kind, key["company"], key["product"] or 0, key[kind])
            for key in self.keys
            if key
            for kind in MATCH_ORDER
            if key[kind]
        }
        keys |= {("crm.lead.client", key["company"], key["partner"]) for key in self.keys if key and key["partner"]}
        return keys

    def _sanitize_phone(self, phone, country):
        if not phone:
            return False
        return self.Lead._phone_format(number=phone, country=country, force_format="E164") or False

    # Matching ---------------------------------------------------------------

    def _find_targets(self):
        # Rows are numbered below zero, so that no row is taken for a lead of the same id.
        rows = [(-row - 1, key) for row, key in enumerate(self.keys) if key]
        existing = same_request_leads(self.su_env, rows) if rows else {}
        targets = []
        for row, key in enumerate(self.keys):
            target = None
            if key:
                found = existing.get(-row - 1)
                target = self.Lead.browse(found[0]) if found else self._best_earlier_row(row, key, targets)
            targets.append(target)
        return targets

    def _best_earlier_row(self, row, key, targets):
        """The earlier row of the batch this row repeats, by the rule of ``same_request_leads``: a row without
        a product repeats only an earlier one without a product for a team that follows the playbook."""
        for kind in MATCH_ORDER:
            for earlier in range(row):
                other = self.keys[earlier]
                if not other or (other["product"], other["company"]) != (key["product"], key["company"]):
                    continue
                if not key["product"] and not other["team"]:
                    continue
                if key[kind] and other[kind] == key[kind]:
                    target = targets[earlier]
                    return earlier if target is None else target
        return None
