"""Intake of a lead: one lead per client and product, repeated requests merged, imports, the inbound desk,
the default source of each channel, the request categories and the follow-ups a new request starts
(PP-6, PP-8, ST-1 to ST-4, ST-13, ST-16, RC-1)."""

from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models, tools
from odoo.tools.sql import create_index

from . import roles
from .advisory_locks import init_claims, lock_keys
from .lead_intake import LeadMatcher
from .playbook_rules import REQUEST_CATEGORIES, REQUEST_CATEGORY_ROUTES, TEMPERATURE_RANK
from .roles import check_allowed_companies


class CrmLead(models.Model):
    _inherit = "crm.lead"

    playbook_vip = fields.Boolean(
        string="VIP Client", related="partner_id.commercial_partner_id.playbook_vip", store=True, index=True
    )
    playbook_request_reason = fields.Char(
        string="Request Reason", tracking=True, help="Why a regular customer got in touch."
    )
    # Request category (ST-16)
    playbook_request_category = fields.Selection(
        REQUEST_CATEGORIES,
        string="Request Category",
        index=True,
        tracking=True,
        help="Long order: the salesperson checks availability and delivery with the supplier and calls back "
        "within the hour. Product question from the site: the product specialist consults the client. "
        "Urgent order from the site: hot, the salesperson calls back within minutes.",
    )

    def init(self):
        result = super().init()
        # Duplicate lookups compare whole normalized emails, many at once: Odoo's trigram
        # index serves "contains" searches and is slow for that; a plain btree is not.
        create_index(
            self.env.cr,
            "crm_lead_playbook_email_normalized_btree",
            self._table,
            ["email_normalized"],
            where="email_normalized IS NOT NULL",
        )
        init_claims(self.env.cr)
        return result

    # Hooks of the lead's create and write (models/crm_lead.py) -------------------------------------

    @api.model
    def _playbook_intake_defaults(self, vals_list):
        """Fill what a request leaves open, before anything reads it (PP-6, ST-16).

        A request of a playbook team with a channel and no source gets the channel's default source (company
        settings), and with it a temperature and a response deadline. An urgent order from the site is urgent.
        """
        teams = self.env["crm.team"].browse(
            {vals.get("team_id") or self.env.context.get("default_team_id") for vals in vals_list} - {None, False}
        )
        # sudo: whether a team follows the playbook and its company decide the defaults, whoever creates the lead
        follows = {team.id: team for team in teams.sudo() if team._playbook_follows()}
        for vals in vals_list:
            if vals.get("playbook_request_category") == "urgent_order" and not vals.get("playbook_urgency"):
                vals["playbook_urgency"] = "urgent"
            team = follows.get(vals.get("team_id") or self.env.context.get("default_team_id"))
            if not team or vals.get("source_id") or not vals.get("channel"):
                continue
            company = self.env["res.company"].browse(vals.get("company_id")) or team.company_id or self.env.company
            source = company.sudo()._playbook_channel_source(vals["channel"])  # sudo: a setting read for the lead
            if source:
                vals["source_id"] = source.id

    @api.model
    def _playbook_intake_match(self, vals_list):
        """(matcher, rows to create): the rows that repeat an open lead's request are merged, not created."""
        matcher = LeadMatcher(self, vals_list, lock=True) if self._playbook_dedup_enabled() else None
        new_vals = [vals for row, vals in enumerate(vals_list) if not matcher or matcher.creates(row)]
        if matcher and len(new_vals) < len(vals_list):
            # A merged row creates nothing, so Odoo checks nothing: the requester must be allowed to create
            # leads (create([]) returns before its own check); LeadMatcher stays in the user's companies.
            self.browse().check_access("create")
        return matcher, new_vals

    def _playbook_intake_on_create(self):
        routed = self._playbook_route_request_category(created=True)
        self._playbook_plan_request_followups(created=True, planned=routed)
        self.filtered(lambda lead: lead.playbook_vip and lead.work_status == "new")._playbook_flag_vip()

    def _playbook_intake_after_write(self, vals):
        if vals.get("playbook_request_category") == "urgent_order" and "playbook_urgency" not in vals:
            # sudo: an urgent order is urgent (ST-16), the user's write of the category was checked
            self.filtered(lambda lead: not lead.playbook_urgency).sudo().playbook_urgency = "urgent"
        if {"playbook_request_category", "playbook_urgency"} & set(vals):
            self._playbook_route_request_category()
        if "user_id" in vals:
            self._playbook_plan_request_followups()

    def message_new(self, msg_dict, custom_values=None):
        """Leads from the email gateway arrived by email."""
        custom_values = dict(custom_values or {})
        custom_values.setdefault("channel", "email")
        return super().message_new(msg_dict, custom_values=custom_values)

    @api.model
    def load(self, fields, data):
        """Imports say which rows were merged into an existing lead instead of creating one."""
        merges = []
        result = super(CrmLead, self.with_context(playbook_intake_log=merges)).load(fields, data)
        for info, lead in merges:
            result["messages"].append(
                dict(
                    info or {},
                    type="info",
                    message=self.env._(
                        "Merged into the existing lead %(lead)s (id %(id)s): same client and product.",
                        lead=lead.display_name,
                        id=lead.id,
                    ),
                )
            )
        return result

    def _load_records(self, data_list, update=False, ignore_duplicates=False):
        log = self.env.context.get("playbook_intake_log")
        if log is None:
            return super()._load_records(data_list, update=update, ignore_duplicates=ignore_duplicates)
        merged = []
        records = super(CrmLead, self.with_context(playbook_intake_merged=merged))._load_records(
            data_list, update=update, ignore_duplicates=ignore_duplicates
        )
        infos = {id(data["values"]): data.get("info") for data in data_list}
        log.extend((infos.get(vals_id), lead) for vals_id, lead in merged)
        return records

    @api.model
    def _playbook_find_same_request(self, vals):
        """The client's open lead that a request with these values would join if it were created: the rule of
        create (``LeadMatcher``, PP-8, ST-13), for screens that look before they create (the inbound desk)."""
        if not self._playbook_dedup_enabled():
            return self.browse()
        target = LeadMatcher(self, [dict(vals)]).targets[0]
        return target if isinstance(target, models.BaseModel) else self.browse()

    @api.model
    def _playbook_dedup_enabled(self):
        return not self.env.context.get("playbook_no_dedup") and self.env.company.playbook_dedup

    def _playbook_merge_intake(self, vals):
        """Fold a repeated request into this open lead (PP-8): hotter, more contacts, its details logged."""
        self.ensure_one()
        # create() checked that the requester may create leads in the lead's company.
        # sudo: the repeated request is folded into the client's open lead, which the requester may not edit
        lead = self.sudo()
        updates = {}
        source = self.env["utm.source"].browse(vals.get("source_id"))
        temperature = vals.get("temperature") or source.temperature
        if TEMPERATURE_RANK.get(temperature, 0) > TEMPERATURE_RANK.get(lead.temperature, 0):
            updates["temperature"] = temperature
        # What the request says of itself and the lead does not know yet: its category, urgency, wanted date (ST-16).
        for field_name in ("playbook_request_category", "playbook_urgency", "playbook_request_date"):
            if vals.get(field_name) and not lead[field_name]:
                updates[field_name] = vals[field_name]
        country = lead.country_id or self.env["res.country"].browse(
            (lead.company_id or self.env.company)._playbook_country()[0]
        )
        known_phones = {lead.phone_sanitized, lead._phone_format(number=lead.mobile, country=country)} - {False, None}
        for number in (vals.get("phone"), vals.get("mobile")):
            sanitized = number and lead._phone_format(number=number, country=country)
            if sanitized and sanitized not in known_phones:
                field_name = "phone" if not lead.phone and "phone" not in updates else "mobile"
                if not lead[field_name] and field_name not in updates:
                    updates[field_name] = number
                known_phones.add(sanitized)
        email = tools.email_normalize(vals.get("email_from") or "")
        if email and email != lead.email_normalized:
            if not lead.email_from:
                updates["email_from"] = vals["email_from"]
            elif email not in (lead.email_cc or ""):
                updates["email_cc"] = ", ".join(filter(None, [lead.email_cc, vals["email_from"]]))
        if updates:
            lead.write(updates)
        lead.message_post(
            body=lead._playbook_intake_summary(vals), message_type="comment", subtype_xmlid="mail.mt_note"
        )
        merged = self.env.context.get("playbook_intake_merged")
        if merged is not None:
            merged.append((id(vals), lead.with_env(self.env)))

    def _playbook_log_inbound(
        self,
        kind,
        channel,
        caller_name,
        question,
        forwarded_to,
        manager_busy=False,
        request_reason=False,
        new_client=False,
        lead_created=False,
        details=None,
    ):
        """Log a call or letter registered at the inbound desk on this lead (EV-1, EV-2, ST-1, ST-3, RC-1).

        The call or letter becomes a done activity of the registering user, the desk's log gets its row, and
        the employee it went to a follow-up: the first contact, or the urgent callback the operator promised
        when the manager was busy. A regular customer's reason is recorded and the next contact planned.
        ``details`` are what the desk asked (category, urgency, wanted date, the source when the lead has none:
        ST-16, PP-6), written on the lead; an urgent request makes the follow-up urgent.

        Registration is the operator's job, also on a lead the operator may only read (a client another
        salesperson works): the operator's read right is checked, the lead is edited as the system, and
        everything it changes carries the operator's name in the chatter. Anyone else needs the write right.
        """
        self.ensure_one()
        self.check_access("read")
        check_allowed_companies(self.env, self.company_id, self.display_name)
        lead = self
        if not self.has_access("write"):
            if not self.env.user._playbook_is_operator():
                self.check_access("write")
            lead = self.sudo()  # sudo: the operator registers the call on a lead it may only read (audited below)
            lead.message_post(
                body=self.env._(
                    "Registered at the inbound desk by %(operator)s, who may not edit this lead: the call or letter, "
                    "its follow-up and the client's reason below are the desk's entries.",
                    operator=self.env.user.name,
                ),
                message_type="notification",
                subtype_xmlid="mail.mt_note",
            )
        if details:
            lead.with_context(playbook_no_request_followups=True).write(details)
        client = lead.partner_id.commercial_partner_id
        company = lead.company_id or self.env.company
        if client.playbook_is_regular:
            if request_reason:
                lead.playbook_request_reason = request_reason
            # sudo: every talk with a regular customer plans the next one (RC-1), whoever took the call
            client.sudo().playbook_next_contact = fields.Date.context_today(self) + timedelta(
                days=company.playbook_regular_contact_days
            )
            if not lead_created and client.playbook_vip:
                lead._playbook_flag_vip()
        activity_type = self.env.ref("crm_sales_playbook.mail_activity_type_inbound_" + kind)
        subject = self.env._("Call from a client") if kind == "call" else self.env._("Letter from a client")
        activity = lead.activity_schedule(
            activity_type_id=activity_type.id,
            summary=subject,
            note=question,
            user_id=self.env.user.id,
            date_deadline=fields.Date.context_today(self),
        )
        # The question is said once, in the call's entry in the chatter: not again as feedback, nor as the lead's
        # description or its follow-up's note.
        activity.action_feedback()
        # sudo: the desk's log and the follow-up are written by the registration only; users read them
        su_env = self.sudo().env
        su_env["crm.inbound.contact"].create(
            {
                "kind": kind,
                "channel": channel,
                "caller_name": caller_name,
                "operator_id": self.env.user.id,
                "lead_id": lead.id,
                "partner_id": lead.partner_id.id,
                "new_client": new_client,
                "lead_created": lead_created,
                "forwarded_to_id": forwarded_to.id,
                "team_id": lead.team_id.id,
                "company_id": company.id,
                "question": question,
            }
        )
        Followup = su_env["crm.lead.followup"]
        now = self.env.cr.now()
        if manager_busy:
            values = {
                "kind": "busy_callback",
                "priority": "1",
                "name": self.env._("Call back as promised: %(caller)s", caller=caller_name),
                "date_due": lead.team_id._playbook_add_working_time(
                    now, company.playbook_busy_callback_minutes, company
                ),
            }
        else:
            values = {
                "kind": "first_contact",
                "priority": "1" if lead.playbook_urgency == "urgent" else "0",
                "name": self.env._("First contact with the client: %(caller)s", caller=caller_name),
                "date_due": lead.team_id._playbook_add_working_time(
                    now, company.playbook_first_contact_minutes, company
                ),
            }
        return Followup.create(dict(values, lead_id=lead.id, user_id=forwarded_to.id))

    def _playbook_intake_summary(self, vals):
        lines = [self.env._("The client asked again: a new request was merged into this lead.")]
        labels = {
            "name": self.env._("Request"),
            "contact_name": self.env._("Contact Person"),
            "email_from": self.env._("Email"),
            "phone": self.env._("Phone"),
            "mobile": self.env._("Mobile"),
        }
        for key, label in labels.items():
            if vals.get(key):
                lines.append(Markup("%s: %s") % (label, vals[key]))
        if vals.get("channel"):
            channels = dict(self._fields["channel"]._description_selection(self.env))
            lines.append(Markup("%s: %s") % (self.env._("Channel"), channels.get(vals["channel"], "")))
        if vals.get("source_id"):
            source = self.env["utm.source"].browse(vals["source_id"])
            lines.append(Markup("%s: %s") % (self.env._("Source"), source.name))
        body = Markup("<br/>").join(lines)
        if vals.get("description"):
            body += Markup("<br/>") + tools.html_sanitize(vals["description"])
        return body

    def _playbook_flag_vip(self):
        """A VIP client's request is flagged to the sales center: high priority, an activity, a notice (RC-1)."""
        # sudo: a VIP request is flagged to the sales center whoever registered it (RC-1)
        for lead in self.sudo():
            support = self.env["res.users"]._playbook_users_of(roles.SUPPORT, lead.company_id or None)
            lead.priority = "3"
            center = (lead.team_id.user_id | support).filtered("active")
            responsible = lead.team_id.user_id or lead.user_id or support[:1]
            if responsible:
                lead.activity_schedule(
                    "mail.mail_activity_data_todo",
                    user_id=responsible.id,
                    date_deadline=fields.Date.context_today(lead),
                    summary=self.env._(
                        "VIP request: serve first (%(client)s)", client=lead.partner_id.commercial_partner_id.name
                    ),
                )
            if center:
                lead.message_notify(
                    partner_ids=center.partner_id.ids,
                    subject=self.env._("VIP request: %(lead)s", lead=lead.display_name),
                    body=self.env._(
                        "%(client)s, a VIP client, sent a request: serve it first.",
                        client=lead.partner_id.commercial_partner_id.name,
                    ),
                )

    def _playbook_request_followup_candidates(self):
        return self.filtered(lambda lead: lead.work_status == "new" and lead.team_id.playbook_guards and lead.active)

    def _playbook_plan_request_followups(self, created=False, planned=None):
        """A web request gets a confirmation call; a new request given to a manager a call back in an hour.

        ``created``: the leads were created by this very create, which no other transaction sees yet: nothing to
        lock, and none has a follow-up but ``planned``, those the create planned before (nothing to search)."""
        if self.env.context.get("playbook_no_request_followups"):
            return
        # sudo: the request's follow-ups go to the operator and the manager, whoever created the lead (ST-2, ST-4)
        Followup = self.env["crm.lead.followup"].sudo()
        new = self._playbook_request_followup_candidates()
        if not new:
            return
        if created:
            existing = (planned or Followup).filtered(lambda followup: followup.state == "pending")
        else:
            # One pending follow-up of a kind per lead, also when two requests plan them at once.
            lock_keys(self.env, {("crm.lead.followup", lead.id) for lead in new})
            existing = Followup.search([("lead_id", "in", new.ids), ("state", "=", "pending")])
        pending = {(followup.lead_id.id, followup.kind) for followup in existing}
        now = self.env.cr.now()
        deadlines = {}

        def due(team, company, minutes):
            # Every lead of the batch starts at once: one reading of the calendar per team, company and delay.
            key = (team, company, minutes)
            if key not in deadlines:
                deadlines[key] = team._playbook_add_working_time(now, minutes, company)
            return deadlines[key]

        values = []
        for lead in new:
            company = lead.company_id or self.env.company
            if lead.channel == "web_form" and (lead.id, "confirm_call") not in pending:
                operator = lead._playbook_operator()
                if operator:
                    values.append(
                        {
                            "lead_id": lead.id,
                            "kind": "confirm_call",
                            "user_id": operator.id,
                            "name": self.env._("Confirmation call: %(lead)s", lead=lead.display_name),
                            "date_due": due(lead.team_id, company, company.playbook_confirm_minutes),
                        }
                    )
            if (
                lead.user_id
                and lead._playbook_is_client_request()
                and not lead.date_planned_contact
                and not {(lead.id, kind) for kind in ("answer_call", "first_contact", "busy_callback")} & pending
            ):
                values.append(
                    {
                        "lead_id": lead.id,
                        "kind": "answer_call",
                        "user_id": lead.user_id.id,
                        "name": self.env._("Call the client back: %(lead)s", lead=lead.display_name),
                        "date_due": due(lead.team_id, company, company.playbook_answer_minutes),
                    }
                )
        if values:
            Followup.create(values)

    def _playbook_route_request_category(self, created=False):
        """Route a request by its category, as the distributor standard does (ST-16; 003, BP-1 to BP-3).

        In teams that follow the playbook: an urgent request (an urgent order from the site) is hot and its
        salesperson, else the team leader, gets an urgent follow-up due within the promised-callback minutes; a
        long order goes to the salesperson to check availability and delivery with the supplier and call back
        within the hour; a product question from the site goes to the product specialist, else the team leader,
        for a consultation within the hour. A pending follow-up due as early for the same person is enough. The
        inbound desk plans its own follow-up (``playbook_no_request_followups``); the temperature is raised still.
        Unless they were just ``created``, the leads' follow-ups are locked first (one pending of a kind).
        """
        leads = self.filtered(
            lambda lead: (
                lead.active
                and lead.work_status == "new"
                and (lead.playbook_request_category or lead.playbook_urgency == "urgent")
                and lead.team_id
                and lead.team_id._playbook_follows()
            )
        )
        if not leads:
            return self.env["crm.lead.followup"]
        # sudo: the request's category decides its temperature and who is told (ST-16), whoever registered it
        leads = leads.sudo()
        leads.filtered(
            lambda lead: lead.playbook_urgency == "urgent" and TEMPERATURE_RANK.get(lead.temperature, 0) < 3
        ).temperature = "hot"
        # sudo: the category's follow-up goes to the salesperson or the specialist, whoever registered the request
        Followup = self.env["crm.lead.followup"].sudo()
        if self.env.context.get("playbook_no_request_followups"):
            return Followup
        if not created:
            lock_keys(self.env, {("crm.lead.followup", lead.id) for lead in leads})
        pending = Followup.search_fetch(
            [
                ("lead_id", "in", leads.ids),
                ("state", "=", "pending"),
                ("kind", "in", ("answer_call", "first_contact", "busy_callback")),
            ],
            ["lead_id", "user_id", "date_due"],
        )
        now = self.env.cr.now()
        values = []
        for lead in leads:
            route = lead._playbook_request_route()
            company = lead.company_id or self.env.company
            user = (
                company.playbook_product_specialist_id if route["who"] == "specialist" else lead.user_id
            ) or lead.team_id.user_id
            if not user:
                continue
            due = lead.team_id._playbook_add_working_time(now, company[route["minutes"]], company)
            if any(f.lead_id == lead and f.user_id == user and f.date_due <= due for f in pending):
                continue
            values.append(
                {
                    "lead_id": lead.id,
                    "kind": "answer_call",
                    "user_id": user.id,
                    "priority": "1" if route["urgent"] else "0",
                    "name": route["name"],
                    "note": lead.description and tools.html2plaintext(lead.description),
                    "date_due": due,
                }
            )
        return Followup.create(values) if values else Followup

    def _playbook_request_route(self):
        """Who handles this request and how fast (``REQUEST_CATEGORY_ROUTES``); an urgent request of another or
        no category is handled as an urgent order."""
        self.ensure_one()
        category = "urgent_order" if self.playbook_urgency == "urgent" else self.playbook_request_category
        if category == "long_order":
            name = self.env._(
                "Long order: check availability and delivery with the supplier, call the client back: %(lead)s",
                lead=self.display_name,
            )
        elif category == "product_question":
            name = self.env._("Product question: consult the client: %(lead)s", lead=self.display_name)
        else:
            name = self.env._("Urgent order: call the client back at once: %(lead)s", lead=self.display_name)
        return dict(REQUEST_CATEGORY_ROUTES[category], name=name)

    def _playbook_is_client_request(self):
        """The client asked (a call, letter, web form or chat, or a source the client starts): not a prospect."""
        return (
            self.channel in ("inbound_call", "email", "web_form", "online_chat") or self.source_id.initiator == "client"
        )

    def _playbook_operator(self):
        """Who makes the confirmation call of a web request: the team's call-center operator, else its leader."""
        self.ensure_one()
        if not self.team_id:
            return self.env["res.users"]
        operator_id = self.team_id._playbook_operator_id()
        return self.env["res.users"].browse(operator_id) if operator_id else self.team_id.user_id
