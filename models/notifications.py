"""What a button of the playbook answers: a notification, then the dialog it ran in closes (which reloads the
record behind it)."""


def notify_and_close(message, title=None, kind="success"):
    """The client action showing ``message`` (and ``title``) as an Odoo notification of ``kind`` (success, info,
    warning, danger), then closing the dialog."""
    params = {"type": kind, "message": message, "sticky": False, "next": {"type": "ir.actions.act_window_close"}}
    if title:
        params["title"] = title
    return {"type": "ir.actions.client", "tag": "display_notification", "params": params}
