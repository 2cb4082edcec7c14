from odoo import api, fields, models
from odoo.tools.misc import file_open
from odoo.tools.translate import TranslationFileReader, get_po_paths

# The funnel's stages, Odoo's and the addon's: i18n/ru.po names each of them as the playbook does
# (Новая, Первый контакт, Коммерческое предложение, Встреча, Заказ и счёт, Завершена).
PLAYBOOK_STAGES = (
    "crm.stage_lead1",
    "crm.stage_lead2",
    "crm.stage_lead3",
    "crm_sales_playbook.crm_stage_meeting",
    "crm_sales_playbook.crm_stage_order",
    "crm.stage_lead4",
)


def po_stage_names(module, lang):
    """The names the module's translation files give the stages in ``lang``: {(xmlid, English): name}."""
    names = {}
    for path in get_po_paths(module, lang):
        with file_open(path, mode="rb") as po_file:
            for row in TranslationFileReader(po_file, fileformat="po"):
                if row["type"] == "model" and row["name"] == "crm.stage,name" and row["value"]:
                    names[(f"{row['module']}.{row['imd_name']}", row["src"])] = row["value"]
    return names


class CrmStage(models.Model):
    _inherit = "crm.stage"

    is_new_stage = fields.Boolean(
        string="Counts as New",
        help="Leads in this stage have not been contacted yet: their work status is New. "
        "Leaving such a stage for a stage without this flag takes the lead into work.",
    )
    playbook_step = fields.Selection(
        [("contact", "First Contact"), ("proposal", "Proposal"), ("meeting", "Meeting"), ("order", "Order")],
        help="The step of the sale this stage stands for: it decides the next steps the lead form offers "
        "(after first contact a proposal, meeting, order or refusal; after a proposal a meeting, order or "
        "refusal; after a meeting an order or refusal).",
    )

    @api.model
    def _playbook_name_stages(self, langs=None):
        """Give the funnel's stages the playbook's names in each installed language (Odoo's own translations
        would win otherwise: crm's stages already carry them, e.g. «Новый» and «Вона» in Russian).

        A stage is renamed only where it still reads as Odoo or the addon named it: its English name is the
        one the addon's translation file translates, and its name in the language is crm's translation of it
        or the English one. A name an admin chose stays.
        """
        if langs is None:
            langs = [code for code, _name in self.env["res.lang"].get_installed()]
        renamed = self.browse()
        for lang in langs:
            if lang == "en_US":
                continue
            ours = po_stage_names("crm_sales_playbook", lang)
            odoos = {xmlid: name for (xmlid, _source), name in po_stage_names("crm", lang).items()}
            for xmlid in PLAYBOOK_STAGES:
                stage = self.env.ref(xmlid, raise_if_not_found=False)
                if not stage:
                    continue
                english = stage.with_context(lang="en_US").name
                name = ours.get((xmlid, english))
                current = stage.with_context(lang=lang).name
                if name and current != name and current in (english, odoos.get(xmlid)):
                    stage.with_context(lang=lang).name = name
                    renamed |= stage
        return renamed
