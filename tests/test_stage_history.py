from datetime import datetime

from odoo.tests import tagged

from .common import MON_0930_MSK, MON_1500_MSK, SUN_1200_MSK, PlaybookCase


@tagged("post_install", "-at_install")
class TestStageHistory(PlaybookCase):
    """The stages each lead really reached (PP-1, X-REP), written on every stage change, and the funnel on it."""

    def history(self, lead):
        rows = self.env["crm.lead.stage.history"].search([("lead_id", "=", lead.id)], order="date, id")
        return [(row.stage_id, row.previous_stage_id, row.date) for row in rows]

    def test_won_straight_from_new_reached_new_and_won_only(self):
        """3.1. Под каждое обращение клиента/потенциального клиента по Продукту (продажа нового Продукта, допродажа,
        обслуживание и т.д.) в сервисе ПП необходимо формировать ПП, в рамках которой отмечаются все этапы
        (сформировано предложение, согласован счет и т.д.) и история действий при работе с клиентом."""
        with self.pinned_time(SUN_1200_MSK):
            lead = self.create_lead(stage_id=self.stage_new.id, user_id=self.user_salesperson.id)
        with self.pinned_time(MON_0930_MSK):
            lead.action_set_won()
        self.assertEqual(
            self.history(lead),
            [(self.stage_new, self.env["crm.stage"], SUN_1200_MSK), (self.stage_won, self.stage_new, MON_0930_MSK)],
        )
        row = self.env["crm.lead.stage.history"].search([("lead_id", "=", lead.id)], limit=1)
        self.assertEqual(
            (row.team_id, row.user_id, row.company_id, row.lead_type),
            (self.team_a, self.user_salesperson, self.company, "opportunity"),
        )
        self.env.flush_all()
        funnel = self.env["crm.playbook.funnel.analysis"].search([("lead_id", "=", lead.id)])
        self.assertEqual(
            funnel.mapped("stage_id"), self.stage_new | self.stage_won, "Contact and Proposal were never reached"
        )
        self.assertEqual(funnel.filtered(lambda row: row.stage_id == self.stage_won).date_reached, MON_0930_MSK)

    def test_batch_write_with_tracking_off_is_recorded_in_one_insert(self):
        """3.1. Под каждое обращение клиента/потенциального клиента по Продукту (продажа нового Продукта, допродажа,
        обслуживание и т.д.) в сервисе ПП необходимо формировать ПП, в рамках которой отмечаются все этапы
        (сформировано предложение, согласован счет и т.д.) и история действий при работе с клиентом."""
        with self.pinned_time(SUN_1200_MSK):
            leads = self.Lead.create(
                [{"name": "Batch %s" % index, "type": "opportunity", "team_id": self.team_b.id} for index in range(20)]
            )
        with self.pinned_time(MON_0930_MSK):
            leads[:5].write({"stage_id": self.stage_contact.id})
        self.env.flush_all()
        statements = []
        execute = type(self.env.cr).execute

        def spy(cursor, query, params=None, log_exceptions=True):
            text = str(query.code if hasattr(query, "code") else query)
            if "crm_lead_stage_history" in text:
                statements.append(text.split()[0].upper())
            return execute(cursor, query, params, log_exceptions)

        self.patch(type(self.env.cr), "execute", spy)
        with self.pinned_time(MON_1500_MSK):
            leads.with_context(tracking_disable=True).write({"stage_id": self.stage_proposal.id})
        self.assertEqual(statements, ["INSERT"], "one insert for 20 leads; the stages left are known from the write")
        self.assertEqual(
            [rows[-1][:2] for rows in map(self.history, leads[:5])],
            [(self.stage_proposal, self.stage_contact)] * 5,
        )
        self.assertEqual(
            [rows[-1][:2] for rows in map(self.history, leads[5:])],
            [(self.stage_proposal, self.stage_new)] * 15,
        )
        statements.clear()
        leads.write({"stage_id": self.stage_proposal.id, "name": "Same stage"})
        self.assertEqual(statements, [], "no new row, and no read, when the stage did not change")
        leads.write({"name": "No stage"})
        self.assertEqual(statements, [], "a write that cannot move the stage costs nothing")
        leads.write({"team_id": self.team_a.id})
        self.assertEqual(statements, [], "a new team keeps a lead's stage (Odoo gives one to stageless leads only)")

    def test_each_role_reads_the_history_of_the_leads_it_reads(self):
        """3.1. Под каждое обращение клиента/потенциального клиента по Продукту (продажа нового Продукта, допродажа,
        обслуживание и т.д.) в сервисе ПП необходимо формировать ПП, в рамках которой отмечаются все этапы
        (сформировано предложение, согласован счет и т.д.) и история действий при работе с клиентом."""
        own = self.create_lead(user_id=self.user_salesperson.id)
        other = self.create_lead(user_id=self.user_salesperson_b.id, team_id=self.team_b.id)
        History = self.env["crm.lead.stage.history"]
        domain = [("lead_id", "in", (own | other).ids)]
        self.assertEqual(History.with_user(self.user_salesperson).search(domain).lead_id, own)
        self.assertEqual(History.with_user(self.user_head).search(domain).lead_id, own, "team A's head")
        self.assertEqual(History.with_user(self.user_admin).search(domain).lead_id, own | other)

    def test_install_fills_the_history_from_tracking_and_the_current_stage(self):
        """3.1. Под каждое обращение клиента/потенциального клиента по Продукту (продажа нового Продукта, допродажа,
        обслуживание и т.д.) в сервисе ПП необходимо формировать ПП, в рамках которой отмечаются все этапы
        (сформировано предложение, согласован счет и т.д.) и история действий при работе с клиентом."""
        with self.pinned_time(SUN_1200_MSK):
            tracked = self.create_lead(stage_id=self.stage_new.id)
            untracked = self.create_lead(stage_id=self.stage_contact.id)
        self.flush_tracking()
        with self.pinned_time(MON_0930_MSK):
            tracked.stage_id = self.stage_contact
            self.flush_tracking()
        with self.pinned_time(MON_1500_MSK):
            tracked.with_context(tracking_disable=True).stage_id = self.stage_proposal
        self.assertEqual(
            self.tracked_values(tracked, "stage_id"), [("New", "Contact")], "the batch move left no tracking"
        )
        # The leads as they were before the addon: no history.
        self.env.cr.execute("DELETE FROM crm_lead_stage_history WHERE lead_id IN %s", [(tracked | untracked)._ids])
        self.env.cr.execute(
            "UPDATE crm_lead SET create_date = %s, date_last_stage_update = %s WHERE id IN %s",
            [SUN_1200_MSK, MON_1500_MSK, (tracked | untracked)._ids],
        )
        self.env.invalidate_all()
        self.env["crm.lead.stage.history"]._playbook_fill_from_leads()
        self.assertEqual(
            self.history(tracked),
            [
                (self.stage_new, self.env["crm.stage"], SUN_1200_MSK),
                (self.stage_contact, self.stage_new, MON_0930_MSK),
                (self.stage_proposal, self.stage_contact, MON_1500_MSK),
            ],
        )
        self.assertEqual(self.history(untracked), [(self.stage_contact, self.env["crm.stage"], SUN_1200_MSK)])
        self.env["crm.lead.stage.history"]._playbook_fill_from_leads()
        self.assertEqual(len(self.history(tracked)), 3, "filling twice adds nothing")

    def test_the_funnel_counts_the_stages_reached_not_their_order(self):
        """3.1. Под каждое обращение клиента/потенциального клиента по Продукту (продажа нового Продукта, допродажа,
        обслуживание и т.д.) в сервисе ПП необходимо формировать ПП, в рамках которой отмечаются все этапы
        (сформировано предложение, согласован счет и т.д.) и история действий при работе с клиентом."""
        back = self.create_lead(stage_id=self.stage_new.id)
        with self.pinned_time(datetime(2026, 11, 23, 10, 0)):
            back.stage_id = self.stage_proposal
        with self.pinned_time(datetime(2026, 11, 23, 11, 0)):
            back.stage_id = self.stage_contact
        with self.pinned_time(datetime(2026, 11, 23, 12, 0)):
            back.stage_id = self.stage_proposal
        self.env.flush_all()
        counts = dict(
            self.env["crm.playbook.funnel.analysis"]._read_group([("lead_id", "=", back.id)], ["stage_id"], ["__count"])
        )
        self.assertEqual(
            counts,
            {self.stage_new: 1, self.stage_proposal: 1, self.stage_contact: 1},
            "a stage entered twice counts once; Won was never reached",
        )
