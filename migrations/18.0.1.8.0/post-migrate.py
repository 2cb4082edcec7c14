"""18.0.1.8.0: a day's work that feels right, in Russian (issue 20). One small function per change."""

from odoo import SUPERUSER_ID, api
from odoo.tools.translate import TranslationImporter, get_po_paths


def stages_named_as_the_playbook(env):
    """The funnel's stages still read as Odoo names them in the installed languages («Новый», «Вона» in Russian):
    they get the playbook's names (Новая, Первый контакт, Коммерческое предложение, Встреча, Заказ и счёт,
    Завершена); a name an admin chose stays."""
    env["crm.stage"]._playbook_name_stages()


def claim_rejected_stage_named(env):
    """The claim stage «Rejected» shared its Russian with rejected proposals and approvals («Отклонено»); a claim is
    feminine: the stage is now "Claim Rejected", «Отклонена». Only a stage still named as the addon named it is
    renamed, in English and in every installed language (read again from the addon's translation files)."""
    stage = env.ref("crm_sales_playbook.claim_stage_rejected", raise_if_not_found=False)
    if not stage or stage.with_context(lang="en_US").name != "Rejected":
        return
    env.cr.execute(
        "UPDATE crm_customer_claim_stage SET name = jsonb_build_object('en_US', %s) WHERE id = %s",
        ["Claim Rejected", stage.id],
    )
    importer = TranslationImporter(env.cr, verbose=False)
    for lang, _name in env["res.lang"].get_installed():
        if lang != "en_US":
            for path in get_po_paths("crm_sales_playbook", lang):
                importer.load_file(path, lang, xmlids={"crm_sales_playbook.claim_stage_rejected"})
    importer.save(force_overwrite=True)
    env["crm.customer.claim.stage"].invalidate_model(["name"])


def russian_wording_of_the_glossary(env):
    """ru.po now follows i18n/GLOSSARY.md (ПП, менеджер, срок реакции, Дата обратного звонка...), but Odoo keeps a
    translation a database already has: the addon's labels, selections, views, menus and actions read the new
    Russian again. Records of noupdate data (mail templates, call scripts), which admins may have edited, keep
    theirs."""
    env["ir.module.module"].search([("name", "=", "crm_sales_playbook")])._update_translations(overwrite=True)


def roles_land_on_their_page(env):
    """Operators land on the inbound desk, the legal department on the claims to review: users made before
    the upgrade get the home action their role now comes with (unless one was chosen for them)."""
    env["res.users"].with_context(active_test=False).search([("share", "=", False)])._playbook_set_home_action()


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    stages_named_as_the_playbook(env)
    claim_rejected_stage_named(env)
    russian_wording_of_the_glossary(env)
    roles_land_on_their_page(env)
