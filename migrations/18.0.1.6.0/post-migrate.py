"""18.0.1.6.0: the regulations at their seams (issue 18). One small function per change."""

from odoo import SUPERUSER_ID, api


def fill_stage_history(env):
    """The funnel counts the stages each lead reached (PP-1): the leads from before the upgrade get theirs."""
    env["crm.lead.stage.history"]._playbook_fill_from_leads()


def recompute_response_statuses(env):
    """A deadline is met only when the client was reached by it (PP-12): lost and blocked leads untouched
    before their deadline are "closed without contact", no longer "met"."""
    Lead = env["crm.lead"].with_context(active_test=False)
    leads = Lead.search([("sla_deadline", "!=", False)])
    env.add_to_compute(Lead._fields["sla_status"], leads)
    Lead.flush_model(["sla_status"])


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    fill_stage_history(env)
    recompute_response_statuses(env)
