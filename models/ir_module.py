from odoo import models


class IrModuleModule(models.Model):
    _inherit = "ir.module.module"

    def _load_module_terms(self, modules, langs, overwrite=False, imported_module=False):
        """After the translations of the addon or of crm are (re)loaded, the stages keep the playbook's names.

        Odoo keeps a translation a record already has, so crm's names of its stages would win over the addon's
        when a language is loaded, when the addon is installed into a database with the language, and when crm's
        terms are reloaded."""
        result = super()._load_module_terms(modules, langs, overwrite=overwrite, imported_module=imported_module)
        if {"crm", "crm_sales_playbook"} & set(modules):
            self.env["crm.stage"].sudo()._playbook_name_stages(langs)  # sudo: loading terms is an admin's action
        return result
