"""Changing thousands of leads at once: one write per group of equal values, one note per lead created in one
call, one notice per salesperson (PP-7, PP-9, PP-10, PP-15)."""

from collections import defaultdict

from markupsafe import Markup

from odoo import models
from odoo.tools.mail import generate_tracking_message_id


class CrmLead(models.Model):
    _inherit = "crm.lead"

    def _playbook_write_grouped(self, values_by_id, bodies, tracked=("user_id", "team_id")):
        """Write each lead its values, one write per distinct set of values, and log one note per lead.

        ``values_by_id`` is {lead id: vals}; ``bodies`` {lead id: note}. Odoo's per-record tracking message and
        assignment email are replaced by the note, which carries the tracking values of ``tracked`` (so the
        history reads the same), and by one notice per new salesperson listing the leads they got.
        """
        if not self:
            return
        tracked = [fname for fname in tracked if fname in self._fields]
        before = {lead.id: {fname: lead[fname] for fname in tracked} for lead in self}
        self._playbook_add_following_team(values_by_id)
        groups = defaultdict(list)
        for lead_id, vals in values_by_id.items():
            groups[tuple(sorted(vals.items()))].append(lead_id)
        quiet = self.with_context(tracking_disable=True, mail_auto_subscribe_no_notify=True)
        for key, lead_ids in groups.items():
            vals = dict(key)
            leads = quiet.browse(lead_ids)
            leads.write(vals)
            # What Odoo's write does unless tracking is off: the new salesperson and the team's followers follow.
            leads._message_auto_subscribe(vals)
        self._playbook_log_notes(bodies, before, tracked)
        self._playbook_tell_new_salespeople(before)

    def _playbook_add_following_team(self, values_by_id):
        """Add the team that follows a new salesperson, as Odoo's ``_compute_team_id`` would, looked up once per
        salesperson and lead type instead of once per lead."""
        Team = self.env["crm.team"]
        teams = {}
        for lead in self:
            vals = values_by_id[lead.id]
            if not vals.get("user_id") or "team_id" in vals:
                continue
            user = self.env["res.users"].browse(vals["user_id"])
            if lead.team_id and user in (lead.team_id.member_ids | lead.team_id.user_id):
                vals["team_id"] = lead.team_id.id
                continue
            key = (user.id, lead.type)
            if key not in teams:
                usage = "use_leads" if lead.type == "lead" else "use_opportunities"
                teams[key] = Team._get_default_team_id(user_id=user.id, domain=[(usage, "=", True)]).id
            vals["team_id"] = teams[key]

    def _playbook_log_notes(self, bodies, before, tracked):
        """One internal note per lead, with the tracking values of the fields that changed, in one create."""
        infos = self.fields_get(tracked, attributes=("string", "type", "selection", "currency_field"))
        Tracking = self.env["mail.tracking.value"]
        author = self.env.user.partner_id
        note = self.env["ir.model.data"]._xmlid_to_res_id("mail.mt_note")
        reply_to = self.env["mail.thread"]._notify_get_reply_to(default=author.email_formatted)[False]
        message_id = generate_tracking_message_id("message-notify")
        changes, values = [], []
        for lead in self:
            changes.append(
                [
                    Tracking._create_tracking_values(before[lead.id][fname], lead[fname], fname, infos[fname], lead)
                    for fname in tracked
                    if before[lead.id][fname] != lead[fname]
                ]
            )
            values.append(
                {
                    "model": self._name,
                    "res_id": lead.id,
                    "body": Markup("<p>%s</p>") % bodies[lead.id],
                    "message_type": "notification",
                    "subtype_id": note,
                    "is_internal": True,
                    "author_id": author.id,
                    "email_from": author.email_formatted,
                    # Known already, as in Odoo's _message_log_batch: not looked up per message.
                    "record_alias_domain_id": False,
                    "record_company_id": False,
                    "record_name": False,
                    "reply_to": reply_to,
                    "message_id": message_id,
                }
            )
        # The notes log a change the user was allowed to make; users do not create messages directly.
        messages = self.env["mail.message"].sudo().create(values)  # sudo: the notes of the user's allowed change
        Tracking.sudo().create(  # sudo: tracking values are written by the tracking only, for the change above
            [
                dict(change, mail_message_id=message.id)
                for message, lead_changes in zip(messages, changes, strict=True)
                for change in lead_changes
            ]
        )

    def _playbook_tell_new_salespeople(self, before):
        """One notice per salesperson who got leads, instead of Odoo's email per lead assigned."""
        gained = self.filtered(lambda lead: lead.user_id and lead.user_id != before[lead.id].get("user_id"))
        for user, leads in gained.grouped("user_id").items():
            if user == self.env.user or not user.partner_id:
                continue
            names = ", ".join(leads[:20].mapped("display_name"))
            more = len(leads) - 20
            self.env["mail.thread"].message_notify(
                partner_ids=user.partner_id.ids,
                subject=self.env._("%(count)s leads assigned to you", count=len(leads)),
                body=self.env._(
                    "%(author)s assigned %(count)s leads to you: %(names)s%(more)s.",
                    author=self.env.user.name,
                    count=len(leads),
                    names=names,
                    more=self.env._(" and %(count)s more", count=more) if more > 0 else "",
                ),
                model_description=self.env._("Lead"),
            )
