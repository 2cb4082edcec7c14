def selected_leads(model):
    """Default for a wizard's leads: the leads selected where the action was opened."""
    context = model.env.context
    if context.get("active_model") != "crm.lead":
        return []
    return [(6, 0, context.get("active_ids", []))]


def reopen(wizard, title):
    """Show the wizard again, with its result, in the same dialog."""
    return {
        "type": "ir.actions.act_window",
        "res_model": wizard._name,
        "res_id": wizard.id,
        "view_mode": "form",
        "target": "new",
        "name": title,
    }
