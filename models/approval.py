"""One way to approve or reject what waits for an approver: proposals and orders (EV-6, EV-9)."""
from odoo.exceptions import UserError


def decide_approval(records, approve, *, state_field, pending, approver_field, followup_field, kind,
                    not_pending, not_approver):
    """Approve or reject ``records`` as their approver (or a CRM administrator) and close the follow-ups.

    ``not_pending`` and ``not_approver`` give the translated message for a record that is not waiting,
    or a user who may not decide.
    """
    user = records.env.user
    for record in records:
        if record[state_field] != pending:
            raise UserError(not_pending(record))
        if user != record[approver_field] and not user.has_group("sales_team.group_sale_manager"):
            raise UserError(not_approver(record))
    records.write({state_field: "approved" if approve else "rejected"})
    followups = records.env["crm.lead.followup"].sudo().search(
        [(followup_field, "in", records.ids), ("kind", "=", kind), ("state", "=", "pending")])
    if approve:
        followups.action_done()
    else:
        followups.action_cancel()
    return True
