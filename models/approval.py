"""One way to ask for, approve or reject what waits for an approver: proposals and orders (EV-6, EV-8)."""

from odoo.exceptions import UserError


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
    minutes of the team's working time, reminded then (EV-6, EV-8). Returns the follow-up."""
    record.sudo()[state_field] = pending  # sudo: asking for approval sets the state, which the author may not write
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
                "date_due": team._playbook_add_working_time(
                    record.env.cr.now(), company.playbook_approval_minutes, company
                ),
            }
        )
    )


def decide_approval(
    records, approve, *, state_field, pending, approver_field, followup_field, kind, not_pending, not_approver
):
    """Approve or reject ``records`` as their approver (or a CRM administrator) and close the follow-ups.

    ``not_pending`` and ``not_approver`` give the translated message for a record that is not waiting,
    or a user who may not decide.
    """
    records.check_access("read")
    user = records.env.user
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
    return True
