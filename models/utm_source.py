from odoo import api, fields, models, tools
from odoo.exceptions import AccessError

from .playbook_rules import TEMPERATURES


class UtmSource(models.Model):
    _inherit = "utm.source"

    # Lead sources are chosen by salespeople: show them in the user's language.
    name = fields.Char(translate=True)
    temperature = fields.Selection(
        TEMPERATURES,
        help="Temperature given to a lead that comes from this source (Annex 1 of the potential sales instruction).",
    )
    initiator = fields.Selection(
        [("client", "Client"), ("internal", "Internal")],
        help="Who starts a lead from this source: the client itself (external source) "
        "or the company's own staff (internal source).",
    )
    company_id = fields.Many2one(
        "res.company",
        index="btree_not_null",
        help="Leave empty to share the source between all companies.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        if any(vals.get("temperature") or vals.get("initiator") for vals in vals_list):
            self._check_playbook_rights()
        return super().create(vals_list)

    def write(self, vals):
        if {"temperature", "initiator"} & set(vals):
            self._check_playbook_rights()
        result = super().write(vals)
        if {"temperature", "initiator", "company_id"} & set(vals):
            self.env.registry.clear_cache()  # ``_playbook_source_profile``
        return result

    @tools.ormcache("source_id")
    def _playbook_source_profile(self, source_id):
        """(company id or None, temperature, initiator) of a source: what a new lead reads of it, kept per worker
        until a source's company, temperature or initiator changes."""
        # The source's company, temperature and initiator are its rules, whoever creates the lead.
        source = self.sudo().with_context(active_test=False).browse(source_id)  # sudo: the source's own rules
        return source.company_id.id or None, source.temperature or None, source.initiator or None

    def _check_playbook_rights(self):
        """Only CRM administrators and sales support decide how hot a source's leads are (PP-16)."""
        user = self.env.user
        if (
            self.env.su
            or user.has_group("sales_team.group_sale_manager")
            or user.has_group("crm_sales_playbook.group_crm_sales_playbook_support")
        ):
            return
        raise AccessError(
            self.env._(
                "Only CRM administrators and sales support may set the temperature or initiator of a lead source "
                "(source %(sources)s).",
                sources=", ".join(self.mapped("name")) or self.env._("new source"),
            )
        )
