"""Each role's screens (issue 20): the next step after each action, only buttons that can succeed, the team's time
named for people."""

import re
from datetime import datetime, timedelta

import pytz
from lxml import etree

from odoo.tests import Form, tagged
from odoo.tools.safe_eval import safe_eval

from ..models import working_time
from .common import MON_1100_MSK, DealCase

# Wednesday 25 November 2026, 10:00 UTC: 13:00 in Moscow, 15:00 in Yekaterinburg.
WED_1500_EKB = datetime(2026, 11, 25, 10, 0)
NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class ScreenCase(DealCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # The users work in Moscow; team A (Yekaterinburg) two hours ahead, team B (Moscow) in their zone.
        (cls.user_salesperson | cls.user_salesperson_b | cls.user_head).write({"tz": "Europe/Moscow"})

    def other_contacted_lead(self):
        """A service lead in work of another client than ``contacted_lead``'s."""
        lead = self.lead(partner_id=self.person.id, phone="+7 912 604-18-52", name="Sidorov service")
        self.log_call(lead)
        lead.stage_id = self.stage_contact
        return lead

    def header(self, record, user):
        """What ``user`` sees in the header of ``record``'s form: the buttons shown (their labels), how many of them
        are primary, and whether the stage bar is clickable. The form's own invisible and readonly expressions are
        evaluated on the record, as the web client does."""
        record = record.with_user(user)
        arch = etree.fromstring(record.get_views([(False, "form")])["views"]["form"]["arch"])
        nodes = arch.xpath("//header//button | //header/field")
        names = {
            name for node in nodes for attr in ("invisible", "readonly") for name in NAME.findall(node.get(attr) or "")
        }
        values = {"context": {}, "uid": user.id}
        for name in names & set(record._fields):
            value, field_type = record[name], record._fields[name].type
            values[name] = (
                value.id if field_type == "many2one" else value.ids if field_type.endswith("2many") else value
            )

        def shown(node):
            return not safe_eval(node.get("invisible") or "False", values)

        buttons = [node for node in nodes if node.tag == "button" and shown(node)]
        statusbar = [node for node in nodes if node.tag == "field" and node.get("widget", "").startswith("statusbar")]
        return {
            "buttons": {node.get("string") for node in buttons},
            "primary": len(
                [node for node in buttons if {"oe_highlight", "btn-primary"} & set(node.get("class", "").split())]
            ),
            "fields": {node.get("name") for node in nodes if node.tag == "field" and shown(node)},
            "stages_clickable": [
                "clickable" in (node.get("options") or "") and not safe_eval(node.get("readonly") or "False", values)
                for node in statusbar
                if shown(node)
            ],
        }


@tagged("post_install", "-at_install")
class TestNextStepHints(ScreenCase):
    """After each action the lead says what comes next and is at the right stage: nobody does the bookkeeping."""

    def test_reached_call_moves_the_lead_and_names_the_next_step(self):
        """Seed 004, 3.5.2: «"в работе" – состояние от момента, когда ПП взята в работу до перевода ее в одно из
        финальных состояний (с клиентом вышли на связь);»"""
        lead = self.lead(partner_id=self.client.id, name="Uralmash terminals")
        seller = self.user_salesperson
        with self.pinned_time(MON_1100_MSK):
            context = lead.with_user(seller).action_open_log_call()["context"]
            form = Form(self.env["crm.lead.call"].with_user(seller).with_context(**context))
            form.result = "reached"
            notification = form.save().action_log_call()
        self.assertEqual((lead.work_status, lead.stage_id), ("in_work", self.stage_contact))
        self.assertEqual(
            notification,
            {
                "type": "ir.actions.client",
                "tag": "display_notification",
                "params": {
                    "title": "Call logged: Reached",
                    "message": "Lead Uralmash terminals is at stage Contact. Next: send the commercial proposal, plan "
                    "a meeting, or make the quotation.",
                    "type": "success",
                    "sticky": False,
                    "next": {"type": "ir.actions.act_window_close"},
                },
            },
        )

    def test_unanswered_and_callback_calls_say_what_to_do(self):
        lead = self.lead(partner_id=self.client.id, name="Uralmash terminals")
        with self.pinned_time(MON_1100_MSK):
            unanswered = self.log_call(lead, "no_answer").action_log_call()
            callback = self.log_call(lead, "callback", callback_at=WED_1500_EKB).action_log_call()
        self.assertEqual(
            unanswered["params"]["message"],
            "The client was not reached. Lead Uralmash terminals is at stage New. Next: call again.",
        )
        self.assertEqual(
            callback["params"]["message"],
            "Call back at 2026-11-25 15:00, Yekaterinburg time (UTC+5). Lead Uralmash terminals is at stage Contact. "
            "Next: call the client back then; the follow-up is planned.",
        )

    def test_sent_proposal_confirms_what_went_to_whom(self):
        """Seed 002: «3. Коммерческое предложение, Документ «событие» с видом «электронное письмо», исходящее, тема:
        «коммерческое предложение»»"""
        lead = self.contacted_lead(name="Uralmash terminals")
        seller = self.user_salesperson
        form = Form(
            self.env["crm.lead.proposal"].with_user(seller).with_context(**lead.action_open_proposal()["context"])
        )
        form.name = "Terminals for Uralmash"
        form.attachment_ids.add(self.attachment("offer.pdf"))
        notification = form.save().action_send()
        self.assertEqual(lead.stage_id, self.stage_proposal)
        self.assertEqual(
            (notification["params"]["title"], notification["params"]["message"]),
            (
                "Proposal sent",
                'Sent to "Uralmash JSC" <office@uralmash.ru>: "Terminals for Uralmash", attached: offer.pdf. Lead '
                "Uralmash terminals is at stage Proposal. Next: plan a meeting or make the quotation.",
            ),
        )

    def test_held_meeting_moves_the_lead_to_the_meeting_stage(self):
        lead = self.contacted_lead(name="Uralmash terminals")
        meeting = self.env["calendar.event"].create(
            {
                "name": "Visit to Uralmash",
                "opportunity_id": lead.id,
                "start": MON_1100_MSK + timedelta(days=1),
                "stop": MON_1100_MSK + timedelta(days=1, hours=1),
            }
        )
        notification = meeting.with_user(self.user_salesperson).action_playbook_done()
        self.assertEqual(lead.stage_id, self.stage_meeting)
        self.assertEqual(
            (notification["params"]["title"], notification["params"]["message"]),
            (
                "Meeting held",
                "The meeting Visit to Uralmash was held. Lead Uralmash terminals is at stage Meeting. Next: make the "
                "quotation.",
            ),
        )

    def test_a_meeting_marked_held_by_someone_who_only_reads_the_lead_moves_no_stage(self):
        """Issue 20's next steps stay within each role's rights: legal reads every lead but edits none; a meeting
        it marks held moves no lead to another stage."""
        lead = self.contacted_lead(name="Uralmash terminals")
        stage = lead.stage_id
        self.assertFalse(lead.with_user(self.user_legal).has_access("write"))
        meeting = self.env["calendar.event"].create(
            {
                "name": "Visit to Uralmash",
                "opportunity_id": lead.id,
                "start": MON_1100_MSK + timedelta(days=1),
                "stop": MON_1100_MSK + timedelta(days=1, hours=1),
                "partner_ids": [(4, self.user_legal.partner_id.id)],
            }
        )
        meeting.with_user(self.user_legal).write({"playbook_done": True})
        self.assertEqual(lead.stage_id, stage, "the stage stays: legal may not edit the lead")

    def test_postponement_dialog_activity_and_chatter_agree_in_the_team_time(self):
        """Seed 004, 3.4: «Все даты в сервисе ПП указаны с учетом часового пояса местонахождения СЦ.»"""
        lead = self.lead(partner_id=self.client.id, name="Uralmash terminals", temperature="hot")
        seller = self.user_salesperson
        with self.pinned_time(MON_1100_MSK):
            context = lead.with_user(seller).action_open_postpone()["context"]
            wizard = Form(self.env["crm.lead.postpone"].with_user(seller).with_context(**context))
            self.assertEqual(
                wizard.zone_note,
                "The date is in your time zone, Moscow time (UTC+3); the team works in Yekaterinburg time (UTC+5).",
            )
            wizard.postponed_until = WED_1500_EKB
            self.assertEqual(wizard.postponed_until_team_tz, "2026-11-25 15:00, Yekaterinburg time (UTC+5)")
            wizard.comment = "Call after the board meeting"
            notification = wizard.save().action_postpone()
        self.assertEqual((lead.work_status, lead.stage_id), ("in_work", self.stage_contact))
        self.assertEqual(
            notification["params"]["message"],
            "Postponed to 2026-11-25 15:00, Yekaterinburg time (UTC+5). Lead Uralmash terminals is at stage Contact. "
            "Next: call the client back then; the call is in the activities of Pb Salesperson.",
        )
        [activity] = lead.activity_ids
        self.assertEqual(
            (str(activity.date_deadline), activity.summary, activity.user_id),
            ("2026-11-25", "Call back at 2026-11-25 15:00, Yekaterinburg time (UTC+5)", seller),
        )
        self.assertEqual(
            lead.message_ids[0].body,
            "<p>Postponed to 2026-11-25 15:00, Yekaterinburg time (UTC+5): Call after the board meeting</p>",
        )
        self.assertEqual(self.tracked_values(lead, "postponed_until"), [], "the note says when, once, to the minute")

    def test_postponement_activity_falls_on_the_team_day(self):
        lead = self.lead(partner_id=self.client.id, temperature="hot")
        late = datetime(2026, 11, 25, 20, 0)  # Wednesday 23:00 in Moscow, Thursday 01:00 in Yekaterinburg
        with self.pinned_time(MON_1100_MSK):
            lead.with_user(self.user_salesperson).with_context(tz="Europe/Moscow")._playbook_postpone(late, "Late")
        self.assertEqual(
            (str(lead.activity_ids.date_deadline), lead.activity_ids.summary),
            ("2026-11-26", "Call back at 2026-11-26 01:00, Yekaterinburg time (UTC+5)"),
        )


@tagged("post_install", "-at_install")
class TestOnlyButtonsThatCanSucceed(ScreenCase):
    def reserve(self, team):
        return self.env["crm.client.reservation"].create(
            {
                "partner_id": self.partner.id,
                "product_id": self.product.id,
                "team_id": team.id,
                "date_start": "2025-01-01",
                "date_end": "2026-12-31",
                "origin": "manual",
                "state": "active",
            }
        )

    def test_connection_lead_without_paid_invoice_says_why_instead_of_won(self):
        """Seed 004, 4.1.1: «Закрытие данного типа ПП производится привязкой оплаченного счета к ПП либо переводом ПП
        в статус «отказ».»"""
        lead = self.contacted_lead(deal_type="connection", product_id=self.product.id, name="Uralmash connection")
        header = self.header(lead, self.user_salesperson)
        self.assertNotIn("Won", header["buttons"])
        self.assertIn("playbook_won_hint", header["fields"])
        self.assertEqual(
            lead.with_user(self.user_salesperson).playbook_won_hint,
            "Won once an invoice of its order is paid: a Connection lead is won by the client's payment.",
        )
        self.assertIn("Lost", header["buttons"], "a refusal is always possible")
        lead.playbook_override_reason = "Paid in cash at the office"
        header = self.header(lead, self.user_head)
        self.assertIn("Won", header["buttons"], "a sales head overriding the rule with a reason can win it")
        self.assertNotIn("playbook_won_hint", header["fields"])
        service = self.other_contacted_lead()
        self.assertIn("Won", self.header(service, self.user_salesperson)["buttons"])

    def test_blocked_lead_offers_no_won_lost_enrich_or_stage_bar(self):
        """Seed 004, 3.6: ««заблокирована» – состояние, при котором закончилось бронирование клиента по Продукту у
        одного СЦ по ПП и открылось бронирование данного клиента по данному Продукту у другого СЦ.»"""
        lead = self.create_lead(
            team_id=self.team_b.id,
            user_id=self.user_salesperson_b.id,
            partner_id=self.partner.id,
            email_from="buyer@uralstroy.example.com",
            product_id=self.product.id,
            deal_type="service",
            stage_id=self.stage_contact.id,
        )
        open_header = self.header(lead, self.user_salesperson_b)
        enrich = {"Enrich"} if "show_enrich_button" in lead._fields else set()
        self.assertLessEqual({"Won", "Lost"} | enrich, open_header["buttons"])
        self.assertEqual(open_header["stages_clickable"], [True])
        self.reserve(self.team_a)
        self.assertEqual(lead.work_status, "blocked")
        header = self.header(lead, self.user_salesperson_b)
        self.assertFalse({"Won", "Lost", "Enrich", "Convert to Opportunity"} & header["buttons"], header["buttons"])
        self.assertEqual(header["stages_clickable"], [False])

    def test_temperature_shows_once_and_at_most_four_primary_buttons(self):
        arch = etree.fromstring(self.Lead.get_views([(False, "form")])["views"]["form"]["arch"])
        self.assertEqual(len(arch.xpath("//field[@name='temperature']")), 1)
        new = self.lead(partner_id=self.client.id)
        leads = [
            new,
            self.other_contacted_lead(),
            self.create_lead(type="lead", name="A plain lead"),
        ]
        for lead in leads:
            for user in (self.user_salesperson, self.user_head):
                header = self.header(lead, user)
                self.assertLessEqual(header["primary"], 4, (lead.name, user.login, header["buttons"]))
        self.assertGreaterEqual(self.header(leads[1], self.user_salesperson)["primary"], 1, "the next step stands out")

    def test_proposal_shows_the_approval_steps_only_when_approval_is_on(self):
        lead = self.contacted_lead()
        proposal = self.env["crm.lead.proposal"].create({"name": "Offer", "lead_id": lead.id})
        arch = etree.fromstring(proposal.get_views([(False, "form")])["views"]["form"]["arch"])

        def steps():
            values = {"requires_approval": proposal.requires_approval, "state": proposal.state}
            [bar] = [
                node
                for node in arch.xpath("//header/field[@name='state']")
                if not safe_eval(node.get("invisible") or "False", values)
            ]
            return bar.get("statusbar_visible")

        self.assertEqual(steps(), "draft,sent")
        proposal.write({"requires_approval": True, "approver_id": self.user_head.id})
        self.assertEqual(steps(), "draft,to_approve,approved,sent")


@tagged("post_install", "-at_install")
class TestTeamTime(ScreenCase):
    """The team's zone named for people, and its local time next to the dates Odoo shows in the user's zone."""

    def test_deadlines_show_to_the_minute(self):
        """Issue 20, "Dates and numbers": the response deadline and the postponement show without seconds on the
        lead form and the list (Odoo 18 shows a datetime's seconds unless told otherwise)."""
        for view_type in ("form", "list"):
            arch = etree.fromstring(self.Lead.get_views([(False, view_type)])["views"][view_type]["arch"])
            for name in ("sla_deadline", "postponed_until"):
                for node in arch.xpath("//field[@name='%s']" % name):
                    if node.get("invisible") in ("1", "True") or node.get("column_invisible") in ("1", "True"):
                        continue
                    self.assertIn("'show_seconds': False", node.get("options") or "", (view_type, name))

    def test_zone_labels_for_any_zone(self):
        """Seed 004, 3.4: «Все даты в сервисе ПП указаны с учетом часового пояса местонахождения СЦ.»"""
        moment = datetime(2026, 11, 23, 8, 0)
        labels = {
            name: working_time.zone_label(pytz.timezone(name), self.env, moment)
            for name in ("Europe/Moscow", "Asia/Yekaterinburg", "Asia/Kolkata", "America/New_York", "UTC", "Etc/GMT-3")
        }
        self.assertEqual(
            labels,
            {
                "Europe/Moscow": "Moscow time (UTC+3)",
                "Asia/Yekaterinburg": "Yekaterinburg time (UTC+5)",
                "Asia/Kolkata": "Kolkata time (UTC+5:30)",
                "America/New_York": "New York time (UTC-5)",
                "UTC": "UTC",
                "Etc/GMT-3": "UTC+3",
            },
        )
        summer = working_time.zone_label(pytz.timezone("America/New_York"), self.env, datetime(2026, 7, 1, 12, 0))
        self.assertEqual(summer, "New York time (UTC-4)", "the offset of the moment shown")
        self.assertEqual(
            working_time.format_local(moment, pytz.timezone("Asia/Yekaterinburg"), self.env),
            "2026-11-23 13:00, Yekaterinburg time (UTC+5)",
        )

    def test_zone_label_in_russian(self):
        self.env["res.lang"]._activate_lang("ru_RU")
        self.env["ir.module.module"].search([("name", "=", "crm_sales_playbook")])._update_translations(["ru_RU"])
        ru = self.env(context=dict(self.env.context, lang="ru_RU"))
        self.assertEqual(
            working_time.zone_label(pytz.timezone("Europe/Moscow"), ru, MON_1100_MSK), "по времени г. Москва (UTC+3)"
        )
        self.assertEqual(
            working_time.zone_label(pytz.timezone("Asia/Yekaterinburg"), ru, MON_1100_MSK),
            "по времени г. Екатеринбург (UTC+5)",
        )

    def test_form_adds_the_team_time_where_the_team_works_in_another_zone(self):
        with self.pinned_time(MON_1100_MSK):
            lead = self.lead(temperature="hot", postponed_until=WED_1500_EKB)
            moscow = self.create_lead(team_id=self.team_b.id, temperature="hot", postponed_until=WED_1500_EKB)
        seller = lead.with_user(self.user_salesperson)
        self.assertEqual(
            (seller.team_tz_label, seller.team_tz_differs, seller.sla_deadline_team_tz, seller.postponed_until_team_tz),
            (
                "Yekaterinburg time (UTC+5)",
                True,
                "2026-11-23 16:00, Yekaterinburg time (UTC+5)",
                "2026-11-25 15:00, Yekaterinburg time (UTC+5)",
            ),
        )
        arch = etree.fromstring(self.Lead.get_views([(False, "form")])["views"]["form"]["arch"])
        sheet = arch.xpath("//sheet")[0]

        def shown(record):
            values = {name: record[name] for name in ("sla_deadline", "postponed_until", "team_tz_differs")}
            return {
                name
                for name in ("sla_deadline_team_tz", "postponed_until_team_tz")
                for node in sheet.xpath("//group[@name='sales_playbook_temperature']/field[@name='%s']" % name)
                if not safe_eval(node.get("invisible"), values)
            }

        self.assertEqual(shown(seller), {"sla_deadline_team_tz", "postponed_until_team_tz"})
        moscow = moscow.with_user(self.user_salesperson_b)
        self.assertFalse(moscow.team_tz_differs)
        self.assertEqual(shown(moscow), set(), "a team in the user's own zone needs no second time")
