from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    playbook_all_teams = fields.Boolean(related="company_id.playbook_all_teams", readonly=False)
    playbook_pipeline_kanban = fields.Selection(related="company_id.playbook_pipeline_kanban", readonly=False)
    playbook_reservation_days = fields.Integer(related="company_id.playbook_reservation_days", readonly=False)
    playbook_paid_period_days = fields.Integer(related="company_id.playbook_paid_period_days", readonly=False)
    playbook_new_sale_months = fields.Integer(related="company_id.playbook_new_sale_months", readonly=False)
    playbook_dedup = fields.Boolean(related="company_id.playbook_dedup", readonly=False)
    playbook_breach_limit = fields.Integer(related="company_id.playbook_breach_limit", readonly=False)
    playbook_sla = fields.Boolean(related="company_id.playbook_sla", readonly=False)
    playbook_digest_hour = fields.Float(related="company_id.playbook_digest_hour", readonly=False)
    playbook_background_threshold = fields.Integer(related="company_id.playbook_background_threshold", readonly=False)
    playbook_first_contact_minutes = fields.Integer(related="company_id.playbook_first_contact_minutes", readonly=False)
    playbook_busy_callback_minutes = fields.Integer(related="company_id.playbook_busy_callback_minutes", readonly=False)
    playbook_confirm_minutes = fields.Integer(related="company_id.playbook_confirm_minutes", readonly=False)
    playbook_answer_minutes = fields.Integer(related="company_id.playbook_answer_minutes", readonly=False)
    playbook_approval_minutes = fields.Integer(related="company_id.playbook_approval_minutes", readonly=False)
    playbook_call_list_hour = fields.Float(related="company_id.playbook_call_list_hour", readonly=False)
    playbook_regular_contact_days = fields.Integer(related="company_id.playbook_regular_contact_days", readonly=False)
    playbook_plan_weekday = fields.Selection(related="company_id.playbook_plan_weekday", readonly=False)
    playbook_plan_hour = fields.Float(related="company_id.playbook_plan_hour", readonly=False)
    playbook_require_supplier_step = fields.Boolean(related="company_id.playbook_require_supplier_step", readonly=False)
    playbook_purchasing_user_id = fields.Many2one(related="company_id.playbook_purchasing_user_id", readonly=False)
    playbook_deputy_director_id = fields.Many2one(related="company_id.playbook_deputy_director_id", readonly=False)
    playbook_claim_notice_hours = fields.Integer(related="company_id.playbook_claim_notice_hours", readonly=False)
    playbook_claim_notice_mode = fields.Selection(related="company_id.playbook_claim_notice_mode", readonly=False)
    playbook_qc_call_days = fields.Integer(related="company_id.playbook_qc_call_days", readonly=False)
    playbook_qc_operator_id = fields.Many2one(related="company_id.playbook_qc_operator_id", readonly=False)
    playbook_operator_report_hour = fields.Float(related="company_id.playbook_operator_report_hour", readonly=False)
    playbook_head_report_hour = fields.Float(related="company_id.playbook_head_report_hour", readonly=False)
    playbook_report_recipient_ids = fields.Many2many(related="company_id.playbook_report_recipient_ids", readonly=False)
    playbook_review_weekday = fields.Selection(related="company_id.playbook_review_weekday", readonly=False)
    playbook_review_hour = fields.Float(related="company_id.playbook_review_hour", readonly=False)
    playbook_stale_new_days = fields.Integer(related="company_id.playbook_stale_new_days", readonly=False)
    playbook_regular_report_period = fields.Selection(
        related="company_id.playbook_regular_report_period", readonly=False
    )
    playbook_regular_report_hour = fields.Float(related="company_id.playbook_regular_report_hour", readonly=False)
    playbook_regular_report_user_ids = fields.Many2many(
        related="company_id.playbook_regular_report_user_ids", readonly=False
    )
    playbook_promise_minutes = fields.Integer(related="company_id.playbook_promise_minutes", readonly=False)
    playbook_source_inbound_call_id = fields.Many2one(
        related="company_id.playbook_source_inbound_call_id", readonly=False
    )
    playbook_source_email_id = fields.Many2one(related="company_id.playbook_source_email_id", readonly=False)
    playbook_source_web_form_id = fields.Many2one(related="company_id.playbook_source_web_form_id", readonly=False)
    playbook_source_online_chat_id = fields.Many2one(
        related="company_id.playbook_source_online_chat_id", readonly=False
    )
    playbook_source_outbound_call_id = fields.Many2one(
        related="company_id.playbook_source_outbound_call_id", readonly=False
    )
    playbook_source_agent_notice_id = fields.Many2one(
        related="company_id.playbook_source_agent_notice_id", readonly=False
    )
    playbook_product_specialist_id = fields.Many2one(
        related="company_id.playbook_product_specialist_id", readonly=False
    )
    playbook_internal_copy_ids = fields.Many2many(related="company_id.playbook_internal_copy_ids", readonly=False)
