"""18.0.1.4.0 adds the management reports: customer invoices posted before the upgrade get their lead."""

from odoo.addons.crm_sales_playbook.hooks import link_invoices_to_leads


def migrate(cr, version):
    link_invoices_to_leads(cr)
