"""The company of each product, kept per worker for the company check of a new lead (see ``crm_lead_references``)."""

from odoo import models, tools


class ProductProduct(models.Model):
    _inherit = "product.product"

    @tools.ormcache("product_id")
    def _playbook_template_company(self, product_id):
        """(template id, company id or None) of a product: kept per worker until a template's company changes."""
        # Which company a product belongs to decides the company check, whoever creates the lead.
        product = self.sudo().with_context(active_test=False).browse(product_id)  # sudo: the product's company
        return product.product_tmpl_id.id, product.product_tmpl_id.company_id.id or None


class ProductTemplate(models.Model):
    _inherit = "product.template"

    def write(self, vals):
        result = super().write(vals)
        if "company_id" in vals:
            self.env.registry.clear_cache()  # ``product.product._playbook_template_company``
        return result
