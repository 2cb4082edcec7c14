from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import PlaybookCase


@tagged("post_install", "-at_install")
class TestAnalysis(PlaybookCase):
    """The pipeline analysis views: conversion and deadlines met per dimension, the funnel by stage."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.won = cls.create_lead(cls, name="Won", temperature="hot", team_id=cls.team_b.id, channel="web_form")
        cls.won.action_set_won()
        cls.lost = cls.create_lead(
            cls,
            name="Lost",
            temperature="hot",
            team_id=cls.team_b.id,
            channel="inbound_call",
            stage_id=cls.stage_contact.id,
        )
        cls.lost.action_set_lost(lost_reason_id=cls.env.ref("crm.lost_reason_1").id)
        cls.open = cls.create_lead(cls, name="Open", temperature="warm", team_id=cls.team_b.id, channel="email")
        cls.leads = cls.won | cls.lost | cls.open
        cls.env.flush_all()

    def test_conversion_and_counts_by_temperature(self):
        groups = self.env["crm.playbook.lead.analysis"]._read_group(
            [("lead_id", "in", self.leads.ids)], ["temperature"], ["__count", "won_rate:avg"]
        )
        self.assertEqual(
            {temperature: (count, rate) for temperature, count, rate in groups},
            {"hot": (2, 50.0), "warm": (1, 0.0)},
            "the lost lead counts: lost leads are analysed",
        )
        statuses = dict(
            self.env["crm.playbook.lead.analysis"]._read_group(
                [("lead_id", "in", self.leads.ids)], ["work_status"], ["__count"]
            )
        )
        self.assertEqual(statuses, {"won": 1, "lost": 1, "new": 1})

    def test_deadlines_met(self):
        self.env.cr.execute(
            "UPDATE crm_lead SET sla_status = CASE id WHEN %s THEN 'met' WHEN %s THEN 'breached' "
            "ELSE NULL END WHERE id IN %s",
            [self.won.id, self.lost.id, tuple(self.leads.ids)],
        )
        [[rate]] = self.env["crm.playbook.lead.analysis"]._read_group(
            [("lead_id", "in", self.leads.ids)], [], ["sla_rate:avg"]
        )
        self.assertEqual(rate, 50.0, "the lead without a deadline does not count")

    def test_funnel_by_stage(self):
        groups = self.env["crm.playbook.funnel.analysis"]._read_group(
            [("lead_id", "in", self.leads.ids)], ["stage_id"], ["__count"]
        )
        counts = dict(groups)
        self.assertEqual(
            counts,
            {self.stage_new: 2, self.stage_contact: 1, self.stage_won: 1},
            "the won lead passed New and Won only; the lost one was created in Contact (PP-1)",
        )

    def test_only_managers_analyse(self):
        with self.assertRaises(AccessError):
            self.env["crm.playbook.lead.analysis"].with_user(self.user_salesperson).search([("id", "!=", 0)])
        head_rows = (
            self.env["crm.playbook.lead.analysis"].with_user(self.user_head).search([("lead_id", "in", self.leads.ids)])
        )
        self.assertFalse(head_rows, "the head of team A does not analyse team B")
        self.assertEqual(
            self.env["crm.playbook.funnel.analysis"]
            .with_user(self.user_admin)
            .search([("lead_id", "in", self.won.ids)])
            .stage_id,
            self.stage_new | self.stage_won,
            "the administrator sees the stages the won lead really reached",
        )
