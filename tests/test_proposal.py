from odoo.tests import Form, tagged
from odoo.tools import html2plaintext

from .common import DealCase


@tagged("post_install", "-at_install")
class TestProposalDialog(DealCase):
    """Send Proposal opens a dialog with the letter ready, in the client's language; Send says what went to whom
    (EV-6, issue 20 "Proposal")."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("ru_RU")
        cls.env["ir.module.module"].search([("name", "=", "crm_sales_playbook")])._update_translations(["ru_RU"])
        cls.company.name = "Service Center LLC"

    def dialog(self, lead):
        action = lead.with_user(self.user_salesperson).action_open_proposal()
        view = self.env.ref("crm_sales_playbook.crm_lead_proposal_view_form_dialog")
        self.assertEqual((action["target"], action["views"]), ("new", [(view.id, "form")]), "a dialog, not a page")
        Proposal = self.env["crm.lead.proposal"].with_user(self.user_salesperson).with_context(**action["context"])
        return Form(Proposal, view=view)

    def test_the_letter_in_english(self):
        lead = self.contacted_lead(name="Uralmash: 20 users, call back Tuesday", product_id=self.product.id)
        form = self.dialog(lead)
        self.assertEqual(form.name, "Commercial proposal: Online Reporting — Service Center LLC")
        self.assertEqual(
            html2plaintext(form.body),
            "Hello Uralmash JSC,\n\n"
            "thank you for your interest in Online Reporting.\n"
            "Our commercial proposal is attached: it sets out the terms, the prices and the delivery.\n\n"
            "I will call you to answer your questions; you can also reply to this letter.\n\n"
            "Kind regards,\nPb Salesperson\nService Center LLC",
        )

    def test_the_letter_in_russian_for_a_russian_client(self):
        self.client.lang = "ru_RU"
        lead = self.contacted_lead(name="Uralmash: 20 users, call back Tuesday")
        form = self.dialog(lead)
        self.assertEqual(form.name, "Коммерческое предложение: Service Center LLC", "no product: the company alone")
        self.assertEqual(
            html2plaintext(form.body),
            "Здравствуйте, Uralmash JSC!\n\n"
            "Благодарим вас за интерес.\n"
            "Направляем коммерческое предложение во вложении: в нём условия, цены и сроки поставки.\n\n"
            "Я позвоню вам, чтобы ответить на вопросы; вы также можете ответить на это письмо.\n\n"
            "С уважением,\nPb Salesperson\nService Center LLC",
        )

    def test_send_says_what_went_to_whom(self):
        lead = self.contacted_lead(name="Uralmash: 20 users, call back Tuesday", product_id=self.product.id)
        form = self.dialog(lead)
        form.attachment_ids.add(self.attachment())
        proposal = form.save()
        action = proposal.action_send()
        summary = (
            'Sent to "Uralmash JSC" <office@uralmash.ru>: "Commercial proposal: Online Reporting — Service Center '
            'LLC", attached: proposal.pdf.'
        )
        # Then the next step (issue 20, "Next steps"): the stage the lead is at and what comes next.
        next_step = (
            " Lead Uralmash: 20 users, call back Tuesday is at stage Proposal. Next: plan a meeting or make the "
            "quotation."
        )
        self.assertEqual(
            (action["tag"], action["params"]["title"], action["params"]["message"], action["params"]["next"]),
            ("display_notification", "Proposal sent", summary + next_step, {"type": "ir.actions.act_window_close"}),
        )
        [sent] = lead.message_ids.filtered(lambda message: message.subject)
        self.assertEqual(
            (sent.subject, sent.partner_ids, sent.attachment_ids.mapped("name")),
            ("Commercial proposal: Online Reporting — Service Center LLC", self.client, ["proposal.pdf"]),
            "the client gets the letter under its own subject, not the lead's title",
        )
        self.assertEqual(html2plaintext(proposal.message_ids[0].body), summary, "the proposal's chatter keeps it")
