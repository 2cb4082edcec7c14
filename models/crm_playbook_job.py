"""Big batches done in the background: mass assignment, transfer, planning and Move Client above the company's
threshold (PP-7, PP-9, PP-10, PP-15)."""

import json

from odoo import api, fields, models
from odoo.exceptions import UserError

from .locking import run_batch
from .notifications import notify_and_close


class CrmPlaybookJob(models.Model):
    """A batch a user asked for, run by a cron as that user, who is told when it is done."""

    _name = "crm.playbook.job"
    _description = "Sales Playbook Background Job"
    _order = "id desc"
    _check_company_auto = True

    name = fields.Char(required=True, readonly=True)
    kind = fields.Selection(
        [
            ("assign", "Mass Assignment"),
            ("transfer", "Transfer to Team"),
            ("distribute", "Planning over a Period"),
            ("client", "Move Client"),
        ],
        required=True,
        readonly=True,
    )
    payload = fields.Json(readonly=True, help="The records and the choices of the wizard.")
    user_id = fields.Many2one(
        "res.users", string="Requested By", required=True, readonly=True, index=True, check_company=True
    )
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    state = fields.Selection(
        [("queued", "Queued"), ("done", "Done"), ("failed", "Failed")],
        required=True,
        default="queued",
        readonly=True,
        index=True,
    )
    total_count = fields.Integer(string="Records", readonly=True)
    done_count = fields.Integer(string="Done", readonly=True)
    result = fields.Text(readonly=True)
    date_done = fields.Datetime(string="Finished", readonly=True)

    @api.model
    def _playbook_threshold_reached(self, count):
        """Whether a batch of ``count`` records goes to the background (0: never)."""
        threshold = self.env.company.playbook_background_threshold
        return bool(threshold) and count > threshold

    @api.model
    def _playbook_enqueue(self, kind, label, payload, count):
        """Queue the work for the current user and wake the cron; return the notification the wizard shows."""
        self.sudo().create(  # sudo: the job is the wizard's bookkeeping; users read their own jobs, never write
            {
                "name": label,
                "kind": kind,
                "payload": dict(payload, company_ids=self.env.companies.ids),
                "user_id": self.env.uid,
                "company_id": self.env.company.id,
                "total_count": count,
            }
        )
        self.env.ref("crm_sales_playbook.crm_playbook_job_cron")._trigger()
        return notify_and_close(
            self.env._(
                "%(count)s leads are being processed in the background; you will be told when done.", count=count
            ),
            label,
            "info",
        )

    def _playbook_run(self):
        """Do the job as the user who asked for it, within the companies they worked in, and tell them."""
        self.ensure_one()
        payload = json.loads(json.dumps(self.payload))
        env = self.env(
            user=self.user_id.id, su=False, context=dict(self.env.context, allowed_company_ids=payload["company_ids"])
        )
        try:
            with self.env.cr.savepoint():
                summary = getattr(self, "_playbook_run_" + self.kind)(env, payload)
        except UserError as error:
            self.write({"state": "failed", "result": str(error.args[0]), "date_done": fields.Datetime.now()})
        else:
            self.write(
                {"state": "done", "result": summary, "done_count": self.total_count, "date_done": fields.Datetime.now()}
            )
        self._playbook_tell_user()

    def _playbook_run_assign(self, env, payload):
        Users = env["res.users"]
        counts = [(Users.browse(user_id), count) for user_id, count in payload["counts"]]
        assigned, skipped = env["crm.lead"].browse(payload["lead_ids"])._playbook_assign_to(counts)
        return env._(
            "%(count)s leads assigned (%(detail)s), %(skipped)s not taken.",
            count=len(assigned),
            detail=assigned._playbook_counts_per_user_text(),
            skipped=len(skipped),
        )

    def _playbook_run_transfer(self, env, payload):
        team = env["crm.team"].browse(payload["team_id"])
        moved, refused = env["crm.lead"].browse(payload["lead_ids"])._playbook_transfer_to_team(team, payload["reason"])
        return env._(
            "%(count)s leads transferred to %(team)s, %(refused)s not transferred.",
            count=len(moved),
            team=team.display_name,
            refused=len(refused),
        )

    def _playbook_run_distribute(self, env, payload):
        plan, skipped = (
            env["crm.lead"]
            .browse(payload["lead_ids"])
            ._playbook_distribute_over_period(
                fields.Date.to_date(payload["date_from"]),
                fields.Date.to_date(payload["date_to"]),
                env["res.users"].browse(payload["user_ids"]),
                env["crm.team"].browse(payload["team_id"]),
            )
        )
        return env._("%(count)s leads planned, %(skipped)s not taken.", count=len(plan), skipped=len(skipped))

    def _playbook_run_client(self, env, payload):
        team = env["crm.team"].browse(payload["team_id"])
        leads, reservations = (
            env["res.partner"]
            .browse(payload["partner_id"])
            ._playbook_transfer_client_to_team(team, payload["reason"], sanction=payload["sanction"])
        )
        return env._(
            "The client moved to %(team)s with %(leads)s leads and %(reservations)s reservations.",
            team=team.display_name,
            leads=len(leads),
            reservations=len(reservations),
        )

    def _playbook_tell_user(self):
        """The user who asked is told in Odoo that the job is done, or why it failed."""
        self.ensure_one()
        labels = dict(self._fields["state"]._description_selection(self.env))
        self.env["mail.thread"].message_notify(
            partner_ids=self.user_id.partner_id.ids,
            subject=self.env._("%(job)s: %(state)s", job=self.name, state=labels[self.state]),
            body=self.result,
            model=self._name,
            res_id=self.id,
        )

    @api.model
    def _cron_run_jobs(self):
        """One queued job per call; the cron runner calls again while jobs remain."""
        run_batch(self, [("state", "=", "queued")], lambda job: job._playbook_run(), job="playbook_job", batch_size=1)
