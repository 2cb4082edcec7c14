from odoo import api, fields, models


class CrmPlaybookBatchFailure(models.Model):
    """A record a cron of the playbook failed on: shown to administrators, and moved behind the others.

    One line per job and record, updated at each new failure and removed once the record goes through.
    """

    _name = "crm.playbook.batch.failure"
    _description = "Failed Background Item"
    _order = "failed_at desc, id desc"
    _rec_name = "job"

    job = fields.Char(required=True, index=True, readonly=True, help="The background work that failed.")
    res_model = fields.Char(string="Model", required=True, readonly=True)
    res_id = fields.Many2oneReference(string="Record", model_field="res_model", required=True, readonly=True)
    failed_at = fields.Datetime(string="Last Failure", required=True, readonly=True)
    attempts = fields.Integer(readonly=True, default=1)
    error = fields.Text(readonly=True)

    _sql_constraints = [
        ("job_record_uniq", "unique(job, res_model, res_id)", "One line per job and record."),
    ]

    @api.model
    def _failing_ids(self, job, model):
        # sudo: the failure log is the crons' record, whoever runs them
        return self.sudo().search_fetch([("job", "=", job), ("res_model", "=", model)], ["res_id"]).mapped("res_id")

    @api.model
    def _record(self, job, record, error):
        # sudo: the failure log is the crons' record, whoever runs them
        line = self.sudo().search([("job", "=", job), ("res_model", "=", record._name), ("res_id", "=", record.id)])
        values = {"failed_at": fields.Datetime.now(), "error": str(error)[:2000]}
        if line:
            line.write(dict(values, attempts=line.attempts + 1))
        else:
            # sudo: the failure log is the crons' record, whoever runs them
            self.sudo().create(dict(values, job=job, res_model=record._name, res_id=record.id))

    @api.model
    def _clear(self, job, record):
        # sudo: the failure log is the crons' record, whoever runs them
        self.sudo().search([("job", "=", job), ("res_model", "=", record._name), ("res_id", "=", record.id)]).unlink()

    def action_open_record(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": self.res_model,
            "res_id": self.res_id,
            "view_mode": "form",
            "views": [(False, "form")],
        }
