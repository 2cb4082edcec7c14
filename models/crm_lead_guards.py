"""The contact rules of the teams that enforce them (PP-5, PP-13, PP-14, EV-4, EV-10)."""

from odoo import fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

from .contact_check import email_problem, phone_problem
from .playbook_rules import LIVE_CHANNELS


class CrmLead(models.Model):
    _inherit = "crm.lead"

    playbook_override_reason = fields.Text(
        string="Rule Override Reason",
        copy=False,
        tracking=True,
        help="Why a playbook rule was overridden: sales support taking a lead in work without a logged "
        "contact, a sales head winning a lead without a paid invoice.",
    )
    # Not tracked on the lead (the team tracks its own switch): tracking would read the team at every write.
    playbook_guards = fields.Boolean(
        related="team_id.playbook_guards", string="Team Enforces Contact Rules", tracking=False
    )

    # Hooks of the lead's create and write (models/crm_lead.py) -------------------------------------

    def _playbook_guards_on_create(self):
        self._playbook_check_guards_on_create()

    def _playbook_guards_before_write(self, vals):
        if "playbook_override_reason" in vals and not (self.env.su or self.env.user._playbook_is_head()):
            raise UserError(self.env._("Only sales heads and sales support may override a playbook rule."))
        if "deal_type" in vals and not vals["deal_type"]:
            # Every lead has a type (3.1, 4.1; PP-5): once out of New, it keeps one.
            for lead in self._playbook_guarded().filtered(lambda lead: lead.work_status not in ("new", "lost")):
                raise UserError(
                    self.env._(
                        "Lead %(lead)s is out of New: it keeps a deal type; choose the one that fits.",
                        lead=lead.display_name,
                    )
                )

    def _playbook_guards_after_write(self, statuses):
        """``statuses``: the work status of each lead before the write, when the write may change it."""
        if statuses:
            self._playbook_check_guards(statuses)

    def _playbook_guarded(self):
        """The leads of teams that enforce the contact rules."""
        return self.filtered(lambda lead: lead.team_id.playbook_guards)

    def _playbook_contacted_leads(self):
        """The leads with a logged contact: a done call, meeting or email activity, a call that reached the
        client, or a meeting held. One query for the whole batch."""
        if not self.ids:
            return self.browse()
        types = [
            self.env["ir.model.data"]._xmlid_to_res_id(xmlid, raise_if_not_found=True)  # cached; ``ref`` reads
            for xmlid in (
                "mail.mail_activity_data_call",
                "mail.mail_activity_data_meeting",
                "mail.mail_activity_data_email",
            )
        ]
        # Every logged contact decides the rule, whoever logged it and whoever may read it: no record rule.
        self.env["mail.message"].flush_model(["model", "res_id", "mail_activity_type_id"])
        self.env["crm.lead.call"].flush_model(["lead_id", "is_contact"])
        self.env["calendar.event"].flush_model(["opportunity_id", "playbook_done", "active"])
        self.env.cr.execute(
            SQL(
                """SELECT res_id FROM mail_message
                    WHERE model = %(model)s AND res_id = ANY(%(ids)s) AND mail_activity_type_id = ANY(%(types)s)
                    UNION
                   SELECT lead_id FROM crm_lead_call WHERE lead_id = ANY(%(ids)s) AND is_contact
                    UNION
                   SELECT opportunity_id FROM calendar_event
                    WHERE opportunity_id = ANY(%(ids)s) AND playbook_done AND active""",
                model=self._name,
                ids=self.ids,
                types=types,
            )
        )
        return self.browse(row[0] for row in self.env.cr.fetchall())

    def _playbook_contact_data_problem(self):
        """Why the lead has no real contact data (a phone for the company's country or an email), or False."""
        self.ensure_one()
        country = self.country_id.code or (self.company_id or self.env.company)._playbook_country()[1]
        phones = [number for number in (self.phone, self.mobile) if number]
        if any(not phone_problem(number, country) for number in phones):
            return False
        if self.email_from and not email_problem(self.email_from):
            return False
        reasons = [
            self.env._(
                "phone %(phone)s: %(why)s",
                phone=number,
                why=self._playbook_contact_reason(phone_problem(number, country)),
            )
            for number in phones
        ]
        if self.email_from:
            reasons.append(
                self.env._(
                    "email %(email)s: %(why)s",
                    email=self.email_from,
                    why=self._playbook_contact_reason(email_problem(self.email_from)),
                )
            )
        return "; ".join(reasons) or self.env._("no phone or email")

    def _playbook_contact_reason(self, reason):
        labels = {
            "empty": self.env._("empty"),
            "all digits are the same": self.env._("all digits are the same"),
            "not a phone number": self.env._("not a phone number"),
            "too short": self.env._("too short"),
            "sequential digits": self.env._("sequential digits"),
            "not a valid number for the country": self.env._("not a valid number for the country"),
            "not an email address": self.env._("not an email address"),
            "an example or test domain": self.env._("an example or test domain"),
            "a placeholder address": self.env._("a placeholder address"),
        }
        return labels.get(reason, reason)

    def _playbook_may_override(self, role):
        """A rule is overridden by a sales head (``role`` "head") or sales support ("support"), with a reason."""
        predicate = {"head": "_playbook_is_head", "support": "_playbook_is_support"}[role]
        # The user who acts decides, even where the playbook edits the lead as the system on its behalf.
        return bool((self.playbook_override_reason or "").strip()) and getattr(self.env.user, predicate)()

    def _playbook_check_guards(self, statuses):
        """Refuse the status changes the playbook forbids, with one line per lead (PP-14, EV-4).

        ``statuses`` maps lead ids to their work status before the write.
        """
        guarded = self._playbook_guarded()
        went_in_work = guarded.filtered(lambda lead: statuses.get(lead.id) == "new" and lead.work_status == "in_work")
        contacted = went_in_work._playbook_contacted_leads()
        leaving_new = guarded.filtered(
            lambda lead: statuses.get(lead.id) == "new" and lead.work_status not in ("new", "lost")
        )._playbook_leaving_new_problems()
        problems = []
        for lead in guarded:
            before, now = statuses.get(lead.id), lead.work_status
            if lead in went_in_work and lead not in contacted and not lead._playbook_may_override("support"):
                problems.append(
                    self.env._(
                        "Lead %(lead)s cannot go in work: no contact with the client is logged. Log a call, or mark "
                        "a call, meeting or email activity done (sales support may override with a reason).",
                        lead=lead.display_name,
                    )
                )
            problems.extend(leaving_new.get(lead, ()))
            if now == "won" and before not in ("new", "won") and not lead.deal_type:
                # Every lead has a type (PP-5): the type decides what wins it.
                problems.append(
                    self.env._(
                        "Lead %(lead)s cannot be won without a deal type: the type decides what closes it.",
                        lead=lead.display_name,
                    )
                )
            if now == "lost" and before != "lost" and not self.env.context.get("playbook_lost_checked"):
                problems.extend(lead._playbook_lost_problems(lead.lost_reason_id))
        if problems:
            raise ValidationError("\n".join(problems))

    def _playbook_leaving_new_problems(self):
        """{lead: [why]} for the leads that may not leave New yet: no real contact data (PP-14), no deal type, or
        not what the type needs (PP-5, PP-13). Batch-friendly: the paid periods are read once."""
        problems = {}
        for lead in self:
            if data := lead._playbook_contact_data_problem():
                problems[lead] = [
                    self.env._(
                        "Lead %(lead)s cannot leave New without real contact data (%(problem)s).",
                        lead=lead.display_name,
                        problem=data,
                    )
                ]
        for lead, reasons in self._playbook_deal_type_problems().items():
            problems.setdefault(lead, []).extend(reasons)
        return problems

    def _playbook_check_guards_on_create(self):
        problems = []
        guarded = self._playbook_guarded()
        in_work = guarded.filtered(lambda lead: lead.work_status == "in_work")
        # A lead created out of New skipped it: it needs what leaving New needs.
        typing = guarded.filtered(lambda lead: lead.work_status not in ("new", "lost"))._playbook_deal_type_problems()
        for lead in guarded:
            problems.extend(typing.get(lead, ()))
            data = (
                lead._playbook_contact_data_problem()
                if (lead.deal_type == "connection" or lead.work_status not in ("new", "lost"))
                else False
            )
            if data:
                problems.append(
                    self.env._(
                        "Lead %(lead)s needs real contact data to be a connection lead or to start out of New "
                        "(%(problem)s).",
                        lead=lead.display_name,
                        problem=data,
                    )
                )
            if lead in in_work and lead.channel not in LIVE_CHANNELS and not lead._playbook_may_override("support"):
                problems.append(
                    self.env._(
                        "Lead %(lead)s cannot be created in work: only a call or a chat with the client is a contact. "
                        "Create it in New and log the contact.",
                        lead=lead.display_name,
                    )
                )
        if problems:
            raise ValidationError("\n".join(problems))

    def _playbook_lost_problems(self, reason, comment=None):
        problems = []
        if not reason:
            problems.append(
                self.env._("Lead %(lead)s: choose the refusal reason to mark it lost.", lead=self.display_name)
            )
        if not (comment or self.closing_comment or "").strip():
            problems.append(
                self.env._("Lead %(lead)s: write a comment on the refusal to mark it lost.", lead=self.display_name)
            )
        return problems

    def action_set_lost(self, **additional_values):
        """A refusal needs its reason and a comment in teams that enforce the rules (EV-4)."""
        reason = self.env["crm.lost.reason"].browse(additional_values.get("lost_reason_id"))
        problems = [
            problem
            for lead in self._playbook_guarded()
            for problem in lead._playbook_lost_problems(
                reason or lead.lost_reason_id, additional_values.get("closing_comment")
            )
        ]
        if problems:
            raise UserError("\n".join(problems))
        return super(CrmLead, self.with_context(playbook_lost_checked=True)).action_set_lost(**additional_values)
