"""What the management reports need on the database side: the log that sends each report once a day."""

from odoo import api, fields, models
from odoo.tools import SQL

REPORT_KINDS = [
    ("operator", "Call Center Daily Report"),
    ("head", "Sales Head Daily Report"),
    ("regular", "Regular Customers Report"),
]


class CrmPlaybookReportLog(models.Model):
    """One sent report per company, kind and day: the row that makes the sending happen once."""

    _name = "crm.playbook.report.log"
    _description = "Sent Management Report"
    _order = "day desc, id desc"

    company_id = fields.Many2one("res.company", required=True, index=True, readonly=True)
    kind = fields.Selection(REPORT_KINDS + [("review", "Weekly Database Review")], required=True, readonly=True)
    day = fields.Date(required=True, readonly=True, help="The day (company time) the report was sent on.")
    mail_id = fields.Many2one("mail.mail", string="Email", readonly=True, ondelete="set null")
    recipient_ids = fields.Many2many("res.users", string="Sent To", readonly=True)

    _sql_constraints = [("once_a_day", "unique(company_id, kind, day)", "A report is sent once a day.")]

    @api.model
    def _claim(self, company, kind, day):
        """Take the right to send ``kind`` for ``company`` on ``day``; False when another worker has it."""
        self.flush_model()
        self.env.cr.execute(
            SQL(
                "INSERT INTO crm_playbook_report_log (company_id, kind, day, create_uid, create_date, write_uid, "
                "write_date) VALUES (%s, %s, %s, %s, now() at time zone 'UTC', %s, now() at time zone 'UTC') "
                "ON CONFLICT (company_id, kind, day) DO NOTHING RETURNING id",
                company.id,
                kind,
                day,
                self.env.uid,
                self.env.uid,
            )
        )
        row = self.env.cr.fetchone()
        return self.browse(row[0]) if row else self.browse()
