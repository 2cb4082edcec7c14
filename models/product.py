"""The company of each product, kept per worker for the company check of a new lead (see ``crm_lead_references``).

The copy is dropped when a template's company changes, when a variant moves to another template and when a
company is deleted (``res.company.unlink``: the database empties the templates' company itself)."""

from odoo import models, tools


class ProductProduct(models.Model):
    _inherit = "product.product"

    @tools.ormcache("product_id")
    def _playbook_template_company(self, product_id):
        """(template id, company id or None) of a product: kept per worker until a template's company changes."""
        # Which company a product belongs to decides the company check, whoever creates the lead.
        product = self.sudo().with_context(active_test=False).browse(product_id)  # sudo: the product's company
        return product.product_tmpl_id.id, product.product_tmpl_id.company_id.id or None

    def write(self, vals):
        result = super().write(vals)
        if "product_tmpl_id" in vals:
            self.env.registry.clear_cache()  # ``_playbook_template_company``: the variant moved to another template
        return result


class ProductTemplate(models.Model):
    _inherit = "product.template"

    def write(self, vals):
        result = super().write(vals)
        if "company_id" in vals:
            self.env.registry.clear_cache()  # ``product.product._playbook_template_company``
        return result
