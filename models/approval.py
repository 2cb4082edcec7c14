"""One way to ask for, approve or reject what waits for an approver: proposals and orders (EV-6, EV-8)."""

from markupsafe import Markup

from odoo.exceptions import UserError

# The follow-up kinds that stand for an approval request: the follow-up's field naming the request, the request's
# state field and pending value, and its method deciding it.
APPROVAL_KINDS = {
    "approve_proposal": ("proposal_id", "state", "to_approve", "_decide"),
    "approve_order": ("order_id", "playbook_approval_state", "pending", "_playbook_decide"),
}


def check_approver(records, vals=None, *, approver_field, author_field, requires_field, state_field, pending):
    """Refuse an approver the request cannot have, and a change of who approves while a request waits.

    The author of a proposal or order (``author_field``) never approves it, nor does whoever asks for the
    approval. ``vals`` are the values being written, or None when the approval is being asked for.
    """
    env = records.env
    if env.su:
        return
    for record in records:
        if vals is not None and record[state_field] == pending and {approver_field, requires_field} & set(vals):
            raise UserError(
                env._(
                    "%(record)s is waiting for %(approver)s: who approves, and whether approval is required, cannot "
                    "change until it is approved or rejected.",
                    record=record.display_name,
                    approver=record[approver_field].name,
                )
            )
        approver = (
            env["res.users"].browse(vals[approver_field])
            if vals and vals.get(approver_field)
            else record[approver_field]
        )
        askers = record[author_field] if vals is not None else record[author_field] | env.user
        if approver and approver in askers:
            raise UserError(
                env._(
                    "%(record)s: %(approver)s asks for the approval and cannot give it. Choose another approver.",
                    record=record.display_name,
                    approver=approver.name,
                )
            )


def ask_approval(record, *, state_field, pending, approver, kind, link_field, lead, team, company, name, note):
    """Put ``record`` in its pending state and give its approver a follow-up due after the company's approval
    minutes of the team's working time, reminded then; the approver's team leader hears of it after the same
    minutes again if it is still pending (EV-6, EV-8). Returns the follow-up."""
    record.sudo()[state_field] = pending  # sudo: asking for approval sets the state, which the author may not write
    minutes = company.playbook_approval_minutes
    date_due = team._playbook_add_working_time(record.env.cr.now(), minutes, company)
    # sudo: the approver's follow-up is the playbook's entry, on a lead or order the author may not share
    return (
        record.env["crm.lead.followup"]
        .sudo()
        .create(
            {
                link_field: record.id,
                "lead_id": lead.id,
                "kind": kind,
                "user_id": approver.id,
                "name": name,
                "note": note,
                "date_due": date_due,
                "escalate_at": team._playbook_add_working_time(date_due, minutes, company),
            }
        )
    )


def decide_approval(
    records,
    approve,
    *,
    state_field,
    pending,
    approver_field,
    author_field,
    followup_field,
    kind,
    not_pending,
    not_approver,
    reason=None,
):
    """Approve or reject ``records`` as their approver (or a CRM administrator) and close the follow-ups.

    ``not_pending`` and ``not_approver`` give the translated message for a record that is not waiting,
    or a user who may not decide. A rejection needs its ``reason``, which the author is told.
    """
    records.check_access("read")
    env = records.env
    user = env.user
    if not approve and not (reason or "").strip():
        raise UserError(env._("Say why %(records)s is rejected.", records=", ".join(records.mapped("display_name"))))
    for record in records:
        if record[state_field] != pending:
            raise UserError(not_pending(record))
        if user != record[approver_field] and not user._playbook_is_crm_admin():
            raise UserError(not_approver(record))
    # sudo: the approval state is written by the approver's decision only; the approver may only read the record
    records.sudo().write({state_field: "approved" if approve else "rejected"})
    Followup = records.env["crm.lead.followup"].sudo()  # sudo: the approver's follow-up closes with the request
    followups = Followup.search([(followup_field, "in", records.ids), ("kind", "=", kind), ("state", "=", "pending")])
    if approve:
        followups.action_done()
    else:
        followups.action_cancel()
        for record in records:
            # sudo: the approver, who may only read the request, tells its author why it was rejected
            record.sudo().message_post(
                body=Markup("<p>%s</p>")
                % env._("Rejected by %(approver)s: %(reason)s", approver=user.name, reason=reason.strip()),
                partner_ids=record[author_field].partner_id.ids,
                message_type="comment",
                subtype_xmlid="mail.mt_note",
            )
    return True


def approve_by_activity(followups, env):
    """The approver marked the activity of approval ``followups`` done: that approves the requests (EV-8).

    ``env`` is the environment of the user who marked it: only the approver or a CRM administrator approves,
    anyone else is refused as on the Approve button. Requests no longer pending are left as they are.
    """
    for kind, (field, state_field, pending, decide) in APPROVAL_KINDS.items():
        requests = followups.filtered(lambda followup, kind=kind: followup.kind == kind)[field]
        waiting = requests.filtered(lambda request, f=state_field, p=pending: request[f] == p).with_env(env)
        if waiting:
            getattr(waiting, decide)(True)


def approver_leader(approver, team, company):
    """Who hears of a request its approver leaves pending: the leader of a team the approver belongs to, else
    the leader of the request's team, else the company's deputy director; never the approver (EV-8)."""
    # sudo: the teams are read to find a leader to tell, not shown to anyone
    teams = (
        approver.env["crm.team"]
        .sudo()
        .search(
            [("crm_team_member_ids.user_id", "=", approver.id), ("company_id", "in", [False, company.id])],
            order="sequence, id",
        )
    )
    leaders = (teams.user_id | team.user_id) - approver
    return leaders[:1] or (company._playbook_deputy_directors() - approver)[:1]
