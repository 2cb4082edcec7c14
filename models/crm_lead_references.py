"""What a new lead reads of its product and source, from the per-worker copies (issue 19).

Odoo's company check (``_check_company``) reads a new lead's product whole, with its template, and its source
whole, only to learn their companies; the temperature and the intake read the source's temperature and
initiator. The product's template and company and the source's company, temperature and initiator are kept per
worker (``product.product._playbook_template_company``, ``utm.source._playbook_source_profile``) and put in the
transaction's cache before the create, so that creating a lead reads neither table. Each copy is dropped in every
worker when a template's company or a source's company, temperature or initiator changes, when a variant moves to
another template, and when a company is deleted (the database then empties their company itself).
"""

from odoo import models


class CrmLead(models.Model):
    _inherit = "crm.lead"

    def _playbook_prime_references(self, vals_list):
        """Put the products' templates and companies and the sources' profiles of ``vals_list`` in the cache,
        where the transaction has not read them yet."""
        env = self.env
        Product, Template, Source = env["product.product"], env["product.template"], env["utm.source"]
        for product in Product.browse({vals["product_id"] for vals in vals_list if vals.get("product_id")}):
            if env.cache.contains(product, Product._fields["product_tmpl_id"]):
                continue
            template_id, company_id = Product._playbook_template_company(product.id)
            self._playbook_cache(product, "product_tmpl_id", template_id)
            self._playbook_cache(Template.browse(template_id), "company_id", company_id)
        for source in Source.browse({vals["source_id"] for vals in vals_list if vals.get("source_id")}):
            if env.cache.contains(source, Source._fields["company_id"]):
                continue
            company_id, temperature, initiator = Source._playbook_source_profile(source.id)
            self._playbook_cache(source, "company_id", company_id)
            self._playbook_cache(source, "temperature", temperature)
            self._playbook_cache(source, "initiator", initiator)

    def _playbook_cache(self, record, fname, value):
        field = record._fields[fname]
        if not self.env.cache.contains(record, field):
            self.env.cache.update(record, field, [field.convert_to_cache(value or False, record)])
